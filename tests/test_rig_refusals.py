"""Portraits whose eyes cannot be animated honestly get a head-turn-only bank and one line
saying why: dark glasses, eyes too small, closed eyes, a strict profile (real MediaPipe on
images made from the bundled astronaut)."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest

from tests.crops import head_crop_of
from sfumato.engines.base import Pose, SweepSpec
from sfumato.engines.rig import RigEngine
from sfumato.face.detect import mesh_landmarks
from sfumato.face.topology import EYES
from sfumato.rig.model import Rig
from sfumato.rig.rig import extract_rig


def sunglasses(astronaut: np.ndarray) -> np.ndarray:
    """The astronaut wearing dark glasses: two dark lenses over the eyes and a bridge."""
    img = astronaut.copy()
    lm = mesh_landmarks(img)
    centres = []
    for e in EYES:
        pts = lm[list(e.contour), :2]
        c, w = pts.mean(0), float(np.ptp(pts[:, 0]))
        centres.append(tuple(int(x) for x in c))
        cv2.ellipse(img, centres[-1], (int(0.85 * w), int(0.6 * w)), 0, 0, 360, (20, 22, 25), -1, cv2.LINE_AA)
    cv2.line(img, centres[0], centres[1], (20, 22, 25), 3, cv2.LINE_AA)
    return img


def too_small(astronaut: np.ndarray) -> np.ndarray:
    """The astronaut at half size: the face is still found (about 95 px), the eyes are 9 px wide."""
    return cv2.resize(astronaut, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)


def closed(astronaut: np.ndarray) -> np.ndarray:
    """The astronaut with her eyes closed (the rig's own full blink, pasted back)."""
    crop = head_crop_of(astronaut)
    eng = RigEngine()
    eng.prepare(crop)
    shut = eng.render_pose(Pose(0.0), 1.0)
    out = astronaut.copy()
    diff = np.any(shut != crop.image, axis=2)
    ys, xs = np.nonzero(diff)
    # the crop is a square window of the image: find where it lies by matching it
    res = cv2.matchTemplate(astronaut, crop.image, cv2.TM_SQDIFF)
    _, _, (mx, my), _ = cv2.minMaxLoc(res)
    out[my + ys, mx + xs] = shut[ys, xs]
    return out


CASES = {"sunglasses": sunglasses, "too_small": too_small, "closed": closed}
WHY = {"sunglasses": "dark glasses", "too_small": "too small", "closed": "closed"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_engine_refuses_the_eyes_with_one_line(case, astronaut, capsys):
    img = CASES[case](astronaut)
    crop = head_crop_of(img)
    capsys.readouterr()
    eng = RigEngine()
    eng.prepare(crop)
    err = capsys.readouterr().err
    assert eng.rig.eyes == [] and WHY[case] in eng.rig.eyes_off, eng.rig.eyes_off
    assert err.count("\n") == 1 and err.startswith("rig: eyes not animated, head turn only: "), err
    # head turn only: without it every frame is the painting; with it the head turns
    still = RigEngine(head_turn=0.0)
    still.load(crop.image, eng.rig)
    still.plan(SweepSpec(cols=3))
    assert all(np.array_equal(still.render(i), crop.image) for i in range(3))
    eng.plan(SweepSpec(cols=3))
    assert not np.array_equal(eng.render(0), crop.image)
    # no eyes painted onto closed lids or dark glasses: a blink changes nothing either
    assert np.array_equal(still.render(1, 1.0), crop.image)


def test_cli_builds_a_head_turn_only_bank_for_dark_glasses(tmp_path, astronaut):
    path = tmp_path / "glasses.png"
    cv2.imwrite(str(path), cv2.cvtColor(sunglasses(astronaut), cv2.COLOR_RGB2BGR))
    out = tmp_path / "bank"
    proc = subprocess.run([sys.executable, "-m", "precompute", str(path), "--out", str(out), "--frames", "3", "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if "eyes not animated" in ln]
    assert len(lines) == 1 and "dark glasses" in lines[0], proc.stderr
    rig = Rig.from_json((out / "rig.json").read_bytes())
    assert rig.eyes == [] and rig.eyes_off
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["engine"]["params"]["rig"]["eyes"] == 0 and manifest["engine"]["params"]["rig"]["eyes_off"] == rig.eyes_off


def test_strict_profile_is_refused(astronaut):
    """FaceMesh fits a frontal model, so a real profile cannot be made from the astronaut: her
    own landmarks, the far half of the face foreshortened as a 70 degree turn would."""
    crop = head_crop_of(astronaut)
    lm = np.asarray(crop.landmarks, np.float64).copy()
    nose = lm[1, 0]
    far = lm[:, 0] > nose
    lm[far, 0] = nose + (lm[far, 0] - nose) * np.cos(np.radians(70))
    rig = extract_rig(crop.image, lm)
    assert rig.eyes == [] and "strict profile" in rig.eyes_off, rig.eyes_off
    # the same face, frontal: rigged
    assert len(extract_rig(crop.image, crop.landmarks).eyes) == 2
