"""Shape -> file bytes, one function per format, through build123d's exporters."""

import tempfile
from pathlib import Path

import build123d as bd

# Chord deviation of the STL mesh, relative to the part's size, bounded in mm: a 100 mm
# part deviates by at most 0.05 mm.
_RELATIVE_TOLERANCE = 0.0005
_MIN_TOLERANCE_MM = 0.001


def _tolerance(shape) -> float:
    return max(_MIN_TOLERANCE_MM, shape.bounding_box().diagonal * _RELATIVE_TOLERANCE)


def export_files(shape) -> dict[str, bytes]:
    """Return {kind: bytes} for the 3D formats."""
    with tempfile.TemporaryDirectory(prefix="naturalcad-export-") as folder:
        out = Path(folder)
        tolerance = _tolerance(shape)
        bd.export_stl(shape, out / "part.stl", tolerance=tolerance, angular_tolerance=0.2)
        bd.export_step(shape, out / "part.step")
        bd.export_gltf(
            shape,
            str(out / "part.glb"),
            binary=True,
            linear_deflection=tolerance,
            angular_deflection=0.2,
        )
        return {kind: (out / f"part.{kind}").read_bytes() for kind in ("stl", "step", "glb")}
