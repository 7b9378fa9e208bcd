"""A technical drawing of a built part, on an A4 or A3 landscape sheet.

Front, top and left views in ISO first-angle projection plus an isometric, with visible and
hidden lines from OCCT's hidden-line removal (build123d's `project_to_viewport`), centre lines
and centre marks on round features, the part's overall dimensions, hole callouts from the spec
checked against the built shape, and a title block. The scale comes from the ISO 5455 series,
the largest that fits. Flat parts get their 1:1 cut file with dimensions on their own layer.
"""

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import build123d as bd
import numpy as np
import numpy.typing as npt
from OCP.BRepAdaptor import BRepAdaptor_Curve
from OCP.GCPnts import GCPnts_QuasiUniformDeflection

from naturalcad.errors import CodedError
from naturalcad.geometry import sheet as sh
from naturalcad.geometry.holes import HoleGroup, holes_in

# ISO 5455 scales, largest first.
SCALES = (50, 20, 10, 5, 2, 1, 1 / 2, 1 / 5, 1 / 10, 1 / 20, 1 / 50, 1 / 100, 1 / 200, 1 / 500)
SHEETS = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}  # landscape, mm
# Hidden-line removal grows with the part's faces; past this many the drawing is left out
# (the part is still built and delivered) rather than hold the worker for seconds.
MAX_FACES = 400
_MARGIN = 10.0  # the frame's distance from the sheet's edge
_TITLE_W, _TITLE_H = 180.0, 30.0  # ISO 7200: at most 180 mm wide
_ROOM = 16.0  # room beside a view for one row of dimensions
_GAP = 12.0  # between views that carry no dimension between them
_DIM_OFFSET = 8.0  # from the view's edge to its dimension line
_LABEL = 2.5  # text height of view labels
_CALLOUT_ROW = 7.0
_CENTRE_BEYOND = 3.0  # centre lines run this far past the feature (paper mm)
_CHAR_WIDTH = 0.62  # average Helvetica advance, in text heights (to estimate a text's width)
_DEFLECTION = 0.05  # paper mm: curves drawn as polylines stay this close to the true curve


@dataclass(frozen=True)
class View:
    name: str
    label: str
    toward: tuple[float, float, float]  # from the part to the viewer
    up: tuple[float, float, float]

    def right(self) -> bd.Vector:
        up, toward = bd.Vector(self.up), bd.Vector(self.toward).normalized()
        return up.cross(toward).normalized()

    def flat(self, point: bd.Vector, centre: bd.Vector) -> tuple[float, float]:
        """A 3D point in this view's 2D coordinates (mm, relative to the part's centre)."""
        up = bd.Vector(self.up)
        offset = point - centre
        return offset.dot(self.right()), offset.dot(up)


FRONT = View("front", "FRONT", (0, -1, 0), (0, 0, 1))
TOP = View("top", "TOP", (0, 0, 1), (0, 1, 0))
LEFT = View("left", "LEFT", (-1, 0, 0), (0, 0, 1))  # first angle: drawn right of the front
ISO = View("iso", "ISOMETRIC", (1, -1, 1), (0, 0, 1))


Point = tuple[float, float]
Array = npt.NDArray[np.float64]
Shape = Any  # a build123d Solid or Compound; build123d's own hints are not strict-clean


@dataclass(frozen=True)
class Line:
    """A projected edge as a polyline, in a view's coordinates (mm)."""

    points: tuple[Point, ...]


@dataclass(frozen=True)
class Ring:
    """A projected full circle (a hole seen along its axis)."""

    centre: Point
    radius: float


Curve = Line | Ring


@dataclass
class Projection:
    visible: list[Curve] = field(default_factory=list)
    hidden: list[Curve] = field(default_factory=list)
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # xmin, ymin, xmax, ymax

    @property
    def size(self) -> tuple[float, float]:
        return self.box[2] - self.box[0], self.box[3] - self.box[1]


@dataclass(frozen=True)
class Title:
    intent: str
    job_id: str
    date: str  # ISO 8601 day


@dataclass
class Drawing:
    files: dict[str, bytes]
    notes: list[str]
    sheet: sh.Sheet


# --- projection ----------------------------------------------------------------------------


def _curves(edges: Iterable[bd.Edge], deflection: float) -> list[Curve]:
    curves: list[Curve] = []
    for edge in edges:
        kind = edge.geom_type
        if kind == bd.GeomType.LINE:
            a, b = edge.start_point(), edge.end_point()
            curves.append(Line(((a.X, a.Y), (b.X, b.Y))))
        elif kind == bd.GeomType.CIRCLE and edge.is_closed:
            centre = edge.arc_center
            curves.append(Ring((centre.X, centre.Y), edge.radius))
        else:
            sampler = GCPnts_QuasiUniformDeflection(BRepAdaptor_Curve(edge.wrapped), deflection)
            points = [
                (p.X(), p.Y()) for p in (sampler.Value(i + 1) for i in range(sampler.NbPoints()))
            ]
            curves.append(Line(_straightened(points, deflection)))
    return _without_covered(curves)


def _straightened(points: list[Point], tolerance: float) -> tuple[Point, ...]:
    """A curve seen edge-on (a hole's floor from the side) comes back as a flat spline: keep
    it as the straight line it looks like."""
    (ax, ay), (bx, by) = min(points), max(points)
    length = math.hypot(bx - ax, by - ay)
    if length > 0 and all(
        abs((bx - ax) * (y - ay) - (by - ay) * (x - ax)) / length < tolerance for x, y in points
    ):
        return ((ax, ay), (bx, by))
    return tuple(points)


def _without_covered(curves: list[Curve]) -> list[Curve]:
    """Straight lines that lie along a longer one (a circle seen edge-on comes in overlapping
    halves) are drawn once."""
    straight = [i for i, c in enumerate(curves) if isinstance(c, Line) and len(c.points) == 2]
    if len(straight) < 2:
        return curves
    a = np.array([_points(curves[i])[0] for i in straight])
    b = np.array([_points(curves[i])[1] for i in straight])
    lengths = np.hypot(*(b - a).T)
    count = len(straight)
    dropped: set[int] = set()
    chunk = max(1, 200_000 // count)  # lines per step: bounds the temporary arrays' size
    for first in range(0, count, chunk):
        rows = np.arange(first, min(count, first + chunk))
        near = (_distances(a[rows], a, b) < 1e-3) & (_distances(b[rows], a, b) < 1e-3)
        longer = lengths[None, :] > lengths[rows, None] + 1e-9
        # of equal lines, the first is kept
        earlier = (np.abs(lengths[None, :] - lengths[rows, None]) <= 1e-9) & (
            np.arange(count)[None, :] < rows[:, None]
        )
        covered = near & (longer | earlier)
        dropped.update(straight[k] for k in rows[covered.any(axis=1)])
    return [c for i, c in enumerate(curves) if i not in dropped]


def _distances(points: Array, a: Array, b: Array) -> Array:
    """Distances from each point to each segment a[j]-b[j]: shape (points, segments)."""
    d = b - a
    length = np.maximum((d * d).sum(axis=1), 1e-30)
    rel = points[:, None, :] - a[None, :, :]
    t = np.clip((rel * d[None, :, :]).sum(axis=2) / length[None, :], 0.0, 1.0)
    gap = rel - t[:, :, None] * d[None, :, :]
    distances: Array = np.sqrt((gap * gap).sum(axis=2))
    return distances


def _points(curve: Curve) -> list[Point]:
    if isinstance(curve, Line):
        return list(curve.points)
    (x, y), r = curve.centre, curve.radius
    return [
        (x + r * math.cos(a), y + r * math.sin(a)) for a in (0, math.pi / 2, math.pi, 1.5 * math.pi)
    ]


def _box(curves: Sequence[Curve]) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for curve in curves:
        for x, y in _points(curve):
            xs.append(x)
            ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)


def project(shape: Shape, view: View, centre: bd.Vector, deflection: float) -> Projection:
    visible, hidden = shape.project_to_viewport(
        centre + bd.Vector(view.toward).normalized() * 1000, view.up, centre
    )
    drawn = _curves(visible, deflection)
    behind = _curves(hidden, deflection) if view is not ISO else []
    return Projection(drawn, _without_overdrawn(behind, drawn), _box(drawn))


def _without_overdrawn(hidden: list[Curve], visible: list[Curve]) -> list[Curve]:
    """Hidden edges that lie under visible ones (a box's back edges) are not drawn dashed."""
    starts: list[Point] = []
    ends: list[Point] = []
    for curve in visible:
        points = _points(curve) if isinstance(curve, Line) else _ring(curve)
        starts.extend(points[:-1])
        ends.extend(points[1:])
    if not starts:
        return hidden
    a, b = np.array(starts), np.array(ends)
    kept = []
    for curve in hidden:
        samples = np.array(_ring(curve) if isinstance(curve, Ring) else _midpoints(curve.points))
        if not _all_near(samples, a, b):
            kept.append(curve)
    return kept


def _all_near(points: Array, a: Array, b: Array, tolerance: float = 1e-3) -> bool:
    """Whether every point lies within `tolerance` of one of the segments a[i]-b[i]."""
    chunk = max(1, 500_000 // len(a))  # points per step: bounds the temporary arrays' size
    return all(
        np.all(_distances(points[first : first + chunk], a, b).min(axis=1) < tolerance)
        for first in range(0, len(points), chunk)
    )


def _ring(circle: Ring, count: int = 24) -> list[Point]:
    (x, y), r = circle.centre, circle.radius
    return [
        (x + r * math.cos(2 * math.pi * k / count), y + r * math.sin(2 * math.pi * k / count))
        for k in range(count + 1)
    ]


def _midpoints(points: Sequence[Point]) -> list[Point]:
    pairs = itertools.pairwise(points)
    return [*points, *(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in pairs)]


# --- layout --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rect:
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: "Rect", pad: float = 0.0) -> bool:
        return not (
            self.right + pad <= other.left
            or other.right + pad <= self.left
            or self.top + pad <= other.bottom
            or other.top + pad <= self.bottom
        )

    def inside(self, other: "Rect") -> bool:
        return (
            self.left >= other.left
            and self.right <= other.right
            and self.bottom >= other.bottom
            and self.top <= other.top
        )


@dataclass(frozen=True)
class Layout:
    sheet: str
    scale: float
    front: Rect
    left: Rect
    top: Rect
    callouts: Rect
    iso: Rect | None
    iso_scale: float


def _frame(name: str) -> Rect:
    width, height = SHEETS[name]
    return Rect(_MARGIN, _MARGIN, width - _MARGIN, height - _MARGIN)


def _title_rect(name: str) -> Rect:
    frame = _frame(name)
    return Rect(frame.right - _TITLE_W, frame.bottom, frame.right, frame.bottom + _TITLE_H)


Sizes = dict[str, tuple[float, float]]  # each view's width and height in mm


class Placer(Protocol):
    def __call__(self, name: str, scale: float, force: bool = False) -> Layout | None: ...


def _place(
    name: str, scale: float, sizes: Sizes, callout_size: Point, force: bool = False
) -> Layout | None:
    """The three views at `scale` on sheet `name`, or None when they do not fit."""
    frame, title = _frame(name), _title_rect(name)
    (length, height), (width, _), (_, _) = sizes["front"], sizes["left"], sizes["top"]
    lp, hp, wp = length * scale, height * scale, width * scale
    depth = sizes["top"][1] * scale
    front = Rect(
        frame.left + _ROOM, frame.top - _ROOM - hp, frame.left + _ROOM + lp, frame.top - _ROOM
    )
    left = Rect(front.right + _ROOM, front.bottom, front.right + _ROOM + wp, front.top)
    top = Rect(front.left, front.bottom - _GAP - depth, front.right, front.bottom - _GAP)
    cw, ch = callout_size
    callouts = Rect(top.right + 8, top.top - ch, top.right + 8 + cw, top.top)
    labelled = [Rect(r.left, r.bottom - 6, r.right, r.top) for r in (front, left, top)]
    fits = all(r.inside(frame) and not r.overlaps(title, pad=3) for r in [*labelled, callouts])
    if not force and (not fits or labelled[1].overlaps(callouts, pad=3)):
        return None
    return Layout(name, scale, front, left, top, callouts, None, scale)


def _place_flat(
    name: str, scale: float, size: Point, callout_size: Point, force: bool = False
) -> Layout | None:
    """A flat part: its one view, dimensioned above and to the left, callouts to its right."""
    frame, title = _frame(name), _title_rect(name)
    lp, wp = size[0] * scale, size[1] * scale
    view = Rect(
        frame.left + _ROOM, frame.top - _ROOM - wp, frame.left + _ROOM + lp, frame.top - _ROOM
    )
    cw, ch = callout_size
    callouts = Rect(view.right + 8, view.top - ch, view.right + 8 + cw, view.top)
    labelled = Rect(view.left, view.bottom - 6, view.right, view.top)
    fits = all(r.inside(frame) and not r.overlaps(title, pad=3) for r in (labelled, callouts))
    if not fits and not force:
        return None
    empty = Rect(view.right, view.top, view.right, view.top)
    return Layout(name, scale, view, empty, view, callouts, None, scale)


def _iso_region(frame: Rect, title: Rect, left: Rect, top: Rect, callouts: Rect) -> list[Rect]:
    """Free rectangles where the isometric may go, as (left, bottom, right, top)."""
    beside_views = max(top.right, callouts.right if callouts.right > callouts.left + 8 else 0)
    return [
        Rect(left.right + 8, title.top + 4, frame.right - 2, frame.top - 2),
        Rect(beside_views + 8, title.top + 4, frame.right - 2, left.bottom - 8),
        Rect(frame.left + 2, frame.bottom + 8, title.left - 6, top.bottom - 8),
    ]


def _with_iso(layout: Layout, regions: list[Rect], iso_size: tuple[float, float]) -> Layout:
    best: tuple[float, Rect] | None = None
    for region in regions:
        width, height = region.right - region.left, region.top - region.bottom - 6
        for scale in SCALES:
            if (
                scale <= layout.scale
                and iso_size[0] * scale <= width
                and iso_size[1] * scale <= height
            ):
                if best is None or scale > best[0]:
                    best = (scale, region)
                break
    if best is None:
        return layout
    scale, region = best
    return Layout(
        layout.sheet,
        layout.scale,
        layout.front,
        layout.left,
        layout.top,
        layout.callouts,
        region,
        scale,
    )


def choose_layout(place: Placer, iso_size: Point | None, notes_room: float = 0.0) -> Layout:
    """The largest ISO scale at which `place(sheet, scale)` fits the views: on A4 unless A3
    shows the part at a larger scale and A4 would have to shrink it."""
    best: dict[str, Layout] = {}
    for name in SHEETS:
        for scale in SCALES:
            layout = place(name, scale)
            if layout is not None:
                best[name] = layout
                break
    if not best:  # nothing fits even at the smallest scale: draw it there on A3 regardless
        layout = place("A3", SCALES[-1], force=True)
        assert layout is not None  # forced
        return (
            layout
            if iso_size is None
            else _with_iso(layout, _regions(layout, notes_room), iso_size)
        )
    chosen = best.get("A4")
    if chosen is None or (chosen.scale < 1 and "A3" in best and best["A3"].scale > chosen.scale):
        chosen = best["A3"]
    return chosen if iso_size is None else _with_iso(chosen, _regions(chosen, notes_room), iso_size)


def _regions(layout: Layout, notes_room: float) -> list[Rect]:
    frame, title = _frame(layout.sheet), _title_rect(layout.sheet)
    title = Rect(title.left, title.bottom, title.right, title.top + notes_room)
    return _iso_region(frame, title, layout.left, layout.top, layout.callouts)


# --- drawing the sheet --------------------------------------------------------------------


def _placed(curves: Iterable[Curve], origin: Point, scale: float, layer: str) -> list[sh.Item]:
    ox, oy = origin
    items: list[sh.Item] = []
    for curve in curves:
        if isinstance(curve, Ring):
            (x, y), r = curve.centre, curve.radius
            items.append(sh.Circle(layer, (ox + x * scale, oy + y * scale), r * scale))
        else:
            points = tuple((ox + x * scale, oy + y * scale) for x, y in curve.points)
            items.append(sh.Polyline(layer, points))
    return items


def _origin(rect: Rect, projection: Projection, scale: float) -> Point:
    """Where the view's (0, 0) goes so that its box fills `rect`."""
    xmin, ymin, _, _ = projection.box
    return rect.left - xmin * scale, rect.bottom - ymin * scale


@dataclass(frozen=True)
class Axis:
    """The axis of a round feature along X, Y or Z, and how far the feature reaches."""

    name: str  # X, Y or Z
    point: bd.Vector  # a point on the axis
    radius: float
    low: float  # the feature's extent along the axis
    high: float


def _centre_lines(shape: Shape) -> list[Axis]:
    """Every round feature's axis that runs along X, Y or Z, once."""
    found: dict[tuple[float, ...], list[float]] = {}
    for face in shape.faces():
        if face.geom_type not in (bd.GeomType.CYLINDER, bd.GeomType.CONE):
            continue
        axis = face.axis_of_rotation
        direction = tuple(axis.direction)
        index = max(range(3), key=lambda i: abs(direction[i]))
        if abs(abs(direction[index]) - 1) > 1e-9:
            continue  # a slanted axis: no centre line in these views
        box = face.bounding_box()
        position = tuple(axis.position)
        key = (index, *(round(position[i], 3) for i in range(3) if i != index))
        low, high = tuple(box.min)[index], tuple(box.max)[index]
        radius = max(tuple(box.size)[i] for i in range(3) if i != index) / 2
        known = found.setdefault(key, [radius, low, high])
        known[0], known[1], known[2] = (
            max(known[0], radius),
            min(known[1], low),
            max(known[2], high),
        )
    lines = []
    for key, (radius, low, high) in found.items():
        index = int(key[0])
        others = iter(key[1:])
        point = [next(others) if i != index else 0.0 for i in range(3)]
        lines.append(Axis("XYZ"[index], bd.Vector(*point), radius, low, high))
    return lines


def _centre_items(
    lines: list[Axis], view: View, origin: Point, scale: float, centre: bd.Vector
) -> list[sh.Item]:
    items: list[sh.Item] = []
    toward = bd.Vector(view.toward)
    ox, oy = origin
    for line in lines:
        point, radius, low, high = line.point, line.radius, line.low, line.high
        axis = bd.Vector(*[1.0 if line.name == n else 0.0 for n in "XYZ"])
        if abs(axis.dot(toward)) > 0.5:  # seen end-on: a centre mark
            x, y = view.flat(point, centre)
            x, y = ox + x * scale, oy + y * scale
            reach = radius * scale + _CENTRE_BEYOND
            items.append(sh.Polyline(sh.CENTER.name, ((x - reach, y), (x + reach, y))))
            items.append(sh.Polyline(sh.CENTER.name, ((x, y - reach), (x, y + reach))))
        else:
            ends = []
            for along in (low, high):
                at = bd.Vector(point)
                at = at + axis * (along - at.dot(axis))
                x, y = view.flat(at, centre)
                ends.append((ox + x * scale, oy + y * scale))
            (ax, ay), (bx, by) = ends
            length = math.hypot(bx - ax, by - ay) or 1.0
            ux, uy = (bx - ax) / length, (by - ay) / length
            items.append(
                sh.Polyline(
                    sh.CENTER.name,
                    (
                        (ax - ux * _CENTRE_BEYOND, ay - uy * _CENTRE_BEYOND),
                        (bx + ux * _CENTRE_BEYOND, by + uy * _CENTRE_BEYOND),
                    ),
                )
            )
    return items


def _label(rect: Rect, text: str) -> sh.Text:
    return sh.Text(
        sh.TEXT.name, ((rect.left + rect.right) / 2, rect.bottom - 5.5), text, _LABEL, "center"
    )


def _callout_items(
    groups: list[HoleGroup], layout: Layout, origin: Point, centre: bd.Vector
) -> list[sh.Item]:
    items: list[sh.Item] = []
    ox, oy = origin
    row = layout.callouts.top - sh.TEXT_HEIGHT
    for group in groups:
        if not group.found:
            continue
        x, y = max(group.found, key=lambda p: p[0] + p[1])
        hx, hy = TOP.flat(bd.Vector(x, y, 0), centre)
        r = group.hole.diameter / 2 * layout.scale
        tip = (
            ox + hx * layout.scale + r * math.sqrt(0.5),
            oy + hy * layout.scale + r * math.sqrt(0.5),
        )
        text_at = (layout.callouts.left, row)
        shoulder = (text_at[0] - 1.0, row + 1.2)
        knee = (text_at[0] - 4.0, row + 1.2)
        length = math.dist(tip, knee) or 1.0
        direction = ((tip[0] - knee[0]) / length, (tip[1] - knee[1]) / length)
        items.append(sh.Polyline(sh.DIMENSION.name, (tip, knee, shoulder)))
        items.append(sh.Arrowhead(sh.DIMENSION.name, tip, direction))
        items.append(sh.Text(sh.TEXT.name, text_at, group.callout))
        row -= _CALLOUT_ROW
    return items


def _pitch_circles(
    groups: list[HoleGroup], origin: Point, scale: float, centre: bd.Vector
) -> list[sh.Item]:
    """Bolt circles: a centre line through the holes of a polar pattern, about the Z axis."""
    x, y = TOP.flat(bd.Vector(0, 0, 0), centre)
    at = (origin[0] + x * scale, origin[1] + y * scale)
    radii = {r for g in groups if g.found for r in g.pitch_radii if r > 0}
    return [sh.Circle(sh.CENTER.name, at, r * scale) for r in sorted(radii)]


def _callout_size(groups: list[HoleGroup]) -> tuple[float, float]:
    texts = [g.callout for g in groups if g.found]
    if not texts:
        return 0.0, 0.0
    width = max(len(t) for t in texts) * sh.TEXT_HEIGHT * _CHAR_WIDTH
    return width, len(texts) * _CALLOUT_ROW


def _frame_and_title(sheet: sh.Sheet, layout: Layout, title: Title) -> None:
    frame, block = _frame(layout.sheet), _title_rect(layout.sheet)
    corners = (
        (frame.left, frame.bottom),
        (frame.right, frame.bottom),
        (frame.right, frame.top),
        (frame.left, frame.top),
    )
    sheet.add(sh.Polyline(sh.FRAME.name, corners, closed=True))
    left, bottom, right, top = block.left, block.bottom, block.right, block.top
    rows = (bottom + 10, bottom + 20)
    sheet.add(sh.Polyline(sh.FRAME.name, ((left, bottom), (left, top), (right, top))))
    for y in rows:
        sheet.add(sh.Polyline(sh.FRAME.name, ((left, y), (right, y))))
    columns = (left + 100, left + 145)
    for x in columns:
        sheet.add(sh.Polyline(sh.FRAME.name, ((x, bottom), (x, rows[1]))))
    intent = title.intent if len(title.intent) <= 60 else title.intent[:59] + "…"
    small = 2.5
    cells = [
        (left + 2, rows[1] + 3, intent or "NaturalCAD part", 4.0),
        (left + 2, rows[0] + 3, f"JOB {title.job_id}", small),
        (columns[0] + 2, rows[0] + 3, f"DATE {title.date}", small),
        (columns[1] + 2, rows[0] + 3, f"SHEET {layout.sheet}", small),
        (left + 2, bottom + 3, "NaturalCAD · FIRST ANGLE PROJECTION", small),
        (columns[0] + 2, bottom + 3, f"SCALE {sh.scale_label(layout.scale)}", small),
        (columns[1] + 2, bottom + 3, "UNITS mm", small),
    ]
    for x, y, text, height in cells:
        sheet.add(sh.Text(sh.TEXT.name, (x, y), text, height))


def _above(rect: Rect, value: float, offset: float = _DIM_OFFSET) -> sh.Dimension:
    """A rectangle's width, dimensioned above it."""
    top = rect.top
    return sh.Dimension(
        (rect.left, top), (rect.right, top), (rect.left, top + offset), False, value
    )


def _left_of(rect: Rect, value: float, offset: float = _DIM_OFFSET) -> sh.Dimension:
    """A rectangle's height, dimensioned on its left."""
    x = rect.left
    return sh.Dimension((x, rect.bottom), (x, rect.top), (x - offset, rect.bottom), True, value)


def _dimensions(layout: Layout, sizes: Sizes) -> list[sh.Dimension]:
    (length, height), width = sizes["front"], sizes["left"][0]
    return [
        _above(layout.front, length),
        _left_of(layout.front, height),
        _above(layout.left, width),
    ]


def draw_part(shape: Shape, spec: dict[str, Any], title: Title) -> Drawing:
    """The part's drawing: three views and an isometric of a solid, one view of a flat part."""
    faces = len(shape.faces())
    if faces > MAX_FACES:
        raise CodedError(
            "drawing_too_complex",
            f"the part has {faces} faces; drawings are made for parts of up to {MAX_FACES}",
        )
    groups = holes_in(spec, shape)
    notes = [g.note for g in groups if g.note]
    if shape.solids():
        sheet, layout = _solid_sheet(shape, groups, notes)
    else:
        sheet, layout = _flat_sheet(shape, groups, notes)
    for row, note in enumerate(notes):
        title_top = _title_rect(layout.sheet).top
        sheet.add(
            sh.Text(
                sh.TEXT.name,
                (_title_rect(layout.sheet).left, title_top + 2 + 4 * row),
                f"NOTE: {note}",
                _LABEL,
            )
        )
    _frame_and_title(sheet, layout, title)
    return Drawing(_files(sheet, title), notes, sheet)


def _solid_sheet(
    shape: Shape, groups: list[HoleGroup], notes: list[str]
) -> tuple[sh.Sheet, Layout]:
    box = shape.bounding_box()
    centre, size = box.center(), box.size
    sizes = {"front": (size.X, size.Z), "top": (size.X, size.Y), "left": (size.Y, size.Z)}
    # Curves are sampled finely enough for the largest scale the part could be drawn at.
    deflection = _DEFLECTION / max(1.0, 200 / max(size.X, size.Y, size.Z, 1e-6))
    projections = {v.name: project(shape, v, centre, deflection) for v in (FRONT, TOP, LEFT, ISO)}
    callout_size = _callout_size(groups)
    layout = choose_layout(
        lambda name, scale, force=False: _place(name, scale, sizes, callout_size, force),
        projections["iso"].size,
        notes_room=4.0 * len(notes),
    )
    sheet = sh.Sheet(layout.sheet, *SHEETS[layout.sheet], layout.scale)
    lines = _centre_lines(shape)
    for view, rect in ((FRONT, layout.front), (TOP, layout.top), (LEFT, layout.left)):
        # the view's box is the part's box seen along the view, so dimensions land on it
        (x0, y0), (x1, y1) = view.flat(box.min, centre), view.flat(box.max, centre)
        origin = (rect.left - min(x0, x1) * layout.scale, rect.bottom - min(y0, y1) * layout.scale)
        projection = projections[view.name]
        sheet.add(*_placed(projection.visible, origin, layout.scale, sh.OUTLINE.name))
        sheet.add(*_placed(projection.hidden, origin, layout.scale, sh.HIDDEN.name))
        sheet.add(*_centre_items(lines, view, origin, layout.scale, centre))
        sheet.add(_label(rect, f"{view.label} VIEW"))
        if view is TOP:
            sheet.add(*_callout_items(groups, layout, origin, centre))
            sheet.add(*_pitch_circles(groups, origin, layout.scale, centre))
    if layout.iso is None:
        notes.append("the isometric view did not fit the sheet and was left out")
    else:
        sheet.add(*_iso_items(projections["iso"], layout))
    sheet.dimensions.extend(_dimensions(layout, sizes))
    return sheet, layout


def _iso_items(iso: Projection, layout: Layout) -> list[sh.Item]:
    region, scale = layout.iso, layout.iso_scale
    assert region is not None
    width, height = iso.size[0] * scale, iso.size[1] * scale
    middle_x, middle_y = (region.left + region.right) / 2, (region.bottom + region.top) / 2 + 3
    at = Rect(
        middle_x - width / 2, middle_y - height / 2, middle_x + width / 2, middle_y + height / 2
    )
    placed = _placed(iso.visible, _origin(at, iso, scale), scale, sh.OUTLINE.name)
    return [*placed, _label(at, f"ISOMETRIC {sh.scale_label(scale)}")]


def _flat_sheet(shape: Shape, groups: list[HoleGroup], notes: list[str]) -> tuple[sh.Sheet, Layout]:
    curves = _curves(shape.edges(), _DEFLECTION)
    xmin, ymin, xmax, ymax = _box(curves)
    size = (xmax - xmin, ymax - ymin)
    callout_size = _callout_size(groups)
    layout = choose_layout(
        lambda name, scale, force=False: _place_flat(name, scale, size, callout_size, force), None
    )
    view, scale = layout.top, layout.scale
    origin = (view.left - xmin * scale, view.bottom - ymin * scale)
    sheet = sh.Sheet(layout.sheet, *SHEETS[layout.sheet], scale)
    sheet.add(*_placed(curves, origin, scale, sh.OUTLINE.name))
    for curve in curves:
        if isinstance(curve, Ring):
            axis = Axis("Z", bd.Vector(*curve.centre, 0), curve.radius, 0.0, 0.0)
            sheet.add(*_centre_items([axis], TOP, origin, scale, bd.Vector()))
    sheet.add(_label(view, "TRUE SHAPE"))
    sheet.add(*_callout_items(groups, layout, origin, bd.Vector()))
    sheet.dimensions.append(_above(view, size[0]))
    if size[1] > 1e-6:  # a straight route has no height to dimension
        sheet.dimensions.append(_left_of(view, size[1]))
    return sheet, layout


def _files(sheet: sh.Sheet, title: Title) -> dict[str, bytes]:
    return {
        "drawing_dxf": sh.to_dxf(sheet),
        "drawing_svg": sh.to_svg(sheet),
        "drawing_pdf": sh.to_pdf(sheet, title.intent or "NaturalCAD part"),
    }


# --- flat parts ------------------------------------------------------------------------------


def cut_file(shape: Shape, spec: dict[str, Any]) -> bytes:
    """A flat part's DXF at 1:1 in its own coordinates: the outline alone on OUTLINE, so a
    laser or cutter takes it as it is, and every dimension and callout on DIMENSION, so an
    operator can hide them."""
    edges = shape.edges()
    if not edges:
        raise CodedError("geometry_invalid", "the flat output has no edges")
    curves = _curves(edges, _DEFLECTION)
    sheet = sh.Sheet("", 0.0, 0.0, 1.0)
    sheet.add(*_placed(curves, (0.0, 0.0), 1.0, sh.OUTLINE.name))
    xmin, ymin, xmax, ymax = _box(curves)
    outline = Rect(xmin, ymin, xmax, ymax)
    sheet.dimensions.append(_above(outline, xmax - xmin, _ROOM))
    if ymax - ymin > 1e-6:  # a straight route has no height to dimension
        sheet.dimensions.append(_left_of(outline, ymax - ymin, _ROOM))
    row = ymin - _ROOM
    for group in holes_in(spec, shape):
        if group.found:  # below the part, clear of the cut
            sheet.add(sh.Text(sh.DIMENSION.name, (xmin, row), group.callout))
            row -= _CALLOUT_ROW
    return sh.to_dxf(sheet)
