"""Modifier readers: features a prompt puts on a body (holes, slots, pockets, edges, walls).

Each reader finds its phrases before the body is read, claims them in the ledger and keeps
what they say; once the body is known, each turns into spec features. Readers, the words they
know and the order their features are built in are tables, not branches.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from naturalcad.interpret.body import Body
from naturalcad.interpret.errors import FeatureDoesNotFit, PromptNotUnderstood, TooManyFeatures
from naturalcad.interpret.lexicon import MEASURE
from naturalcad.interpret.phrases import (
    LEAD,
    METRIC,
    Phrase,
    compile_all,
    metric_in,
    phrases,
    q,
)
from naturalcad.interpret.reading import Feature, Reading
from naturalcad.interpret.standards import METRIC as ISO
from naturalcad.spec.vocabulary import MAX_INSTANCES


class Modifier(Protocol):
    rank: int  # build order: edges, walls, then additions, then cuts

    @property
    def label(self) -> str: ...  # the start of its features' names

    def summary(self) -> str: ...

    def features(self, body: Body, reading: Reading, name: str) -> list[Feature]: ...


Positions = list[list[float]] | None


def r4(value: float) -> float:
    return round(value, 4)


# --- where things go on the top face --------------------------------------------------


@dataclass
class Placement:
    """Where a set of copies goes, as the prompt says it (any field may be unsaid)."""

    count: int | None = None
    grid: tuple[int, int] | None = None
    centre: bool = False
    corners: bool = False
    offset: float | None = None
    pitch: tuple[float, float] | None = None
    circle: float | None = None
    row: bool = False
    points: list[list[float]] = field(default_factory=list)
    side: str | None = None  # a side face (+X, -X, +Y, -Y) instead of the top
    from_top: float | None = None  # on a side: how far below the top
    from_bottom: float | None = None

    def on_side(self, body: Body, reading: Reading, what: str) -> list[list[float]]:
        """One copy on the side, centred along it, at the height said (else mid-height):
        [u, v] from the side's centre, v up."""
        if body.footprint != "rect":
            raise FeatureDoesNotFit(f"{what} in the side of a {body.intent} are not supported yet")
        if (self.count or 1) > 1 or self.grid or self.corners or self.points or self.circle:
            raise FeatureDoesNotFit(f"I can put one of the {what} in a side, not a pattern")
        if self.from_top is not None:
            height = body.height / 2 - self.from_top
        elif self.from_bottom is not None:
            height = self.from_bottom - body.height / 2
        else:
            height = 0.0
            reading.assume(f"the {what} at mid-height of the side")
        if abs(height) >= body.height / 2:
            raise FeatureDoesNotFit(
                f"{what} {self.from_top or self.from_bottom:g} mm from the "
                f"edge are off a {body.height:g} mm tall side"
            )
        return [[0.0, r4(height)]]

    def positions(self, body: Body, reading: Reading, what: str, size: float) -> list[list[float]]:
        for rule in _PLACEMENT_RULES:
            found = rule(self, body, reading, what, size)
            if found is not None:
                return found
        raise AssertionError("the last placement rule always answers")  # pragma: no cover


def _given_points(p: Placement, body: Body, r: Reading, what: str, size: float) -> Positions:
    if not p.points:
        return None
    r.default(f"{what} at the given x, y from the centre of the top face")
    return p.points


def _centre(p: Placement, body: Body, r: Reading, what: str, size: float) -> Positions:
    return [[0.0, 0.0]] if p.centre and (p.count or 1) == 1 else None


def _corners(p: Placement, body: Body, r: Reading, what: str, size: float) -> Positions:
    if not p.corners and not (p.count == 4 and p.offset is not None and not p.circle):
        return None
    if p.count not in (None, 4):
        raise FeatureDoesNotFit(f"{p.count} {what} cannot go at the 4 corners")
    if body.footprint != "rect":
        raise FeatureDoesNotFit(f"a {body.intent} has no corners for {what}")
    offset = p.offset or r.assume(
        f"{what} {max(size, min(body.length, body.width) / 10):g} mm from the edges",
        max(size, min(body.length, body.width) / 10),
    )
    dx, dy = body.length / 2 - offset, body.width / 2 - offset
    return [[-dx, -dy], [dx, -dy], [dx, dy], [-dx, dy]]


def _grid(p: Placement, body: Body, r: Reading, what: str, size: float) -> Positions:
    if p.grid is None:
        return None
    nx, ny = p.grid
    if p.pitch is not None:
        px, py = p.pitch
    elif p.offset is not None:
        px = (body.length - 2 * p.offset) / max(nx - 1, 1)
        py = (body.width - 2 * p.offset) / max(ny - 1, 1)
    else:
        px, py = body.length / (nx + 1), body.width / (ny + 1)
        r.assume(f"the {nx} x {ny} {what} spread evenly: {px:g} x {py:g} mm apart")
    return [
        [r4((i - (nx - 1) / 2) * px), r4((j - (ny - 1) / 2) * py)]
        for i in range(nx)
        for j in range(ny)
    ]


def _circle(p: Placement, body: Body, r: Reading, what: str, size: float) -> Positions:
    count = p.count or 0
    round_body = body.footprint == "round" and count > 1 and p.centre is False
    if p.circle is None and not (round_body and not p.row and not p.pitch):
        return None
    if not count:
        count = int(r.assume(f"4 {what}", 4))
    diameter = p.circle or r.assume(
        f"{what} on a {_default_circle(body):g} mm circle", _default_circle(body)
    )
    radius = diameter / 2
    return [
        [
            r4(radius * math.cos(2 * math.pi * k / count)),
            r4(radius * math.sin(2 * math.pi * k / count)),
        ]
        for k in range(count)
    ]


def _default_circle(body: Body) -> float:
    if body.bore:
        return (body.length + body.bore) / 2
    return min(body.length, body.width) / 2


def _row(p: Placement, body: Body, r: Reading, what: str, size: float) -> Positions:
    count = p.count or 1
    if count == 1:
        return None
    if p.pitch is not None:
        step = p.pitch[0]
    elif count == 2 and not p.row:
        step = r.assume(f"the two {what} {body.length / 2:g} mm apart", body.length / 2)
    else:
        step = body.length / (count + 1)
        r.assume(f"the {count} {what} in a row along the length, {step:g} mm apart")
    return [[r4((k - (count - 1) / 2) * step), 0.0] for k in range(count)]


def _unsaid_single(p: Placement, body: Body, r: Reading, what: str, size: float) -> Positions:
    if not p.centre:
        r.assume(f"the {what} in the centre")
    return [[0.0, 0.0]]


_PLACEMENT_RULES: list[Callable[[Placement, Body, Reading, str, float], Positions]] = [
    _given_points,
    _centre,
    _grid,
    _circle,
    _corners,
    _row,
    _unsaid_single,
]


# Continuations that place copies, shared by holes, slots, pockets and bosses.
PLACING = {
    "corners": r"(?:at|in|on|near|into|at each of|in each of)?\s*(?:the|all|each|every|4)?\s*"
    r"(?:4\s*)?corners?\b(?!\s*[:,]?\s*(?:are\s+)?(?:rounded|filleted|chamfered|radius))",
    "offset": rf"{q('offset')}\s*(?:in\s*)?from\s*(?:the|each|all|both|every)?\s*(?:outer\s*)?"
    r"(?:edges?|sides?|borders?|corners?)\b|(?:inset|offset|in)\s*(?:by)?\s*"
    + q("offset2")
    + r"(?:\s*from\s*(?:the|each)?\s*edges?)?"
    + rf"|{q('offset3')}\s*(?:in|inset)\b(?!\s*(?:a|an|the|diameter|dia)\b)",
    "centre": r"(?:in|at|through|on)\s*(?:the)?\s*(?:exact\s*)?(?:centre|middle)\b"
    r"(?:\s*of\s*(?:the)?\s*(?:plate|part|block|face|top|disc|body))?|centred\b",
    "grid": r"(?:in|on|as|arranged in)\s*(?:a|an)?\s*(?P<gx>\d+)\s*(?:x|by)\s*(?P<gy>\d+)\s*"
    r"(?:grid|array|pattern|matrix|rectangular pattern)\b",
    "pitch": rf"(?:spaced|pitched|at|on|with)?\s*(?:a\s*)?{q('p1')}(?:\s*(?:x|by)\s*{q('p2')})?\s*"
    r"(?:apart|pitch|spacing|centres|centre to centre|on centres)\b"
    rf"|(?:spaced|pitch|spacing|on|at)\s*(?:of|at)?\s*{q('p3')}(?:\s*(?:x|by)\s*{q('p4')})?"
    r"(?:\s*(?:apart|centres))?(?!\s*(?:deep|from|diameter|bolt|pitch|pcd|circle|long|wide))",
    "circle": rf"(?:on|around|in|along)\s*(?:a|an|the)?\s*{q('c1')}\s*(?:diameter\s*)?"
    r"(?:bolt circle|pitch circle(?: diameter)?|pcd|bcd|circle|bolt pattern)\b"
    r"|(?:on|around|in|along)\s*(?:a|an|the)?\s*(?:bolt circle|pitch circle(?: diameter)?|pcd|"
    rf"bcd|circle)\b(?:\s*(?:of|diameter|with a diameter of)?\s*{q('c2')})?"
    rf"|{q('c3')}\s*(?:pcd|bcd|bolt circle)\b",
    "spread": r"(?:equally|evenly)\s*(?:spaced|distributed)(?:\s*around)?",
    "top": r"(?:in|on|into|through|from)\s*(?:the)?\s*top(?:\s*face)?\b",
    "purpose": r"for\s+(?:a|an|the|my)\s+[a-z]+\b(?!\s*\d)",
    "row": r"(?:in|along|on)\s*(?:a|one)?\s*(?:straight\s*)?(?:row|line)\b"
    r"|along\s*(?:the)?\s*(?:length|centre ?line)\b",
    # "in the side", "into the left side", "on the front side face": a side face. Not "on the
    # left side" or "at one end" alone, which often mean a place on the top face.
    "side": r"(?:(?:in|into|through)\s*(?:the|its|one)?\s*(?P<side>left|right|front|back|rear)?"
    r"\s*side(?:\s*face)?|on\s*(?:the|its|one)?\s*(?P<side2>left|right|front|back|rear)?\s*"
    r"side\s*face)\b(?!\s*(?:edges?|walls?))",
    "from_top": rf"{q('ft')}\s*(?:down\s*)?(?:from|below)\s*(?:the)?\s*top\b"
    rf"|{q('fb')}\s*(?:up\s*)?(?:from|above)\s*(?:the)?\s*bottom\b",
    "points": r"at\s*(?P<pts>\(\s*-?[\d.]+\s*,\s*-?[\d.]+\s*\)(?:\s*(?:,|and)?\s*"
    r"\(\s*-?[\d.]+\s*,\s*-?[\d.]+\s*\))*)",
}


def placement(phrase: Phrase, reading: Reading, count: int | None) -> Placement:
    """What the placing continuations of a phrase say."""
    p = Placement(count=count)
    for name, match in phrase.after:
        _PLACE_READERS.get(name, _ignore)(p, match, reading)
    return p


def _ignore(p: Placement, m: re.Match[str], r: Reading) -> None:
    return None


def _read_offset(p: Placement, m: re.Match[str], r: Reading) -> None:
    p.offset = r.first_mm(m, "offset", "offset2", "offset3")


def _read_grid(p: Placement, m: re.Match[str], r: Reading) -> None:
    p.grid = (int(m.group("gx")), int(m.group("gy")))


def _read_pitch(p: Placement, m: re.Match[str], r: Reading) -> None:
    first = r.mm(m, "p1") or r.mm(m, "p3") or 0.0
    second = r.mm(m, "p2") or r.mm(m, "p4") or first
    p.pitch = (first, second)


def _read_circle(p: Placement, m: re.Match[str], r: Reading) -> None:
    p.circle = r.mm(m, "c1") or r.mm(m, "c2") or r.mm(m, "c3")


def _read_points(p: Placement, m: re.Match[str], r: Reading) -> None:
    pairs = re.findall(r"\(\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*\)", m.group("pts"))
    scale = {"mm": 1.0}.get(r.unit)
    factor = scale if scale is not None else _unit_scale(r.unit)
    p.points = [[float(x) * factor, float(y) * factor] for x, y in pairs]


def _unit_scale(unit: str) -> float:
    from naturalcad.interpret.lexicon import UNIT_MM

    return UNIT_MM[unit]


def _read_side(p: Placement, m: re.Match[str], r: Reading) -> None:
    word = m.group("side") or m.group("side2")
    p.side = _SIDES[word or ""]
    if not word:
        r.assume("'the side' is the right (+X) side")


def _read_height(p: Placement, m: re.Match[str], r: Reading) -> None:
    p.from_top, p.from_bottom = r.mm(m, "ft"), r.mm(m, "fb")


def _set(attr: str) -> Callable[[Placement, re.Match[str], Reading], None]:
    def apply(p: Placement, m: re.Match[str], r: Reading) -> None:
        setattr(p, attr, True)

    return apply


_PLACE_READERS: dict[str, Callable[[Placement, re.Match[str], Reading], None]] = {
    "corners": _set("corners"),
    "offset": _read_offset,
    "centre": _set("centre"),
    "grid": _read_grid,
    "pitch": _read_pitch,
    "circle": _read_circle,
    "row": _set("row"),
    "points": _read_points,
    "side": _read_side,
    "from_top": _read_height,
}
# The face a side word names; "the side" alone is taken as the right (+X) side, and said so.
_SIDES = {"": "+X", "right": "+X", "left": "-X", "front": "-Y", "back": "+Y", "rear": "+Y"}


def face_and_positions(
    p: Placement, body: Body, reading: Reading, what: str, size: float
) -> tuple[str | None, list[list[float]]]:
    """The face (None: the top) and the positions of a placed feature."""
    if p.side is None:
        return None, p.positions(body, reading, what, size)
    return p.side, p.on_side(body, reading, what)


def check_count(count: int, what: str) -> None:
    if count > MAX_INSTANCES:
        raise TooManyFeatures(f"{count} {what}: at most {MAX_INSTANCES} copies of one feature")


# --- holes ----------------------------------------------------------------------------

# "the slot edges", "the hole's rim": the edges of a feature said elsewhere, not another one.
_NOT_ITS_EDGES = r"(?!'?s?\s*(?:edges?|rims?)\b)"
_HOLE_WORDS = (
    r"through|thru|blind|counterbored|counter bored|counterbore|countersunk|countersink|csk|"
    r"cbore|c'bore|clearance|bolt|screw|mounting|fixing|corner|centre|central|middle|round|"
    r"circular|drilled|plain|small|evenly spaced|equally spaced|identical|extra|additional|"
    r"diameter|dia"
)


def _size(tag: str) -> str:
    return rf"(?:{q('size' + tag)}|(?P<msize{tag}>{METRIC}))"


HOLE_HEAD = re.compile(
    LEAD
    + r"(?:(?P<midst>(?:in|at) the (?:middle|centre)),?\s*(?:there is|there's|is|sits)?\s*"
    + r"|around it,?\s*|(?:a|an)\s+(?P<lined>row|line)\s+of\s+"
    + rf"|(?:a\s+)?{q('cbp_d')}\s*(?:diameter\s*)?counterbore,?\s*{q('cbp_h')}\s*deep,?\s*"
    + r"(?:over|on top of|above|around)\s+)?"
    + r"(?:(?:a|an)\s+)?"
    + r"(?:(?P<n>\d+)(?![\d.]|\s*(?:mm|cm|m|in|inch|ft)\b|\s*[\"'])\s*"
    + r"(?:(?:x|by)\s*(?P<m>\d+)(?![\d.]|\s*(?:mm|cm|m|in|inch)\b|\s*\")\s*)?(?:x\s+)?"
    + r"(?:(?:grid|array|pattern|matrix)\s+of\s+)?)?"
    + rf"(?P<pre>(?:(?:{_HOLE_WORDS}|{q('pre_q')}|{METRIC})\s+)*)"
    + r"(?P<noun>holes?)\b"
    + _NOT_ITS_EDGES
)
HOLE_AFTER = compile_all(
    {
        "size": rf"(?:of|with a diameter of|with diameter|diameter|dia|sized)\s*{_size('1')}"
        r"(?:\s*(?:diameter|dia|in diameter|wide))?"
        rf"|{_size('2')}\s*(?:diameter|dia|in diameter|wide)\b"
        rf"|{_size('3')}(?=\s*(?:,|\band\b|\bwith\b|\bthrough\b|\bthru\b|$|"
        r"(?:in|at|on)\s+(?:the|each|all|4)\b))",
        "depth": rf"{q('depth')}\s*deep\b|(?:to a depth of|depth of|depth|deep)\s*{q('depth2')}",
        "through": r"(?:going\s*)?(?:all the way\s*)?(?:through|thru)\b(?:\s*(?:all|it|the "
        r"(?:plate|part|block|body|base|disc|length|middle|centre)))?",
        "cbore": rf"(?:with\s*(?:a|an)?\s*)?(?:{q('cb_d')}\s*(?:diameter\s*)?)?"
        r"(?:counterbores?|counterbored|c'?bores?|counter bores?)\b"
        rf"(?:\s*(?:of|diameter|dia)?\s*{q('cb_d2')}(?![\s\w\"]*?deep)\s*(?:diameter|dia)?)?"
        rf"(?:\s*(?:x|by|and|,)?\s*{q('cb_h')}\s*deep)?",
        "csink": rf"(?:with\s*(?:a|an)?\s*)?(?:{q('cs_d')}\s*(?:diameter\s*)?)?"
        r"(?:countersinks?|countersunk|csk)\b"
        rf"(?:\s*(?:of|diameter|dia|to)?\s*{q('cs_d2')}\s*(?:diameter|dia)?)?"
        rf"|(?:with\s*(?:a|an)?\s*)?{q('cs_d3')}\s*(?:diameter\s*)?(?:head|countersink)\b",
        "for_screw": rf"(?:for|to fit|clearance for)\s*(?:an?\s*)?(?P<fm>{METRIC})\s*"
        r"(?:socket head\s*)?(?:cap\s*)?(?:screws?|bolts?)?(?:\s*clearance)?"
        r"|(?P<fm2>m\d{1,2})\s*clearance",
        **PLACING,
    }
)


@dataclass
class HoleSet:
    phrase: str
    placement: Placement
    diameter: float | None  # None: unsaid, so the body decides (a standoff's M4 bore)
    depth: float | None = None
    counterbore: tuple[float, float] | None = None
    countersink: float | None = None
    rank: int = 6
    label = "holes"

    @property
    def count(self) -> int:
        p = self.placement
        if p.points:
            return len(p.points)
        if p.grid:
            return p.grid[0] * p.grid[1]
        return p.count or (4 if p.corners else 1)

    def summary(self) -> str:
        kind = " counterbored" if self.counterbore else " countersunk" if self.countersink else ""
        plural = "s" if self.count > 1 else ""
        size = f" of {self.diameter:g} mm" if self.diameter else ""
        return f"{self.count}{kind} hole{plural}{size}"

    @property
    def central(self) -> bool:
        """One hole with no other place said: in the middle, where a bore goes."""
        p = self.placement
        return self.count == 1 and not (p.points or p.corners or p.circle or p.offset)

    def features(self, body: Body, reading: Reading, name: str) -> list[Feature]:
        if body.footprint not in ("rect", "round"):
            raise FeatureDoesNotFit(f"holes cannot be placed on a {body.intent} yet")
        if self.diameter is None:
            self.diameter = _default_hole(body, reading, self.central)
        face, positions = face_and_positions(self.placement, body, reading, "holes", self.diameter)
        feature: Feature = {
            "name": name,
            "feature_type": "hole",
            "diameter": self.diameter,
            "positions": positions,
        }
        if face is not None:
            feature["face"] = face
        if self.depth is not None:
            feature["depth"] = self.depth
        if self.counterbore:
            feature["counterbore_diameter"], feature["counterbore_depth"] = self.counterbore
        if self.countersink:
            feature["countersink_diameter"] = self.countersink
        return [feature]


def _default_hole(body: Body, r: Reading, central: bool) -> float:
    if central and body.bore is not None:
        return r.assume(f"the hole is the {body.intent}'s {body.bore:g} mm bore", body.bore)
    # a cut sheet takes the common 5 mm; a block a tenth of its width
    size = (
        5.0 if r.output_hint == "2d_vector" else max(2.0, round(min(body.length, body.width) / 10))
    )
    return r.assume(f"holes of {size:g} mm diameter", size)


def read_holes(reading: Reading) -> list[Modifier]:
    return [_hole_set(p, reading) for p in phrases(reading, HOLE_HEAD, HOLE_AFTER)]


def _hole_set(phrase: Phrase, reading: Reading) -> HoleSet:
    head = phrase.head
    pre = head.group("pre")
    count, grid = _counts(head, pre)
    size, metric_size = _hole_size(phrase, reading)
    placement_ = placement(phrase, reading, count)
    if grid:
        placement_.grid = grid
    if re.search(r"\bcorner\b", pre):
        placement_.corners = True
    if re.search(r"\b(?:centre|central|middle)\b", pre) or head.group("midst"):
        placement_.centre = True
    if head.group("lined"):
        placement_.row = True
    hole = HoleSet(
        phrase=phrase.text(reading),
        placement=placement_,
        diameter=_diameter(size, metric_size, reading, phrase),
    )
    check_count(hole.count, "holes")
    _hole_depth(hole, phrase, reading)
    _counterbore(hole, phrase, reading, metric_size, pre)
    _countersink(hole, phrase, reading, metric_size, pre)
    return hole


def _counts(head: re.Match[str], pre: str) -> tuple[int | None, tuple[int, int] | None]:
    n, m = head.group("n"), head.group("m")
    if n and m:
        return None, (int(n), int(m))
    if n and _sized_single(head):
        return 1, None  # "a 10 hole": a size without its unit, handled as the size
    return (int(n), None) if n else (1 if head.group("noun") == "hole" else None, None)


def _sized_single(head: re.Match[str]) -> bool:
    """`a 10 hole`: one hole, and the number is its size."""
    single = head.group("noun") == "hole" and not head.group("m")
    return single and head.group().lstrip().startswith(("a ", "an "))


def _hole_size(phrase: Phrase, reading: Reading) -> tuple[float | None, int | None]:
    head = phrase.head
    pre_q = reading.mm(head, "pre_q")
    after = phrase.got("size")
    if after is not None and (pre_q is not None or metric_in(head.group("pre"))):
        raise PromptNotUnderstood(f"I read two sizes for the holes in '{phrase.text(reading)}'")
    if pre_q is None and head.group("n") and _sized_single(head):
        pre_q = reading.mm(head, "n")
    metric_size = metric_in(head.group("pre"))
    after = phrase.got("size")
    if after is not None:
        pre_q = pre_q or reading.first_mm(after, "size1", "size2", "size3")
        metric_size = metric_size or metric_in(after.group())
    screw = phrase.got("for_screw")
    if screw is not None:
        metric_size = metric_size or metric_in(screw.group())
    return pre_q, metric_size


def _diameter(
    size: float | None, metric_size: int | None, r: Reading, phrase: Phrase
) -> float | None:
    if size is not None:
        return size
    if metric_size is not None:
        if metric_size not in ISO:
            raise FeatureDoesNotFit(f"M{metric_size} is not a size I know")
        clearance = ISO[metric_size].clearance
        return r.assume(f"M{metric_size} clearance holes of {clearance:g} mm (ISO 273)", clearance)
    return None


def _hole_depth(hole: HoleSet, phrase: Phrase, r: Reading) -> None:
    match = phrase.got("depth")
    if match is not None:
        hole.depth = r.mm(match, "depth") or r.mm(match, "depth2")


def _counterbore(
    hole: HoleSet, phrase: Phrase, r: Reading, metric_size: int | None, pre: str
) -> None:
    match = phrase.got("cbore")
    before = phrase.head.group("cbp_d") is not None
    if match is None and not before and not re.search(r"counter ?bored?|c'?bore", pre):
        return
    diameter, depth = r.mm(phrase.head, "cbp_d"), r.mm(phrase.head, "cbp_h")
    hole.diameter = hole.diameter or r.assume("holes of 5 mm diameter", 5.0)
    if match is not None:
        diameter = r.mm(match, "cb_d") or r.mm(match, "cb_d2")
        depth = r.mm(match, "cb_h")
    iso = ISO.get(metric_size or 0)
    if diameter is None:
        default = iso.counterbore if iso else hole.diameter * 1.8
        diameter = r.assume(f"counterbores of {default:g} mm", default)
    if depth is None:
        default = iso.counterbore_depth if iso else hole.diameter
        depth = r.assume(f"counterbores {default:g} mm deep", default)
    hole.counterbore = (diameter, depth)


def _countersink(
    hole: HoleSet, phrase: Phrase, r: Reading, metric_size: int | None, pre: str
) -> None:
    match = phrase.got("csink")
    if match is None and not re.search(r"countersunk|countersink|csk", pre):
        return
    diameter = None
    hole.diameter = hole.diameter or r.assume("holes of 5 mm diameter", 5.0)
    if match is not None:
        diameter = r.first_mm(match, "cs_d", "cs_d2", "cs_d3")
    iso = ISO.get(metric_size or 0)
    if diameter is None:
        default = iso.countersink if iso else hole.diameter * 2
        diameter = r.assume(f"90 degree countersinks {default:g} mm across", default)
    hole.countersink = diameter


# --- bores ------------------------------------------------------------------------------

BORE_HEAD = re.compile(
    LEAD
    + r"(?:(?:a|an)\s+)?(?:(?:through|centre|central|center)\s+)?"
    + rf"(?:{q('d1')}\s*(?:diameter\s*)?(?:(?:through|centre|central)\s+)?bore\b"
    + r"|bored?\b(?!\s+(?:a|an|the|out|it)\b|\s*\x00)"
    + rf"(?:\s*(?:through\s*)?(?:of|diameter|to|at)?\s*{q('d2')}(?:\s*diameter)?)?"
    + rf"|(?:centre|central)\s*bore\s*(?:of\s*)?{q('d3')})"
)
BORE_AFTER = compile_all(
    {
        "size": rf"(?:of|diameter)\s*{q('size')}(?:\s*diameter)?",
        "through": r"(?:right\s*)?(?:all the way\s*)?(?:through|thru)\b"
        r"(?:\s*the (?:centre|middle))?",
        "depth": rf"{q('depth')}\s*deep\b",
        "centre": PLACING["centre"],
    }
)


# (a claimed phrase is masked: "bore" before a hole another reader took is the verb too)
_BORE_VERB = re.compile(r"\bbored?\s+(?=(?:a|an|the|out|it)\b|\x00)")


def read_bores(reading: Reading) -> list[Modifier]:
    for verb in reading.find(_BORE_VERB):
        reading.take(verb)  # "bore a 30 mm hole": the hole says the rest
    found: list[Modifier] = []
    for phrase in phrases(reading, BORE_HEAD, BORE_AFTER):
        head = phrase.head
        size = phrase.got("size")
        diameter = (
            reading.mm(head, "d1")
            or reading.mm(head, "d2")
            or reading.mm(head, "d3")
            or (reading.mm(size, "size") if size else None)
        )
        depth = phrase.got("depth")
        found.append(
            HoleSet(
                phrase=phrase.text(reading),
                placement=Placement(count=1, centre=True),
                diameter=diameter,
                depth=reading.mm(depth, "depth") if depth else None,
            )
        )
    return found


# --- slots, pockets, bosses -------------------------------------------------------------


def _labelled(name: str, labels: str) -> str:
    return rf"{q(name)}\s*(?:{labels})\b"


_LONG, _WIDE = r"long|length|in length", r"wide|width|in width"
_DEEP, _TALL = r"deep|depth", r"tall|high|height|proud"


def _shape_head(nouns: str, words: str) -> re.Pattern[str]:
    sizes = (
        rf"(?:{q('a')}\s*(?:x|by)\s*{q('b')}(?:\s*(?:x|by)\s*{q('c')})?"
        rf"|{_labelled('l1', _LONG)}[\s,]*(?:and\s*|by\s*|x\s*)?(?:{_labelled('w1', _WIDE)})?"
        rf"|{q('d')}\s*(?:diameter|dia|round)?)?"
    )
    return re.compile(
        LEAD
        + r"(?:(?:a|an)\s+|(?P<n>\d+)\s+(?!mm|cm|in\b))?"
        + rf"(?:(?:{words})\s+)*"
        + sizes
        + rf"\s*(?:(?:{words})\s+)*"
        + rf"(?P<noun>{nouns})\b"
        + _NOT_ITS_EDGES
    )


_SHAPE_AFTER = {
    "dims": rf"(?:of|measuring|sized)?\s*{q('a')}\s*(?:x|by)\s*{q('b')}"
    rf"(?:\s*(?:x|by)\s*{q('c')})?(?!\s*(?:grid|array|pattern))",
    "long": rf"(?:{_labelled('l', _LONG)}|(?:length|long)\s*(?:of\s*)?{q('l2')})",
    "wide": rf"(?:{_labelled('w', _WIDE)}|(?:width|wide)\s*(?:of\s*)?{q('w2')})",
    "deep": rf"(?:{_labelled('h', _DEEP + '|' + _TALL)}|(?:depth|height)\s*(?:of\s*)?{q('h2')})",
    "dia": rf"(?:of\s*)?(?:diameter|dia)\s*(?:of\s*)?{q('dd')}|{q('dd2')}\s*(?:diameter|dia)\b",
    "through": r"(?:going\s*)?(?:through|thru)\b",
    "along": r"(?:running\s*)?(?:along|across)\s*(?:the)?\s*(?P<dir>length|width)\b",
    # "with R5 corners" (R5 reads as "radius 5"), "5 mm radius corners", "corner radius 5"
    "rounded": rf"(?:with\s*)?(?:radius\s*{q('cr')}\s*(?:rounded\s*)?corners?"
    rf"|{q('cr2')}\s*(?:radius\s*)?(?:rounded\s*)?corners?"
    rf"|(?:rounded\s*)?corners?\s*(?:rounded\s*)?(?:to\s*)?(?:a\s*)?radius\s*(?:of\s*)?{q('cr3')}"
    rf"|(?:a\s*)?corner radius\s*(?:of\s*)?{q('cr4')})\b",
    **PLACING,
}


@dataclass
class Shaped:
    """A slot, pocket or boss: a shape on the top face, placed like holes."""

    kind: str  # slot, pocket, boss
    phrase: str
    placement: Placement
    shape: str
    length: float | None
    width: float | None
    diameter: float | None
    depth: float | None
    across: bool = False
    rank: int = 5
    corner_radius: float | None = None

    @property
    def label(self) -> str:
        return self.kind

    def summary(self) -> str:
        size = f"{self.diameter:g} mm" if self.diameter else f"{self.length:g} x {self.width:g} mm"
        return f"a {size} {self.kind}"

    def features(self, body: Body, reading: Reading, name: str) -> list[Feature]:
        if body.footprint not in ("rect", "round"):
            raise FeatureDoesNotFit(f"a {self.kind} cannot be placed on a {body.intent} yet")
        extent = self.diameter or self.length or 0.0
        feature: Feature = {"name": name, "feature_type": self.kind}
        if self.kind != "slot":
            feature["shape"] = self.shape
        if self.shape == "circle":
            feature["diameter"] = self.diameter
        else:
            feature["length"], feature["width"] = self.length, self.width
        depth_key = "height" if self.kind == "boss" else "depth"
        depth = self.depth
        if depth is None and self.kind != "slot":
            word = "tall" if self.kind == "boss" else "deep"
            depth = reading.assume(
                f"the {self.kind} {body.height / 2:g} mm {word}", body.height / 2
            )
        if depth is not None:
            feature[depth_key] = depth
        if self.across:
            feature["angle"] = 90.0
        if self.corner_radius is not None:
            if self.shape == "circle":
                raise FeatureDoesNotFit(f"a round {self.kind} has no corners to round")
            feature["corner_radius"] = self.corner_radius
        plural = "bosses" if self.kind == "boss" else f"{self.kind}s"
        face, feature["positions"] = face_and_positions(
            self.placement, body, reading, plural, extent
        )
        if face is not None:
            feature["face"] = face
        return [feature]


def _shaped_reader(
    kind: str, nouns: str, words: str, round_words: str
) -> Callable[[Reading], list[Modifier]]:
    head = _shape_head(nouns, words)
    after = compile_all(_SHAPE_AFTER)

    def read(reading: Reading) -> list[Modifier]:
        return [_shaped(kind, p, reading, round_words) for p in phrases(reading, head, after)]

    return read


def _shaped(kind: str, phrase: Phrase, r: Reading, round_words: str) -> Shaped:
    head = phrase.head
    values: dict[str, float | None] = {}
    for source in [head] + [m for _, m in phrase.after]:
        for group, value in source.groupdict().items():
            if value is not None and group in _SHAPE_GROUPS:
                values.setdefault(_SHAPE_GROUPS[group], r.mm(source, group))
    is_round = bool(re.search(round_words, phrase.text(r))) or (
        values.get("diameter") is not None and values.get("a") is None
    )
    count = int(head.group("n")) if head.group("n") else None
    first, second = r.quantity(head, "a"), r.quantity(head, "b")
    plural = head.group("noun").endswith("s") and count is None and not head.group("c")
    if plural and first and second and first.is_count and second.unit:
        # "3 x 10 mm slots": three slots of 10 mm, not one slot 3 by 10
        count, values["a"], values["b"] = int(first.number), values.get("b"), None
    length = values.get("length") or values.get("a")
    width = values.get("width") or values.get("b")
    depth = values.get("depth") or values.get("c")
    along = phrase.got("along")
    shaped = Shaped(
        kind=kind,
        phrase=phrase.text(r),
        placement=placement(phrase, r, count),
        shape="circle" if is_round else "rect",
        length=length,
        width=width,
        diameter=values.get("diameter") or (length if is_round else None),
        depth=depth,
        across=bool(along and along.group("dir") == "width"),
    )
    rounded = phrase.got("rounded")
    if rounded is not None:
        shaped.corner_radius = r.first_mm(rounded, "cr", "cr2", "cr3", "cr4")
    if kind == "slot" and shaped.length and shaped.width and shaped.width > shaped.length:
        shaped.length, shaped.width = shaped.width, shaped.length  # "a 10 x 30 slot"
    _complete(shaped, r)
    check_count(count or 1, f"{kind}s")
    return shaped


_SHAPE_GROUPS = {
    "a": "a",
    "b": "b",
    "c": "c",
    "l1": "length",
    "l": "length",
    "l2": "length",
    "w1": "width",
    "w": "width",
    "w2": "width",
    "h": "depth",
    "h2": "depth",
    "d": "diameter",
    "dd": "diameter",
    "dd2": "diameter",
}


def _complete(s: Shaped, r: Reading) -> None:
    if s.shape == "circle" and s.diameter is None:
        raise PromptNotUnderstood(f"I read a round {s.kind} but not its diameter")
    if s.shape == "rect" and (s.length is None or s.width is None):
        if s.kind == "slot" and s.length is not None:
            s.width = r.assume(f"the slot {s.length / 4:g} mm wide", s.length / 4)
        else:
            raise PromptNotUnderstood(f"I read a {s.kind} but not both its length and width")


read_slots = _shaped_reader(
    "slot", r"slots?", r"rounded|round ended|oblong|elongated|straight|through|long|centre", "^$"
)
read_pockets = _shaped_reader(
    "pocket",
    r"pockets?|recess(?:es)?|cavity|cavities",
    r"rectangular|square|round|circular|cylindrical|blind|shallow|centre",
    r"\b(?:round|circular|cylindrical)\b",
)
read_bosses = _shaped_reader(
    "boss",
    r"boss(?:es)?|cylindrical boss|standoffs? on top",
    r"rectangular|square|round|circular|cylindrical|raised|centre",
    r"\b(?:round|circular|cylindrical)\b",
)


# --- edges and walls ------------------------------------------------------------------

_WHICH = r"(?P<which>vertical|upright|top|upper|bottom|lower|outer|outside|all|side|4|long)"
_EDGES_AFTER = compile_all(
    {
        "size": rf"(?:of|with|at|to|radius|size|:)?\s*(?:a\s*)?{q('size')}"
        r"(?:\s*(?:radius|fillets?|chamfers?|rad))?"
        r"(?!\s*(?:from|deep|long|wide|thick|tall|x|holes?|slots?|diameter))",
        "round": r"all\s*(?:a)?round|everywhere",
        "of_feature": r"(?:on|to|along|at|around|of|for)?\s*(?:the|its|each|all|all the)?\s*"
        r"(?P<what>slots?|holes?|pockets?|boss(?:es)?)'?s?\s*(?:edges?|rims?)\b",
        "edges": r"(?:on|to|along|at|around|of|for)?\s*(?:the|all|its|each of the|every|all the)?"
        rf"\s*(?:{_WHICH}\s*)?(?:outer\s*|outside\s*|4\s*|vertical\s*)?"
        r"(?:edges?|corners?|sides?)\b",
        "radius": rf"(?:radius|r)\s*{q('size2')}",
    }
)


def _edges_first(verbs: str) -> str:
    """`all edges filleted 3 mm`, `corners rounded to 5 mm radius`: the edges, then the verb."""
    which = _WHICH.replace("which", "which_b")
    return (
        rf"(?:(?:the|all|its|all the|all of the)\s+)?(?:{which}\s+)?(?:outer\s+)?"
        rf"(?:edges?|corners?)[\s:,]+(?:are\s+|all\s+)?(?:{verbs})"
        rf"(?:[\s,]*(?:to|with|at|by|of)?\s*(?:a\s*)?{q('size_b')}(?:\s*(?:radius|rad))?)?"
    )


FILLET_HEAD = re.compile(
    LEAD
    + r"(?:"
    + rf"{q('size_c')}\s*radius\s*(?:on\s*)?(?:the\s*|all\s*)?"
    + _WHICH.replace("which", "which_c")
    + r"?\s*(?:edges|corners)\b|"
    + _edges_first(r"filleted|rounded(?:\s*off)?|radiused|round(?:ed)? off|softened")
    + r"|(?:(?:a|an)\s+)?"
    + rf"(?:(?P<pre>{MEASURE})\s*(?:radius\s*)?|{q('pre3')}\s*radius\s*"
    + rf"|(?:radius|r)\s*{q('pre2')}\s*)?"
    + rf"(?:{_WHICH}\s+)?"
    + r"(?P<noun>filleted|fillets?|rounded|round(?=\s+(?:all\s+|the\s+|off\s+)?(?:4\s+)?"
    r"(?:edges?|corners?))|radiused|radii|radius(?=\s+(?:on|to)\s))"
    r"(?:\s*off)?(?:\s*(?P<corners>corners?|edges?))?)"
)
CHAMFER_HEAD = re.compile(
    LEAD
    + r"(?:"
    + _edges_first(r"chamfered|bevell?ed|beveled|broken")
    + r"|(?:(?:a|an)\s+)?"
    + rf"(?:(?P<pre>{MEASURE})\s*(?:x\s*45\s*(?:deg(?:rees?)?)?\s*)?)?"
    + rf"(?:{_WHICH}\s+)?"
    + r"(?P<noun>chamfered|chamfers?|bevelled|beveled|bevels?)\b"
    + r"(?:\s*(?P<corners>corners?|edges?))?)"
)


@dataclass
class EdgeTreatment:
    kind: str  # fillet or chamfer
    size: float
    edges: str
    phrase: str
    rank: int = 1
    of: str | None = None  # the label of the feature whose edges these are ("slot", "holes")

    @property
    def label(self) -> str:
        return self.kind

    def summary(self) -> str:
        edges = f"the {self.of}'s" if self.of else f"the {self.edges}"
        return f"{self.size:g} mm {self.kind}s on {edges} edges"

    def features(self, body: Body, reading: Reading, name: str) -> list[Feature]:
        if self.of is not None:
            return [self._of_feature(reading, name)]
        span = min(body.length, body.width) if self.edges == "vertical" else body.smallest
        if self.size >= span / 2:
            raise FeatureDoesNotFit(f"a {self.size:g} mm {self.kind} does not fit this part")
        attr = "radius" if self.kind == "fillet" else "length"
        return [{"name": name, "feature_type": self.kind, attr: self.size, "edges": self.edges}]

    def _of_feature(self, reading: Reading, name: str) -> Feature:
        """The edges of the one feature of that kind (they are built first: rank 7)."""
        same = [m for m in reading.modifiers if m.label == self.of]
        if len(same) != 1:
            said = "none" if not same else f"{len(same)}"
            raise FeatureDoesNotFit(
                f"the {self.of} edges to {self.kind}: the prompt has {said} {self.of}, not one"
            )
        attr = "radius" if self.kind == "fillet" else "length"
        return {"name": name, "feature_type": self.kind, attr: self.size, "of": self.of}


# A feature's word, singular or plural, and the label its modifier's features are named by.
_FEATURE_LABELS = {
    **{word: "slot" for word in ("slot", "slots")},
    **{word: "holes" for word in ("hole", "holes")},
    **{word: "pocket" for word in ("pocket", "pockets")},
    **{word: "boss" for word in ("boss", "bosses")},
}
_EDGE_NAMES = {
    "vertical": "vertical",
    "upright": "vertical",
    "side": "vertical",
    "4": "vertical",
    "top": "top",
    "upper": "top",
    "bottom": "bottom",
    "lower": "bottom",
    "outer": "outer",
    "outside": "outer",
    "all": "all",
}


def _edge_reader(kind: str, head: re.Pattern[str]) -> Callable[[Reading], list[Modifier]]:
    def read(reading: Reading) -> list[Modifier]:
        return [_edge(kind, p, reading) for p in phrases(reading, head, _EDGES_AFTER)]

    return read


def _edge(kind: str, phrase: Phrase, r: Reading) -> EdgeTreatment:
    head = phrase.head
    groups = ("pre", "pre2", "pre3", "size_b", "size_c")
    size = r.first_mm(head, *(g for g in groups if g in head.groupdict()))
    for name in ("size", "radius"):
        match = phrase.got(name)
        if size is None and match is not None:
            size = r.mm(match, "size") or r.mm(match, "size2")
    text = phrase.text(r)
    which = next((m.group("which") for _, m in phrase.after if "which" in m.groupdict()), None)
    which = which or head.group("which") or head.group("which_b")
    which = which or (head.group("which_c") if "which_c" in head.groupdict() else None)
    which = "all" if phrase.got("round") else which
    corners = bool(re.search(r"\bcorners?\b", text))
    edges = _EDGE_NAMES.get(which or "", "vertical" if corners else "all")
    if size is None:
        size = r.assume(f"{kind}s of 2 mm", 2.0)
    of = phrase.got("of_feature")
    if of is not None:
        label = _FEATURE_LABELS[of.group("what")]
        return EdgeTreatment(kind, size, "all", text.strip(), rank=7, of=label)
    return EdgeTreatment(kind=kind, size=size, edges=edges, phrase=text.strip())


read_fillets = _edge_reader("fillet", FILLET_HEAD)
read_chamfers = _edge_reader("chamfer", CHAMFER_HEAD)

SHELL_HEAD = re.compile(
    LEAD + r"(?P<noun>open top|open at the top|open topped|no lid|without a lid|hollow(?:ed)?"
    r"(?:\s*(?:it\s*)?out)?|shell(?:ed)?|open box|(?:leave|leaving|with|keep)?\s*(?:the\s*)?"
    r"top\s*(?:left\s*)?open)\b"
)
WALL = re.compile(
    LEAD + rf"(?:(?:with\s*)?(?:a\s*)?{q('w1')}\s*(?:thick\s*)?(?:walls?|wall thickness|shell)\b"
    rf"|(?:wall thickness|walls?|wall)\s*(?:thickness\s*)?(?:of|is|:)?\s*{q('w2')}"
    r"(?:\s*thick)?"
    r"|(?:leaving\s*|with\s*)?(?:the\s*)?walls?\s*(?:and\s*(?:the\s*|a\s*)?(?:floor|base|bottom)\s*)"
    rf"(?:of\s*|are\s*|is\s*|both\s*)?{q('w3')}\s*(?:thick)?)"
)


FLOOR = re.compile(
    LEAD + rf"(?:(?:a\s*)?{q('f1')}\s*(?:thick\s*)?(?:floor|bottom)\b"
    rf"|(?:floor|bottom)(?:\s*thickness)?\s*(?:of|is|:)?\s*{q('f2')}(?:\s*thick)?)"
)


def read_floors(reading: Reading) -> list[tuple[float | None, tuple[int, int]]]:
    """Floors said apart from the walls, left unclaimed until a shell settles them."""
    return [(reading.first_mm(f, "f1", "f2"), f.span()) for f in reading.find(FLOOR)]


@dataclass
class Shell:
    wall: float | None
    open_top: bool
    floors: list[tuple[float | None, tuple[int, int]]] = field(default_factory=list)
    rank: int = 2
    label = "shell"

    def settle(self, body: Body, reading: Reading) -> None:
        """A shell has one thickness: a floor said as thick as the walls is read, another is
        left unread (and so named), never built as the walls."""
        self.wall = self.wall or body.wall
        for thickness, (start, end) in self.floors:
            self.wall = self.wall or thickness
            if thickness == self.wall:
                reading.claim(start, end)

    def summary(self) -> str:
        walls = f"{self.wall:g} mm walls" if self.wall else "walls"
        return walls + (", open at the top" if self.open_top else "")

    def features(self, body: Body, reading: Reading, name: str) -> list[Feature]:
        wall = self.wall or reading.assume("2 mm walls", 2.0)
        self.wall = wall
        if wall * 2 >= min(body.length, body.width):
            raise FeatureDoesNotFit(f"{wall:g} mm walls do not fit this part")
        return [
            {
                "name": name,
                "feature_type": "shell",
                "thickness": wall,
                "open": "top" if self.open_top else "none",
            }
        ]


def read_shell(reading: Reading) -> list[Modifier]:
    opened = [p for p in phrases(reading, SHELL_HEAD, {})]
    walls = list(reading.find(WALL))
    for match in walls:
        reading.take(match)
    if not opened and not walls:
        return []
    wall = next((reading.first_mm(m, "w1", "w2", "w3") for m in walls), None)
    floors = read_floors(reading)
    open_top = any("open" in p.text(reading) or "lid" in p.text(reading) for p in opened)
    hollow = any(re.search("hollow|shell", p.text(reading)) for p in opened)
    return [Shell(wall=wall, open_top=open_top or not hollow, floors=floors)]


# In the order they read: longer, more specific phrases first, so "counterbored holes" is a
# hole phrase before anything else sees "counterbore".
MODIFIER_READERS: tuple[Callable[[Reading], list[Modifier]], ...] = (
    read_holes,
    read_slots,
    read_pockets,
    read_bosses,
    read_bores,
    read_fillets,
    read_chamfers,
    read_shell,
)
