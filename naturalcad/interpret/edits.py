"""Edits in words of an existing spec ("make the holes 8 mm", "twice as long", "add a 2 mm
fillet", "make it hollow"), read by pattern like prompts, never run.

The spec's sizes are named first (`naming.py`), so that an edit changes a name and
everything written in terms of it follows. Each edit reader in `READERS` finds its phrases in
what no other reader took and changes the spec; the ledger of `reading.py` then checks that
every number and every word that is not filler was used. An edit with anything unread is
refused, naming what was not read (the model, given the spec, may read it); never applied
halfway.
"""

import copy
import re
from collections.abc import Callable
from typing import Any

from naturalcad.errors import CodedError
from naturalcad.interpret.errors import Account
from naturalcad.interpret.lexicon import MEASURE, NUMBER, QUANTITY, UNIT_MM
from naturalcad.interpret.naming import BODY_NAMES, name_dimensions
from naturalcad.interpret.reading import Reading
from naturalcad.spec.expressions import names_in
from naturalcad.spec.schema import UNIT_TO_MM
from naturalcad.spec.vocabulary import BODIES, FEATURES, LENGTH_KINDS

Spec = dict[str, Any]
Feature = dict[str, Any]


class EditNotUnderstood(CodedError):
    """I could not read that edit."""

    code = "edit_not_understood"
    # What the words were read as before the refusal, where the reader can say
    reading: Account | None = None


# What people call a size (a regex of its words), and the dimension names it may be, in the
# order they are tried: the first the part has is the one changed.
SIZES: list[tuple[str, str, tuple[str, ...]]] = [
    ("hole depth", r"holes?\s*depth|depth\s*of\s*the\s*holes?", ("hole_depth",)),
    ("bolt circle", r"bolt\s*circle(?:\s*diameter)?|pcd|pitch\s*circle(?:\s*diameter)?",
     ("bolt_circle",)),
    ("counterbore", r"counterbores?(?:\s*diameter)?", ("counterbore_diameter",)),
    ("countersink", r"countersinks?(?:\s*diameter)?", ("countersink_diameter",)),
    ("bore", r"(?:centre\s*)?bore(?:\s*diameter)?|inner\s*diameter|inside\s*diameter",
     ("bore_diameter", "inner_diameter", "hole_diameter")),
    ("hole diameter", r"(?:bolt\s*|mounting\s*)?holes?(?:\s*(?:diameter|dia|size))?",
     ("hole_diameter",)),
    ("edge offset", r"edge\s*offset|(?:hole\s*)?inset|offset\s*from\s*the\s*edges?",
     ("edge_offset",)),
    ("fillet", r"fillets?(?:\s*radius)?|(?:corner|edge)\s*radius|radius",
     ("fillet_radius", "corner_radius")),
    ("chamfer", r"chamfers?(?:\s*size)?", ("chamfer",)),
    ("wall", r"walls?(?:\s*thickness)?|wall\s*thickness", ("wall",)),
    ("slot", r"slot\s*length", ("slot_length",)),
    ("length", r"length|long|span", ("length", "span", "height")),  # a rod's length is its height
    ("width", r"width|wide", ("width", "depth")),
    ("thickness", r"thickness|thick", ("thickness", "height", "wall")),
    ("height", r"height|tall|high", ("height", "thickness", "rise")),
    ("diameter", r"(?:outer\s*|outside\s*)?diameter|across\s*flats",
     ("diameter", "outer_diameter", "across_flats", "bottom_diameter")),
]  # fmt: skip
_SIZE_WORDS = "|".join(f"(?:{words})" for _, words, _ in SIZES)
# Words of an edit that carry nothing beyond what the readers take: verbs of changing.
_EDIT_FILLER = re.compile(
    r"\b(?:set|change|changed|adjust|update|modify|instead|now|rather|please|resize|be|"
    r"everything|part|whole|them|one|ones|size|sizes|dimension|dimensions|bit)\b"
)
# Factors people say in words.
_FACTORS = {"twice": 2.0, "double": 2.0, "triple": 3.0, "thrice": 3.0, "half": 0.5,
            "halve": 0.5, "quadruple": 4.0}  # fmt: skip
_COMPARATIVES = {
    "longer": ("length", 1), "shorter": ("length", -1), "wider": ("width", 1),
    "narrower": ("width", -1), "thicker": ("thickness", 1), "thinner": ("thickness", -1),
    "taller": ("height", 1), "higher": ("height", 1), "lower": ("height", -1),
}  # fmt: skip
# What a fillet or chamfer added without a size is, and a wall without a thickness.
ASSUMED_EDGE_MM = 1.0
ASSUMED_WALL_MM = 2.0
_EDGES = r"(?P<edges>all|vertical|top|bottom|outer|upper|lower|side)?"
_EDGE_WORDS = {"upper": "top", "lower": "bottom", "side": "vertical"}


class Edit:
    """One edit being read: the spec it changes (sizes named), the ledger, what changed."""

    def __init__(self, spec: Spec, words: str) -> None:
        self.spec = name_dimensions({k: copy.deepcopy(v) for k, v in spec.items() if k != "dedupe"})
        self.spec.setdefault("dimensions", {})
        self.reading = Reading.of(words)
        self.changes: list[str] = []

    @property
    def dimensions(self) -> dict[str, Any]:
        dimensions: dict[str, Any] = self.spec["dimensions"]
        return dimensions

    @property
    def features(self) -> list[Feature]:
        features: list[Feature] = self.spec["geometry"]["features"]
        return features

    def units(self, match: re.Match[str], group: str) -> float:
        """A written size in the spec's units (a bare number is in them already)."""
        found = self.reading.quantity(match, group)
        if found is None:
            raise EditNotUnderstood(message="a size is missing")
        if found.unit is None:
            return found.number
        return found.number * UNIT_MM[found.unit] / UNIT_TO_MM[self.spec["units"]]

    def set(self, name: str, value: float) -> None:
        before = self.dimensions[name]
        if isinstance(before, int) and not isinstance(before, bool) and float(value).is_integer():
            value = int(value)
        self.dimensions[name] = value
        self.changes.append(f"{name} {before:g} -> {value:g}")

    def size(self, said: str) -> str:
        """The dimension a size word names on this part; unread when it has none."""
        for label, words, names in SIZES:
            if re.fullmatch(words, said):
                found = next((n for n in names if n in self.dimensions), None)
                if found is None:
                    found = self._base_reference(names)
                if found is None:
                    raise EditNotUnderstood(
                        message=f"this part has no {label} to change ('{said}'); its sizes: "
                        f"{', '.join(sorted(self.dimensions)) or 'none named'}"
                    )
                return found
        raise EditNotUnderstood(message=f"'{said}' is not a size I know")

    def _base_reference(self, names: tuple[str, ...]) -> str | None:
        """A name the author of the spec chose for the base body's size (`len` for length)."""
        base = next((f for f in self.features if f["feature_type"] in BODY_NAMES), None)
        if base is None:
            return None
        for attr, name in BODY_NAMES[base["feature_type"]].items():
            value = base.get(attr)
            if name in names and isinstance(value, str) and value in self.dimensions:
                return value
        return None


Reader = Callable[[Edit], None]


def _read_counts(edit: Edit) -> None:
    """`6 holes`, `hole count 8`, `8 holes instead of 6`."""
    pattern = re.compile(
        r"(?<![\d.])(?P<n>\d+)\s*(?:bolt\s*|mounting\s*)?holes\b(?:\s*instead\s*of\s*\d+)?"
        r"|(?:hole\s*count|number\s*of\s*holes)\s*(?:to|=|:|of)?\s*(?P<n2>\d+)\b"
    )
    for match in edit.reading.find(pattern):
        if "hole_count" not in edit.dimensions:
            raise EditNotUnderstood(
                message=f"this part's holes are not a pattern I can count anew ('{match.group(0)}')"
            )
        edit.set("hole_count", int(match.group("n") or match.group("n2")))
        edit.reading.take(match)


def _read_relative(edit: Edit) -> None:
    """`10 mm longer`, `increase the width by 5 mm`, `reduce the thickness by 1`."""
    comparatives = "|".join(_COMPARATIVES)
    pattern = re.compile(
        rf"(?P<q>{QUANTITY})\s*(?P<cmp>{comparatives})\b"
        rf"|(?P<verb>increase|decrease|reduce|grow|shrink|enlarge)\s*(?:the\s*)?"
        rf"(?P<size>{_SIZE_WORDS})\s*by\s*(?P<q2>{QUANTITY})"
    )
    for match in edit.reading.find(pattern):
        if match.group("cmp"):
            word, sign = _COMPARATIVES[match.group("cmp")]
            name, delta = edit.size(word), sign * edit.units(match, "q")
        else:
            sign = 1 if match.group("verb") in ("increase", "grow", "enlarge") else -1
            name, delta = edit.size(match.group("size")), sign * edit.units(match, "q2")
        edit.set(name, edit.dimensions[name] + delta)
        edit.reading.take(match)


def _read_scale(edit: Edit) -> None:
    """`twice as long`, `half as thick`, `3 times as wide`, `double the thickness`,
    `scale by 1.5`, `scale to 150 %`, `20 % bigger`, `twice as big`."""
    factors = "|".join(_FACTORS)
    adjectives = r"long|wide|thick|tall|high|big|large"
    pattern = re.compile(
        rf"(?:(?P<word>{factors})|(?P<n>{NUMBER})\s*(?:x|times))\s*(?:as\s*)?(?P<adj>{adjectives})"
        rf"(?:\s*as\s*(?:before|now|it\s*is))?"
        rf"|(?P<verb>{factors})\s*(?:the\s*)?(?P<size>{_SIZE_WORDS})"
        rf"|scale\s*(?:it|everything)?\s*(?:up|down)?\s*(?:by|to)?\s*(?P<s>{NUMBER})\s*"
        rf"(?P<pct>%|percent)?"
        rf"|(?P<p>{NUMBER})\s*(?:%|percent)\s*(?P<dir>bigger|larger|smaller)"
    )
    for match in edit.reading.find(pattern):
        factor, size = _factor(match)
        if factor <= 0:
            raise EditNotUnderstood(message=f"'{match.group(0)}' does not scale by a size")
        if size is None:
            _scale_all(edit, factor)
        else:
            name = edit.size(size)
            edit.set(name, edit.dimensions[name] * factor)
        edit.reading.take(match)


def _factor(match: re.Match[str]) -> tuple[float, str | None]:
    """(factor, the size word it applies to; None: the whole part)."""
    if match.group("adj"):
        factor = _FACTORS[match.group("word")] if match.group("word") else float(match.group("n"))
        adjective = match.group("adj")
        return factor, None if adjective in ("big", "large") else adjective
    if match.group("verb"):
        return _FACTORS[match.group("verb")], match.group("size")
    if match.group("s"):
        scale = float(match.group("s"))
        return (scale / 100 if match.group("pct") else scale), None
    percent = float(match.group("p")) / 100
    return (1 + percent if match.group("dir") != "smaller" else 1 - percent), None


def _scale_all(edit: Edit, factor: float) -> None:
    """Every length: the named ones and those written as numbers (counts stay)."""
    counts = {
        value
        for f in edit.features
        for key, value in f.items()
        if key in FEATURES.get(f["feature_type"], _NO_FEATURE).attrs
        and FEATURES[f["feature_type"]].attrs[key].kind in ("count", "sides")
    }
    for name, value in list(edit.dimensions.items()):
        if name not in counts:
            edit.dimensions[name] = value * factor
    for feature in edit.features:
        attrs = FEATURES[feature["feature_type"]].attrs
        for key, value in feature.items():
            kind = attrs[key].kind if key in attrs else ""
            if kind in LENGTH_KINDS and isinstance(value, int | float):
                feature[key] = value * factor
            elif kind in ("point3", "points2", "polygon", "points3", "outline"):
                feature[key] = _scaled_points(value, factor)
            elif kind == "arcs":  # [side index, x, y]: the index is no length
                feature[key] = [[a[0], *_scaled_points(a[1:], factor)] for a in value]
    edit.changes.append(f"every size x {factor:g}")


_NO_FEATURE = FEATURES["box"]


def _scaled_points(value: Any, factor: float) -> Any:
    if isinstance(value, list):
        return [_scaled_points(v, factor) for v in value]
    return value * factor if isinstance(value, int | float) else value


def _read_remove(edit: Edit) -> None:
    """`remove the fillet`, `no chamfer`, `without holes`, `sharp edges`."""
    kinds = {"fillet": "fillet", "round": "fillet", "chamfer": "chamfer", "hole": "hole",
             "shell": "shell", "bevel": "chamfer"}  # fmt: skip
    pattern = re.compile(
        r"(?:remove|delete|drop|take\s*(?:away|off|out)|get\s*rid\s*of|no|without)\s*"
        r"(?:the|all|any)?\s*(?P<what>fillet|round|chamfer|bevel|hole|shell)(?:s|ed|ing)?"
        r"(?:\s*(?:edges|corners))?|(?P<sharp>sharp)\s*(?:edges|corners)"
    )
    for match in edit.reading.find(pattern):
        what = "fillet" if match.group("sharp") else kinds[match.group("what")]
        removed = {f["name"] for f in edit.features if f["feature_type"] == what}
        if match.group("sharp"):
            removed |= {f["name"] for f in edit.features if f["feature_type"] == "chamfer"}
        removed |= {f["name"] for f in edit.features if f.get("of") in removed}
        if not removed:
            raise EditNotUnderstood(message=f"this part has no {what} to remove")
        edit.spec["geometry"]["features"] = [f for f in edit.features if f["name"] not in removed]
        _drop_unused_dimensions(edit)
        edit.changes.append(f"removed {', '.join(sorted(removed))}")
        edit.reading.take(match)


def _drop_unused_dimensions(edit: Edit) -> None:
    used = {
        name for f in edit.features for value in _strings(f) for name in ({value} | names_in(value))
    }
    for name in [n for n in edit.dimensions if n not in used]:
        del edit.dimensions[name]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _read_edge_treatments(edit: Edit) -> None:
    """`add a 2 mm fillet`, `fillet the vertical edges 3 mm`, `round the corners`,
    `chamfer the top edges 1 mm`, `with a 0.5 mm chamfer on the outer edges`."""
    verbs = r"(?P<kind>fillet|chamfer|round|bevel)(?:s|ed)?"
    pattern = re.compile(
        rf"(?:(?P<q>{MEASURE})\s*)?(?:radius\s*)?{verbs}(?:\s*(?:radius|size))?"
        rf"(?:\s*(?:on|to|at|of|along)?\s*(?:the)?\s*{_EDGES}\s*(?P<which>edges|corners))?"
        rf"(?:\s*(?:to|at|with|of|by)?\s*(?P<q2>{MEASURE}))?"
    )
    for match in edit.reading.find(pattern):
        kind = {"round": "fillet", "bevel": "chamfer"}.get(match.group("kind"), match.group("kind"))
        said = match.group("q") or match.group("q2")
        size = edit.units(match, "q" if match.group("q") else "q2") if said else None
        edges = match.group("edges")
        if match.group("which") == "corners" and not edges:
            edges = "vertical"
        _treat_edges(edit, kind, size, _EDGE_WORDS.get(edges or "", edges))
        edit.reading.take(match)


def _treat_edges(edit: Edit, kind: str, size: float | None, edges: str | None) -> None:
    attr, name = ("radius", "fillet_radius") if kind == "fillet" else ("length", "chamfer")
    existing = next((f for f in edit.features if f["feature_type"] == kind), None)
    if existing is not None:
        if edges:
            existing["edges"] = edges
            edit.changes.append(f"{kind} on the {edges} edges")
        if size is not None:
            _set_attr(edit, existing, attr, size)
        return
    if size is None:
        mm = UNIT_TO_MM[edit.spec["units"]]
        size = edit.reading.assume(f"a {ASSUMED_EDGE_MM:g} mm {kind}", ASSUMED_EDGE_MM / mm)
    name = _free(name, edit.dimensions)
    edit.dimensions[name] = size
    feature = {"name": _free(kind, {f["name"] for f in edit.features}), "feature_type": kind,
               attr: name, **({"edges": edges} if edges else {})}  # fmt: skip
    edit.features.insert(_after_bodies(edit.features), feature)
    edit.changes.append(f"added a {size:g} {kind}" + (f" on the {edges} edges" if edges else ""))


def _after_bodies(features: list[Feature]) -> int:
    """Where a whole-part operation goes: after the bodies and the operations on them, before
    the first cut or pattern, so that holes are not rounded or shelled with the block."""
    index = 0
    for position, feature in enumerate(features):
        if feature["feature_type"] in BODIES or FEATURES[feature["feature_type"]].group == "part":
            index = position + 1
        else:
            break
    return index


def _free(name: str, taken: Any) -> str:
    if name not in taken:
        return name
    return next(f"{name}_{n}" for n in range(2, 100) if f"{name}_{n}" not in taken)


def _read_hollow(edit: Edit) -> None:
    """`make it hollow`, `hollow it out with 2 mm walls`, `shell it 3 mm`, `open at the
    bottom`."""
    pattern = re.compile(
        rf"(?:hollow|shell)(?:\s*(?:it|the\s*part))?(?:\s*out)?"
        rf"(?:\s*(?:with|to|at)?\s*(?:a\s*)?(?P<q>{MEASURE})(?:\s*(?:thick|wall|walls))*)?"
        rf"(?:\s*(?:,|and)?\s*open\s*(?:at|on)?\s*(?:the)?\s*(?P<open>top|bottom)|"
        rf"\s*(?:,|and)?\s*(?P<closed>closed))?"
    )
    for match in edit.reading.find(pattern):
        existing = next((f for f in edit.features if f["feature_type"] == "shell"), None)
        opening = match.group("open") or ("none" if match.group("closed") else None)
        wall = edit.units(match, "q") if match.group("q") else None
        if existing is None:
            if wall is None:
                mm = UNIT_TO_MM[edit.spec["units"]]
                wall = edit.reading.assume(f"{ASSUMED_WALL_MM:g} mm walls", ASSUMED_WALL_MM / mm)
            name = _free("wall", edit.dimensions)
            edit.dimensions[name] = wall
            shell = {
                "name": _free("shell", {f["name"] for f in edit.features}),
                "feature_type": "shell",
                "thickness": name,
                "open": opening or "top",
            }
            edit.features.insert(_after_bodies(edit.features), shell)
            edit.changes.append(f"hollowed with {wall:g} walls, open {shell['open']}")
        else:
            if opening:
                existing["open"] = opening
                edit.changes.append(f"shell open {opening}")
            if wall is not None:
                _set_attr(edit, existing, "thickness", wall)
        edit.reading.take(match)


def _set_attr(edit: Edit, feature: Feature, attr: str, value: float) -> None:
    current = feature[attr]
    if isinstance(current, str) and current in edit.dimensions:
        edit.set(current, value)
    else:
        feature[attr] = value
        edit.changes.append(f"{feature['name']}.{attr} {value:g}")


def _read_sizes(edit: Edit) -> None:
    """`length 150`, `set the width to 80 mm`, `make the holes 8 mm`, `150 mm long`,
    `8 mm holes`, `bolt circle 90`, `thickness = 6`."""
    pattern = re.compile(
        rf"(?P<size>{_SIZE_WORDS})\s*(?:to|=|:|of|at|is|are)?\s*(?P<q>{QUANTITY})"
        rf"|(?P<q2>{QUANTITY})\s*(?P<size2>{_SIZE_WORDS})\b"
    )
    for match in edit.reading.find(pattern):
        said, group = (
            (match.group("size"), "q") if match.group("size") else (match.group("size2"), "q2")
        )
        said = re.sub(r"\s+", " ", said.strip())
        edit.set(edit.size(said), edit.units(match, group))
        edit.reading.take(match)


# The edit readers, in the order they read: counts before sizes ("6 holes" is no size),
# relative and scaling phrases before plain sizes ("10 mm longer", "twice as long").
READERS: tuple[Reader, ...] = (
    _read_counts,
    _read_remove,
    _read_hollow,
    _read_edge_treatments,
    _read_relative,
    _read_scale,
    _read_sizes,
)
# Notes a spec may carry (the schema's limit).
_MAX_NOTES = 32


def apply_edit(spec: Spec, words: str) -> Spec:
    """The spec as the edit changes it; EditNotUnderstood naming what was not read."""
    return read_edit(spec, words)[0]


def read_edit(spec: Spec, words: str) -> tuple[Spec, Account]:
    """The spec as the edit changes it, with the account of the edit's reading."""
    edit = Edit(spec, words)
    for read in READERS:
        read(edit)
    for match in edit.reading.find(_EDIT_FILLER):
        edit.reading.take(match)
    unread = edit.reading.unread()
    if unread or not edit.changes:
        quoted = " and ".join(f"'{phrase}'" for phrase in unread[:6]) or f"'{words.strip()}'"
        done = f"I read {'; '.join(edit.changes)}; " if edit.changes else ""
        said = f"{done}I could not read {quoted} as an edit of this part."
        refusal = EditNotUnderstood(message=said)
        edit.reading.read = edit.changes
        refusal.reading = edit.reading.account(unread or [words.strip()])
        raise refusal
    notes = [*(edit.spec.get("notes") or []), *edit.reading.notes]
    edit.spec["notes"] = [*notes, f"edited: {'; '.join(edit.changes)}"[:500]][-_MAX_NOTES:]
    if not edit.dimensions:
        del edit.spec["dimensions"]
    edit.reading.read = edit.changes
    return edit.spec, edit.reading.account()
