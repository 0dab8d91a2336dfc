"""The puppet worker's thread owns FaceMesh: stopping never closes it under a running call."""

from __future__ import annotations

import threading
import time

import numpy as np

from live.worker import FrameWorker, WorkerStats


class _Slow(FrameWorker):
    """A worker whose call takes ``hold`` seconds and whose resource records misuse."""

    def __init__(self, hold: float) -> None:
        super().__init__(WorkerStats())
        self.hold, self.busy, self.closed, self.closed_while_busy = hold, False, 0, False
        self.entered = threading.Event()

    def process(self, seq, image_bgr, face_box, t=None):
        self.busy = True
        self.entered.set()
        time.sleep(self.hold)
        self.busy = False
        return None

    def release(self) -> None:
        self.closed_while_busy |= self.busy
        self.closed += 1


def test_stop_that_times_out_leaves_closing_to_the_thread():
    w = _Slow(hold=0.6)
    w.start()
    w.submit(1, np.zeros((4, 4, 3), np.uint8), (0, 0, 4, 4))
    assert w.entered.wait(2.0)
    w.stop(timeout_s=0.05)                 # the call is still running: nothing may be closed now
    assert w.closed == 0
    w._thread.join(3.0)
    assert not w._thread.is_alive()
    assert w.closed == 1 and not w.closed_while_busy
    w.stop()                               # a second stop closes nothing twice
    assert w.closed == 1


def test_stop_of_an_idle_or_never_started_worker_closes_once():
    idle = _Slow(hold=0.0)
    idle.start()
    idle.stop()
    assert idle.closed == 1
    never = _Slow(hold=0.0)
    never.stop()
    never.stop()
    assert never.closed == 1


def test_puppet_worker_closes_facemesh_only_after_its_last_call():
    """The real worker, real FaceMesh on the astronaut: the rig render is held while stop() times out."""
    from live.config import PuppetConfig
    from live.puppet.worker import PuppetWorker
    from live.tracker import FaceTracker
    from tests.puppet_video import astronaut_rig

    img, _, rig = astronaut_rig()
    frame = np.ascontiguousarray(img[:, :, ::-1])
    box = FaceTracker().detect(frame)[0].box
    w = PuppetWorker(rig, PuppetConfig(capture_s=0.0), log=lambda m: None)
    gate, inside, events = threading.Event(), threading.Event(), []
    render, close = rig.render, w._mesh.close

    def held_render(*args):
        inside.set()
        gate.wait(5.0)
        events.append("render done")
        return render(*args)

    def logged_close():
        events.append("close")
        close()

    rig.render, w._mesh.close = held_render, logged_close
    w.start()
    try:
        for k in range(4):                  # the neutral needs a few frames, then a render starts
            w.submit(k, frame, box, k / 30)
            if inside.wait(0.5):
                break
        assert inside.is_set()
        w.stop(timeout_s=0.05)
        assert "close" not in events       # FaceMesh still open under the running call
    finally:
        gate.set()
        w._thread.join(5.0)
    assert events[-2:] == ["render done", "close"]
