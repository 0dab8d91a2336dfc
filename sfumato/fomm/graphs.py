"""The FOMM ONNX graphs' file names and tensor names, shared by the exporter and every runtime.

Three graphs per checkpoint (:func:`sfumato.fomm.onnx_export.export_onnx`): the keypoint detector
(``image`` -> ``kp_value``, ``kp_jacobian``), the source encoder (``source`` -> ``source_features``,
``source_small``) and the motion generator (fp32, int8 or fp16 file, same tensors). No torch or
ONNX Runtime import here: the runtimes load without torch, the exporter without ONNX Runtime.
"""

from __future__ import annotations

from typing import Dict, Tuple

KP_FILE = "kp_detector.onnx"
ENCODER_FILE = "source_encoder.onnx"
GENERATOR_FILES: Dict[str, str] = {"exact": "motion_generator.onnx", "int8": "motion_generator_int8.onnx",
                                   "fp16": "motion_generator_fp16.onnx"}
KP_IO = (("image",), ("kp_value", "kp_jacobian"))
ENCODER_IO = (("source",), ("source_features", "source_small"))
GENERATOR_IO = (("source_small", "source_features", "kp_driving_value", "kp_driving_jacobian", "kp_source_value",
                 "kp_source_jacobian"), ("prediction", "deformation", "occlusion"))


def graph_io(graph: str) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """(input names, output names) of the graph file ``graph``: KP_FILE, ENCODER_FILE or one of
    GENERATOR_FILES' values. Raises ValueError for any other name."""
    if graph == KP_FILE:
        return KP_IO
    if graph == ENCODER_FILE:
        return ENCODER_IO
    if graph in GENERATOR_FILES.values():
        return GENERATOR_IO
    raise ValueError(f"not a FOMM graph file: {graph!r}")
