"""Spec -> build123d shapes. Each feature type maps to calls this module owns.

Takes a spec already resolved by `naturalcad.spec.validate.validate_spec` (sizes in mm).
Bodies stand on the XY plane, centred on the Z axis, unless placed with `at`/`rotate`.
Every feature yields a tool and an operation (union, subtract, intersect, keep) applied to
the part so far; patterns re-apply an earlier feature's tool where they place it.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import build123d as bd

from naturalcad.errors import CodedError
from naturalcad.spec.vocabulary import FLAT_OUTPUTS, MAX_SIZE_MM

_BOTTOM = (bd.Align.CENTER, bd.Align.CENTER, bd.Align.MIN)
_EPSILON = 1e-6


# A feature of a resolved spec (lengths in mm).
Feature = dict[str, Any]
# A build123d shape, sketch or location: typed loosely, as build123d's operators are.
Shape = Any


@dataclass
class Tool:
    shape: Shape
    op: str


@dataclass
class Context:
    mode: str
    part: Shape = None
    tools: dict[str, Tool] = field(default_factory=dict)
    flat: list[Shape] = field(default_factory=list)  # faces and wires of flat outputs


def impossible(feature: Feature, message: str) -> CodedError:
    """A refusal that names the feature; `message` says the value and what to change."""
    return CodedError(
        "geometry_impossible", f"{feature['feature_type']} '{feature['name']}': {message}"
    )


# --- bodies -------------------------------------------------------------------------


def _box(f: Feature) -> Shape:
    if "corner_radius" in f:  # the outline rounded, then extruded: the vertical edges round
        return bd.extrude(_rect(f), f["height"])
    return bd.Box(f["length"], f["width"], f["height"], align=_BOTTOM)


def _cylinder(f: Feature) -> Shape:
    return bd.Cylinder(f["diameter"] / 2, f["height"], align=_BOTTOM)


def _tube(f: Feature) -> Shape:
    outer = f["outer_diameter"]
    inner = f.get("inner_diameter", outer - 2 * f.get("wall", 0))
    if not 0 < inner < outer:
        raise impossible(
            f,
            f"the inner diameter comes to {inner:g} mm: make it more than 0 and less than "
            f"outer_diameter {outer:g} mm (a thinner wall)",
        )
    return _cylinder({"diameter": outer, "height": f["height"]}) - bd.Cylinder(
        inner / 2, f["height"], align=_BOTTOM
    )


def _sphere(f: Feature) -> Shape:
    return bd.Sphere(f["diameter"] / 2, align=_BOTTOM)


def _torus(f: Feature) -> Shape:
    outer, tube = f["outer_diameter"], f["tube_diameter"]
    if outer <= 2 * tube:
        raise impossible(
            f,
            f"tube_diameter {tube:g} mm leaves no hole in a ring {outer:g} mm across: make it "
            f"less than {outer / 2:g} mm",
        )
    return bd.Torus((outer - tube) / 2, tube / 2, align=_BOTTOM)


def _wedge(f: Feature) -> Shape:
    """The side (XZ) outline extruded along Y, centred: bottom full length, top from -X."""
    length, height, top = f["length"], f["height"], f["top_length"]
    if top > length:
        raise impossible(
            f,
            f"top_length {top:g} mm is longer than the {length:g} mm bottom: make it at most "
            f"{length:g} mm",
        )
    left = -length / 2
    corners = [(left, 0.0), (length / 2, 0.0), (left + top, height), (left, height)]
    side = _polygon(corners if top > 0 else [corners[0], corners[1], corners[3]])
    return bd.extrude(bd.Plane.XZ * side, f["width"] / 2, both=True)


def _cone(f: Feature) -> Shape:
    return bd.Cone(f["bottom_diameter"] / 2, f["top_diameter"] / 2, f["height"], align=_BOTTOM)


def _polygon_prism(f: Feature) -> Shape:
    polygon = bd.RegularPolygon(f["across_flats"] / 2, f["sides"], major_radius=False)
    return bd.extrude(polygon, f["height"])


def _polygon(points: list[list[float]] | list[tuple[float, float]]) -> Shape:
    # Tuples, not lists: build123d reads a list argument as a list of points.
    return bd.Polygon(*[tuple(p) for p in points], align=None)


Arcs = dict[int, tuple[float, float]]  # side index -> the point its arc passes through


def _side(
    f: Feature, arcs: Arcs, start: tuple[float, float], end: tuple[float, float], i: int
) -> Shape:
    through = arcs.get(i)
    if through is None:
        return bd.Line(start, end)
    try:
        return bd.ThreePointArc(start, through, end)
    except Exception:
        raise impossible(
            f,
            f"the arc of side {i} through ({through[0]:g}, {through[1]:g}) is a straight line "
            "or runs through a corner: move its middle point off the line",
        ) from None


def outline(f: Feature, key: str) -> Shape:
    """A closed outline in XY from corners [x, y] or [x, y, r] (r rounds that corner), with
    `arcs` bending sides through a point, grown or shrunk by `offset`."""
    points = f[key]
    corners = [(p[0], p[1]) for p in points]
    arcs: Arcs = {int(i): (x, y) for i, x, y in f.get("arcs", [])}
    named = [int(a[0]) for a in f.get("arcs", [])]
    if len(arcs) < len(named):
        twice = next(i for i in named if named.count(i) > 1)
        raise impossible(f, f"arcs name side {twice} twice: give each side one arc")
    if any(i >= len(corners) for i in arcs):
        raise impossible(
            f,
            f"arcs name side {max(arcs)}, but {len(corners)} corners make sides 0 to "
            f"{len(corners) - 1}: use one of those",
        )
    if len(set(corners)) < len(corners):
        raise impossible(f, f"{key} repeats a corner: give each corner once")
    sides = [
        _side(f, arcs, corners[i], corners[(i + 1) % len(corners)], i) for i in range(len(corners))
    ]
    try:
        shape = bd.Sketch() + bd.make_face(sides)
    except Exception:
        shape = None
    if shape is None or not shape.is_valid or shape.area <= _EPSILON:
        raise impossible(f, f"the {key} crosses itself: reorder the corners")
    for radius in sorted({p[2] for p in points if len(p) == 3 and p[2] > 0}):
        at = [bd.Vector(p[0], p[1]) for p in points if len(p) == 3 and p[2] == radius]
        vertices = [shape.vertices().sort_by_distance(point)[0] for point in at]
        try:
            shape = bd.fillet(vertices, radius)
        except Exception:
            raise impossible(
                f, f"a {radius:g} mm corner radius does not fit its sides: make it smaller"
            ) from None
    return _offset(f, shape)


def _offset(f: Feature, shape: Shape) -> Shape:
    if not f.get("offset"):
        return shape
    try:
        grown = bd.offset(shape, f["offset"], kind=bd.Kind.ARC)
    except Exception:
        grown = None
    if grown is None or grown.area <= _EPSILON:
        raise impossible(f, f"offset {f['offset']:g} mm leaves no outline: shrink it by less")
    return grown


def _points_prism(f: Feature) -> Shape:
    # Up whichever way the corners turn: extrude follows the face's normal, which points
    # down for a clockwise outline.
    return bd.extrude(outline(f, "points"), f["height"], dir=(0, 0, 1))


def _profile_points(f: Feature) -> list[tuple[float, float]]:
    w, h, t = f["width"], f["height"], f["thickness"]
    if t >= min(w, h) / (2 if f["profile"] in ("T", "U") else 1):
        raise impossible(
            f,
            f"thickness {t:g} mm leaves no opening in a {w:g} x {h:g} {f['profile']}: "
            "make it thinner or the section larger",
        )
    shapes = {
        "L": [(0, 0), (w, 0), (w, t), (t, t), (t, h), (0, h)],
        "angle": [(0, 0), (w, 0), (w, t), (t, t), (t, h), (0, h)],
        "U": [(0, 0), (w, 0), (w, h), (w - t, h), (w - t, t), (t, t), (t, h), (0, h)],
        "T": [
            (0, h - t),
            (0, h),
            (w, h),
            (w, h - t),
            (w / 2 + t / 2, h - t),
            (w / 2 + t / 2, 0),
            (w / 2 - t / 2, 0),
            (w / 2 - t / 2, h - t),
        ],
    }
    return [(x - w / 2, y) for x, y in shapes[f["profile"]]]


def _profile_extrude(f: Feature) -> Shape:
    """The cross-section lies in the XZ plane (width along X, height up); length runs along Y."""
    section = bd.Plane.XZ * _polygon(_profile_points(f))
    return bd.extrude(section, f["length"] / 2, both=True)


def _section(shape: str, size: float, feature: Feature) -> Shape:
    if shape == "rect":
        return bd.Rectangle(size, size)
    if shape == "circle":
        return bd.Circle(size / 2)
    if shape == "polygon":
        return bd.RegularPolygon(size / 2, 6)
    raise impossible(feature, f"a loft section cannot be '{shape}': use rect, circle or polygon")


def _loft(f: Feature) -> Shape:
    bottom = bd.Sketch() + _section(f["bottom"], f["bottom_size"], f)
    if f["top_size"] == 0:  # pointed: a pyramid or a cone
        return bd.loft([bottom, bd.Vertex(0, 0, f["height"])])
    top = bd.Pos(0, 0, f["height"]) * _section(f["top"], f["top_size"], f)
    return bd.loft([bottom, bd.Sketch() + top])


def _revolve(f: Feature) -> Shape:
    profile = outline(f, "profile")
    least = profile.bounding_box().min.X
    if least < -_EPSILON:
        raise impossible(
            f,
            f"the profile reaches r = {least:g} mm, across the axis (r = 0): keep every "
            "corner and arc at r >= 0",
        )
    return bd.revolve(bd.Plane.XZ * profile, bd.Axis.Z, f.get("angle", 360))


def _sweep(f: Feature) -> Shape:
    size = f["section_size"]
    if f["path"] == "line":
        path = bd.Line((0, 0, 0), (0, 0, f["path_length"]))
    else:
        radius = f["path_radius"]
        if radius <= size / 2:
            raise impossible(
                f,
                f"path_radius {radius:g} mm bends tighter than the {size:g} mm section: "
                f"make it more than {size / 2:g} mm",
            )
        path = bd.Plane.XZ * bd.CenterArc((radius, 0), radius, 180, -f.get("path_angle", 90))
    start = bd.Plane(origin=path @ 0, z_dir=path % 0)
    section = bd.Circle(size / 2) if f["section"] == "circle" else bd.Rectangle(size, size)
    return bd.sweep(start * section, path)


def _truss(f: Feature) -> Shape:
    span, height, panels, m = f["span"], f["height"], f["panels"], f["member"]
    if height <= 2 * m or span / panels <= m:
        raise impossible(
            f,
            f"member {m:g} mm is too thick for height {height:g} mm with {panels} panels: "
            "use thinner members, fewer panels or a taller truss",
        )
    panel = span / panels
    parts = [bd.Pos(0, 0, z) * bd.Box(span, m, m, align=_BOTTOM) for z in (0, height - m)]
    inner = height - 2 * m
    for i in range(panels + 1):
        x = -span / 2 + min(max(i * panel, m / 2), span - m / 2)
        parts.append(bd.Pos(x, 0, m) * bd.Box(m, m, inner, align=_BOTTOM))
    diagonal, angle = math.hypot(panel, inner), math.degrees(math.atan2(inner, panel))
    for i in range(panels):
        tilt = angle if i % 2 == 0 else -angle
        centre = bd.Pos(-span / 2 + (i + 0.5) * panel, 0, height / 2)
        parts.append(centre * bd.Rot(0, -tilt, 0) * bd.Box(diagonal, m * 0.8, m * 0.8))
    truss = parts[0]
    for member in parts[1:]:
        truss = truss + member
    return truss & bd.Box(span, m * 2, height, align=_BOTTOM)


def _notched_tower(f: Feature) -> Shape:
    w, d, h, n, depth = f["width"], f["depth"], f["height"], f["notches"], f["notch_depth"]
    if depth >= w or n * 2 + 1 > h:
        raise impossible(
            f,
            f"{n} notches {depth:g} mm deep do not fit a {w:g} mm wide, {h:g} mm tall tower: "
            "use fewer or shallower notches",
        )
    tower = bd.Box(w, d, h, align=_BOTTOM)
    band = h / (2 * n + 1)
    for i in range(n):
        side = 1 if i % 2 == 0 else -1
        notch = bd.Box(depth * 2, d + 2, band, align=_BOTTOM)
        tower = tower - bd.Pos(side * w / 2, 0, band * (2 * i + 1)) * notch
    return tower


def _arch(span: float, rise: float) -> Shape:
    arc = bd.ThreePointArc((-span / 2, 0), (0, rise), (span / 2, 0))
    return bd.make_face([arc, bd.Line((span / 2, 0), (-span / 2, 0))])


def _canopy(f: Feature) -> Shape:
    span, rise, t = f["span"], f["rise"], f["thickness"]
    if t * 2 >= min(span, rise * 2):
        raise impossible(
            f,
            f"thickness {t:g} mm is more than the arch allows (span {span:g}, rise {rise:g}): "
            "make it thinner",
        )
    shell = _arch(span, rise) - _arch(span - 2 * t, rise - t)
    return bd.extrude(bd.Plane.XZ * shell, f["depth"] / 2, both=True)


def _placed(shape: Shape, f: Feature) -> Shape:
    rx, ry, rz = f.get("rotate", (0, 0, 0))
    x, y, z = f.get("at", (0, 0, 0))
    if (rx, ry, rz) != (0, 0, 0):
        # About the fixed X, then Y, then Z axes, as the vocabulary says.
        shape = bd.Rot(rx, ry, rz, bd.Extrinsic.XYZ) * shape
    return bd.Pos(x, y, z) * shape if (x, y, z) != (0, 0, 0) else shape


# --- features on a face -------------------------------------------------------------

# Each face's axis (0 = X, 1 = Y, 2 = Z) and outward sign; a side's u axis (right, seen from
# outside) is +Z x (outward normal), so that v is up.
_FACE_AXES = {
    "top": (2, 1.0),
    "bottom": (2, -1.0),
    "+X": (0, 1.0),
    "-X": (0, -1.0),
    "+Y": (1, 1.0),
    "-Y": (1, -1.0),
}


def _normal(face: str) -> bd.Vector:
    axis, sign = _FACE_AXES[face]
    return bd.Vector(*[sign if i == axis else 0.0 for i in range(3)])


def _on_face(ctx: Context, f: Feature, make: Callable[[float], Shape]) -> Shape:
    """The tool `make(thickness)` builds as if on a top face at z = 0 (cutting down -Z, at
    the origin), copied to each position and carried onto the face the feature names.

    top and bottom keep [x, y] as seen from above (a bottom tool is mirrored, not turned, so
    y stays y); a side's positions are [u, v] from the side's centre."""
    target = ctx.tools[f["target"]].shape if "target" in f else ctx.part
    if target is None:
        raise impossible(f, "there is no body to put this on: put a body before it")
    box = target.bounding_box()
    face = f.get("face", "top")
    axis = _FACE_AXES[face][0]
    tool = make(float(_along(box.size, axis)))
    positions = f.get("positions") or [[0.0, 0.0]]
    local = _union([bd.Pos(u, v, 0) * tool for u, v in positions])
    if face == "top":
        return bd.Pos(0, 0, box.max.Z) * local
    if face == "bottom":
        return bd.Pos(0, 0, box.min.Z) * bd.mirror(local, about=bd.Plane.XY)
    normal = _normal(face)
    centre = box.center() + normal * (_along(box.size, axis) / 2)
    plane = bd.Plane(origin=centre, x_dir=bd.Vector(0, 0, 1).cross(normal), z_dir=normal)
    return plane.location * local


def _along(vector: bd.Vector, axis: int) -> float:
    return float((vector.X, vector.Y, vector.Z)[axis])


def _union(shapes: list[Shape]) -> Shape:
    result = shapes[0]
    for shape in shapes[1:]:
        result = result + shape
    return result


def _down(sketch: Shape, depth: float) -> Shape:
    """A solid from a sketch on the face (z = 0), `depth` into the material (down)."""
    return bd.Pos(0, 0, -depth) * bd.extrude(sketch, depth)


def _through(sketch: Shape, thickness: float) -> Shape:
    """Through the whole target, starting 1 mm outside the face so no skin is left on it."""
    return bd.Pos(0, 0, 1) * _down(sketch, thickness + 2)


def _shape_2d(f: Feature) -> Shape:
    if f["shape"] == "rect":
        return _rect(f)
    return bd.Circle(f["diameter"] / 2)


def _hole(ctx: Context, f: Feature) -> Tool:
    def make(thickness: float) -> Shape:
        circle = bd.Circle(f["diameter"] / 2)
        tool = _down(circle, f["depth"]) if "depth" in f else _through(circle, thickness)
        if "counterbore_diameter" in f:
            bore = bd.Circle(f["counterbore_diameter"] / 2)
            tool = tool + bd.Pos(0, 0, 1) * _down(bore, counterbore_depth(f) + 1)
        if "countersink_diameter" in f:
            tool = tool + _countersink(f)
        return tool

    return Tool(_on_face(ctx, f, make), "subtract")


def counterbore_depth(f: Feature) -> float:
    """A counterbore with no depth given is half the hole's diameter deep."""
    return float(f.get("counterbore_depth", f["diameter"] / 2))


def countersink_depth(f: Feature) -> float:
    """How deep a countersink of its diameter and included angle (default 90) reaches."""
    half_angle = math.radians(f.get("countersink_angle", 90) / 2)
    return float(f["countersink_diameter"] - f["diameter"]) / 2 / math.tan(half_angle)


def _countersink(f: Feature) -> Shape:
    """A cone from the face, as wide as the countersink there, narrowing to the hole."""
    if f["countersink_diameter"] <= f["diameter"]:
        raise impossible(
            f,
            f"countersink_diameter {f['countersink_diameter']:g} mm must be wider than the "
            f"{f['diameter']:g} mm hole: make it wider",
        )
    if not 0 < f.get("countersink_angle", 90) < 180:
        raise impossible(
            f, f"countersink_angle {f['countersink_angle']:g} degrees: use 60 to 120 (90 common)"
        )
    sink = countersink_depth(f)
    narrow, wide = f["diameter"] / 2, f["countersink_diameter"] / 2
    return bd.Pos(0, 0, -sink) * bd.Cone(narrow, wide, sink, align=_BOTTOM)


def _pocket(ctx: Context, f: Feature) -> Tool:
    return Tool(_on_face(ctx, f, lambda _: _down(_shape_2d(f), f["depth"])), "subtract")


def _boss(ctx: Context, f: Feature) -> Tool:
    return Tool(_on_face(ctx, f, lambda _: bd.extrude(_shape_2d(f), f["height"])), "union")


def _slot_sketch(f: Feature) -> Shape:
    length, width, radius = f["length"], f["width"], f.get("corner_radius", f["width"] / 2)
    if width >= length:
        raise impossible(
            f,
            f"length {length:g} mm is not more than width {width:g} mm: make the "
            "length (round ends included) more than the width",
        )
    if radius > width / 2 + _EPSILON:
        raise impossible(
            f,
            f"corner_radius {radius:g} mm is more than half the {width:g} mm width: use at "
            f"most {width / 2:g} mm (round ends)",
        )
    if radius >= width / 2 - _EPSILON:
        return bd.SlotCenterToCenter(length - width, width, f.get("angle", 0))
    return bd.Rot(0, 0, f.get("angle", 0)) * bd.RectangleRounded(length, width, radius)


def _slot(ctx: Context, f: Feature) -> Tool:
    sketch = _slot_sketch(f)

    def make(thickness: float) -> Shape:
        return _down(sketch, f["depth"]) if "depth" in f else _through(sketch, thickness)

    return Tool(_on_face(ctx, f, make), "subtract")


def _cutout(ctx: Context, f: Feature) -> Tool:
    return Tool(_on_face(ctx, f, lambda thickness: _through(_shape_2d(f), thickness)), "subtract")


# --- patterns -------------------------------------------------------------------------


def _copies(tool: Tool, locations: list[Shape]) -> Tool:
    shapes = [location * tool.shape for location in locations]
    result = shapes[0]
    for shape in shapes[1:]:
        result = result + shape
    return Tool(result, tool.op)


def _linear(ctx: Context, f: Feature) -> Tool | None:
    dx, dy, dz = f["spacing"]
    locations = [bd.Pos(dx * k, dy * k, dz * k) for k in range(1, f["count"])]
    return _copies(ctx.tools[f["of"]], locations) if locations else None


def _grid(ctx: Context, f: Feature) -> Tool | None:
    locations = [
        bd.Pos(f["spacing_x"] * i, f["spacing_y"] * j, 0)
        for i in range(f["count_x"])
        for j in range(f["count_y"])
        if (i, j) != (0, 0)
    ]
    return _copies(ctx.tools[f["of"]], locations) if locations else None


def _polar(ctx: Context, f: Feature) -> Tool | None:
    step = f.get("angle", 360) / f["count"]
    locations = [bd.Rot(0, 0, step * k) for k in range(1, f["count"])]
    return _copies(ctx.tools[f["of"]], locations) if locations else None


_PLANES = {"XZ": bd.Plane.XZ, "YZ": bd.Plane.YZ, "XY": bd.Plane.XY}


def _mirror(ctx: Context, f: Feature) -> Tool:
    plane = _PLANES[f["plane"]]
    if "of" in f:
        tool = ctx.tools[f["of"]]
        return Tool(bd.mirror(tool.shape, about=plane), tool.op)
    return Tool(bd.mirror(ctx.part, about=plane), "union")


# --- edge treatments, shells, booleans ---------------------------------------------------


def _edges(part: Shape, which: str) -> Shape:
    edges = part.edges()
    if which == "vertical":
        return edges.filter_by(bd.Axis.Z)
    if which == "top":
        return edges.group_by(bd.Axis.Z)[-1]
    if which == "bottom":
        return edges.group_by(bd.Axis.Z)[0]
    if which == "outer":
        faces = part.faces().sort_by(bd.Axis.Z)
        return faces[0].outer_wire().edges() + faces[-1].outer_wire().edges()
    return edges


# A full round (a fillet of exactly half a wall) leaves OCCT no face between the two
# fillets, and it refuses; this much less radius leaves a flat far narrower than the mesh's
# chord deviation (1e-4 mm on a 10 mm wall), which OCCT accepts: the same part in every file.
_FULL_ROUND = 1 - 1e-5


def _fillet(edges: Shape, radius: float) -> Shape:
    try:
        return bd.fillet(edges, radius)
    except Exception:
        return bd.fillet(edges, radius * _FULL_ROUND)


def _treat(part: Shape, edges: Shape, f: Feature, size: float) -> Shape:
    if f["feature_type"] == "fillet":
        return _fillet(edges, size)
    if "length2" not in f and "angle" not in f:
        return bd.chamfer(edges, size)
    # An unequal chamfer measures `length` along its reference face: the named one, or top.
    reference = _side_faces(part, f.get("face", "top"))
    return bd.chamfer(
        edges, size, f.get("length2"), f.get("angle"), reference=reference[0] if reference else None
    )


def _edge_treatment(ctx: Context, f: Feature) -> Shape:
    if ctx.part is None:
        raise impossible(f, "there are no edges yet: put a body before it")
    if not 0 < f.get("angle", 45) < 90:
        raise impossible(f, f"angle {f['angle']:g} degrees: use more than 0 and less than 90")
    edges = _selected(ctx, f)
    size = f["radius"] if f["feature_type"] == "fillet" else f["length"]
    try:
        result = _treat(ctx.part, edges, f, size)
    except Exception:
        raise impossible(f, _too_large(ctx.part, edges, f, size)) from None
    if not result.is_valid or result.volume <= _EPSILON:
        raise impossible(f, f"{_named_size(f, size)} left an invalid solid: try a smaller one")
    return result


# How far an edge may lie from a face, a height or a tool's surface and still be on it (mm).
_ON = 1e-4


def _selected(ctx: Context, f: Feature) -> list[Shape]:
    """The edges of `edges` (default all) that every selector given picks."""
    part = ctx.part
    edges = list(_edges(part, f.get("edges", "all")))
    faces = _side_faces(part, f["face"]) if "face" in f else None
    if faces is not None:
        edges = _among(edges, [e for face in faces for e in face.edges()])
    if "loop" in f:
        planar = faces or part.faces().filter_by(bd.GeomType.PLANE)
        wires = [
            wire
            for face in planar
            for wire in ([face.outer_wire()] if f["loop"] == "outer" else face.inner_wires())
        ]
        edges = _among(edges, [e for wire in wires for e in wire.edges()])
    if "axis" in f:
        edges = list(bd.ShapeList(edges).filter_by(getattr(bd.Axis, f["axis"])))
    if "at_z" in f:
        edges = [
            e
            for e in edges
            if abs(e.bounding_box().min.Z - f["at_z"]) < _ON
            and abs(e.bounding_box().max.Z - f["at_z"]) < _ON
        ]
    if "of" in f:
        surface = bd.Compound(ctx.tools[f["of"]].shape.faces())
        edges = [e for e in edges if _lies_on(e, surface)]
    if not edges:
        raise impossible(f, f"no edge of the part matches {_selection(f)}: loosen the selection")
    return edges


def _selection(f: Feature) -> str:
    keys = ("edges", "of", "face", "at_z", "axis", "loop")
    said = [f"{key} {f[key]:g}" if key == "at_z" else f"{key} {f[key]}" for key in keys if key in f]
    return ", ".join(said) or "all edges"


def _among(edges: list[Shape], allowed: list[Shape]) -> list[Shape]:
    return [e for e in edges if any(e.is_same(other) for other in allowed)]


def _lies_on(edge: Shape, surface: Shape) -> bool:
    """Every sampled point of the edge is on the surface (a tool's faces): made by that tool."""
    return all(surface.distance_to(edge @ t) < _ON for t in (0.0, 0.3, 0.7, 1.0))


def _side_faces(part: Shape, side: str) -> list[Shape]:
    """The part's flat faces facing `side` and furthest out that way (one level: a slot
    through the top leaves two top faces)."""
    normal = _normal(side)
    facing = [
        face
        for face in part.faces().filter_by(bd.GeomType.PLANE)
        if face.normal_at().dot(normal) > 1 - 1e-6
    ]
    if not facing:
        return []
    level = max(face.center().dot(normal) for face in facing)
    return [face for face in facing if face.center().dot(normal) > level - _ON]


def _named_size(f: Feature, size: float) -> str:
    return f"{'radius' if f['feature_type'] == 'fillet' else 'length'} {size:g} mm"


# Halvings in the search for the largest size that fits: 1/256 of the size asked for.
_SIZE_SEARCH_STEPS = 8


def _too_large(part: Shape, edges: Shape, f: Feature, size: float) -> str:
    """What to change: the largest size that works on these edges, found by halving."""
    fits, fails = 0.0, size
    for _ in range(_SIZE_SEARCH_STEPS):
        middle = (fits + fails) / 2
        try:
            _treat(part, edges, f, middle)
            fits = middle
        except Exception:
            fails = middle
    said = f"{_named_size(f, size)} does not fit the selected edges"
    if fits == 0:
        return f"{said}: choose other edges, or a size below half their thinnest wall"
    return f"{said}: use at most {fits:.2f} mm there, or select fewer edges"


def _shell(ctx: Context, f: Feature) -> Shape:
    if ctx.part is None:
        raise impossible(f, "there is nothing to hollow out: put a body before it")
    faces = ctx.part.faces().sort_by(bd.Axis.Z)
    openings = {"top": [faces[-1]], "bottom": [faces[0]], "none": None}[f.get("open", "top")]
    try:
        result = bd.offset(ctx.part, amount=-f["thickness"], openings=openings)
    except Exception:
        raise impossible(
            f, f"thickness {f['thickness']:g} mm does not fit this part: use a thinner wall"
        ) from None
    if not result.is_valid or result.volume <= _EPSILON:
        raise impossible(
            f, f"thickness {f['thickness']:g} mm left an invalid solid: use a thinner wall"
        )
    return result


def _boolean(ctx: Context, f: Feature) -> Tool:
    a, b = ctx.tools[f["a"]].shape, ctx.tools[f["b"]].shape
    result = {"union": a + b, "subtract": a - b, "intersect": a & b}[f["operation"]]
    if result.volume <= _EPSILON:
        raise impossible(
            f,
            f"{f['operation']} of '{f['a']}' and '{f['b']}' leaves nothing: check that they "
            "overlap, or change the operation",
        )
    return Tool(result, "union")


# --- flat outputs -----------------------------------------------------------------------


def _rect(f: Feature) -> Shape:
    """A rectangle outline, its corners rounded when a radius is given (true arcs in DXF)."""
    radius = f.get("corner_radius")
    if not radius:
        return bd.Rectangle(f["length"], f["width"])
    if 2 * radius >= min(f["length"], f["width"]):
        raise impossible(
            f,
            f"corner_radius {radius:g} mm does not fit {f['length']:g} x {f['width']:g}: "
            f"make it less than {min(f['length'], f['width']) / 2:g} mm",
        )
    return bd.RectangleRounded(f["length"], f["width"], radius)


def _profile(ctx: Context, f: Feature) -> None:
    shape = f["shape"]
    if shape == "rect":
        face = _rect(f)
    elif shape == "circle":
        face = bd.Circle(f["diameter"] / 2)
    elif shape == "polygon":
        face = bd.RegularPolygon(f["diameter"] / 2, f["sides"])
    else:
        face = outline(f, "points")
    if "arcs" in f and shape != "points":
        raise impossible(
            f,
            f"{len(f['arcs'])} arcs given to a {shape}: arcs bend the sides of shape points; "
            "remove them",
        )
    if shape != "points":
        face = _offset(f, face)
    for x, y in f.get("holes", []):
        hole = bd.Pos(x, y) * bd.Circle(f.get("hole_diameter", 1.0) / 2)
        if (face & hole).area < hole.area - _EPSILON:
            raise CodedError(
                "hole_outside_body",
                f"profile '{f['name']}': the hole at ({x:g}, {y:g}) is not inside the "
                "outline: move it inside, or make the outline larger",
            )
        face = face - hole
    ctx.flat.append(face)


def _path(ctx: Context, f: Feature) -> None:
    if len(f["points"]) < 2:
        raise impossible(f, f"{len(f['points'])} point makes no path: give at least 2")
    ctx.flat.append(bd.Polyline(*[tuple(p) for p in f["points"]]))  # tuples: see _polygon


# --- applying tools ---------------------------------------------------------------------


def _apply(ctx: Context, f: Feature, tool: Tool) -> None:
    ctx.tools[f["name"]] = tool
    if tool.op == "keep":
        return
    if ctx.part is None:
        if tool.op != "union":
            raise impossible(f, f"there is no body to {tool.op} with: put a body before it")
        ctx.part = tool.shape
        return
    before = ctx.part.volume
    if tool.op == "union":
        ctx.part = ctx.part + tool.shape
    elif tool.op == "subtract":
        part, ctx.part = ctx.part, ctx.part - tool.shape
        if ctx.part.volume >= before - _EPSILON:
            raise CodedError(
                "hole_outside_body",
                f"{f['feature_type']} '{f['name']}': the cut around {_centre(tool.shape)} misses "
                f"the part around {_centre(part)}: move it onto the part (positions, at), or "
                "choose another face",
            )
    else:
        ctx.part = ctx.part & tool.shape


def _centre(shape: Shape) -> str:
    centre = shape.bounding_box().center()
    return "(" + ", ".join(f"{round(v, 2) + 0:g}" for v in (centre.X, centre.Y, centre.Z)) + ")"


# --- the engine -------------------------------------------------------------------------

Step = Callable[[Context, Feature], None]


def _body(make: Callable[[Feature], Shape]) -> Step:
    """A body: its shape, placed, applied with its own operation."""

    def step(ctx: Context, f: Feature) -> None:
        _apply(ctx, f, Tool(_placed(make(f), f), f.get("op", "union")))

    return step


def _tool(make: Callable[[Context, Feature], Tool | None]) -> Step:
    """A feature that makes a tool (None: nothing to add), applied with the tool's operation."""

    def step(ctx: Context, f: Feature) -> None:
        tool = make(ctx, f)
        if tool is not None:
            _apply(ctx, f, tool)

    return step


def _whole(make: Callable[[Context, Feature], Shape]) -> Step:
    """An operation that replaces the whole part so far."""

    def step(ctx: Context, f: Feature) -> None:
        ctx.part = make(ctx, f)

    return step


# The one dispatch table: each feature type of the vocabulary and how it is built.
STEPS: dict[str, Step] = {
    "box": _body(_box),
    "cylinder": _body(_cylinder),
    "tube": _body(_tube),
    "sphere": _body(_sphere),
    "torus": _body(_torus),
    "wedge": _body(_wedge),
    "cone": _body(_cone),
    "polygon_prism": _body(_polygon_prism),
    "points_prism": _body(_points_prism),
    "profile_extrude": _body(_profile_extrude),
    "loft": _body(_loft),
    "revolve": _body(_revolve),
    "sweep": _body(_sweep),
    "truss": _body(_truss),
    "notched_tower": _body(_notched_tower),
    "canopy": _body(_canopy),
    "hole": _tool(_hole),
    "pocket": _tool(_pocket),
    "boss": _tool(_boss),
    "slot": _tool(_slot),
    "cutout": _tool(_cutout),
    "linear_pattern": _tool(_linear),
    "grid_pattern": _tool(_grid),
    "polar_pattern": _tool(_polar),
    "mirror": _tool(_mirror),
    "fillet": _whole(_edge_treatment),
    "chamfer": _whole(_edge_treatment),
    "shell": _whole(_shell),
    "boolean": _tool(_boolean),
    "profile": _profile,
    "path": _path,
}


def build_part(spec: dict[str, Any]) -> Shape:
    """The shape a resolved spec describes: a solid (or compound), or flat faces and wires."""
    ctx = Context(mode=spec["mode"])
    for index, feature in enumerate(spec["geometry"]["features"]):
        try:
            STEPS[feature["feature_type"]](ctx, feature)
        except CodedError as error:
            error.path = error.path or f"$.geometry.features[{index}]"
            raise
    if spec["output_type"] in FLAT_OUTPUTS:
        return bd.Compound(children=ctx.flat)
    _check_valid(ctx.part, spec["mode"])
    return ctx.part


def _check_valid(part: Shape, mode: str) -> None:
    if part is None or not part.is_valid or part.volume <= _EPSILON:
        raise CodedError("geometry_invalid", "the features do not make a valid solid")
    if max(part.bounding_box().size) > MAX_SIZE_MM:
        raise CodedError("geometry_invalid", "the part is larger than 10 m")
    if mode == "part" and len(part.solids()) != 1:
        raise CodedError(
            "geometry_invalid",
            f"the features make {len(part.solids())} separate solids; a part must be one "
            "(use mode 'assembly' for several)",
        )
