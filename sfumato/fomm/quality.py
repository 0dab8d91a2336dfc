"""How far one FOMM runtime's pictures are from another's (fast modes against exact).

A *case* is (name, source (256,256,3) float32 [0,1], driving frames [(256,256,3) float32]);
frame 0 of each clip is the reference pose (relative motion with adapt scale, as live).
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

import numpy as np

from sfumato.fomm.motion_np import adapt_movement_scale
from sfumato.fomm.onnx_runtime import FommOnnxRuntime

Case = Tuple[str, np.ndarray, List[np.ndarray]]


def run_cases(rt: FommOnnxRuntime, cases: Sequence[Case]) -> Dict[str, np.ndarray]:
    """Predictions (N,256,256,3) [0,1], deformations (N,64,64,2), occlusions (N,64,64), driving kp (N,K,2)."""
    preds, defs, occs, kps = [], [], [], []
    for _, source, frames in cases:
        cache = rt.prepare_source(source)
        kp0 = rt.keypoints(frames[0])
        scale = adapt_movement_scale(cache.kp_value, kp0[0])
        for f in frames:
            kps.append(rt.keypoints(f)[0][0])
            r = rt.drive(cache, f, kp0, True, True, scale)
            preds.append(r.prediction)
            defs.append(r.deformation)
            occs.append(r.occlusion)
    return {"prediction": np.stack(preds), "deformation": np.stack(defs), "occlusion": np.stack(occs),
            "kp": np.stack(kps)}


def run_cases_torch(model, cases: Sequence[Case]) -> Dict[str, np.ndarray]:
    """:func:`run_cases` on the PyTorch model (the exact mode): the reference of the fast modes."""
    from sfumato.fomm.model import to_tensor
    from sfumato.fomm.motion import normalize_kp

    preds, defs, occs, kps = [], [], [], []
    for _, source, frames in cases:
        cache = model.prepare_source(source)
        kp0 = model.detect(to_tensor(frames[0]))
        for f in frames:
            kp = model.detect(to_tensor(f))
            kps.append(kp[0][0].numpy())
            value, jac, _ = normalize_kp(cache.keypoints, kp, kp0, True, True)
            pred, deformation, occlusion, _ = model.generate(cache, value, jac)
            preds.append(pred[0].permute(1, 2, 0).numpy())
            defs.append(deformation[0].numpy())
            occs.append(occlusion[0, 0].numpy())
    return {"prediction": np.stack(preds), "deformation": np.stack(defs), "occlusion": np.stack(occs),
            "kp": np.stack(kps)}


def quality(fast: Dict[str, np.ndarray], exact: Dict[str, np.ndarray]) -> Dict[str, float]:
    """Differences of :func:`run_cases` outputs.

    mean / max / p999: absolute pixel difference of the prediction on the 0-255 scale;
    deform_px: largest deformation-grid difference in pixels of the 256 px output;
    kp_px: largest driving-keypoint difference in pixels of 256; occ: largest occlusion difference.
    """
    d = np.abs(fast["prediction"] - exact["prediction"]) * 255.0
    return {"mean": float(d.mean()), "max": float(d.max()), "p999": float(np.percentile(d, 99.9)),
            "deform_px": float(np.abs(fast["deformation"] - exact["deformation"]).max() * 128.0),
            "kp_px": float(np.abs(fast["kp"] - exact["kp"]).max() * 128.0),
            "occ": float(np.abs(fast["occlusion"] - exact["occlusion"]).max())}
