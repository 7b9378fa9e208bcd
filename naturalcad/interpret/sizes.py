"""The sizes of a body: `a x b x c` groups, labelled lengths (`5 mm thick`, `OD 20`), bare ones.

A body reader asks for what it needs and claims only what it takes; a size it leaves is
still unread, so a prompt with a length no reader used is never built as if it had none.
"""

import re
from dataclasses import dataclass

from naturalcad.interpret.lexicon import QUANTITY, Quantity, quantity
from naturalcad.interpret.reading import Reading

# Words that name a length, by the role they give it; longest phrases first.
ROLES: dict[str, str] = {
    "bottom": r"base diameter|bottom diameter|diameter at the (?:bottom|base)|"
    r"at the (?:bottom|base)|across the (?:bottom|base)",
    "top": r"top diameter|diameter at the top|at the top|top",
    "od": r"outer diameter|outside diameter|outer dia|od|o\.d\.|outside|outer",
    "id": r"inner diameter|inside diameter|inner dia|id|i\.d\.|bore|hole|inner|inside",
    "wall": r"wall thickness|walls?",
    "across": r"across (?:the )?flats|af|a/f|flats",
    "span": r"span\w*",
    "rise": r"rise",
    "diameter": r"diameter|dia|across|round|wide round",
    "radius": r"radius",
    "length": r"long|length|len|in length",
    "width": r"wide|width|in width",
    "height": r"tall|high|height|in height",
    "thick": r"thick|thickness",
    "depth": r"deep|depth",
    "base": r"base|base width|base side",
    "side": r"per side|a side|each side|on each side|sides?|square|edge",
}
_LABEL = "|".join(rf"(?P<{role}>\b(?:{words})(?![a-z]))" for role, words in ROLES.items())
_TOKENS = re.compile(rf"(?P<len>{QUANTITY})|{_LABEL}")
_FILLER = re.compile(r"(?:\s|,|of\b|=|:|is\b|a\b|an\b|the\b|about\b|in\b|\(|\)|-)*")
_GROUP = re.compile(
    rf"(?P<a>{QUANTITY})\s*(?:x|by)\s*(?P<b>{QUANTITY})(?:\s*(?:x|by)\s*(?P<c>{QUANTITY}))?"
)


@dataclass
class _Label:
    role: str
    start: int
    end: int


@dataclass
class _Token:
    role: str  # "len" or a role
    start: int
    end: int
    value: Quantity | None = None


class Sizes:
    """Lazily read sizes of the one body of a prompt."""

    def __init__(self, reading: Reading, noun: re.Match[str]) -> None:
        self.r = reading
        self.noun = noun
        self._roles: dict[str, tuple[Quantity, _Token]] | None = None
        self.group_end = -1

    def group(self) -> list[float] | None:
        """`100 x 60 x 4`, `60 by 40`: the first such group not yet read; a unit written only
        at the end applies to every number."""
        match = next(self.r.find(_GROUP), None)
        if match is None:
            return None
        found = [quantity(match.group(g), match.start(g)) for g in "abc" if match.group(g)]
        last_unit = next((q.unit for q in reversed(found) if q.unit), None)
        self.r.take(match)
        self.group_end = match.end()
        return [q.mm(q.unit or last_unit or self.r.unit) for q in found]

    def group_labelled(self, label: str) -> bool:
        """Whether the last group read is followed by `label` (`60 x 30 x 3 wall`); claims it."""
        if self.group_end < 0:
            return False
        match = re.compile(rf"\s*(?:{label})\b").match(self.r.masked(), self.group_end)
        if match:
            self.r.claim(match.start(), match.end())
        return match is not None

    def role(self, *names: str) -> float | None:
        """The length labelled by the first of `names` that the prompt labels."""
        roles = self._read_roles()
        for name in names:
            if name in roles:
                value, label = roles.pop(name)
                self.r.claim(value.start, value.end)
                self.r.claim(label.start, label.end)
                return value.mm(self.r.unit)
        return None

    def role_given(self, *names: str) -> bool:
        """Whether any of `names` labels a length (nothing is claimed)."""
        return any(name in self._read_roles() for name in names)

    def bare(self) -> float | None:
        """A length written right before or after the body's noun: `a 40 mm cube`, `cube 4cm`."""
        masked = self.r.masked()
        before = re.search(rf"(?P<q>{QUANTITY})[\s\x00]*$", masked[: self.noun.start()])
        after = re.match(rf"\s*,?\s*(?P<q>{QUANTITY})(?!\s*(?:x|by)\b)", masked[self.noun.end() :])
        if before:
            found = quantity(before.group("q"), before.start("q"))
        elif after:
            found = quantity(after.group("q"), self.noun.end() + after.start("q"))
        else:
            return None
        self.r.claim(found.start, found.end)
        return found.mm(self.r.unit)

    def any_length(self) -> float | None:
        """The first length not yet read anywhere in the prompt."""
        match = next(self.r.find(re.compile(QUANTITY)), None)
        if match is None:
            return None
        found = quantity(match.group(), match.start())
        self.r.claim(found.start, found.end)
        return found.mm(self.r.unit)

    def _read_roles(self) -> dict[str, tuple[Quantity, _Token]]:
        if self._roles is None:
            self._roles = _labelled(self.r)
        return self._roles


def _labelled(r: Reading) -> dict[str, tuple[Quantity, _Token]]:
    """Give each free length to the label beside it.

    A length between two labels goes to the one before it when that one is still free and
    the one after has its own length following it (`OD 20 ID 10`), else to the one after.
    """
    masked = r.masked()
    tokens = []
    for m in _TOKENS.finditer(masked):
        role = "len" if m.group("len") else str(m.lastgroup)
        value = quantity(m.group(), m.start()) if role == "len" else None
        tokens.append(_Token(role, m.start(), m.end(), value))
    found: dict[str, tuple[Quantity, _Token]] = {}
    for i, token in enumerate(tokens):
        if token.role != "len" or token.value is None:
            continue
        before = _neighbour(masked, tokens, i, i - 1, found)
        after = _neighbour(masked, tokens, i, i + 1, found)
        after_has_own = (
            after is not None
            and i + 2 < len(tokens)
            and tokens[i + 2].role == "len"
            and _adjacent(masked, after, tokens[i + 2])
        )
        chosen = before if before is not None and (after is None or after_has_own) else after
        if chosen is not None:
            found[chosen.role] = (token.value, chosen)
    return found


def _neighbour(
    masked: str, tokens: list[_Token], i: int, j: int, found: dict[str, tuple[Quantity, _Token]]
) -> _Token | None:
    if not 0 <= j < len(tokens) or tokens[j].role == "len" or tokens[j].role in found:
        return None
    left, right = (tokens[j], tokens[i]) if j < i else (tokens[i], tokens[j])
    return tokens[j] if _adjacent(masked, left, right) else None


def _adjacent(masked: str, left: _Token, right: _Token) -> bool:
    return bool(_FILLER.fullmatch(masked[left.end : right.start]))
