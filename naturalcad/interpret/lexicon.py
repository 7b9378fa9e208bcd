"""The words and numbers of a prompt: normalisation, quantities with units, and filler words.

Nothing here runs the text: it is only matched against fixed patterns. A quantity is a
number with the unit written after it (`5 mm`, `2"`, `1e3 cm`); a number written without a
unit takes the prompt's default unit when it is used as a length.
"""

import math
import re
import unicodedata
from dataclasses import dataclass

from naturalcad.interpret.errors import SizeOutOfRange
from naturalcad.spec.vocabulary import MAX_SIZE_MM, MIN_SIZE_MM

# Millimetres in one of each unit people write.
UNIT_MM: dict[str, float] = {
    "mm": 1.0,
    "cm": 10.0,
    "m": 1000.0,
    "km": 1_000_000.0,
    "in": 25.4,
    "ft": 304.8,
}
# Spellings of each unit, most specific first. A bare "in" is an inch only where it cannot be
# the preposition ("2 in cube", not "4 holes in a row" nor "50 in diameter").
_UNIT_SPELLINGS = (
    ("mm", r"mm|millimet(?:er|re)s?"),
    ("cm", r"cm|centimet(?:er|re)s?"),
    ("km", r"km|kilomet(?:er|re)s?"),
    ("m", r"m|met(?:er|re)s?"),
    ("in", r"inch(?:es)?|in(?!\s+(?:a|an|the|from|each|diameter|dia|length|width|size)\b)|\""),
    ("ft", r"ft|foot|feet|'"),
)
NUMBER = r"(?:(?<![\w.)-])-)?(?:\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?"
UNIT = "|".join(spelling for _, spelling in _UNIT_SPELLINGS)
# A number and, when written, its unit; never the digits of a word or an M size.
QUANTITY = rf"(?<![\w.])(?:{NUMBER})(?:\s*(?:{UNIT}))?(?![a-z0-9])"
# A number with its unit written: never a count.
MEASURE = rf"(?<![\w.])(?:{NUMBER})\s*(?:{UNIT})(?![a-z0-9])"
_PARTS = re.compile(rf"(?P<number>{NUMBER})\s*(?P<unit>{UNIT})?$")
METRIC_SIZE = r"\bm(?:\d{1,2})\b"

NUMBER_WORDS = {
    "a pair of": "2",
    "a couple of": "2",
    "a dozen": "12",
    "one": "1",
    "single": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "sixteen": "16",
    "twenty": "20",
}
# Misspellings people type, folded before reading.
_TYPOS = {
    "diamter": "diameter",
    "diametre": "diameter",
    "diamater": "diameter",
    "lenght": "length",
    "lengh": "length",
    "widht": "width",
    "heigth": "height",
    "hieght": "height",
    "thik": "thick",
    "thickess": "thickness",
    "thk": "thick",
    "centered": "centred",
    "center": "centre",
    "centerline": "centreline",
    "egdes": "edges",
    "thats": "that's",
    "millimeters": "mm",
    "millimetres": "mm",
    "holles": "holes",
    "hole's": "holes",
    "cyllinder": "cylinder",
    "cilinder": "cylinder",
    "cylindar": "cylinder",
    "recatngular": "rectangular",
    "retangular": "rectangular",
    "plat": "plate",
}


@dataclass(frozen=True)
class Quantity:
    """A number as written, with its unit if one was written, and where it stands."""

    text: str
    number: float
    unit: str | None
    start: int
    end: int

    def mm(self, default_unit: str) -> float:
        """This quantity as a length in millimetres, refused when it cannot be built."""
        value = self.number * UNIT_MM[self.unit or default_unit]
        if not (math.isfinite(value) and MIN_SIZE_MM <= value <= MAX_SIZE_MM):
            shown = self.text if self.unit else f"{self.text} {default_unit}"
            raise SizeOutOfRange(
                f"'{shown}' is {value:g} mm; sizes must be between {MIN_SIZE_MM:g} mm and "
                f"{MAX_SIZE_MM / 1000:g} m"
            )
        return value

    @property
    def is_count(self) -> bool:
        """A whole number written without a unit: it may count things."""
        return self.unit is None and self.number.is_integer() and "." not in self.text


def quantity(text: str, start: int) -> Quantity:
    """The quantity written in `text`, which starts at `start` in the prompt."""
    match = _PARTS.match(text.strip())
    if match is None:
        raise ValueError(f"not a quantity: {text!r}")
    return Quantity(
        text=text.strip(),
        number=float(match.group("number")),
        unit=unit_name(match.group("unit")),
        start=start,
        end=start + len(text.rstrip()),
    )


def unit_name(written: str | None) -> str | None:
    if written is None:
        return None
    for name, spelling in _UNIT_SPELLINGS:
        if re.fullmatch(spelling, written):
            return name
    return None


def metric(text: str) -> int | None:
    """`m6` -> 6."""
    match = re.fullmatch(r"m(\d{1,2})", text.strip())
    return int(match.group(1)) if match else None


def _fraction(match: re.Match[str]) -> str:
    whole = float(match.group(1) or 0)
    value = whole + float(match.group(2)) / float(match.group(3))
    return f"{value:g}"


def normalize(prompt: str) -> str:
    """Lower case, one spelling per symbol, numbers as digits; positions are of this text."""
    text = unicodedata.normalize("NFKC", prompt).lower()
    for symbol, word in (("×", " x "), ("ø", " diameter "), ("⌀", " diameter ")):
        text = text.replace(symbol, word)
    for curly, straight in (("“", '"'), ("”", '"'), ("″", '"'), ("’", "'"), ("′", "'")):
        text = text.replace(curly, straight)
    text = re.sub(r"\b3d\b", "threed", text)  # "3d printed" is no three millimetres
    text = re.sub(r"\b2d\b", "twod", text)
    text = re.sub(r"(?:(\d+)-)?(\d+)/(\d+)(?=\s*(?:[a-z\"']|$))", _fraction, text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])|(?<=\d)-(?=[a-z])", " ", text)
    text = re.sub(r"(\d)\s*[x*]\s*(?=[\d.m])", r"\1 x ", text)
    # numbered steps: "1. Start with ...", "2) add ...", "step 3: ..."
    # (a step ends a phrase, as a comma does)
    text = re.sub(r"(^|\n|[.:;]\s)\s*(?:step\s*)?\d+\s*[.):]\s+(?=[a-z])", r"\1 , ", text)
    text = re.sub(r"\bstep\s*\d+\s*[.):]?\s+", " , ", text)
    text = re.sub(r"\n", " , ", text)
    text = re.sub(r"(?<=[a-z])\.(?=\s|$)|[!?;]", " , ", text)
    for word, value in NUMBER_WORDS.items():
        text = re.sub(rf"\b{word}\b", value, text)
    for typo, word in _TYPOS.items():
        text = re.sub(rf"\b{re.escape(typo)}\b", word, text)
    text = re.sub(r"\br\s*=?\s*(\d)", r"radius \1", text)  # "r5 corners", "r=1"
    return re.sub(r"\s+", " ", text).strip()


# Words that carry nothing the part depends on: asking, politeness, articles, materials,
# ordering words of step-by-step descriptions. Every other word must be read or listed.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FILLER = _words(
    """
    a an the this that these those some any its it it's their my our your his her them
    i me we us you he she they i'd i'm im let lets let's
    please pls plz thanks thank thx ty hi hello hey cheers kindly just
    could would can will should may might must shall
    make made making create created creating design designed designing draw drawing drawn
    model modelled modeled modelling modeling give generate generated build built
    print printed printing printable produce need needs needed want wanted like love get
    do does have has had having is are be being been was were am
    and with of for to from by into onto as so then than also plus at on in
    first second third next finally after afterwards now lastly start starting begin
    add added adding put place placed apply applied use using used
    x by about approximately approx roughly around nominal overall total
    simple basic plain small little large big tiny standard normal regular nice quick
    new solid part piece thing object shape component item design version
    metal steel aluminium aluminum wood wooden plastic acrylic mdf plywood brass copper
    black white red blue green grey gray silver yellow orange
    stainless mild pla abs petg nylon delrin pom rubber material cnc machined milled turned
    threed stl step file files cad
    which where there here what when how each every all both whole entire
    units unit dimensions dimension size sizes measuring measures measure
    mounting mount fixing flat
    ok okay so exactly thing that's nothing fancy take want it is along there
    shallow drill drilled
    """
)


# Words a typo is folded into (one letter added, dropped, changed or two swapped): the names
# of parts and features, where a slip would otherwise leave the prompt unread. Short words are
# never folded ("holds" is no "holes"); `_KEEP` are real words one slip from a known one.
KNOWN = _words(
    """
    plate block cylinder sphere square rectangular triangular hexagonal pyramid washer spacer
    flange bracket pocket fillet chamfer diameter length width height thick thickness radius
    rounded corners edges countersunk counterbored through centre middle circle enclosure
    standoff channel profile
    """
)
_KEEP = _words(
    """
    spaced spacers edge corner centred centres though trough think black plane place holds
    plates blocks cylinders spheres squares pyramids washers flanges brackets pockets fillets
    chamfers circles profiles channels standoffs widths lengths heights thicker thinner
    counterbore countersink flanged squared profiled edged cornered thorough circled
    """
)


def _near(word: str, known: str) -> bool:
    """One edit apart (Damerau): a letter added, dropped, changed, or two swapped."""
    if abs(len(word) - len(known)) > 1 or word[0] != known[0]:
        return False
    if len(word) == len(known):
        diff = [i for i, (a, b) in enumerate(zip(word, known, strict=True)) if a != b]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1
        return len(diff) == 1 or (swapped and word[diff[0]] == known[diff[1]])
    short, long_ = sorted((word, known), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def fold_typos(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text with near-misses of known words folded, and the (typed, read) pairs."""
    folded: list[tuple[str, str]] = []

    def fold(match: re.Match[str]) -> str:
        word = match.group()
        if word in KNOWN or word in _KEEP or word in FILLER:
            return word
        near = sorted(k for k in KNOWN if _near(word, k))
        if len(near) != 1:
            return word
        folded.append((word, near[0]))
        return near[0]

    return re.sub(r"\b[a-z]{5,}\b", fold, text), folded
