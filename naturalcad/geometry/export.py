"""Shape -> file bytes: STL, STEP, GLB and a PNG preview for solids; DXF, SVG and PNG for
flat outputs. Everything renders headless, with no GPU."""

import io
import math
import tempfile
from pathlib import Path

import build123d as bd
import numpy as np
from OCP.BRepMesh import BRepMesh_IncrementalMesh
from OCP.StlAPI import StlAPI_Writer
from PIL import Image, ImageDraw

from naturalcad.errors import CodedError

# Chord deviation of the meshes, relative to the part's largest size, bounded in mm: a
# 100 mm part deviates by at most 0.05 mm, and is meshed no finer than that.
_RELATIVE_TOLERANCE = 0.0005
_MIN_TOLERANCE_MM = 0.001
_ANGULAR_TOLERANCE = 0.2  # radians
PNG_SIZE = 512
_BACKGROUND = (246, 247, 250)
_COLOUR = np.array([104, 142, 214], dtype=float)
_LIGHT = np.array([0.35, 0.55, 0.75]) / np.linalg.norm([0.35, 0.55, 0.75])


def tolerance(shape) -> float:
    return max(_MIN_TOLERANCE_MM, max(shape.bounding_box().size) * _RELATIVE_TOLERANCE)


def export_solid(shape) -> dict[str, bytes]:
    tol = tolerance(shape)
    with tempfile.TemporaryDirectory(prefix="naturalcad-export-") as folder:
        out = Path(folder)
        write_stl(shape, out / "part.stl", tol)
        bd.export_step(shape, out / "part.step")
        bd.export_gltf(shape, str(out / "part.glb"), binary=True)  # reuses the STL's mesh
        files = {kind: (out / f"part.{kind}").read_bytes() for kind in ("stl", "step", "glb")}
    check_watertight(shape, tol)
    files["png"] = render_solid(shape, tol)
    return files


def write_stl(shape, path: Path, tol: float) -> None:
    """Binary STL meshed to an absolute deflection in mm (build123d's export_stl takes a
    relative one); the exporters that follow reuse this mesh."""
    BRepMesh_IncrementalMesh(shape.wrapped, tol, False, _ANGULAR_TOLERANCE, True).Perform()
    writer = StlAPI_Writer()
    writer.ASCIIMode = False
    if not writer.Write(shape.wrapped, str(path)):
        raise CodedError("geometry_invalid", "the mesh could not be written")


def export_flat(shape) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="naturalcad-export-") as folder:
        out = Path(folder)
        dxf = bd.ExportDXF(unit=bd.Unit.MM)
        dxf.add_layer("part")
        dxf.add_shape(shape, layer="part")
        dxf.write(out / "part.dxf")
        svg = bd.ExportSVG(unit=bd.Unit.MM, margin=2)
        svg.add_layer("part", line_weight=0.25)
        svg.add_shape(shape, layer="part")
        svg.write(out / "part.svg")
        files = {kind: (out / f"part.{kind}").read_bytes() for kind in ("dxf", "svg")}
    files["png"] = render_flat(shape)
    return files


def _mesh(shape, tol: float) -> tuple[np.ndarray, np.ndarray]:
    vertices, triangles = shape.tessellate(tol, 0.2)
    points = np.array([(v.X, v.Y, v.Z) for v in vertices], dtype=float)
    return points, np.array(triangles, dtype=np.int64).reshape(-1, 3)


def check_watertight(shape, tol: float) -> None:
    """Every mesh edge must border exactly two triangles, or the mesh has a gap."""
    for solid in shape.solids():
        points, triangles = _mesh(solid, tol)
        # Faces are meshed separately; weld their shared vertices by position first.
        _, ids = np.unique(np.round(points / (tol * 0.5)), axis=0, return_inverse=True)
        welded = ids.reshape(-1)[triangles]
        # Triangles that collapse when welded (at a sphere's pole, a cone's tip) are no gap.
        welded = welded[
            (welded[:, 0] != welded[:, 1])
            & (welded[:, 1] != welded[:, 2])
            & (welded[:, 0] != welded[:, 2])
        ]
        edges = np.sort(
            np.concatenate([welded[:, [0, 1]], welded[:, [1, 2]], welded[:, [2, 0]]]), axis=1
        )
        _, counts = np.unique(edges, axis=0, return_counts=True)
        if not np.all(counts == 2):
            raise CodedError("geometry_invalid", "the part's surface is not closed")


def _isometric(points: np.ndarray) -> np.ndarray:
    yaw, pitch = math.radians(45), math.radians(35.264)
    rz = np.array(
        [[math.cos(yaw), -math.sin(yaw), 0], [math.sin(yaw), math.cos(yaw), 0], [0, 0, 1]]
    )
    rx = np.array(
        [[1, 0, 0], [0, math.cos(pitch), -math.sin(pitch)], [0, math.sin(pitch), math.cos(pitch)]]
    )
    return points @ rz.T @ rx.T  # x right, z up on screen, y into the screen


def _fit(xy: np.ndarray) -> np.ndarray:
    low, high = xy.min(axis=0), xy.max(axis=0)
    scale = (PNG_SIZE * 0.84) / max(float((high - low).max()), 1e-9)
    centred = (xy - (low + high) / 2) * scale
    return np.column_stack([PNG_SIZE / 2 + centred[:, 0], PNG_SIZE / 2 - centred[:, 1]])


def render_solid(shape, tol: float) -> bytes:
    """A shaded isometric view through a depth buffer (no GPU, no OpenGL)."""
    points, triangles = _mesh(shape, tol * 4)
    view = _isometric(points)
    corners = view[triangles]
    normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    lengths = np.linalg.norm(normals, axis=1, keepdims=True)
    normals = normals / np.where(lengths == 0, 1, lengths)
    shade = 0.35 + 0.65 * np.abs(normals @ _isometric(_LIGHT[None, :])[0])
    screen = _fit(view[:, [0, 2]])[triangles]
    depth = corners[:, :, 1]  # larger is farther from the viewer
    image = np.empty((PNG_SIZE, PNG_SIZE, 3), dtype=np.uint8)
    image[:] = _BACKGROUND
    zbuffer = np.full((PNG_SIZE, PNG_SIZE), np.inf)
    for index in range(len(triangles)):
        _fill(image, zbuffer, screen[index], depth[index], _COLOUR * shade[index])
    return _png(Image.fromarray(image))


def _fill(image, zbuffer, xy: np.ndarray, depth: np.ndarray, colour: np.ndarray) -> None:
    """Rasterize one triangle: keep each pixel's nearest surface."""
    x0, y0 = np.floor(xy.min(axis=0)).astype(int)
    x1, y1 = np.ceil(xy.max(axis=0)).astype(int)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, PNG_SIZE - 1), min(y1, PNG_SIZE - 1)
    if x1 < x0 or y1 < y0:
        return
    px, py = np.meshgrid(np.arange(x0, x1 + 1) + 0.5, np.arange(y0, y1 + 1) + 0.5)
    (ax, ay), (bx, by), (cx, cy) = xy
    area = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay)
    if abs(area) < 1e-12:
        return
    w0 = ((bx - px) * (cy - py) - (cx - px) * (by - py)) / area
    w1 = ((cx - px) * (ay - py) - (ax - px) * (cy - py)) / area
    w2 = 1 - w0 - w1
    inside = (w0 >= -1e-6) & (w1 >= -1e-6) & (w2 >= -1e-6)
    z = w0 * depth[0] + w1 * depth[1] + w2 * depth[2]
    region = zbuffer[y0 : y1 + 1, x0 : x1 + 1]
    nearer = inside & (z < region)
    region[nearer] = z[nearer]
    image[y0 : y1 + 1, x0 : x1 + 1][nearer] = np.clip(colour, 0, 255).astype(np.uint8)


def render_flat(shape) -> bytes:
    """The profile or path seen from above, as lines."""
    polylines = []
    for edge in shape.edges():
        ts = np.linspace(0, 1, 48 if edge.geom_type != bd.GeomType.LINE else 2)
        polylines.append(np.array([(p.X, p.Y) for p in (edge @ t for t in ts)]))
    if not polylines:
        raise CodedError("geometry_invalid", "the flat output has no edges")
    screen = _fit(np.concatenate(polylines))
    image = Image.new("RGB", (PNG_SIZE, PNG_SIZE), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    start = 0
    for line in polylines:
        draw.line(
            [tuple(p) for p in screen[start : start + len(line)]], fill=(30, 60, 140), width=3
        )
        start += len(line)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
