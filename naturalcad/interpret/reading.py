"""One reading of a prompt and its ledger: which words and numbers the readers used.

Readers find phrases with fixed patterns and claim the characters they used. A pattern only
sees what no other reader claimed (claimed characters are masked), so no number is read
twice. Whatever number, size word or feature word is left unclaimed is unread: the reading
then names it instead of building a part that ignores it.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from naturalcad.interpret.lexicon import (
    FILLER,
    METRIC_SIZE,
    QUANTITY,
    Quantity,
    fold_typos,
    normalize,
    quantity,
)

_TOKEN = re.compile(
    rf"(?P<metric>{METRIC_SIZE})|(?P<quantity>{QUANTITY})|(?P<word>[a-z]+(?:'[a-z]+)?)"
)
_MASK = "\x00"
# Words that end one phrase of the prompt and start the next.
_BREAKS = frozenset({"and", "with", "plus", "then", "also"})


@dataclass(frozen=True)
class Token:
    kind: str  # metric, quantity or word
    text: str
    start: int
    end: int

    @property
    def significant(self) -> bool:
        return self.kind != "word" or self.text not in FILLER


Feature = dict[str, Any]


@dataclass
class Reading:
    """The prompt as read so far: claimed characters, notes, and the default unit."""

    text: str
    unit: str = "mm"
    unit_written: bool = False
    output_hint: str | None = None  # what the prompt's words make the output (laser cut...)
    modifiers: list[Any] = field(default_factory=list)  # read before the body
    solid_note: str | None = None  # what a drawing assumed, should it be built as a solid
    claimed: bytearray = field(default_factory=bytearray)
    notes: list[str] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)

    @classmethod
    def of(cls, prompt: str) -> "Reading":
        text, typos = fold_typos(normalize(prompt))
        tokens = [
            Token(str(m.lastgroup), m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)
        ]
        units = [quantity(t.text, t.start).unit for t in tokens if t.kind == "quantity"]
        written = next((u for u in units if u), None)
        return cls(
            text=text,
            unit=written or "mm",
            unit_written=written is not None,
            claimed=bytearray(len(text)),
            tokens=tokens,
            notes=[f"assumed '{typed}' means '{read}'" for typed, read in typos],
        )

    # --- claims ---------------------------------------------------------------------

    def masked(self) -> str:
        return "".join(_MASK if c else ch for ch, c in zip(self.text, self.claimed, strict=True))

    def find(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of `pattern` in what is still unclaimed, first to last."""
        return pattern.finditer(self.masked())

    def claim(self, start: int, end: int) -> None:
        self.claimed[start:end] = b"\x01" * (end - start)

    def take(self, match: re.Match[str], group: str | int = 0) -> None:
        start, end = match.span(group)
        if start >= 0:
            self.claim(start, end)

    def is_free(self, start: int, end: int) -> bool:
        return not any(self.claimed[start:end])

    # --- values ---------------------------------------------------------------------

    def quantity(self, match: re.Match[str], group: str) -> Quantity | None:
        text = match.group(group)
        return None if text is None else quantity(text, match.start(group))

    def mm(self, match: re.Match[str], group: str) -> float | None:
        found = self.quantity(match, group)
        return None if found is None else found.mm(self.unit)

    def first_mm(self, match: re.Match[str], *groups: str) -> float | None:
        """The first of `groups` the match filled, as millimetres."""
        for group in groups:
            if match.group(group) is not None:
                return self.mm(match, group)
        return None

    def assume(self, note: str, value: float) -> float:
        self.notes.append(f"assumed {note}")
        return value

    def note(self, note: str) -> None:
        self.notes.append(note)

    # --- the ledger ---------------------------------------------------------------------

    def unread(self) -> list[str]:
        """Phrases of significant words and numbers no reader used, in prompt order."""
        phrases: list[list[Token]] = []
        current: list[Token] = []
        for token in self.tokens:
            unread = token.significant and not self.claimed[token.start]
            if unread and current and self._break_between(current[-1], token):
                phrases.append(current)
                current = []
            if unread:
                current.append(token)
            elif token.significant or token.text in _BREAKS:
                phrases.append(current)
                current = []
        phrases.append(current)
        return [self.text[p[0].start : p[-1].end] for p in phrases if p]

    def _break_between(self, left: Token, right: Token) -> bool:
        between = self.text[left.end : right.start]
        return bool(re.search(r"[,.:]", between)) or any(
            word in _BREAKS for word in between.split()
        )
