"""PNG previews, headless and without a GPU: a shaded isometric view of a solid, the outline
of a flat part."""

import io
import math

import build123d as bd
import numpy as np
from PIL import Image, ImageDraw

from naturalcad.errors import CodedError
from naturalcad.geometry.build import Shape
from naturalcad.geometry.mesh import Mesh

PNG_SIZE = 512
BACKGROUND = (246, 247, 250)
COLOUR = np.array([104, 142, 214], dtype=float)
# The preview is a palette image (index 0 the background, then shades of the colour): a
# third of the bytes to compress, and smaller files, with no visible banding at 255 shades.
_SHADES = 255
_PALETTE = [
    *BACKGROUND,
    *np.clip(np.outer(np.linspace(0, 1, _SHADES), COLOUR), 0, 255).astype(np.uint8).ravel(),
]
_LIGHT = np.array([0.35, 0.55, 0.75]) / np.linalg.norm([0.35, 0.55, 0.75])
# Pixels filled at once by the rasteriser: bounds its memory (about 50 bytes each) whatever
# the part, while keeping numpy's per-call overhead small.
_SAMPLES_PER_BATCH = 1 << 20
_EDGE = -1e-6  # a pixel centre on a shared edge belongs to both triangles: no cracks


def _isometric(points: np.ndarray) -> np.ndarray:
    yaw, pitch = math.radians(45), math.radians(35.264)
    rz = np.array(
        [[math.cos(yaw), -math.sin(yaw), 0], [math.sin(yaw), math.cos(yaw), 0], [0, 0, 1]]
    )
    rx = np.array(
        [[1, 0, 0], [0, math.cos(pitch), -math.sin(pitch)], [0, math.sin(pitch), math.cos(pitch)]]
    )
    return np.asarray(points @ rz.T @ rx.T)  # x right, z up on screen, y into the screen


def _fit(xy: np.ndarray) -> np.ndarray:
    low, high = xy.min(axis=0), xy.max(axis=0)
    scale = (PNG_SIZE * 0.84) / max(float((high - low).max()), 1e-9)
    centred = (xy - (low + high) / 2) * scale
    return np.column_stack([PNG_SIZE / 2 + centred[:, 0], PNG_SIZE / 2 - centred[:, 1]])


def render_solid(mesh: Mesh) -> bytes:
    """A shaded isometric view through a depth buffer."""
    view = _isometric(mesh.points)
    triangles = mesh.triangles
    corners = view[triangles]
    normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    if mesh.closed:
        # The far side of a closed surface is always hidden behind its near side: skip it.
        facing = normals[:, 1] < 0
        triangles, corners, normals = triangles[facing], corners[facing], normals[facing]
    lengths = np.linalg.norm(normals, axis=1, keepdims=True)
    normals = normals / np.where(lengths == 0, 1, lengths)
    shade = 0.35 + 0.65 * np.abs(normals @ _isometric(_LIGHT[None, :])[0])
    levels = 1 + np.round(shade * (_SHADES - 1)).astype(np.uint8)
    screen = _fit(view[:, [0, 2]])
    image = Image.fromarray(rasterize(screen[triangles], corners[:, :, 1], levels), mode="P")
    image.putpalette(_PALETTE)
    return _png(image)


def rasterize(xy: np.ndarray, depth: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Fill (m, 3, 2) screen triangles with their (m,) uint8 values, keeping at each pixel
    the one of least depth; 0 where none is drawn.

    Vectorised over all triangles at once: each triangle's span on each pixel row comes from
    its three edge equations, so only pixel centres inside a triangle are ever visited."""
    xy = xy.astype(np.float64)
    (ax, ay), (bx, by), (cx, cy) = (xy[:, i].T for i in range(3))
    area = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay)
    keep = np.abs(area) > 1e-9
    xy, depth, values, area = xy[keep], depth[keep], values[keep], area[keep]
    (ax, ay), (bx, by), (cx, cy) = (xy[:, i].T for i in range(3))
    # Barycentric weights are linear in the pixel position: w_i = a_i x + b_i y + c_i.
    a = np.stack([by - cy, cy - ay, ay - by]) / area
    b = np.stack([cx - bx, ax - cx, bx - ax]) / area
    c = np.stack([bx * cy - cx * by, cx * ay - ax * cy, ax * by - bx * ay]) / area
    z_a = np.einsum("it,ti->t", a, depth)
    z_b = np.einsum("it,ti->t", b, depth)
    z_c = np.einsum("it,ti->t", c, depth)
    low, high = xy.min(axis=1), xy.max(axis=1)
    # Rows whose pixel centre (y + 0.5) lies within the triangle's height, on the image.
    top = np.maximum(np.ceil(low[:, 1] - 0.5), 0).astype(np.int64)
    bottom = np.minimum(np.floor(high[:, 1] - 0.5), PNG_SIZE - 1).astype(np.int64)
    heights = np.maximum(bottom - top + 1, 0)
    tri = np.repeat(np.arange(len(xy)), heights)
    row = np.repeat(top, heights) + _offsets(heights)
    centre_y = row + 0.5
    left, right = low[tri, 0], high[tri, 0]
    empty = np.zeros(len(tri), dtype=bool)
    for i in range(3):
        slope, rest = a[i, tri], b[i, tri] * centre_y + c[i, tri]
        bound = (_EDGE - rest) / np.where(slope == 0, 1, slope)
        left = np.where(slope > 0, np.maximum(left, bound), left)
        right = np.where(slope < 0, np.minimum(right, bound), right)
        empty |= (slope == 0) & (rest < _EDGE)
    first = np.maximum(np.ceil(left - 0.5), 0).astype(np.int64)
    last = np.minimum(np.floor(right - 0.5), PNG_SIZE - 1).astype(np.int64)
    widths = np.where(empty, 0, np.maximum(last - first + 1, 0))
    zbuffer = np.full(PNG_SIZE * PNG_SIZE, np.inf)
    owner = np.full(PNG_SIZE * PNG_SIZE, -1, dtype=np.int64)
    ends = np.cumsum(widths)
    start = 0
    while start < len(widths):
        budget = ends[start] - widths[start] + _SAMPLES_PER_BATCH
        stop = max(start + 1, int(np.searchsorted(ends, budget, "right")))
        span = slice(start, stop)
        runs = widths[span]
        x = np.repeat(first[span], runs) + _offsets(runs)
        y = np.repeat(row[span], runs)
        t = np.repeat(tri[span], runs)
        z = z_a[t] * (x + 0.5) + z_b[t] * (y + 0.5) + z_c[t]
        pixel = y * PNG_SIZE + x
        np.minimum.at(zbuffer, pixel, z)
        won = z == zbuffer[pixel]
        owner[pixel[won]] = t[won]
        start = stop
    image = np.zeros(PNG_SIZE * PNG_SIZE, dtype=np.uint8)
    drawn = owner >= 0
    image[drawn] = values[owner[drawn]]
    return image.reshape(PNG_SIZE, PNG_SIZE)


def _offsets(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., n-1 for every n in counts, concatenated."""
    return np.asarray(np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts))


def render_flat(shape: Shape) -> bytes:
    """The profile or path seen from above, as lines."""
    polylines = []
    for edge in shape.edges():
        ts = np.linspace(0, 1, 48 if edge.geom_type != bd.GeomType.LINE else 2)
        polylines.append(np.array([(p.X, p.Y) for p in (edge @ t for t in ts)]))
    if not polylines:
        raise CodedError("geometry_invalid", "the flat output has no edges")
    screen = _fit(np.concatenate(polylines))
    image = Image.new("RGB", (PNG_SIZE, PNG_SIZE), BACKGROUND)
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
    # zlib's default level: a shaded preview compresses little further, at several times the cost.
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
