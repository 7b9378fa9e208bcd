"""The holes a spec asks for, counted through its patterns and mirrors, and checked on the
built part: the spec says what was meant (through or how deep, counterbore, countersink),
the shape says which of those holes are really there. A drawing's hole callouts come from here.
"""

import math
from dataclasses import dataclass, field
from typing import Any

import build123d as bd

from naturalcad.geometry.build import counterbore_depth

Point = tuple[float, float]
_TOLERANCE_MM = 1e-3  # how far a built hole's axis or radius may be from the spec's


@dataclass(frozen=True)
class Hole:
    """One hole feature of the spec (sizes in mm)."""

    name: str
    diameter: float
    depth: float | None  # None: through
    counterbore: tuple[float, float] | None = None  # (diameter, depth)
    countersink: float | None = None  # diameter at the face
    countersink_angle: float = 90.0  # included, in degrees
    face: str = "top"


@dataclass
class HoleGroup:
    hole: Hole
    centres: list[Point]  # every copy the spec makes, in XY
    found: list[Point] = field(default_factory=list)  # the copies the built part has
    pitch_radii: set[float] = field(default_factory=set)  # bolt circles about Z its copies lie on

    @property
    def callout(self) -> str:
        """ISO 129 / ASME Y14.5 wording, in words rather than symbols."""
        hole, mm = self.hole, _mm
        text = f"Ø{mm(hole.diameter)} " + (
            "THRU" if hole.depth is None else f"DEPTH {mm(hole.depth)}"
        )
        if hole.counterbore:
            text += f", CBORE Ø{mm(hole.counterbore[0])} DEPTH {mm(hole.counterbore[1])}"
        if hole.countersink:
            text += f", CSK Ø{mm(hole.countersink)} × {mm(hole.countersink_angle)}°"
        if hole.face == "bottom":
            text += ", FROM BOTTOM"
        count = len(self.found)
        return f"{count}× {text}" if count > 1 else text

    @property
    def note(self) -> str:
        """What the drawing must say when the part lacks some of the spec's holes."""
        missing = len(self.centres) - len(self.found)
        if not missing:
            return ""
        return (
            f"{self.hole.name}: {missing} of the {len(self.centres)} holes the spec places are "
            f"not in the built part; the callout counts the {len(self.found)} that are"
        )


def _mm(value: float) -> str:
    return f"{round(value, 2):g}"


def _hole(feature: dict[str, Any]) -> Hole:
    counterbore = None
    if "counterbore_diameter" in feature:
        counterbore = (feature["counterbore_diameter"], counterbore_depth(feature))
    return Hole(
        name=feature["name"],
        diameter=feature["diameter"],
        depth=feature.get("depth"),
        counterbore=counterbore,
        countersink=feature.get("countersink_diameter"),
        countersink_angle=feature.get("countersink_angle", 90.0),
        face=feature.get("face", "top"),
    )


Copies = list[tuple[Hole, Point]]


def _patterned(feature: dict[str, Any], copies: Copies) -> Copies:
    """The copies a pattern adds (the engine's patterns add copies, not the original)."""
    kind = feature["feature_type"]
    if kind == "linear_pattern":
        dx, dy, _ = feature["spacing"]
        steps = [(dx * k, dy * k) for k in range(1, feature["count"])]
    elif kind == "grid_pattern":
        steps = [
            (feature["spacing_x"] * i, feature["spacing_y"] * j)
            for i in range(feature["count_x"])
            for j in range(feature["count_y"])
            if (i, j) != (0, 0)
        ]
    elif kind == "polar_pattern":
        step = math.radians(feature.get("angle", 360) / feature["count"])
        return [
            (hole, _rotated(point, step * k))
            for k in range(1, feature["count"])
            for hole, point in copies
        ]
    else:  # mirror
        return [(hole, _mirrored(point, feature["plane"])) for hole, point in copies]
    return [(hole, (x + sx, y + sy)) for sx, sy in steps for hole, (x, y) in copies]


def _rotated(point: Point, angle: float) -> Point:
    x, y = point
    return (x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle))


def _mirrored(point: Point, plane: str) -> Point:
    x, y = point
    return {"XZ": (x, -y), "YZ": (-x, y), "XY": (x, y)}[plane]


def spec_holes(spec: dict[str, Any]) -> list[HoleGroup]:
    """Each hole feature with every centre the spec gives it, in feature order."""
    tools: dict[str, Copies] = {}
    applied: Copies = []
    pitch: dict[Hole, set[float]] = {}
    for feature in spec["geometry"]["features"]:
        kind, name = feature["feature_type"], feature["name"]
        if kind == "hole" and feature.get("face", "top") not in ("top", "bottom"):
            continue  # a hole in a side runs across the views: the callouts are of holes along Z
        if kind == "hole":
            hole = _hole(feature)
            tools[name] = [(hole, (x, y)) for x, y in feature.get("positions") or [[0.0, 0.0]]]
        elif kind == "profile" and feature.get("holes"):
            hole = Hole(name, feature.get("hole_diameter", 1.0), None)
            tools[name] = [(hole, (x, y)) for x, y in feature["holes"]]
        elif kind in ("linear_pattern", "grid_pattern", "polar_pattern", "mirror"):
            # a mirror of the whole part mirrors every hole made so far
            source = tools.get(feature["of"], []) if "of" in feature else list(applied)
            tools[name] = _patterned(feature, source)
            if kind == "polar_pattern":
                for hole, (x, y) in source:
                    pitch.setdefault(hole, set()).add(round(math.hypot(x, y), 6))
        else:
            continue
        applied.extend(tools[name])
    groups: dict[Hole, list[Point]] = {}
    for hole, point in applied:
        centres = groups.setdefault(hole, [])
        if all(math.dist(point, other) > _TOLERANCE_MM for other in centres):
            centres.append(point)
    return [
        HoleGroup(hole, centres, [], pitch.get(hole, set())) for hole, centres in groups.items()
    ]


def _built_circles(shape: Any) -> list[tuple[float, float, float]]:
    """(x, y, radius) of every round hole wall along Z in the part, or circle in a flat one."""
    circles = []
    if shape.solids():
        for face in shape.faces().filter_by(bd.GeomType.CYLINDER):
            axis = face.axis_of_rotation
            if abs(abs(axis.direction.Z) - 1) < 1e-9:
                circles.append((axis.position.X, axis.position.Y, face.radius))
    else:
        for edge in shape.edges().filter_by(bd.GeomType.CIRCLE):
            centre = edge.arc_center
            circles.append((centre.X, centre.Y, edge.radius))
    return circles


def holes_in(spec: dict[str, Any], shape: Any) -> list[HoleGroup]:
    """The spec's hole groups, each with the centres the built part confirms."""
    groups = spec_holes(spec)
    circles = _built_circles(shape) if groups else []
    for group in groups:
        radius = group.hole.diameter / 2
        group.found = [
            (x, y)
            for x, y in group.centres
            if any(
                abs(r - radius) < _TOLERANCE_MM and math.hypot(cx - x, cy - y) < _TOLERANCE_MM
                for cx, cy, r in circles
            )
        ]
    return groups
