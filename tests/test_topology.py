"""The topology constants agree with the installed MediaPipe FaceMesh connection sets."""

from __future__ import annotations

import pytest

from sfumato.face import topology as t

conn = pytest.importorskip("mediapipe.python.solutions.face_mesh_connections")


def _edges(loop: tuple[int, ...]) -> set[frozenset[int]]:
    return {frozenset((a, b)) for a, b in zip(loop, loop[1:] + loop[:1])}


def _mp(edges) -> set[frozenset[int]]:
    return {frozenset(e) for e in edges}


def test_contours_are_mediapipes_loops():
    assert _edges(t.RIGHT_EYE_CONTOUR) == _mp(conn.FACEMESH_RIGHT_EYE)
    assert _edges(t.LEFT_EYE_CONTOUR) == _mp(conn.FACEMESH_LEFT_EYE)
    assert _edges(t.FACE_OVAL) == _mp(conn.FACEMESH_FACE_OVAL)
    assert _edges(t.LIPS_OUTER) | _edges(t.LIPS_INNER) == _mp(conn.FACEMESH_LIPS)
    assert _edges(t.RIGHT_IRIS[1:]) == _mp(conn.FACEMESH_RIGHT_IRIS)
    assert _edges(t.LEFT_IRIS[1:]) == _mp(conn.FACEMESH_LEFT_IRIS)


def test_counts_and_eyes():
    assert t.N_MESH == 468 and t.N_LANDMARKS == 478
    assert t.IRIS_CENTRES == (468, 473)
    assert t.EYES[0].iris == t.RIGHT_IRIS and t.EYES[1].contour == t.LEFT_EYE_CONTOUR
    for eye in t.EYES:
        assert set(eye.corners) <= set(eye.contour)
    assert set(t.MOUTH_CORNERS) <= set(t.LIPS_OUTER)
