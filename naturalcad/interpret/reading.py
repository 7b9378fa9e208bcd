"""One reading of a prompt and its ledger: which words and numbers the readers used.

Readers find phrases with fixed patterns and claim the characters they used. A pattern only
sees what no other reader claimed (claimed characters are masked), so no number is read
twice. Whatever number, size word or feature word is left unclaimed is unread: the reading
then names it instead of building a part that ignores it.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from naturalcad.interpret.errors import Account
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


class Note(NamedTuple):
    text: str
    assumed: bool  # a value or meaning the words did not give


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
    said: list[Note] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    read: list[str] = field(default_factory=list)  # the part and its features, in words

    @classmethod
    def of(cls, prompt: str) -> "Reading":
        text, typos = fold_typos(normalize(prompt))
        tokens = [
            Token(str(m.lastgroup), m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)
        ]
        units = [quantity(t.text, t.start).unit for t in tokens if t.kind == "quantity"]
        written = next((u for u in units if u), None)
        reading = cls(
            text=text,
            unit=written or "mm",
            unit_written=written is not None,
            claimed=bytearray(len(text)),
            tokens=tokens,
        )
        for typed, read in typos:
            reading.assume(f"'{typed}' means '{read}'")
        return reading

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

    def assume(self, note: str, value: float = 0.0) -> float:
        """`value`, noted as assumed: the words did not say it."""
        self.said.append(Note(f"assumed {note}", assumed=True))
        return value

    def default(self, note: str) -> None:
        """A rule the words left to apply (no unit: millimetres), said as it is: assumed, but
        not worded (nor counted by `confidence`) as a guess."""
        self.said.append(Note(note, assumed=True))

    def note(self, note: str) -> None:
        """How the words were read, where that is worth saying."""
        self.said.append(Note(note, assumed=False))

    @property
    def notes(self) -> list[str]:
        """Every note, in the order the readers made them: the spec's `notes`."""
        return [note.text for note in self.said]

    def account(self, not_read: list[str] | None = None) -> Account:
        return Account(
            read=[*self.read, *(note.text for note in self.said if not note.assumed)],
            assumed=[note.text for note in self.said if note.assumed],
            not_read=list(not_read or []),
        )

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
