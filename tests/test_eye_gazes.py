"""FaceMesh's gaze read eye by eye (issue #8, session 16: portrait_13's gaze range).

bench_rig's *gaze range* averages both eyes (:func:`sfumato.face.gaze.measure_gaze`);
:func:`sfumato.face.gaze.measure_eye_gazes` reads each eye alone over the same jittered copies
(``benchmarks/gaze_cases.py`` sets it beside where the rig drew each iris). In a mirrored copy
FaceMesh's "right eye" landmarks lie on the face's left eye, so they are swapped back: read
without the swap each eye's value would be half the two eyes' mean.
"""

from __future__ import annotations

import numpy as np


def test_one_moved_eye_reads_alone(ast_engine):
    """The astronaut's image-left iris alone moved 0.4 eye half-widths toward image +x (the
    other eye left as painted), 8 jittered copies (4 mirrored): that eye's reading moves by
    most of it, the other's hardly, and their mean is measure_gaze's."""
    from sfumato.face.gaze import measure_eye_gazes, measure_gaze
    from sfumato.rig.eye import render_eye

    crop = ast_engine._crop
    e = ast_engine.eyes[0]
    frame = crop.copy()
    rows, cols = e.roi
    frame[rows, cols] = np.clip(np.rint(render_eye(e, np.array([0.4 * e.frame.half_width, 0.0]))), 0, 255).astype(np.uint8)
    before, after = measure_eye_gazes(crop), measure_eye_gazes(frame)
    moved = [a - b for a, b in zip(after, before)]
    print("image-left / image-right moved", [round(m, 3) for m in moved])
    assert moved[0] >= 0.2, moved
    assert abs(moved[1]) <= 0.25 * moved[0], moved
    assert abs(np.mean(after) - measure_gaze(frame)[0]) < 1e-9
