"""Reading lengths, counts and sizes out of everyday phrasing.

`measurements` gives each length to the word that names it (`20 mm diameter`, `OD 20`,
`5 mm thick`); everything is millimetres once read. Nothing here runs the text: it is only
matched against fixed patterns.
"""

import re
import unicodedata

UNITS = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}
_UNIT_WORDS = [
    ("mm", r"mm|millimet(?:er|re)s?"),
    ("cm", r"cm|centimet(?:er|re)s?"),
    ("m", r"m|met(?:er|re)s?"),
    ("in", r"in|inch(?:es)?|\""),
]
NUM = r"(\d+(?:\.\d+)?)"
UNIT = r"\s*(" + "|".join(w for _, w in _UNIT_WORDS) + r")?(?![a-z0-9])"
LENGTH = NUM + UNIT
NUMBER_WORDS = {
    "a pair of": 2,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "sixteen": 16,
    "twenty": 20,
    "single": 1,
    "a dozen": 12,
}
# ISO 273 medium clearance holes and ISO 4032 nuts, ISO 7089 washers: (clearance, across
# flats, nut height, washer outer diameter, washer thickness).
METRIC = {
    3: (3.4, 5.5, 2.4, 7, 0.5),
    4: (4.5, 7, 3.2, 9, 0.8),
    5: (5.5, 8, 4.7, 10, 1),
    6: (6.6, 10, 5.2, 12, 1.6),
    8: (9, 13, 6.8, 16, 1.6),
    10: (11, 16, 8.4, 20, 2),
    12: (13.5, 18, 10.8, 24, 2.5),
    16: (17.5, 24, 14.8, 30, 3),
    20: (22, 30, 18, 37, 3),
}
# Words that name a length, by the role they give it; longest phrases first. Misspellings
# people type are folded in (diamter, thik, lenght).
_ROLES = [
    ("od", r"outer diameter|outside diameter|od|o\.d\."),
    ("id", r"inner diameter|inside diameter|id|i\.d\.|bore"),
    ("wall", r"wall thickness|walls?"),
    ("offset", r"from the edges?|from edges?|edge offset|inset"),
    ("across", r"across flats|af|a/f"),
    ("circle", r"bolt circle|pitch circle|pcd|circle"),
    ("span", r"span\w*"),
    ("rise", r"rise"),
    ("diameter", r"diam\w*|dia|across|round"),
    ("radius", r"radius"),
    ("length", r"long|length|lenght|len"),
    ("width", r"wide|width"),
    ("height", r"tall|high|height|thick|thik|thickness|deep|depth"),
    ("side", r"sides?|square|edge"),
]
_KEYWORD = "|".join(rf"(?P<{role}>\b(?:{words})(?![a-z]))" for role, words in _ROLES)
_FILLER = r"(?:\s|of\b|=|:|is\b|a\b)*"
_TOKEN = re.compile(rf"(?P<len>{NUM}{UNIT})|{_KEYWORD}")


def normalize(prompt: str) -> str:
    text = unicodedata.normalize("NFKC", prompt).lower()
    text = text.replace("×", " x ").replace("ø", " diameter ").replace("⌀", " diameter ")
    text = re.sub(r"(\d)\s*x\s*(?=\d)", r"\1 x ", text)
    text = re.sub(r"[,;()]", " ", text)
    for word, value in NUMBER_WORDS.items():
        text = re.sub(rf"\b{word}\b", str(value), text)
    return re.sub(r"\s+", " ", text).strip()


def to_mm(number: str, unit: str | None, default: float) -> float:
    if unit is None:
        return float(number) * default
    for name, pattern in _UNIT_WORDS:
        if re.fullmatch(pattern, unit):
            return float(number) * UNITS[name]
    return float(number) * default


def default_unit(text: str) -> tuple[float, str]:
    """The unit a bare number means: the first unit named anywhere, else millimetres."""
    unit = next((m.group(2) for m in re.finditer(LENGTH, text) if m.group(2)), None)
    for name, pattern in _UNIT_WORDS:
        if unit and re.fullmatch(pattern, unit):
            return UNITS[name], name
    return 1.0, "mm"


def lengths(text: str, unit: float) -> list[float]:
    return [to_mm(m.group(1), m.group(2), unit) for m in re.finditer(LENGTH, text)]


def triple(text: str, unit: float) -> list[float] | None:
    """`a x b [x c]` or `a by b [by c]`, each with its own unit or the prompt's."""
    pattern = LENGTH + r"\s*(?:x|by)\s*" + LENGTH + r"(?:\s*(?:x|by)\s*" + LENGTH + ")?"
    match = re.search(pattern, text)
    if not match:
        return None
    groups = match.groups()
    # "100 x 60 mm": a unit given only at the end applies to every number
    last_unit = next((u for u in reversed(groups[1::2]) if u), None)
    return [
        to_mm(n, u or last_unit, unit) for n, u in zip(groups[0::2], groups[1::2], strict=True) if n
    ]


def _tokens(text: str, unit: float):
    found = []
    for match in _TOKEN.finditer(text):
        if match.group("len"):
            found.append(("len", to_mm(match.group(2), match.group(3), unit), *match.span()))
        else:
            found.append((match.lastgroup, None, *match.span()))
    return found


def _adjacent(text: str, left, right) -> bool:
    return bool(left and right and re.fullmatch(_FILLER, text[left[3] : right[2]]))


def measurements(text: str, unit: float) -> dict[str, float]:
    """Give each length to the word beside it.

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


_BARE = re.compile(
    r"(?<!x )(?<!by )(?<![\d.m])\b(\d+)\b(?!\.\d)(?!\s*(?:mm|cm|m\b|in\b|inch|\"|x\b|by\b))"
)


def count_of(text: str, noun: str) -> int | None:
    """`4 holes`, `six 10 mm bolt holes`, `8 x M12 holes`: the count before the noun.

    Within the five words before the noun, the count is the last bare number: not a size
    (followed by a unit), not part of a dimension (`100 x 50`), not a thread (`M6`).
    """
    for match in re.finditer(rf"\b{noun}\b", text):
        prefix = text[: match.start()]
        window = len(prefix) - len(" ".join(prefix.split()[-5:])) - 1
        sized = re.search(r"\b(\d+)\s*x\s*m\d+\s*(?:\S+\s+)?$", prefix)
        if sized:
            return int(sized.group(1))
        bare = [m for m in _BARE.finditer(prefix) if m.start() >= window]
        if bare:
            return int(bare[-1].group(1))
    return None


def metric_size(text: str) -> int | None:
    match = re.search(r"\bm(\d{1,2})\b", text)
    if match and int(match.group(1)) in METRIC:
        return int(match.group(1))
    return None


def has(text: str, *words: str) -> bool:
    return any(re.search(rf"\b{word}", text) for word in words)
