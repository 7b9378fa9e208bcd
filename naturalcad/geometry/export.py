"""Shape -> file bytes: STL, STEP, GLB and a PNG preview for solids; DXF, SVG and PNG for
flat outputs. Everything renders headless, with no GPU."""

import tempfile
from pathlib import Path

import build123d as bd

from naturalcad.geometry.build import Shape
from naturalcad.geometry.mesh import check_watertight, glb_bytes, stl_bytes, triangulate
from naturalcad.geometry.preview import COLOUR, render_flat, render_solid

# Chord deviation of the meshes, relative to the part's largest size, bounded in mm: a
# 100 mm part deviates by at most 0.05 mm, and is meshed no finer than that.
_RELATIVE_TOLERANCE = 0.0005
_MIN_TOLERANCE_MM = 0.001


def tolerance(shape: Shape) -> float:
    return max(_MIN_TOLERANCE_MM, float(max(shape.bounding_box().size)) * _RELATIVE_TOLERANCE)


def export_solid(shape: Shape) -> dict[str, bytes]:
    """Mesh once; the STL, the GLB, the watertight check and the PNG all read that mesh."""
    tol = tolerance(shape)
    mesh = triangulate(shape.wrapped, tol)
    check_watertight(mesh, tol)
    with tempfile.TemporaryDirectory(prefix="naturalcad-export-") as folder:
        step = Path(folder) / "part.step"
        bd.export_step(shape, step)
        files = {"step": step.read_bytes()}
    files["stl"] = stl_bytes(mesh)
    files["glb"] = glb_bytes(mesh, tuple(COLOUR / 255))
    files["png"] = render_solid(mesh)
    return files


def export_flat(shape: Shape) -> dict[str, bytes]:
    """The SVG and PNG of a flat part; its DXF is the cut file the drawing module writes."""
    with tempfile.TemporaryDirectory(prefix="naturalcad-export-") as folder:
        svg_path = Path(folder) / "part.svg"
        svg = bd.ExportSVG(unit=bd.Unit.MM, margin=2)
        svg.add_layer("part", line_weight=0.25)
        svg.add_shape(shape, layer="part")
        svg.write(svg_path)
        files = {"svg": svg_path.read_bytes()}
    files["png"] = render_flat(shape)
    return files
