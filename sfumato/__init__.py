"""sfumato core: everything both apps (``precompute``, ``live``) stand on.

Rooms, along the data path painting -> face -> engine -> blend -> bank -> live:
``imaging`` (reading, resizing), ``face`` (BlazeFace, FaceMesh, topology, gaze), ``engines``
(the animation engines behind one interface), ``rig`` (the painting rig the default engine
renders from), ``geometry`` (head crop, blend mask), ``bank`` (the frame-bank format),
``fomm`` (the First Order Motion Model and its backends), ``screen`` (pygame start-up),
``errors``.
"""

__version__ = "0.1.0"
