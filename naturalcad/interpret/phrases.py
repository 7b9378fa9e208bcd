"""Pattern pieces shared by the body and modifier readers, and the phrase walker.

A modifier phrase is a noun ("holes", "slot", "fillets") with what may stand before it (a
count, sizes, adjectives) and a run of known continuations after it ("8 mm from the edges",
"on a 90 mm bolt circle"). The walker matches the continuations one after another at the
point the previous one ended, so a phrase is read as far as it is understood and no further.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from naturalcad.interpret.lexicon import QUANTITY, Quantity, metric, quantity
from naturalcad.interpret.reading import Reading

METRIC = r"m\d{1,2}\b"
# Where a modifier phrase may start: the prompt's start, after a comma, after a word that
# joins a feature to the part, or right after a phrase another reader claimed.
_JOINERS = (
    "with",
    "and",
    "plus",
    "has",
    "have",
    "having",
    "add",
    "adding",
    "drill",
    "drilled",
    "cut",
    "put",
    "place",
    "make",
    "featuring",
    "including",
    "containing",
    "then",
    "also",
    "needs",
    "need",
    "want",
    "give",
    "leave",
    "leaving",
    "bored",
    "bore",
    "carrying",
    "its",
    "is",
    "the",
    "all",
    "each",
)
LEAD = "(?:^|(?<=[,\x00] )|(?<=[,\x00])|" + "|".join(rf"(?<=\b{w} )" for w in _JOINERS) + ")"
SEP = r"[\s,:]*"


def q(name: str) -> str:
    """A named quantity group."""
    return rf"(?P<{name}>{QUANTITY})"


def compile_all(table: Mapping[str, str]) -> dict[str, re.Pattern[str]]:
    return {name: re.compile(f"{SEP}(?:{pattern})") for name, pattern in table.items()}


@dataclass
class Phrase:
    """One modifier phrase: its head match and the continuations read after it."""

    head: re.Match[str]
    start: int
    end: int
    after: list[tuple[str, re.Match[str]]] = field(default_factory=list)

    def text(self, reading: Reading) -> str:
        return reading.text[self.start : self.end]

    def got(self, name: str) -> re.Match[str] | None:
        return next((m for n, m in self.after if n == name), None)


def phrases(
    reading: Reading, head: re.Pattern[str], continuations: Mapping[str, re.Pattern[str]]
) -> list[Phrase]:
    """Every phrase `head` starts, with as many continuations as follow it; all claimed."""
    found = []
    for match in reading.find(head):
        if not reading.is_free(match.start(), match.end()):
            continue  # inside a phrase read just before
        phrase = Phrase(head=match, start=match.start(), end=match.end())
        masked = reading.masked()
        progress = True
        while progress:
            progress = False
            for name, pattern in continuations.items():
                if phrase.got(name):
                    continue  # each is said once: a second size is another phrase's
                step = pattern.match(masked, phrase.end)
                if step and step.end() > phrase.end:
                    phrase.after.append((name, step))
                    phrase.end = step.end()
                    progress = True
                    break
        start = len(match.group()) - len(match.group().lstrip())
        phrase.start += start
        reading.claim(phrase.start, phrase.end)
        found.append(phrase)
    return found


def quantities(text: str, start: int) -> list[Quantity]:
    """Every quantity written in a piece of the prompt that starts at `start`."""
    return [quantity(m.group(), start + m.start()) for m in re.finditer(QUANTITY, text)]


def metric_in(text: str) -> int | None:
    match = re.search(METRIC, text)
    return metric(match.group()) if match else None
