"""The offline rules interpreter: a prompt becomes a spec by pattern, never by running it.

It reads the everyday parts (cube, box, block, plate with holes, cylinder, rod, disc, tube,
pipe); anything else is `prompt_not_understood`, never a guessed shape. Lengths without a
unit are millimetres; the spec's `notes` list every default that was assumed.
"""

import re
from dataclasses import dataclass, field

from naturalcad.spec.schema import SPEC_VERSION


class PromptNotUnderstood(Exception):
    code = "prompt_not_understood"


_UNITS = {
    "mm": 1.0,
    "millimeter": 1.0,
    "millimetre": 1.0,
    "cm": 10.0,
    "m": 1000.0,
    "in": 25.4,
    "inch": 25.4,
    '"': 25.4,
}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8}
_NUM = r"(\d+(?:\.\d+)?)"
_UNIT = r"\s*(mm|millimet(?:er|re)s?|cm|m|inch(?:es)?|in|\")?(?![a-z])"
_LENGTH = _NUM + _UNIT
_TRIPLE = re.compile(
    _LENGTH + r"\s*(?:x|×|by)\s*" + _LENGTH + r"(?:\s*(?:x|×|by)\s*" + _LENGTH + ")?"
)


@dataclass
class Reading:
    features: list[dict]
    notes: list[str] = field(default_factory=list)
    intent: str = ""


def _mm(number: str, unit: str | None, default_unit: float) -> float:
    if unit is None:
        return float(number) * default_unit
    unit = unit.rstrip("s") if unit not in ("in", '"') else unit
    return float(number) * _UNITS.get(unit, 1.0)


def _default_unit(text: str) -> float:
    match = re.search(r"\b(cm|inch(?:es)?|in|mm)\b", text)
    return (
        _UNITS[
            match.group(1).rstrip("es")
            if match and match.group(1).startswith("inch")
            else match.group(1)
        ]
        if match
        else 1.0
    )


def _find(text: str, pattern: str, unit: float) -> float | None:
    match = re.search(pattern, text)
    return _mm(match.group(1), match.group(2), unit) if match else None


# Words that name a length, by the role they give it. Longest phrases first.
_ROLES = [
    ("od", "outer diameter|outside diameter|od"),
    ("id", "inner diameter|inside diameter|id|bore"),
    ("wall", "wall thickness|wall"),
    ("offset", "from the edges?|from edges?|edge offset|inset"),
    ("diameter", "diameter|dia|across"),
    ("radius", "radius"),
    ("length", "long|length"),
    ("width", "wide|width"),
    ("height", "tall|high|height|thick|thickness|deep|depth"),
    ("side", "sides?"),
]
_KEYWORD = "|".join(rf"(?P<{role}>\b(?:{words})\b)" for role, words in _ROLES)
_FILLER = r"(?:\s|of\b|=|:)*"
_TOKEN = re.compile(rf"(?P<len>{_NUM}{_UNIT})|{_KEYWORD}")


def _tokens(text: str, unit: float) -> list[tuple[str, float | None, int, int]]:
    """(role or 'len', value, start, end) for every length and every length-naming word."""
    found = []
    for match in _TOKEN.finditer(text):
        if match.group("len"):
            found.append(("len", _mm(match.group(2), match.group(3), unit), *match.span()))
        else:
            found.append((match.lastgroup, None, *match.span()))
    return found


def _adjacent(text: str, left, right) -> bool:
    return (
        left is not None and right is not None and re.fullmatch(_FILLER, text[left[3] : right[2]])
    )


def measurements(text: str, unit: float) -> dict[str, float]:
    """Give each length to the word beside it: `20 mm diameter`, `OD 20 ID 10`, `5 mm thick`.

    A length between two words goes to the one before it when that word is still free and
    the word after has its own length following it (`OD 20 ID 10`), else to the one after.
    """
    tokens = _tokens(text, unit)
    found: dict[str, float] = {}
    for i, (role, value, _, _) in enumerate(tokens):
        if role != "len":
            continue
        before = tokens[i - 1] if i > 0 and tokens[i - 1][0] != "len" else None
        after = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1][0] != "len" else None
        before = before if _adjacent(text, before, tokens[i]) and before[0] not in found else None
        after = after if _adjacent(text, tokens[i], after) and after[0] not in found else None
        after_has_own = (
            after is not None
            and i + 2 < len(tokens)
            and tokens[i + 2][0] == "len"
            and _adjacent(text, after, tokens[i + 2])
        )
        chosen = before if before is not None and (after is None or after_has_own) else after
        if chosen is not None:
            found[chosen[0]] = value
    return found


def normalize(prompt: str) -> str:
    text = prompt.lower().replace("ø", " diameter ").replace(",", " ")
    return re.sub(r"\s+", " ", text).strip()


def _box_feature(length: float, width: float, height: float) -> dict:
    return {
        "name": "body",
        "feature_type": "box",
        "length": length,
        "width": width,
        "height": height,
    }


def _cube(text: str, unit: float, m: dict) -> Reading | None:
    if not re.search(r"\bcube\b", text):
        return None
    side = m.get("side") or _find(text, _LENGTH, unit)
    if side is None:
        return Reading([_box_feature(20, 20, 20)], ["assumed a 20 mm cube"], "cube")
    return Reading([_box_feature(side, side, side)], [], "cube")


def _block(text: str, unit: float, m: dict) -> Reading | None:
    if not re.search(r"\b(box|block|plate|sheet|slab|bar|panel|cuboid)\b", text):
        return None
    match = _TRIPLE.search(text)
    if match:
        a = _mm(match.group(1), match.group(2), unit)
        b = _mm(match.group(3), match.group(4), unit)
        c = _mm(match.group(5), match.group(6), unit) if match.group(5) else None
    else:
        a, b, c = m.get("length"), m.get("width"), None
    if a is None or b is None:
        return None
    c = m.get("height", c)
    notes: list[str] = []
    if c is None:
        c = 5.0 if re.search(r"\b(plate|sheet|panel)\b", text) else min(a, b)
        notes.append(f"assumed a thickness of {c:g} mm")
    reading = Reading([_box_feature(a, b, c)], notes, "plate" if "plate" in text else "box")
    _add_holes(text, unit, m, reading, (a, b))
    return reading


def _count(text: str) -> int:
    match = re.search(
        r"\b(\d+|" + "|".join(_WORDS) + r")\b(?!\s*(?:mm|cm|m\b|in\b|inch|\"|x\b))"
        r"\s*(?:[a-z]+\s+){0,3}holes?",
        text,
    )
    if not match:
        return 1
    word = match.group(1)
    return int(word) if word.isdigit() else _WORDS[word]


def _add_holes(text: str, unit: float, m: dict, reading: Reading, size: tuple) -> None:
    if not re.search(r"\bholes?\b", text):
        return
    length, width = size
    diameter = _find(text, _LENGTH + r"\s*(?:diameter\s*|dia\.?\s*)?(?:[a-z]+\s+)?holes?", unit)
    if diameter is None:
        diameter = min(length, width) / 10
        reading.notes.append(f"assumed {diameter:g} mm holes")
    count = _count(text)
    if count == 4 or "corner" in text:
        offset = m.get("offset")
        if offset is None:
            offset = max(diameter, min(length, width) / 10)
            reading.notes.append(f"assumed holes {offset:g} mm from the edges")
        dx, dy = length / 2 - offset, width / 2 - offset
        positions = [[-dx, -dy], [dx, -dy], [dx, dy], [-dx, dy]]
    elif count == 1:
        positions = [[0.0, 0.0]]
    else:
        raise PromptNotUnderstood(f"I can place one centre hole or four corner holes, not {count}")
    reading.features.append(
        {"name": "holes", "feature_type": "hole", "diameter": diameter, "positions": positions}
    )


def _diameter(m: dict) -> float | None:
    if "diameter" in m:
        return m["diameter"]
    return m["radius"] * 2 if "radius" in m else None


def _round(text: str, unit: float, m: dict) -> Reading | None:
    if not re.search(r"\b(cylinder|rod|shaft|disc|disk|puck|pin)\b", text):
        return None
    diameter = _diameter(m)
    if diameter is None:
        return None
    height = m.get("height", m.get("length"))
    notes = []
    if height is None:
        height = diameter / 4 if re.search(r"\b(disc|disk|puck)\b", text) else diameter
        notes.append(f"assumed a height of {height:g} mm")
    feature = {"name": "body", "feature_type": "cylinder", "diameter": diameter, "height": height}
    return Reading([feature], notes, "cylinder")


def _tube(text: str, unit: float, m: dict) -> Reading | None:
    if not re.search(r"\b(tube|pipe|ring|spacer|bushing|washer|sleeve)\b", text):
        return None
    outer = m.get("od", _diameter(m))
    inner = m.get("id")
    if outer is None or (inner is None and "wall" not in m):
        return None
    inner = inner if inner is not None else outer - 2 * m["wall"]
    height = m.get("length", m.get("height"))
    notes = []
    if height is None:
        height = outer
        notes.append(f"assumed a length of {height:g} mm")
    feature = {
        "name": "body",
        "feature_type": "tube",
        "outer_diameter": outer,
        "inner_diameter": inner,
        "height": height,
    }
    return Reading([feature], notes, "tube")


_READERS = (_tube, _cube, _round, _block)


def interpret(prompt: str, output_type: str = "3d_solid", mode: str = "part") -> dict:
    text = normalize(prompt)
    unit = _default_unit(text)
    found = measurements(text, unit)
    for reader in _READERS:
        reading = reader(text, unit, found)
        if reading is not None:
            return _spec(reading, output_type, mode)
    raise PromptNotUnderstood(
        "I could not read a part from that prompt. Try e.g. 'a 40 mm cube' or "
        "'a 120 x 70 x 5 mm plate with four 6 mm corner holes'."
    )


def _spec(reading: Reading, output_type: str, mode: str) -> dict:
    return {
        "spec_version": SPEC_VERSION,
        "intent": reading.intent,
        "mode": mode,
        "output_type": output_type,
        "units": "mm",
        "dimensions": {},
        "geometry": {"primitive_strategy": ["rules"], "features": reading.features},
        "notes": reading.notes,
    }
