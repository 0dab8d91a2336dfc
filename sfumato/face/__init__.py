"""Face analysis: BlazeFace detection, FaceMesh landmarks, topology, the gaze measure."""
