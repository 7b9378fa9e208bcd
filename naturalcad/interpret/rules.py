"""The offline rules interpreter: a prompt becomes a spec by pattern, never by running it.

Each reader knows one family of everyday parts and the words people use for it; the first
that recognises the prompt writes the features. Lengths without a unit take the unit named
elsewhere in the prompt, else millimetres. Every default it assumes is listed in `notes`, and
its confidence falls with each one. A prompt no reader recognises is `prompt_not_understood`,
never a guessed shape.
"""

import math
import re
from dataclasses import dataclass, field

from naturalcad.errors import CodedError
from naturalcad.interpret.text import (
    METRIC,
    count_of,
    default_unit,
    has,
    lengths,
    measurements,
    metric_size,
    normalize,
    to_mm,
    triple,
)
from naturalcad.spec.schema import SPEC_VERSION

NOT_UNDERSTOOD = (
    "I could not read a part from that prompt. Try e.g. 'a 40 mm cube' or "
    "'a 120 x 70 x 5 mm plate with four 6 mm corner holes'."
)


class PromptNotUnderstood(CodedError):
    """I could not read a part from that prompt."""

    code = "prompt_not_understood"


@dataclass
class Reading:
    """What one reader made of the prompt."""

    text: str
    unit: float
    m: dict
    features: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    intent: str = ""
    output_type: str | None = None

    def assume(self, note: str, value):
        self.notes.append(note)
        return value

    def add(self, name: str, feature_type: str, **attrs) -> dict:
        feature = {"name": name, "feature_type": feature_type, **attrs}
        self.features.append(feature)
        return feature


def f_round(value: float) -> float:
    return round(value, 4)


# --- bodies ---------------------------------------------------------------------------


def _box_size(r: Reading) -> list[float] | None:
    size = triple(r.text, r.unit)
    if size and len(size) == 3:
        return size
    length = r.m.get("length", size[0] if size else None)
    width = r.m.get("width", size[1] if size else None)
    if length is None or width is None:
        return None
    height = r.m.get("height")
    if height is None:
        flat = has(r.text, "plate", "sheet", "panel")
        height = r.assume(
            f"assumed a thickness of {5 if flat else min(length, width):g} mm",
            5.0 if flat else min(length, width),
        )
    return [length, width, height]


def read_cube(r: Reading) -> bool:
    if not has(r.text, "cube"):
        return False
    found = lengths(r.text, r.unit)
    side = r.m.get("side", found[0] if found else None)
    if side is None:
        side = r.assume("assumed a 20 mm cube", 20.0)
    r.add("body", "box", length=side, width=side, height=side)
    r.intent = "cube"
    return True


def read_block(r: Reading) -> bool:
    if not has(
        r.text,
        "box",
        "block",
        "plate",
        "sheet",
        "slab",
        "bar",
        "panel",
        "cuboid",
        "brick",
        "base",
        "tray",
    ):
        return False
    size = _box_size(r)
    if size is None:
        return False
    length, width, height = size
    if has(r.text, "open box", "tray", "open-top", "open top", "hollow box"):
        return _tray(r, length, width, height)
    r.add("body", "box", length=length, width=width, height=height)
    r.intent = "plate" if has(r.text, "plate", "sheet", "panel") else "block"
    _holes(r, length, width)
    _slot(r)
    _edges(r, min(length, width, height))
    return True


def _tray(r: Reading, length, width, height) -> bool:
    wall = r.m.get("wall") or r.assume("assumed 2 mm walls", 2.0)
    r.add("body", "box", length=length, width=width, height=height)
    r.add("hollow", "shell", thickness=wall, open="top")
    r.intent = "tray"
    return True


def read_square_tube(r: Reading) -> bool:
    if not re.search(r"\b(square|rectangular|box) (tube|tubing|section|profile)\b", r.text):
        return False
    size = triple(r.text, r.unit) or [r.m.get("side")] * 2
    if not size or size[0] is None:
        return False
    outer_x, outer_y = size[0], size[1]
    length = r.m.get("length") or (size[2] if len(size) == 3 else None)
    length = length or r.assume("assumed a length of 100 mm", 100.0)
    wall = r.m.get("wall") or r.assume("assumed a 2 mm wall", 2.0)
    r.add("body", "box", length=outer_x, width=outer_y, height=length)
    r.add("bore", "cutout", shape="rect", length=outer_x - 2 * wall, width=outer_y - 2 * wall)
    r.intent = "square tube"
    return True


def _diameter(r: Reading) -> float | None:
    if "diameter" in r.m:
        return r.m["diameter"]
    return r.m["radius"] * 2 if "radius" in r.m else None


def read_round(r: Reading) -> bool:
    if not has(
        r.text,
        "cylinder",
        "rod",
        "shaft",
        "disc",
        "disk",
        "puck",
        "pin",
        "dowel",
        "column",
        "round bar",
    ):
        return False
    diameter = _diameter(r)
    found = lengths(r.text, r.unit)
    if diameter is None and len(found) >= 2 and has(r.text, "disc", "disk", "puck"):
        diameter = found[0]
    if diameter is None:
        return False
    height = r.m.get("height", r.m.get("length"))
    if height is None:
        flat = has(r.text, "disc", "disk", "puck")
        height = r.assume(
            f"assumed a height of {diameter / 4 if flat else diameter:g} mm",
            diameter / 4 if flat else diameter,
        )
    r.add("body", "cylinder", diameter=diameter, height=height)
    r.intent = "cylinder"
    _edges(r, min(diameter, height))
    return True


def read_tube(r: Reading) -> bool:
    if not has(
        r.text, "tube", "pipe", "ring", "spacer", "bushing", "bush", "washer", "sleeve", "collar"
    ):
        return False
    size = metric_size(r.text)
    if has(r.text, "washer") and size and "od" not in r.m and "diameter" not in r.m:
        clearance, _, _, outer, thick = METRIC[size]
        r.add(
            "body",
            "tube",
            outer_diameter=outer,
            inner_diameter=clearance,
            height=r.m.get("height", thick),
        )
        r.notes.append(f"ISO 7089 M{size} washer")
        r.intent = "washer"
        return True
    outer = r.m.get("od", _diameter(r))
    inner = r.m.get("id")
    if inner is None and size:
        inner = METRIC[size][0]
    if outer is None or (inner is None and "wall" not in r.m):
        return False
    inner = inner if inner is not None else outer - 2 * r.m["wall"]
    height = r.m.get("length", r.m.get("height"))
    if height is None:
        thin = has(r.text, "washer", "ring")
        height = r.assume(
            f"assumed a length of {2 if thin else outer:g} mm", 2.0 if thin else outer
        )
    r.add("body", "tube", outer_diameter=outer, inner_diameter=inner, height=height)
    r.intent = "tube"
    return True


def read_sphere(r: Reading) -> bool:
    if not has(r.text, "sphere", "ball"):
        return False
    diameter = _diameter(r) or next(iter(lengths(r.text, r.unit)), None)
    if diameter is None:
        return False
    r.add("body", "sphere", diameter=diameter)
    r.intent = "sphere"
    return True


def read_cone(r: Reading) -> bool:
    if has(r.text, "pyramid"):
        base = r.m.get("side", r.m.get("width")) or next(iter(lengths(r.text, r.unit)), None)
        height = r.m.get("height")
        if base is None or height is None:
            return False
        r.add(
            "body",
            "loft",
            bottom="rect",
            bottom_size=base,
            top="rect",
            top_size=0.01,
            height=height,
        )
        r.intent = "pyramid"
        return True
    if not has(r.text, "cone", "frustum", "taper"):
        return False
    found = lengths(r.text, r.unit)
    bottom = r.m.get("diameter") or (found[0] if found else None)
    height = r.m.get("height")
    if bottom is None or height is None:
        return False
    top = 0.0
    match = re.search(r"\bto\s+(\d+(?:\.\d+)?)", r.text)
    if match:
        top = float(match.group(1)) * r.unit
    r.add("body", "cone", bottom_diameter=bottom, top_diameter=top, height=height)
    r.intent = "cone"
    return True


def read_hex(r: Reading) -> bool:
    if not has(r.text, "hex", "hexagon"):
        return False
    size = metric_size(r.text)
    across = r.m.get("across") or r.m.get("diameter")
    if has(r.text, "nut") and size:
        _, flats, thick, _, _ = METRIC[size]
        r.add(
            "body",
            "polygon_prism",
            sides=6,
            across_flats=across or flats,
            height=r.m.get("height", thick),
        )
        r.add("bore", "hole", diameter=float(size))
        r.notes.append(f"ISO 4032 M{size} nut; the thread is not modelled")
        r.intent = "hex nut"
        return True
    if across is None:
        if not size:
            return False
        across = METRIC[size][1]
    height = r.m.get("length", r.m.get("height"))
    if height is None:
        height = r.assume(f"assumed a height of {across:g} mm", across)
    r.add("body", "polygon_prism", sides=6, across_flats=across, height=height)
    bore = r.m.get("id") or (float(size) if size else None)
    if bore is None and has(r.text, "nut"):
        bore = r.assume(f"assumed a {across / 2:g} mm bore", across / 2)
    if bore:
        r.add("bore", "hole", diameter=bore)
    r.intent = "hex standoff" if has(r.text, "standoff", "spacer") else "hex prism"
    return True


def read_prism(r: Reading) -> bool:
    if not has(r.text, "triangular", "triangle"):
        return False
    side = r.m.get("side") or next(iter(lengths(r.text, r.unit)), None)
    height = r.m.get("length", r.m.get("height"))
    if side is None or height is None:
        return False
    apex = side * math.sqrt(3) / 2
    points = [[-side / 2, 0.0], [side / 2, 0.0], [0.0, f_round(apex)]]
    r.add("body", "points_prism", points=points, height=height)
    r.intent = "triangular prism"
    return True


def read_bracket(r: Reading) -> bool:
    if not re.search(
        r"\b(l|angle)[- ]?(bracket|profile|iron)\b|\bangle bracket\b|\bbracket\b", r.text
    ):
        return False
    size = triple(r.text, r.unit)
    if not size or len(size) < 2:
        return False
    leg_a, leg_b = size[0], size[1]
    thickness = r.m.get("height") if "thick" in r.text else None
    thickness = thickness or (size[2] if len(size) == 3 and size[2] < min(leg_a, leg_b) else None)
    thickness = thickness or r.assume("assumed 3 mm thick", 3.0)
    width = r.m.get("width") or r.m.get("length") or r.assume("assumed 20 mm wide", 20.0)
    r.add(
        "bracket",
        "profile_extrude",
        profile="L",
        width=leg_a,
        height=leg_b,
        thickness=thickness,
        length=width,
    )
    r.intent = "L bracket"
    return True


def read_flange(r: Reading) -> bool:
    if not has(r.text, "flange"):
        return False
    diameter = r.m.get("od", _diameter(r))
    if diameter is None:
        return False
    thick = r.m.get("height") or r.assume(f"assumed {diameter / 10:g} mm thick", diameter / 10)
    bore = r.m.get("id") or r.assume(f"assumed a {diameter / 3:g} mm centre bore", diameter / 3)
    count = count_of(r.text, "(?:bolt )?holes?") or r.assume("assumed 4 bolt holes", 4)
    size = metric_size(r.text)
    hole = _hole_diameter(r) or (METRIC[size][0] if size else None)
    hole = hole or r.assume(f"assumed {diameter / 12:g} mm bolt holes", diameter / 12)
    circle = r.m.get("circle") or r.assume(
        f"assumed a {(diameter + bore) / 2:g} mm bolt circle", (diameter + bore) / 2
    )
    r.add("flange", "cylinder", diameter=diameter, height=thick)
    r.add("bore", "hole", diameter=bore)
    r.add("bolt", "hole", diameter=hole, positions=[[circle / 2, 0.0]])
    r.add("bolts", "polar_pattern", of="bolt", count=count)
    r.intent = "flange"
    return True


def read_truss(r: Reading) -> bool:
    if not has(r.text, "truss"):
        return False
    span = r.m.get("span", r.m.get("length"))
    if span is None:
        return False
    height = r.m.get("height") or r.assume(f"assumed {span / 8:g} mm deep", span / 8)
    panels = count_of(r.text, "(?:panels?|bays?)") or r.assume("assumed 6 panels", 6)
    member = r.m.get("width") or r.assume(f"assumed {height / 10:g} mm members", height / 10)
    r.add("truss", "truss", span=span, height=height, panels=panels, member=member)
    r.intent = "truss beam"
    return True


def read_tower(r: Reading) -> bool:
    if not (has(r.text, "tower") and has(r.text, "notch")):
        return False
    size = triple(r.text, r.unit)
    if not size or len(size) < 3:
        return False
    width, depth, height = size
    notches = count_of(r.text, "notch(?:es)?") or r.assume("assumed 3 notches", 3)
    notch_depth = _notch_depth(r) or r.assume(f"assumed {width / 4:g} mm deep notches", width / 4)
    r.add(
        "tower",
        "notched_tower",
        width=width,
        depth=depth,
        height=height,
        notches=notches,
        notch_depth=notch_depth,
    )
    r.intent = "notched tower"
    return True


def _notch_depth(r: Reading) -> float | None:
    match = re.search(
        r"(\d+(?:\.\d+)?)\s*(mm|cm|in)?\s*deep notch|notch(?:es)? (\d+(?:\.\d+)?)"
        r"\s*(mm|cm|in)? deep",
        r.text,
    )
    if not match:
        return None
    return to_mm(match.group(1) or match.group(3), match.group(2) or match.group(4), r.unit)


def read_canopy(r: Reading) -> bool:
    if not has(r.text, "canopy", "roof", "vault", "arch"):
        return False
    span = r.m.get("span") or r.m.get("width")
    rise = r.m.get("rise") or r.m.get("height")
    if span is None or rise is None:
        return False
    depth = r.m.get("length") or r.assume(f"assumed {span / 2:g} mm deep", span / 2)
    thick = r.m.get("wall") or r.assume(
        f"assumed {max(2.0, span / 100):g} mm thick", max(2.0, span / 100)
    )
    r.add("roof", "canopy", span=span, rise=rise, depth=depth, thickness=thick)
    r.intent = "canopy"
    r.output_type = "surface"
    return True


def read_loft(r: Reading) -> bool:
    if not (
        has(r.text, "loft", "transition", "lofted")
        or re.search(r"square to (round|circle|circular)", r.text)
    ):
        return False
    found = lengths(r.text, r.unit)
    height = r.m.get("height") or r.m.get("length")
    if len(found) < 2 or height is None:
        return False
    bottom_shape = "circle" if re.search(r"^\D*(round|circ)", r.text) else "rect"
    top_shape = (
        "circle" if re.search(r"to (a )?(\d+(\.\d+)? ?\w* )?(round|circ)", r.text) else "rect"
    )
    r.add(
        "body",
        "loft",
        bottom=bottom_shape,
        bottom_size=found[0],
        top=top_shape,
        top_size=found[1],
        height=height,
    )
    r.intent = "loft"
    return True


# --- flat outputs -------------------------------------------------------------------------


def read_route(r: Reading) -> bool:
    if not has(r.text, "route", "centreline", "centerline", "path", "polyline", "cable run"):
        return False
    length = r.m.get("length") or next(iter(lengths(r.text, r.unit)), None)
    if length is None:
        return False
    jogs = count_of(r.text, "jogs?") or 0
    size = re.search(r"jogs? of (\d+(?:\.\d+)?)\s*(mm|cm|m|in|inch)?", r.text)
    jog = to_mm(size.group(1), size.group(2), r.unit) if size else None
    jog = jog or (r.assume("assumed 20 mm jogs", 20.0) if jogs else 0.0)
    run = length / (jogs + 1)
    points, y = [[0.0, 0.0, 0.0]], 0.0
    for step in range(jogs + 1):
        x = run * (step + 1)
        points.append([f_round(x), y, 0.0])
        if step < jogs:
            y = jog if y == 0 else 0.0
            points.append([f_round(x), y, 0.0])
    r.add("route", "path", points=points)
    r.intent = "route"
    r.output_type = "1d_path"
    return True


def read_laser(r: Reading, wanted: str) -> bool:
    flat = wanted == "2d_vector" or has(
        r.text, "laser", "dxf", "waterjet", "outline", "2d profile", "flat pattern"
    )
    if not flat:
        return False
    size = triple(r.text, r.unit)
    diameter = _diameter(r)
    if size:
        r.add("outline", "profile", shape="rect", length=size[0], width=size[1])
        extent = (size[0], size[1])
    elif diameter:
        r.add("outline", "profile", shape="circle", diameter=diameter)
        extent = (diameter, diameter)
    else:
        return False
    holes = []
    count = count_of(r.text, "holes?") or (1 if has(r.text, "hole") else 0)
    if count:
        hole = _hole_diameter(r) or r.assume("assumed 5 mm holes", 5.0)
        holes = _hole_positions(r, count, extent, hole)
        r.features[-1].update(holes=holes, hole_diameter=hole)
    r.intent = "laser-cut plate"
    r.output_type = "2d_vector"
    return True


# --- features on a body ------------------------------------------------------------------


def _hole_diameter(r: Reading) -> float | None:
    """`6 mm holes`, `6 mm diameter holes`, `M6 holes`; a bare `4 holes` is a count."""
    size = metric_size(r.text)
    if size:
        return METRIC[size][0]
    match = re.search(
        r"(\d+(?:\.\d+)?)\s*(?:(mm|cm|in|inch|\")\s*(?:diameter|dia)?|(?:diameter|dia))\s*"
        r"(?:[a-z]+\s+){0,2}holes?",
        r.text,
    )
    return to_mm(match.group(1), match.group(2), r.unit) if match else None


def _hole_positions(r: Reading, count: int, extent, hole: float) -> list:
    length, width = extent
    if count == 1 or has(r.text, "centre hole", "center hole", "central hole"):
        return [[0.0, 0.0]]
    if has(r.text, "circle", "pcd", "bolt circle"):
        radius = (
            r.m.get("circle")
            or r.assume(f"assumed a {min(extent) / 2:g} mm circle", min(extent) / 2)
        ) / 2
        return [
            [
                f_round(radius * math.cos(2 * math.pi * k / count)),
                f_round(radius * math.sin(2 * math.pi * k / count)),
            ]
            for k in range(count)
        ]
    grid = re.search(r"(\d+)\s*x\s*(\d+)\s*(?:grid|array|pattern)", r.text)
    if grid or has(r.text, "grid"):
        nx, ny = (int(grid.group(1)), int(grid.group(2))) if grid else _near_square(count)
        pitch_x, pitch_y = length / (nx + 1), width / (ny + 1)
        return [
            [f_round(-length / 2 + pitch_x * (i + 1)), f_round(-width / 2 + pitch_y * (j + 1))]
            for i in range(nx)
            for j in range(ny)
        ]
    if count == 4 or has(r.text, "corner"):
        offset = r.m.get("offset") or r.assume(
            f"assumed holes {max(hole, min(extent) / 10):g} mm from the edges",
            max(hole, min(extent) / 10),
        )
        dx, dy = length / 2 - offset, width / 2 - offset
        return [[-dx, -dy], [dx, -dy], [dx, dy], [-dx, dy]]
    if count == 2:
        dx = r.assume(f"assumed two holes {length / 4:g} mm either side of the centre", length / 4)
        return [[-dx, 0.0], [dx, 0.0]]
    step = length / (count + 1)
    r.notes.append(f"assumed {count} holes in a row along the length")
    return [[f_round(-length / 2 + step * (k + 1)), 0.0] for k in range(count)]


def _near_square(count: int) -> tuple[int, int]:
    nx = int(math.sqrt(count))
    while count % nx:
        nx -= 1
    return count // nx, nx


def _holes(r: Reading, length: float, width: float) -> None:
    if not has(r.text, "hole"):
        return
    count = count_of(r.text, "holes?") or 1
    hole = _hole_diameter(r) or r.assume(
        f"assumed {min(length, width) / 10:g} mm holes", min(length, width) / 10
    )
    positions = _hole_positions(r, count, (length, width), hole)
    r.add("holes", "hole", diameter=hole, positions=positions)


def _slot(r: Reading) -> None:
    match = re.search(
        r"(\d+(?:\.\d+)?)\s*x\s*(\d+(?:\.\d+)?)\s*(?:mm\s*)?(?:rounded\s*)?slot", r.text
    )
    if match:
        r.add(
            "slot",
            "slot",
            length=float(match.group(1)) * r.unit,
            width=float(match.group(2)) * r.unit,
        )


def _edges(r: Reading, smallest: float) -> None:
    for word, feature_type, attr in (
        ("fillet|rounded edges|round(?:ed)? corners", "fillet", "radius"),
        ("chamfer|bevel", "chamfer", "length"),
    ):
        match = re.search(
            rf"(\d+(?:\.\d+)?)\s*(?:mm)?\s*(?:{word})|(?:{word})\w*\s*(?:of\s*)?"
            rf"(\d+(?:\.\d+)?)",
            r.text,
        )
        if not match:
            continue
        size = float(match.group(1) or match.group(2)) * r.unit
        edges = "vertical" if has(r.text, "vertical", "corners") else "all"
        if size >= smallest / 2:
            raise PromptNotUnderstood(
                message=f"a {size:g} mm {feature_type} does not fit this part"
            )
        r.add(f"{feature_type}s", feature_type, **{attr: size, "edges": edges})


# Most specific first: a "hex standoff" is not a plain prism, a "square tube" not a tube.
_READERS = (
    read_route,
    read_truss,
    read_tower,
    read_canopy,
    read_loft,
    read_flange,
    read_hex,
    read_square_tube,
    read_bracket,
    read_prism,
    read_cone,
    read_sphere,
    read_tube,
    read_cube,
    read_round,
    read_block,
)


def interpret(prompt: str, output_type: str = "3d_solid", mode: str = "part") -> dict:
    """The spec a prompt describes; its `confidence` is how little the reader assumed."""
    text = normalize(prompt)
    unit, _ = default_unit(text)
    reading = Reading(text=text, unit=unit, m=measurements(text, unit))
    if not (read_laser(reading, output_type) or any(read(reading) for read in _READERS)):
        raise PromptNotUnderstood(message=NOT_UNDERSTOOD)
    return _spec(reading, reading.output_type or output_type, mode)


def confidence(spec: dict) -> float:
    return max(0.3, 0.95 - 0.1 * len(spec.get("notes", [])))


def _spec(r: Reading, output_type: str, mode: str) -> dict:
    if output_type in ("2d_vector", "1d_path"):
        mode = "sketch"
    return {
        "spec_version": SPEC_VERSION,
        "intent": r.intent,
        "mode": mode,
        "output_type": output_type,
        "units": "mm",
        "dimensions": {},
        "geometry": {"primitive_strategy": ["rules"], "features": r.features},
        "notes": r.notes,
    }
