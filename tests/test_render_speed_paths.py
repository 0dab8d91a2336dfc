"""Speed paths of the talking portrait give the same pixels as the plain computation."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from sfumato.geometry.crop import head_box, head_crop
from sfumato.face.detect import find_faces
from sfumato.rig.mouth import MouthPose, MouthRig
from sfumato.rig.fields import upsample
from sfumato.rig.mouth_sample import clip01, one_lip_rows, sample_rows

POSES = [MouthPose(open=0.6), MouthPose(open=0.3, round=0.5), MouthPose(open=0.2, spread=0.7), MouthPose(open=1.0, round=0.2, spread=0.1),
         MouthPose(open=0.02, spread=0.01), MouthPose(open=0.05, tuck=1.0), MouthPose(open=0.3, round=0.2, tuck=0.5)]  # f/v: the tuck terms


@pytest.fixture(scope="module")
def mouth(astronaut):
    face = find_faces(astronaut)[0]
    crop = head_crop(astronaut, face, head_box(face, (astronaut.shape[1], astronaut.shape[0])))
    return crop.image, MouthRig.from_landmarks(crop.image, crop.landmarks)


def test_mouth_samples_only_weighted_rows_and_the_weighted_sum_is_unchanged():
    rng = np.random.default_rng(4)
    image = rng.integers(0, 256, (90, 120, 3), dtype=np.uint8)
    h, w = 40, 70
    mx = (rng.uniform(0, 119, (h, w))).astype(np.float32)
    my = (rng.uniform(0, 89, (h, w))).astype(np.float32)
    weight = np.zeros((h, w), np.float32)
    weight[12:25] = rng.uniform(0, 1, (13, w))
    weight[12, :5] = 0.0
    out = sample_rows(image, mx, my, weight)
    full = cv2.remap(image, mx, my, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    assert np.array_equal(out[12:25], full[12:25]) and not out[:12].any() and not out[25:].any()
    np.testing.assert_array_equal(out * weight[..., None], full * weight[..., None])  # bit for bit
    assert not sample_rows(image, mx, my, np.zeros((h, w), np.float32)).any()


def test_one_lip_fields_equal_both_lips_fields(mouth):
    """The lower (upper) lip's field alone, on its side of the lip line, is the full field's, bit for bit."""
    _, rig = mouth
    rng = np.random.default_rng(1)
    u = rng.uniform(-1.2 * rig.jaw_half, 1.2 * rig.jaw_half, 3000)
    w = rng.uniform(-1.2 * rig.nose, 1.5 * rig.chin, 3000)
    for pose in POSES:
        low, up = np.maximum(w, 0.0), np.minimum(w, 0.0)
        both_low, both_up = rig._fields(u, low, pose), rig._fields(u, up, pose)
        only_low, only_up = rig._fields(u, low, pose, "lower"), rig._fields(u, up, pose, "upper")
        assert only_low[3] is None and only_up[1] is None
        for a, b in ((only_low[0], both_low[0]), (only_low[1], both_low[1]), (only_up[2], both_up[2]), (only_up[3], both_up[3])):
            assert np.array_equal(a, b)
        if pose.open >= 0.3:
            assert np.abs(only_low[1]).max() > 1.0 and np.abs(only_up[3]).max() > 0.2  # the fields move pixels


def _plain_render(rig: MouthRig, image: np.ndarray, pose: MouthPose, shift=(0.0, 0.0)) -> np.ndarray:
    """The mouth drawn the plain way: both lips sampled and blended over the whole region."""
    x0, y0, x1, y1 = rig.roi(image.shape[1::-1], shift)
    mxu, myu, depth_u, mxl, myl, depth_l, u = rig._maps(x0, y0, x1, y1, (rig.centre[0] + shift[0], rig.centre[1] + shift[1]), pose)
    soft = max(1.0, rig.look.soft * rig.width)
    wu, wl = np.clip(0.5 - depth_u / soft, 0, 1), np.clip(0.5 + depth_l / soft, 0, 1)
    remap = lambda mx, my: cv2.remap(image, mx, my, cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)  # noqa: E731
    total = wu + wl
    colour = (remap(mxu, myu) * wu[..., None] + remap(mxl, myl) * wl[..., None]) / np.maximum(total, 1e-6)[..., None]
    gap = np.clip(1.0 - total, 0.0, 1.0)
    rows, cols = np.nonzero(gap.max(1) > 0)[0], np.nonzero(gap.max(0) > 0)[0]
    if len(rows):
        rig._paint_inside(colour, gap, depth_u, depth_l, u, image[y0:y1, x0:x1], rows, cols, pose)
    out = image.copy()
    out[y0:y1, x0:x1] = np.clip(np.rint(colour), 0, 255).astype(np.uint8)
    return out


def test_mouth_render_blends_only_where_the_lips_meet_and_equals_the_plain_blend(mouth):
    image, rig = mouth
    for pose, shift in zip(POSES, [(0.0, 0.0), (1.3, -0.7), (-2.25, 0.4), (0.5, 3.1), (0.0, 0.0)]):
        plain = _plain_render(rig, image, pose, shift)
        fast = rig.render(image, pose, shift)
        assert np.array_equal(fast, plain), pose
        assert (fast != image).any()
        inplace = image.copy()
        assert rig.render(inplace, pose, shift, inplace=True) is inplace and np.array_equal(inplace, plain)


def test_clip01_is_np_clip():
    x = np.linspace(-2, 3, 101, dtype=np.float32)
    assert np.array_equal(clip01(x), np.clip(x, 0.0, 1.0))


def test_upsampled_rows_equal_the_whole_regions_rows():
    rng = np.random.default_rng(2)
    coarse = [rng.normal(0, 5, (12, 17)) for _ in range(5)]
    whole = upsample(coarse, 4, (41, 63))
    part = upsample(coarse, 4, (41, 63), rows=(9, 30))
    assert all(np.array_equal(p, w[9:30]) for p, w in zip(part, whole)) and len(part) == 5


def test_rows_marked_one_lip_take_that_lip_whole():
    """Rows judged on the grid nodes hold only pixels of weight exactly (1, 0) or (0, 1)."""
    step, h, w, soft = 4, 57, 70, 1.5
    ny, nx = (h - 1) // step + 2, (w - 1) // step + 2
    y = np.arange(ny, dtype=np.float64)[:, None] * step - 28.0 + np.sin(np.arange(nx) / 3.0)[None, :]
    du, dl = y - 3.0, y + 3.0  # the upper pre-image above the lower one: an opening about row 28
    only_up, only_low = one_lip_rows(du, dl, soft, step, h)
    dense_u, dense_l = upsample([du, dl], step, (h, w))
    wu, wl = clip01(0.5 - dense_u / soft), clip01(0.5 + dense_l / soft)
    assert only_up.sum() > 10 and only_low.sum() > 10 and not (only_up & only_low).any()
    assert (wu[only_up] == 1).all() and (wl[only_up] == 0).all() and (wl[only_low] == 1).all() and (wu[only_low] == 0).all()
    mixed = ~(only_up | only_low)
    assert mixed.any() and ((wu[mixed] < 1) | (wl[mixed] > 0)).any()  # the rows where the lips part are not marked
