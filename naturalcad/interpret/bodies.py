"""Body readers: the one base body of a prompt, from its noun and the sizes around it.

`BODY_READERS` maps the nouns people use to a reader; the noun that comes first in the prompt
names the body. A reader takes the sizes it needs (claiming them), assumes a default where a
size is unsaid (and notes it), and refuses when it cannot tell the part's size at all.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from naturalcad.interpret.body import Body
from naturalcad.interpret.errors import PromptNotUnderstood
from naturalcad.interpret.lexicon import QUANTITY, UNIT_MM, quantity
from naturalcad.interpret.modifiers import HoleSet
from naturalcad.interpret.phrases import metric_in
from naturalcad.interpret.reading import Feature, Reading
from naturalcad.interpret.sizes import Sizes
from naturalcad.interpret.standards import METRIC


def _r4(value: float) -> float:
    return round(value, 4)


def _box_body(intent: str, size: list[float], features: list[Feature] | None = None) -> Body:
    length, width, height = size
    return Body(
        intent=intent,
        summary=f"a {length:g} x {width:g} x {height:g} mm {intent}",
        features=features
        or [
            {
                "name": "body",
                "feature_type": "box",
                "length": length,
                "width": width,
                "height": height,
            }
        ],
        footprint="rect",
        length=length,
        width=width,
        height=height,
        outline={
            "name": "outline",
            "feature_type": "profile",
            "shape": "rect",
            "length": length,
            "width": width,
        },
    )


def _round_body(intent: str, diameter: float, height: float, bore: float | None = None) -> Body:
    features: list[Feature] = [
        {"name": "body", "feature_type": "cylinder", "diameter": diameter, "height": height}
    ]
    outline: Feature = {
        "name": "outline",
        "feature_type": "profile",
        "shape": "circle",
        "diameter": diameter,
    }
    return Body(
        intent=intent,
        summary=f"a {diameter:g} mm diameter {intent} {height:g} mm high",
        features=features,
        footprint="round",
        length=diameter,
        width=diameter,
        height=height,
        outline=outline,
        bore=bore,
    )


# --- boxes ------------------------------------------------------------------------------

_FLAT = re.compile(r"plate|sheet|panel|slab|tile|board|lid|cover|shim|gasket|base")


def read_cube(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    group = s.group()
    if group and len(set(group)) > 1:
        raise PromptNotUnderstood("I read a cube, but with sides of different sizes")
    side = group[0] if group else None
    side = side or s.role("side", "length", "width", "height") or s.bare() or s.any_length()
    if side is None:
        side = r.assume("a 20 mm cube", 20.0)
    return _box_body("cube", [side, side, side])


_OUTSIDE = re.compile(
    r"\b(?:outside|outer|overall|external)(?:\s+(?:dimensions|size|sizes))?(?:\s+(?:are|is))?\b"
)


def _box_size(r: Reading, s: Sizes, intent: str) -> list[float]:
    for word in r.find(_OUTSIDE):
        r.take(word)  # the size of a box is its outside size
    size = s.group() or []
    if len(size) == 3:
        return size
    length = s.role("length") or (size[0] if size else None)
    width = s.role("width") or (size[1] if size else None)
    height = s.role("height", "thick")
    depth = s.role("depth")
    if height is None and depth is None and len(size) == 2:
        height = s.bare()  # "a 3 mm plate 200 x 100": the size before the noun is its thickness
    if length is not None and len(size) == 2 and s.role("length") is None and height is None:
        pass
    section = next(r.find(re.compile(r"\b(?:cross\s*)?section\b")), None)
    if section is not None and len(size) == 2 and length not in size:
        # "a 0.1 m long bar, 20 x 10 mm section": the group is the section
        r.take(section)
        width, height = size
    if width is None and depth is not None and height is not None:
        width, depth = depth, None
    height = height or depth
    if length is None or width is None:
        raise PromptNotUnderstood(f"I read a {intent} but not its length and width")
    if height is None and r.output_hint == "2d_vector":
        r.solid_note = "a thickness of 5 mm for the solid"  # a drawing needs none
        return [length, width, 5.0]
    if height is None:
        flat = bool(_FLAT.search(intent))
        default = 5.0 if flat else min(length, width)
        height = r.assume(f"a thickness of {default:g} mm", default)
    return [length, width, height]


def read_box(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    intent = _intent(noun)
    if any(isinstance(m, HoleSet) for m in r.modifiers):
        for word in r.find(re.compile(r"\bperforated\b")):
            r.take(word)  # a perforated plate, with the holes it is said to have
    return _box_body(intent, _box_size(r, s, intent))


_FLAT_TOP = re.compile(
    rf"(?:with\s*)?(?:a\s*)?(?P<q>{QUANTITY})\s*(?:long\s*)?flat(?:\s*(?:on\s*)?top)?\b"
    rf"|(?:with\s*)?(?:a\s*)?flat top\s*(?:of\s*)?(?P<q2>{QUANTITY})(?:\s*long)?"
)


def read_wedge(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    """A ramp: the length and height of its slope, its width; a flat top only when said."""
    length, width, height = _box_size(r, s, "wedge")
    flat = next(r.find(_FLAT_TOP), None)
    top = 0.0
    if flat is not None:
        r.take(flat)
        top = r.first_mm(flat, "q", "q2") or 0.0
    else:
        r.assume("a sharp top edge")
    r.default("the wedge is tall at -X and slopes down towards +X")
    body = _box_body("wedge", [length, width, height])
    body.features = [
        {
            "name": "body",
            "feature_type": "wedge",
            "length": length,
            "width": width,
            "height": height,
            "top_length": top,
        }
    ]
    body.summary = f"a {length:g} x {width:g} x {height:g} mm wedge"
    body.footprint, body.outline = "other", None
    return body


def read_tray(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    body = _box_body("tray", _box_size(r, s, "tray"))
    body.summary = body.summary.replace("tray", _intent(noun))
    body.implies = _tray_implies
    body.wall = s.role("thick", "wall")  # "a tray 120 x 120 x 15, 1.5 mm thick": its walls
    return body


def _tray_implies(body: Body, modifiers: list[Any], r: Reading) -> list[Any]:
    """A tray, an open box or an enclosure is hollow and open at the top."""
    from naturalcad.interpret.modifiers import Shell, read_floors

    shells = [m for m in modifiers if isinstance(m, Shell)]
    return [] if shells else [Shell(body.wall, True, floors=read_floors(r))]


def read_square_tube(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    size = s.group() or []
    side = s.role("side", "width")
    outer = size[:2] if len(size) >= 2 else [side, side] if side else None
    if outer is None:
        raise PromptNotUnderstood("I read a square tube but not its outside size")
    wall = size[2] if len(size) == 3 and s.group_labelled(r"walls?|wall thickness") else None
    length = s.role("length") or (size[2] if len(size) == 3 and wall is None else None)
    length = length or r.assume("a length of 100 mm", 100.0)
    wall = wall or s.role("wall", "thick") or r.assume("a 2 mm wall", 2.0)
    body = _box_body("square tube", [outer[0], outer[1], length])
    body.features.append(
        {
            "name": "bore",
            "feature_type": "cutout",
            "shape": "rect",
            "length": outer[0] - 2 * wall,
            "width": outer[1] - 2 * wall,
        }
    )
    body.footprint, body.outline = "other", None
    return body


# --- round bodies ---------------------------------------------------------------------

_DISC = re.compile(r"disc|disk|puck|coin|round plate|circular plate|round base|wheel")


def _diameter(s: Sizes) -> float | None:
    diameter = s.role("diameter", "od")
    if diameter is None:
        radius = s.role("radius")
        diameter = radius * 2 if radius is not None else None
    return diameter


def read_cylinder(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    intent = _intent(noun)
    flat = bool(_DISC.search(intent))
    diameter = _diameter(s)
    height = s.role("height", "length", "thick", "depth")
    size = s.group() if diameter is None and height is None else None
    if size and len(size) == 2:
        diameter, height = size
    diameter = diameter or s.bare() or (s.any_length() if flat else None)
    if diameter is None:
        raise PromptNotUnderstood(f"I read a {intent} but not its diameter")
    if height is None:
        default = diameter / 4 if flat else diameter
        height = r.assume(f"a height of {default:g} mm", default)
    return _round_body(intent, diameter, height)


def read_tube(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    intent = _intent(noun)
    size = metric_in(noun.group()) or _free_metric(r)
    if intent == "washer" and size is not None:
        return _washer(r, s, size)
    outer = s.role("od") or _diameter(s) or s.bare()
    inner = s.role("id")
    wall = s.role("wall") if inner is None else None
    drilled = any(isinstance(m, HoleSet) and m.central for m in r.modifiers)
    if inner is None and wall is None and drilled and outer is not None:
        long = s.role("length", "height", "thick") or r.assume(f"a length of {outer:g} mm", outer)
        return _round_body(intent, outer, long)  # the hole asked for is its bore
    if inner is None and size is not None:
        inner = r.assume(
            f"an M{size} clearance bore of {METRIC[size].clearance:g} mm", METRIC[size].clearance
        )
    if outer is None or (inner is None and wall is None):
        raise PromptNotUnderstood(f"I read a {intent} but not both its outside and inside size")
    inner = inner if inner is not None else outer - 2 * (wall or 0)
    length = s.role("length", "height", "thick", "depth")
    if length is None:
        thin = intent in ("washer", "ring")
        length = r.assume(f"a length of {2 if thin else outer:g} mm", 2.0 if thin else outer)
    return _tube_body(intent, outer, inner, length)


def _tube_body(intent: str, outer: float, inner: float, height: float) -> Body:
    body = _round_body(intent, outer, height, bore=inner)
    body.features = [
        {
            "name": "body",
            "feature_type": "tube",
            "outer_diameter": outer,
            "inner_diameter": inner,
            "height": height,
        }
    ]
    body.summary = f"a {outer:g} mm OD, {inner:g} mm ID {intent} {height:g} mm long"
    if body.outline is not None:
        body.outline.update(holes=[[0.0, 0.0]], hole_diameter=inner)
    return body


def _washer(r: Reading, s: Sizes, size: int) -> Body:
    iso = METRIC[size]
    outer = s.role("od") or r.assume(
        f"the ISO 7089 M{size} washer's {iso.washer_od:g} mm OD", iso.washer_od
    )
    inner = s.role("id") or r.assume(f"its {iso.clearance:g} mm bore", iso.clearance)
    height = s.role("thick", "height") or r.assume(
        f"its {iso.washer_thickness:g} mm thickness", iso.washer_thickness
    )
    body = _tube_body("washer", outer, inner, height)
    body.summary = f"an M{size} washer"
    return body


def _metric_length(r: Reading) -> tuple[int | None, float | None]:
    """`M3 x 10`: a fastener's thread and length."""
    match = next(r.find(re.compile(rf"\bm(?P<m>\d{{1,2}})\s*x\s*(?P<q>{QUANTITY})")), None)
    if match is None or int(match.group("m")) not in METRIC:
        return None, None
    r.take(match)
    return int(match.group("m")), quantity(match.group("q"), match.start("q")).mm(r.unit)


def _free_metric(r: Reading) -> int | None:
    for match in r.find(re.compile(r"\bm(\d{1,2})\b")):
        size = int(match.group(1))
        if size in METRIC:
            r.take(match)
            return size
    return None


def read_sphere(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    diameter = _diameter(s) or s.bare() or s.any_length()
    if diameter is None:
        raise PromptNotUnderstood("I read a sphere but not its diameter")
    body = _round_body("sphere", diameter, diameter)
    body.features = [{"name": "body", "feature_type": "sphere", "diameter": diameter}]
    body.summary, body.footprint, body.outline = f"a {diameter:g} mm sphere", "other", None
    return body


_SECTION = re.compile(
    rf"(?P<q>{QUANTITY})\s*(?:(?:diameter|dia|round|thick)\s*)?(?:cross[ -]?)?section\b"
    rf"|(?:tube|section|cross[ -]?section)\s*(?:diameter|dia)?\s*(?:of\s*)?(?P<q2>{QUANTITY})"
)


def read_torus(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    """A ring of round section: its overall size across, and the section's diameter."""
    section = next(r.find(_SECTION), None)
    tube = None
    if section is not None:
        r.take(section)
        tube = r.first_mm(section, "q", "q2")
    tube = tube or s.role("thick")
    outer = s.role("od", "diameter") or s.bare() or s.any_length()
    if outer is None:
        raise PromptNotUnderstood("I read a torus but not its size across")
    if tube is None:
        tube = r.assume(f"a {outer / 5:g} mm round section (a fifth of the size)", outer / 5)
    body = _round_body("torus", outer, tube)
    body.features = [
        {"name": "body", "feature_type": "torus", "outer_diameter": outer, "tube_diameter": tube}
    ]
    body.summary = f"a torus {outer:g} mm across with a {tube:g} mm section"
    body.footprint, body.outline = "other", None
    return body


def read_cone(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    bottom = s.role("bottom", "diameter", "od", "base") or s.bare()
    height = s.role("height", "length")
    top_given = s.role("top")
    top_match = next(
        r.find(
            re.compile(
                r"\b(?:tapering\s*)?to\s*(?:a\s*)?(?P<q>(?:\d+(?:\.\d+)?))"
                r"(?:\s*(?P<u>mm|cm|in))?(?:\s*(?:diameter|at the top|top))?"
            )
        ),
        None,
    )
    top = top_given or 0.0
    if top_match is not None and top_given is None:
        r.take(top_match)
        top = float(top_match.group("q")) * (
            25.4
            if top_match.group("u") == "in"
            else 10.0
            if top_match.group("u") == "cm"
            else 1.0
            if top_match.group("u")
            else _unit_mm(r)
        )
    if bottom is None or height is None:
        raise PromptNotUnderstood("I read a cone but not its diameter and height")
    body = _round_body("cone", bottom, height)
    body.features = [
        {
            "name": "body",
            "feature_type": "cone",
            "bottom_diameter": bottom,
            "top_diameter": top,
            "height": height,
        }
    ]
    body.summary, body.footprint, body.outline = (
        f"a {bottom:g} mm cone {height:g} mm high",
        "other",
        None,
    )
    return body


def _unit_mm(r: Reading) -> float:
    return UNIT_MM[r.unit]


def read_pyramid(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    group = s.group()
    if group and (len(group) != 2 or group[0] != group[1]):
        raise PromptNotUnderstood("I read a pyramid, but its base is not square")
    if group:
        s.group_labelled(r"base")
    base = (group[0] if group else None) or s.role("base", "side", "width", "length") or s.bare()
    height = s.role("height")
    if base is None or height is None:
        raise PromptNotUnderstood("I read a pyramid but not its base and height")
    body = _box_body("pyramid", [base, base, height])
    body.features = [
        {
            "name": "body",
            "feature_type": "loft",
            "bottom": "rect",
            "bottom_size": base,
            "top": "rect",
            "top_size": 0.01,
            "height": height,
        }
    ]
    body.footprint, body.outline = "other", None
    return body


def read_hex(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    intent = _intent(noun)
    said_round = s.role_given("diameter", "radius") or re.search(r"\bround\b", r.masked())
    if not re.search(r"hex|nut", intent) and said_round:
        return read_cylinder(r, s, noun)  # "a standoff, 6 mm round": a round one
    if not re.search(r"hex|nut", intent):
        r.default(f"a {intent} with no shape said is read as a hexagonal one")
    thread, length = _metric_length(r)
    size = metric_in(noun.group()) or thread or _free_metric(r)
    across = s.role("across", "diameter", "width")
    iso = METRIC.get(size or 0)
    nut = "nut" in intent
    if across is None and iso is not None:
        across = r.assume(
            f"{iso.across_flats:g} mm across flats (ISO 4032 M{size})", iso.across_flats
        )
    if across is None:
        across = s.bare()
    if across is None:
        raise PromptNotUnderstood(f"I read a {intent} but not its size across flats")
    height = length or s.role("length", "height", "thick")
    if height is None:
        default = iso.nut_height if (nut and iso) else across
        height = r.assume(f"a height of {default:g} mm", default)
    features: list[Feature] = [
        {
            "name": "body",
            "feature_type": "polygon_prism",
            "sides": 6,
            "across_flats": across,
            "height": height,
        }
    ]
    bore = s.role("id")
    asked = any(isinstance(m, HoleSet) and m.central for m in r.modifiers)
    if bore is None and size is not None:
        bore = float(size)  # the thread's nominal size: the thread itself is not modelled
        r.default(f"the M{size} thread is not modelled: a plain {size} mm bore")
    if bore is None and nut and not asked:
        bore = r.assume(f"a {across / 2:g} mm bore", across / 2)
    if bore is not None and not asked:
        features.append({"name": "bore", "feature_type": "hole", "diameter": bore})
    corner = across / math.cos(math.pi / 6)
    outline: Feature = {
        "name": "outline",
        "feature_type": "profile",
        "shape": "polygon",
        "sides": 6,
        "diameter": _r4(corner),
    }
    if bore is not None and not asked:
        outline.update(holes=[[0.0, 0.0]], hole_diameter=bore)
    return Body(
        intent=intent,
        summary=f"a {intent} {across:g} mm across flats, {height:g} mm high",
        features=features,
        footprint="round",
        length=across,
        width=across,
        height=height,
        outline=outline,
        bore=bore,
    )


def read_triangle(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    side = s.role("side") or s.bare()
    height = s.role("length", "height")
    if side is None or height is None:
        raise PromptNotUnderstood("I read a triangular prism but not its side and length")
    apex = side * math.sqrt(3) / 2
    points = [[-side / 2, 0.0], [side / 2, 0.0], [0.0, _r4(apex)]]
    return Body(
        intent="triangular prism",
        summary=f"a triangular prism with {side:g} mm sides, {height:g} mm long",
        features=[
            {"name": "body", "feature_type": "points_prism", "points": points, "height": height}
        ],
        footprint="other",
        length=side,
        width=apex,
        height=height,
        outline={"name": "outline", "feature_type": "profile", "shape": "points", "points": points},
    )


# --- profiles and brackets --------------------------------------------------------------

_LEGS = re.compile(
    r"legs?\s*(?:of\s*)?(?P<a>\d+(?:\.\d+)?)\s*(?:mm)?\s*(?:and|x|by|&)\s*(?P<b>\d+(?:\.\d+)?)"
    r"\s*(?:mm)?(?:\s*long)?(?:\s*\(?(?:outside|outer|overall)\)?)?"
)


def read_profile(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    intent = _intent(noun)
    if intent == "bracket" and r.output_hint == "2d_vector":
        return read_box(r, s, noun)  # a laser-cut bracket is a flat plate
    profile = _profile_kind(intent)
    size, labelled = _legs(r, s)
    if len(size) < 2:
        raise PromptNotUnderstood(f"I read a {intent} but not its legs")
    width, height = size[0], size[1]
    thickness = s.role("thick", "wall")
    if thickness is None and len(size) == 3 and size[2] < min(width, height):
        thickness = size[2]
    length_from_group = size[2] if len(size) == 3 and thickness != size[2] else None
    thickness = thickness or r.assume("3 mm thick", 3.0)
    # "40 mm wide" is the run of a bracket whose legs were given, else the profile's width
    length = s.role("length") if labelled else s.role("width", "length")
    length = length or length_from_group or r.assume("20 mm wide", 20.0)
    for word in r.find(re.compile(r"\b(?:angle|profile|section|extrusion|flange|web)\b")):
        r.take(word)  # "40 x 40 x 5 angle", "40 mm wide flange": names of what was read
    return Body(
        intent=intent,
        summary=f"a {intent} {width:g} x {height:g} mm, {thickness:g} mm thick, {length:g} mm long",
        features=[
            {
                "name": "body",
                "feature_type": "profile_extrude",
                "profile": profile,
                "width": width,
                "height": height,
                "thickness": thickness,
                "length": length,
            }
        ],
        footprint="other",
        length=width,
        width=length,
        height=height,
        outline=None,
    )


def _legs(r: Reading, s: Sizes) -> tuple[list[float], bool]:
    """The two legs (width and height of the section): `legs 50 and 30`, `50 x 40 x 5`, or
    `50 mm wide, 30 mm tall`; and whether they came from labels."""
    legs = next(r.find(_LEGS), None)
    if legs is not None:
        r.take(legs)
        return [float(legs.group("a")) * _unit_mm(r), float(legs.group("b")) * _unit_mm(r)], False
    size = s.group()
    if size:
        return size, False
    width, height = s.role("width"), s.role("height")
    return ([width, height] if width and height else []), True


def _profile_kind(intent: str) -> str:
    if re.match(r"t\b", intent):
        return "T"
    if re.match(r"[uc]\b|channel", intent):
        return "U"
    return "L"


# --- flat shapes ----------------------------------------------------------------------


def read_outline(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    """A rectangle, a circle, an outline: a flat drawing unless a solid is asked for."""
    if r.output_hint is None:
        r.output_hint = "2d_vector"
        r.note(f"read '{noun.group().strip() or 'the outline'}' as a flat 2d_vector drawing")
    thick = s.role("thick", "height")
    if re.search(r"circle|round|disc", noun.group()) or s.role_given("diameter", "radius"):
        diameter = _diameter(s) or s.bare() or s.any_length()
        if diameter is None:
            raise PromptNotUnderstood("I read a circle but not its diameter")
        body = _round_body("circle", diameter, thick or 5.0)
    else:
        size = s.group() or []
        side = s.bare() if len(size) < 2 and re.search(r"square", noun.group()) else None
        size = size or ([side, side] if side else [])
        if len(size) < 2:
            raise PromptNotUnderstood("I read an outline but not its length and width")
        body = _box_body("rectangle", [size[0], size[1], thick or 5.0])
    if thick is None:
        body.solid_note = "a thickness of 5 mm for the solid"
    return body


# --- flanges --------------------------------------------------------------------------


def read_flange(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    diameter = s.role("od") or _diameter(s) or s.bare()
    if diameter is None:
        raise PromptNotUnderstood("I read a flange but not its diameter")
    thick = s.role("thick", "height") or r.assume(f"{diameter / 10:g} mm thick", diameter / 10)
    bore = s.role("id")
    body = _round_body("flange", diameter, thick, bore=bore)
    if bore is not None:
        body.features.append({"name": "bore", "feature_type": "hole", "diameter": bore})
        if body.outline is not None:
            body.outline.update(holes=[[0.0, 0.0]], hole_diameter=bore)
    body.summary = f"a {diameter:g} mm flange {thick:g} mm thick"
    body.implies = _flange_implies
    return body


def _flange_implies(body: Body, modifiers: list[Any], r: Reading) -> list[Any]:
    """A flange has a centre bore and bolt holes even when the prompt does not say so."""
    from naturalcad.interpret.modifiers import Placement

    added: list[Any] = []
    holes = [m for m in modifiers if isinstance(m, HoleSet)]
    if body.bore is None and not any(h.placement.centre or h.central for h in holes):
        bore = r.assume(f"a {body.length / 3:g} mm centre bore", body.length / 3)
        body.bore = bore
        added.append(HoleSet("bore", Placement(count=1, centre=True), bore))
    if not any(not (h.placement.centre or h.central) for h in holes):
        hole = r.assume(f"bolt holes of {body.length / 12:g} mm", body.length / 12)
        added.append(HoleSet("bolt holes", Placement(count=None), hole))
    return added


# --- concept studies and flat outputs ------------------------------------------------------


def read_truss(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    span = s.role("span", "length") or s.bare()
    if span is None:
        raise PromptNotUnderstood("I read a truss but not its span")
    height = s.role("height", "depth") or r.assume(f"{span / 8:g} mm deep", span / 8)
    panels = _count(r, r"panels?|bays?") or int(r.assume("6 panels", 6))
    member = s.role("width", "thick") or r.assume(f"{height / 10:g} mm members", height / 10)
    feature = {
        "name": "truss",
        "feature_type": "truss",
        "span": span,
        "height": height,
        "panels": panels,
        "member": member,
    }
    return Body("truss beam", f"a {span:g} mm truss", [feature], "other", span, member, height)


def read_tower(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    size = s.group()
    if not size or len(size) < 3:
        raise PromptNotUnderstood("I read a tower but not its width, depth and height")
    width, depth, height = size
    notches = _count(r, r"notch(?:es)?") or int(r.assume("3 notches", 3))
    notch_match = next(r.find(re.compile(r"(?P<q>\d+(?:\.\d+)?)\s*(?:mm)?\s*deep")), None)
    notch_depth = None
    if notch_match is not None:
        r.take(notch_match)
        notch_depth = float(notch_match.group("q")) * _unit_mm(r)
    notch_depth = notch_depth or r.assume(f"{width / 4:g} mm deep notches", width / 4)
    feature = {
        "name": "tower",
        "feature_type": "notched_tower",
        "width": width,
        "depth": depth,
        "height": height,
        "notches": notches,
        "notch_depth": notch_depth,
    }
    return Body(
        "notched tower",
        f"a {width:g} x {depth:g} x {height:g} mm notched tower",
        [feature],
        "other",
        width,
        depth,
        height,
    )


def read_canopy(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    span = s.role("span", "width")
    rise = s.role("rise", "height")
    if span is None or rise is None:
        raise PromptNotUnderstood("I read a canopy but not its span and rise")
    depth = s.role("length", "depth") or r.assume(f"{span / 2:g} mm deep", span / 2)
    thick = s.role("thick", "wall") or r.assume(
        f"{max(2.0, span / 100):g} mm thick", max(2.0, span / 100)
    )
    feature = {
        "name": "roof",
        "feature_type": "canopy",
        "span": span,
        "rise": rise,
        "depth": depth,
        "thickness": thick,
    }
    body = Body(
        "canopy",
        f"a canopy of {span:g} mm span and {rise:g} mm rise",
        [feature],
        "other",
        span,
        depth,
        rise,
    )
    body.output_type = "surface"
    return body


def read_loft(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    words = noun.group()
    height = s.role("height", "length")
    sizes = [v for v in (s.any_length(), s.any_length()) if v is not None]
    if len(sizes) < 2 or height is None:
        raise PromptNotUnderstood("I read a transition but not both ends and its height")
    for shape_word in re.finditer(r"\b(?:square|round|circle|circular|rectangular)\b", r.masked()):
        r.take(shape_word)
    bottom = "circle" if re.match(r"(?:round|circ)", words) else "rect"
    top = "circle" if re.search(r"to (?:round|circ)", words) else "rect"
    feature = {
        "name": "body",
        "feature_type": "loft",
        "bottom": bottom,
        "bottom_size": sizes[0],
        "top": top,
        "top_size": sizes[1],
        "height": height,
    }
    return Body(
        "loft",
        f"a {sizes[0]:g} to {sizes[1]:g} mm transition {height:g} mm tall",
        [feature],
        "other",
        sizes[0],
        sizes[0],
        height,
    )


def read_route(r: Reading, s: Sizes, noun: re.Match[str]) -> Body:
    length = s.role("length") or s.bare() or s.any_length()
    if length is None:
        raise PromptNotUnderstood("I read a route but not its length")
    jogs = _count(r, r"jogs?") or 0
    jog_match = next(r.find(re.compile(r"(?:jogs?\s*)?of\s*(?P<q>\d+(?:\.\d+)?)\s*(?:mm)?")), None)
    jog = None
    if jog_match is not None and jogs:
        r.take(jog_match)
        jog = float(jog_match.group("q")) * _unit_mm(r)
    jog = jog or (r.assume("20 mm jogs", 20.0) if jogs else 0.0)
    run = length / (jogs + 1)
    points, y = [[0.0, 0.0, 0.0]], 0.0
    for step in range(jogs + 1):
        x = _r4(run * (step + 1))
        points.append([x, y, 0.0])
        if step < jogs:
            y = jog if y == 0 else 0.0
            points.append([x, y, 0.0])
    body = Body(
        "route",
        f"a {length:g} mm route with {jogs} jogs",
        [{"name": "route", "feature_type": "path", "points": points}],
        "other",
        length,
        jog,
        0.0,
    )
    body.output_type = "1d_path"
    return body


def _count(r: Reading, noun: str) -> int | None:
    match = next(
        r.find(re.compile(rf"\b(?P<n>\d+)\s*(?:{noun})\b|(?:{noun})\s*[:=]?\s*(?P<n2>\d+)\b")), None
    )
    if match is None:
        # the noun alone is read too: "with notches" says no count, and one is assumed
        word = next(r.find(re.compile(rf"\b(?:{noun})\b")), None)
        if word is not None:
            r.take(word)
        return None
    r.take(match)
    return int(match.group("n") or match.group("n2"))


def _intent(noun: re.Match[str]) -> str:
    """The body's name as the prompt says it, without an M size: "m8 washer" -> "washer"."""
    return re.sub(r"\s+", " ", re.sub(r"\bm\d{1,2}\b", "", noun.group())).strip()


# Drawing words name a body only when no other noun does ("a 2d profile of a washer").
OUTLINE_NOUNS = re.compile(r"\b(?:outline|rectangle|circle|profile|shape|square)\b")


@dataclass(frozen=True)
class BodyReader:
    nouns: re.Pattern[str]
    read: Callable[[Reading, Sizes, re.Match[str]], Body]


def _nouns(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{pattern})\b")


# Longer names first where one contains another ("hex standoff" before "standoff").
BODY_READERS: tuple[BodyReader, ...] = (
    BodyReader(
        _nouns(
            r"(?:straight\s*)?(?:cable\s*)?route(?:\s*centre ?line)?|centre ?line|polyline|"
            r"cable run|wiring path|path"
        ),
        read_route,
    ),
    BodyReader(_nouns(r"truss(?: beam)?"), read_truss),
    BodyReader(_nouns(r"notched tower(?: block)?|tower block|tower"), read_tower),
    BodyReader(_nouns(r"(?:roof\s*)?canopy|roof|vault"), read_canopy),
    BodyReader(
        _nouns(
            r"(?:square|rectangular|round|circular) to (?:round|circle|circular|square)"
            r"(?: transition| loft| adapter)?|lofted transition|loft|transition"
        ),
        read_loft,
    ),
    BodyReader(_nouns(r"(?:round |circular |pipe |blind )?flange"), read_flange),
    BodyReader(
        _nouns(
            r"(?:m\d{1,2}\s*)?hex(?:agonal|agon)?\s*(?:nut|standoff|spacer|prism|bar|rod|stock|"
            r"socket|block|column)?|(?:m\d{1,2}\s*)?(?:nut|standoff)"
        ),
        read_hex,
    ),
    BodyReader(
        _nouns(r"(?:square|rectangular|box)\s*(?:tube|tubing|section|hollow section)|rhs|shs"),
        read_square_tube,
    ),
    BodyReader(
        _nouns(
            r"(?:l|angle)\s*(?:shaped\s*)?(?:bracket|profile|iron|section|extrusion|beam)|"
            r"angle bracket|angle(?!\s+of\b)|"
            r"t\s*(?:shaped\s*)?(?:profile|section|bar|beam|extrusion)|"
            r"(?:u|c)\s*(?:shaped\s*)?(?:channel|profile|section|bracket)|channel|bracket"
        ),
        read_profile,
    ),
    BodyReader(
        _nouns(r"(?:equilateral\s*)?triang(?:ular|le)\s*(?:prism|bar|block)?"), read_triangle
    ),
    BodyReader(_nouns(r"(?:square\s*)?pyramid"), read_pyramid),
    BodyReader(_nouns(r"wedge|ramp"), read_wedge),
    BodyReader(_nouns(r"truncated cone|cone|frustum|conical frustum|taper"), read_cone),
    BodyReader(_nouns(r"sphere|ball"), read_sphere),
    BodyReader(_nouns(r"torus|toroid|o[- ]?ring|donut|doughnut"), read_torus),
    BodyReader(
        _nouns(
            r"(?:m\d{1,2}\s*)?(?:flat\s*)?washer|spacer ring|ring spacer|(?:round\s*)?"
            r"(?:tube|spacer)|pipe|ring|spacer|bushing|bush|"
            r"sleeve|collar"
        ),
        read_tube,
    ),
    BodyReader(_nouns(r"cube"), read_cube),
    BodyReader(
        _nouns(
            r"(?:solid\s*)?cylinder|rod|shaft|dis[ck]|puck|pin|dowel|column|round bar|"
            r"round standoff|round post|"
            r"round stock|post|peg|axle|coin|round plate|circular plate|round base|wheel"
        ),
        read_cylinder,
    ),
    BodyReader(
        _nouns(
            r"(?:open(?: top(?:ped)?)?|hollow) (?:box|tray|enclosure(?: base)?|container)|"
            r"(?:shallow\s+)?tray|enclosure(?: base)?|container|bin"
        ),
        read_tray,
    ),
    BodyReader(
        _nouns(
            r"(?:(?:rectangular|square|flat|base|mounting|cover|top|back|side|base)\s*)*"
            r"(?:plate|sheet|panel|slab|tile|board|shim|block|bar|cuboid|brick|box|strip|"
            r"flat bar|plank|rectangle|prism|beam|lid|base|spacer block|gasket|shim)"
        ),
        read_box,
    ),
    BodyReader(OUTLINE_NOUNS, read_outline),
)
