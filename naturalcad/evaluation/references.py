"""Reference figures for the evaluation corpus, computed by formula from the sizes a prompt
states: independent of the interpreter and of the spec engine, so that both can be judged by
them. The few solids without a handy formula (chamfered or fully filleted blocks) are built
here directly with build123d primitives, never through a spec.

A `Part` holds what a right answer must measure: its sorted bounding box, its volume (area
for a flat outline, length for a path) as a range when the prompt leaves a size open, and
the holes and edge treatments that must exist. Methods return a changed copy, so a corpus
line reads like the prompt: `box(200, 100, 3).drill(5, 8)`.
"""

import itertools
import math
from dataclasses import dataclass, field, replace
from typing import Any

SOLID, FLAT, PATH = "3d_solid", "2d_vector", "1d_path"
# A prompt that names "M5 holes" may get a close, medium or coarse clearance hole (ISO 273)
# or the nominal size; any of them is a right reading of it.
CLEARANCE = (1.0, 1.25)


def clearance(metric: float) -> tuple[float, float]:
    return (metric * CLEARANCE[0], metric * CLEARANCE[1])


def _span(value: float | tuple[float, float]) -> tuple[float, float]:
    return (value, value) if isinstance(value, (int, float)) else (value[0], value[1])


def _circle(diameter: float) -> float:
    return math.pi * diameter**2 / 4


@dataclass(frozen=True)
class Part:
    output_type: str
    size: tuple[float, float, float]
    amount: tuple[float, float]  # volume, area or length: the least and most a right part has
    thickness: float = 0.0  # what a through hole or a vertical edge cuts through
    holes: tuple[dict[str, Any], ...] = ()
    rounds: int = 0  # at least this many convex partial cylinders (fillets, rounded corners)
    round_radius: tuple[float, float] | None = None
    slot_ends: int = 0  # concave partial cylinders (slot ends, rounded pocket corners)
    faces_min: tuple[tuple[str, int], ...] = ()  # e.g. (("plane", 18),) for a chamfered box
    cutouts: int = 0  # non-circular openings in a flat outline
    notes: tuple[str, ...] = field(default=())

    def _cut(self, depth: float | None) -> float:
        """How deep a cut goes: 1 for an outline (its amount is an area), else the depth
        asked, else the whole thickness."""
        if self.output_type != SOLID:
            return 1.0
        return self.thickness if depth is None else depth

    def less(self, low: float, high: float | None = None) -> "Part":
        high = low if high is None else high
        return replace(self, amount=(self.amount[0] - high, self.amount[1] - low))

    def more(self, low: float, high: float | None = None) -> "Part":
        high = low if high is None else high
        return replace(self, amount=(self.amount[0] + low, self.amount[1] + high))

    def drill(
        self,
        diameter: float | tuple[float, float],
        count: int = 1,
        depth: float | None = None,
        through: bool | None = True,
        edge: float | tuple[float, float] | None = None,
        pcd: float | None = None,
    ) -> "Part":
        """`count` holes cut `depth` deep (the part's thickness when through); `edge`: their
        centres that far in from the two nearest sides; `pcd`: on a circle that wide."""
        low, high = _span(diameter)
        part = self.less(
            count * _circle(low) * self._cut(depth), count * _circle(high) * self._cut(depth)
        )
        hole: dict[str, Any] = {"diameter": [low, high], "count": count, "through": through}
        if edge is not None:
            hole["edge"] = sorted(_span(edge))
        if pcd is not None:
            hole["from_centre"] = pcd / 2
        return replace(part, holes=(*part.holes, hole))

    def counterbore(self, hole: float, bore: float, bore_depth: float, count: int = 1) -> "Part":
        part = self.drill(hole, count)
        part = part.less(count * (_circle(bore) - _circle(hole)) * bore_depth)
        cbore = {"diameter": [bore, bore], "count": count, "through": None}
        return replace(part, holes=(*part.holes, cbore))

    def countersink(self, hole: float, head: float, count: int = 1) -> "Part":
        """A 90 degree countersink: a cone of height (head - hole) / 2 over the hole."""
        part = self.drill(hole, count)
        depth = (head - hole) / 2
        cone = math.pi * depth / 3 * ((head / 2) ** 2 + head * hole / 4 + (hole / 2) ** 2)
        part = part.less(count * (cone - _circle(hole) * depth))
        return replace(part, faces_min=(*part.faces_min, ("cone", count)))

    def slot(
        self, length: float, width: float, depth: float | None = None, count: int = 1
    ) -> "Part":
        """A slot `length` long overall, with round ends, through unless `depth` is given."""
        area = (length - width) * width + _circle(width)
        part = self.less(count * area * self._cut(depth))
        if self.output_type != SOLID:
            return replace(part, cutouts=part.cutouts + count)
        return replace(part, slot_ends=part.slot_ends + 2 * count)

    def pocket(self, length: float, width: float, depth: float, corner: float = 0.0) -> "Part":
        area = length * width - (4 - math.pi) * corner**2
        return self.less(area * depth)

    def round_corners(self, radius: float | tuple[float, float], corners: int = 4) -> "Part":
        """Vertical edges of a block (or corners of an outline) rounded to `radius`."""
        low, high = _span(radius)
        loss = corners * (1 - math.pi / 4) * self._cut(None)
        part = self.less(loss * low**2, loss * high**2)
        return replace(part, rounds=part.rounds + corners, round_radius=(low, high))


def _box_volume(length: float, width: float, height: float) -> float:
    return length * width * height


def box(length: float, width: float, height: float) -> Part:
    volume = _box_volume(length, width, height)
    return Part(SOLID, (length, width, height), (volume, volume), thickness=height)


def plate(length: float, width: float, thickness: float) -> Part:
    return box(length, width, thickness)


def outline(length: float, width: float) -> Part:
    """A flat rectangle: a laser-cut or waterjet outline (area, no thickness)."""
    return Part(FLAT, (length, width, 0.0), (length * width,) * 2)


def disc_outline(diameter: float) -> Part:
    area = _circle(diameter)
    return Part(FLAT, (diameter, diameter, 0.0), (area, area))


def cylinder(diameter: float, height: float) -> Part:
    volume = _circle(diameter) * height
    return Part(SOLID, (diameter, diameter, height), (volume, volume), thickness=height)


def stepped_shaft(*steps: tuple[float, float]) -> Part:
    """Cylinders of (diameter, length) stacked on one axis: a turned part."""
    volume = sum(_circle(diameter) * length for diameter, length in steps)
    widest = max(diameter for diameter, _ in steps)
    height = sum(length for _, length in steps)
    return Part(SOLID, (widest, widest, height), (volume, volume))


def tube(outer: float, inner: float | tuple[float, float], length: float) -> Part:
    return cylinder(outer, length).drill(inner, pcd=0)


def sphere(diameter: float) -> Part:
    volume = math.pi * diameter**3 / 6
    return Part(SOLID, (diameter,) * 3, (volume, volume), faces_min=(("sphere", 1),))


def hemisphere(diameter: float) -> Part:
    volume = math.pi * diameter**3 / 12
    return Part(SOLID, (diameter, diameter, diameter / 2), (volume, volume))


def cone(bottom: float, top: float, height: float) -> Part:
    r1, r2 = bottom / 2, top / 2
    volume = math.pi * height / 3 * (r1 * r1 + r1 * r2 + r2 * r2)
    return Part(SOLID, (bottom, bottom, height), (volume, volume), faces_min=(("cone", 1),))


def pyramid(base_length: float, base_width: float, height: float) -> Part:
    volume = base_length * base_width * height / 3
    return Part(SOLID, (base_length, base_width, height), (volume, volume))


def polygon_prism(sides: int, across_flats: float, height: float) -> Part:
    """A regular prism standing on a polygon `across_flats` wide (flat to flat)."""
    if sides not in (3, 4, 6):
        # Other polygons' bounding boxes depend on how they are turned.
        raise ValueError("only triangles, squares and hexagons are supported")
    apothem = across_flats / 2
    area = sides * apothem**2 * math.tan(math.pi / sides)
    corner = apothem / math.cos(math.pi / sides)
    edge = 2 * apothem * math.tan(math.pi / sides)
    extent_a = {3: corner + apothem, 4: across_flats, 6: 2 * corner}[sides]
    extent_b = {3: edge, 4: across_flats, 6: across_flats}[sides]
    volume = area * height
    return Part(SOLID, (extent_a, extent_b, height), (volume, volume), thickness=height)


def nut(across_flats: float, height: float, bore: float | tuple[float, float]) -> Part:
    return polygon_prism(6, across_flats, height).drill(bore, pcd=0)


def extruded(area: float, extent_a: float, extent_b: float, length: float) -> Part:
    """A profile of `area` (its bounding box extent_a x extent_b) extruded `length`."""
    volume = area * length
    return Part(SOLID, (extent_a, extent_b, length), (volume, volume))


def l_profile(leg_a: float, leg_b: float, thickness: float, length: float) -> Part:
    """An angle: legs measured outside, both `thickness` thick, `length` long."""
    area = leg_a * thickness + (leg_b - thickness) * thickness
    part = extruded(area, leg_a, leg_b, length)
    return replace(part, thickness=thickness)


def t_profile(flange: float, height: float, thickness: float, length: float) -> Part:
    area = flange * thickness + (height - thickness) * thickness
    return replace(extruded(area, flange, height, length), thickness=thickness)


def u_channel(width: float, height: float, thickness: float, length: float) -> Part:
    area = width * thickness + 2 * (height - thickness) * thickness
    return replace(extruded(area, width, height, length), thickness=thickness)


def tray(
    length: float, width: float, height: float, wall: float, floor: float | None = None
) -> Part:
    """An open-top box: outside sizes, walls `wall` thick, a floor `floor` thick (= wall)."""
    floor = wall if floor is None else floor
    inside = (length - 2 * wall) * (width - 2 * wall) * (height - floor)
    volume = length * width * height - inside
    return Part(SOLID, (length, width, height), (volume, volume), thickness=floor)


def filleted_box(length: float, width: float, height: float, radius: float) -> Part:
    """Every edge rounded: the box shrunk by `radius` and grown back by a ball (Steiner)."""
    a, b, c = length - 2 * radius, width - 2 * radius, height - 2 * radius
    volume = (
        a * b * c
        + 2 * radius * (a * b + b * c + c * a)
        + math.pi * radius**2 * (a + b + c)
        + 4 / 3 * math.pi * radius**3
    )
    return Part(SOLID, (length, width, height), (volume, volume), rounds=12)


def chamfered_box(
    length: float, width: float, height: float, size: float, top_only: bool = False
) -> Part:
    """Edges cut at 45 degrees, `size` along each face; built directly with build123d,
    because the corner pieces where three chamfers meet have no short formula."""
    import build123d as bd

    solid = bd.Box(length, width, height)
    edges = solid.edges().group_by(bd.Axis.Z)[-1] if top_only else solid.edges()
    volume = solid.chamfer(size, None, edges).volume
    planes = 6 + (4 if top_only else 12)
    return Part(SOLID, (length, width, height), (volume, volume), faces_min=(("plane", planes),))


def path(points: list[tuple[float, float]]) -> Part:
    length = sum(math.dist(a, b) for a, b in itertools.pairwise(points))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Part(PATH, (max(xs) - min(xs), max(ys) - min(ys), 0.0), (length, length))


def expectation(part: Part) -> dict[str, Any]:
    """The JSON a corpus entry stores: what the harness checks the built part against."""
    amount = {SOLID: "volume", FLAT: "area", PATH: "length"}[part.output_type]
    data: dict[str, Any] = {
        "output_type": part.output_type,
        "bbox": sorted(round(v, 4) for v in part.size),
        amount: [round(part.amount[0], 3), round(part.amount[1], 3)],
        "holes": [dict(h) for h in part.holes],
    }
    if part.rounds:
        radius = list(part.round_radius) if part.round_radius else None
        data["rounds"] = {"count": part.rounds, "radius": radius}
    if part.slot_ends:
        data["slot_ends"] = part.slot_ends
    if part.faces_min:
        data["faces_min"] = dict(part.faces_min)
    if part.cutouts:
        data["cutouts"] = part.cutouts
    return data
