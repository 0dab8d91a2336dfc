"""Presence states and the multi-viewer policy."""

from __future__ import annotations

from live.config import PresenceConfig
from live.presence import ENGAGED, HOLDING, IDLE, RETURNING, Presence
from live.selection import ViewerSelector
from live.tracker import Face


def make(glances: bool = False) -> Presence:
    cfg = PresenceConfig(lost_after_s=2.0, return_s=1.0, idle_glances=glances, glance_every_s=(5.0, 5.0),
                         glance_hold_s=1.0, glance_amount=0.5)
    return Presence(cfg, (0.0, 0.0), (-30.0, 30.0), seed=3)


def test_presence_engage_hold_return_idle():
    p = make()
    assert p.update(0.0, None) == (0.0, 0.0) and p.state == IDLE
    assert p.update(1.0, (20.0, 2.0)) == (20.0, 2.0) and p.state == ENGAGED
    assert p.update(2.5, None) == (20.0, 2.0) and p.state == HOLDING
    mid = p.update(3.5, None)                       # 2.5 s lost: returning, halfway
    assert p.state == RETURNING and 0.0 < mid[0] < 20.0
    assert p.update(4.2, None) == (0.0, 0.0) and p.state == IDLE
    assert p.update(4.3, (-10.0, 0.0)) == (-10.0, 0.0) and p.state == ENGAGED   # new viewer: at once


def test_presence_return_is_monotonic_ease():
    p = make()
    p.update(0.0, (24.0, 0.0))
    ys = [p.update(2.0 + k * 0.05, None)[0] for k in range(30)]
    assert ys == sorted(ys, reverse=True) and ys[-1] == 0.0


def test_idle_glances_go_aside_and_come_back():
    p = make(glances=True)
    ys = [p.update(k * 0.1, None)[0] for k in range(200)]     # 20 s nobody
    assert max(abs(y) for y in ys) > 0.6 * 0.5 * 30 - 1e-9    # glanced at least 60% of the reach
    assert max(abs(y) for y in ys) <= 0.5 * 30 + 1e-9
    assert ys[:40] == [0.0] * 40                                # waits before the first glance
    assert sum(1 for y in ys if y == 0.0) > 100                 # mostly rests at the centre
    q = make(glances=False)
    assert all(q.update(k * 0.1, None) == (0.0, 0.0) for k in range(200))


def face(cx: float, w: float = 100.0) -> Face:
    return Face((cx - w / 2, 100, w, w), 0.9, ((cx - 20, 140), (cx + 20, 140)))


def test_selection_picks_the_largest_then_sticks():
    s = ViewerSelector(keep_s=0.5, match_radius=1.0)
    assert s.choose([face(100, 90), face(400, 120)], 0.0) == 1         # nearest = largest
    # the other one grows larger than the followed one: still no flip
    for k in range(30):
        faces = [face(100, 150), face(400 + (k % 3), 120)]
        assert s.choose(faces, 0.1 + k / 30) == 1
    first = s.viewer_id
    # followed face missed for a few frames: hold (None), don't jump to the other face
    assert s.choose([face(100, 150)], 1.2) is None
    assert s.choose([face(100, 150), face(405, 120)], 1.3) == 1 and s.viewer_id == first
    # followed viewer leaves: switch after keep_s
    assert s.choose([face(100, 150)], 1.5) is None
    assert s.choose([face(100, 150)], 1.9) == 0 and s.viewer_id == first + 1


def test_selection_follows_a_walking_viewer():
    s = ViewerSelector(keep_s=0.5, match_radius=1.0)
    chosen = [s.choose([face(600 - 25 * k), face(60)], k / 30) for k in range(20)]
    assert chosen[0] == 0 and all(c == 0 for c in chosen) and s.viewer_id == 1
