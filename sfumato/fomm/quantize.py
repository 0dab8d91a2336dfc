"""Mixed-precision int8 quantisation of the FOMM motion generator (the CPU fast mode).

The motion generator's convolutions fall into groups (ONNX node-name prefixes of the graph
written by :mod:`sfumato.fomm.onnx_export`):

- ``dm_encoder`` / ``dm_decoder``: the dense-motion hourglass (64x64 and below);
- ``mask`` / ``occlusion``: the dense-motion heads (softmax over motions, sigmoid occlusion);
- ``bottleneck``: the six ResBlocks at the feature resolution (most of the FLOPs);
- ``up_blocks``: the two decoder up-sampling convs (128 and 256 px);
- ``final``: the last conv7x7 before the sigmoid.

Quantising the whole generator (the old fast mode) moves the picture by 7/255 on average
and up to ~150/255 on trained-like weights: errors in the dense-motion network bend the
deformation grid, so whole facial features move. The fast mode therefore quantises only
:data:`FAST_INT8_GROUPS` (chosen by ``benchmarks/fomm_int8_sensitivity.py``, one group at
a time) and keeps the motion network, its heads and the final conv in float32.
Weights are quantised per output channel (s8, symmetric), activations per tensor (u8),
with ranges calibrated on real face crops (:mod:`sfumato.fomm.calibration`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np

GROUP_PREFIXES: Dict[str, str] = {
    "dm_encoder": "/hourglass/encoder/",
    "dm_decoder": "/hourglass/decoder/",
    "mask": "/mask/",
    "occlusion": "/occlusion/",
    "bottleneck": "/bottleneck/",
    "up_blocks": "/up_blocks.",
    "final": "/final/",
}
FAST_INT8_GROUPS: tuple[str, ...] = ("bottleneck", "up_blocks")


class _FeedReader:
    """onnxruntime.quantization CalibrationDataReader over a list of feed dicts."""

    def __init__(self, feeds: List[Dict[str, np.ndarray]]) -> None:
        self._feeds = list(feeds)
        self._it = iter(self._feeds)

    def get_next(self) -> Optional[Dict[str, np.ndarray]]:
        return next(self._it, None)

    def rewind(self) -> None:
        self._it = iter(self._feeds)


def conv_groups(model_path: str | Path, fine: bool = False) -> Dict[str, List[str]]:
    """Conv node names of the generator graph by group ({group: [node name]}).

    fine: split ``bottleneck`` into ``bottleneck.r0`` .. and ``up_blocks`` into its blocks.
    """
    import onnx

    graph = onnx.load(str(model_path), load_external_data=False).graph
    groups: Dict[str, List[str]] = {}
    for node in graph.node:
        if node.op_type != "Conv":
            continue
        for group, prefix in GROUP_PREFIXES.items():
            if node.name.startswith(prefix):
                key = group
                if fine and group in ("bottleneck", "up_blocks"):
                    key = node.name.split("/")[1] if group == "up_blocks" else "bottleneck." + node.name.split("/")[2]
                groups.setdefault(key, []).append(node.name)
                break
    return groups


def quantize_generator_int8(fp32_path: str | Path, out_path: str | Path, feeds: Iterable[Dict[str, np.ndarray]],
                            groups: Sequence[str] = FAST_INT8_GROUPS, per_channel: bool = True,
                            fine: bool = False, quantize_outputs: bool = True) -> Path:
    """Static QDQ int8 quantisation of the convs in ``groups`` (u8 activations, s8 weights).

    Args:
        fp32_path: motion_generator.onnx (float32).
        out_path: where to write the int8 graph.
        feeds: calibration feeds (:func:`sfumato.fomm.onnx_export.calibration_feeds`).
        groups: group names of :data:`GROUP_PREFIXES` (or fine names with ``fine=True``); "all" = every conv.
        per_channel: per-output-channel weight scales (recommended).
        quantize_outputs: also quantise each conv's output (lets ONNX Runtime fuse QLinearConv;
            False halves the error but the convs then run as dequantise + float conv).
    Returns:
        out_path. Everything not quantised (grid_sample, softmax, keypoint maths, excluded
        convs) runs in float32.
    """
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    fp32_path, out_path = Path(fp32_path), Path(out_path)
    by_group = conv_groups(fp32_path, fine)
    names = [n for g, ns in by_group.items() if "all" in groups or g in groups for n in ns]
    unknown = [g for g in groups if g != "all" and g not in by_group]
    if unknown or not names:
        raise ValueError(f"unknown or empty quantisation groups {list(groups)}; known: {sorted(by_group)}")
    extra = {"ActivationSymmetric": False, "WeightSymmetric": True}
    if not quantize_outputs:
        extra["OpTypesToExcludeOutputQuantization"] = ["Conv"]
    pre = out_path.with_name(out_path.stem + "_pre.onnx")
    quant_pre_process(str(fp32_path), str(pre), skip_symbolic_shape=True)
    try:
        quantize_static(str(pre), str(out_path), _FeedReader(list(feeds)), quant_format=QuantFormat.QDQ,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=per_channel,
                        op_types_to_quantize=["Conv"], nodes_to_quantize=names,
                        calibrate_method=CalibrationMethod.MinMax,
                        extra_options=extra)
    finally:
        if pre.exists():
            os.remove(pre)
    return out_path
