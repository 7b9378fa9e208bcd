"""The offline rules interpreter: a prompt becomes a spec by pattern, never by running it.

A reading goes in four steps: modifier readers find their phrases (holes, slots, pockets,
bosses, edges), the body readers read the one base body from what is left, the remaining
modifier readers (bores, walls) read what the body did not take, and the ledger checks that
every number, size word and feature word of the prompt was used. A prompt with anything
unread is `prompt_partly_understood`, naming what was read and what was not; nothing is
built from it. Every value the reading assumed is in `notes`, and lowers its confidence.
"""

import re
from typing import Any, NamedTuple

from naturalcad.interpret.bodies import BODY_READERS, OUTLINE_NOUNS, BodyReader, read_outline
from naturalcad.interpret.body import Body
from naturalcad.interpret.errors import (
    TRY,
    Account,
    FeatureDoesNotFit,
    OutputTypeUnsupported,
    PromptNotUnderstood,
    PromptPartlyUnderstood,
    ReadingError,
    SizeOutOfRange,
    TooManyFeatures,
)
from naturalcad.interpret.flat import flat_features
from naturalcad.interpret.modifiers import (
    Modifier,
    Shell,
    read_bores,
    read_bosses,
    read_chamfers,
    read_fillets,
    read_holes,
    read_pockets,
    read_shell,
    read_slots,
)
from naturalcad.interpret.naming import name_dimensions
from naturalcad.interpret.reading import Feature, Reading
from naturalcad.interpret.sizes import Sizes
from naturalcad.spec.schema import SPEC_VERSION
from naturalcad.spec.vocabulary import FLAT_OUTPUTS

__all__ = [
    "FeatureDoesNotFit",
    "Interpretation",
    "OutputTypeUnsupported",
    "PromptNotUnderstood",
    "PromptPartlyUnderstood",
    "ReadingError",
    "SizeOutOfRange",
    "TooManyFeatures",
    "confidence",
    "interpret",
    "read_prompt",
]


MAX_NAMED = 6  # unread phrases a refusal names; a long paragraph would bury the point
OUTLINE = BodyReader(re.compile(""), read_outline)
# Read before the body, so that "four 6 mm holes" is never taken for the body's size.
BEFORE_BODY = (read_holes, read_slots, read_pockets, read_bosses, read_fillets, read_chamfers)
# Read after it: a tube's "bore" and "wall" are its own sizes, anywhere else a modifier.
AFTER_BODY = (read_bores, read_shell)
# What each phrase makes the output: (pattern, output type).
OUTPUT_WORDS = (
    (
        r"\b(?:laser|waterjet|water jet|plasma|vinyl|cnc router)\s*(?:cut(?:ting)?|cutter|"
        r"cutting)?\b|\b(?:dxf|svg|twod|outline|flat pattern|vector|drawing|sketch)\b"
        r"(?:\s+(?:profile\s+)?of\b)?",
        "2d_vector",
    ),
    (r"\bas a surface\b|\bsurface model\b", "surface"),
)


class Interpretation(NamedTuple):
    spec: dict[str, Any]
    reading: Account  # what of the prompt was read, what assumed (nothing is left unread)


def interpret(
    prompt: str, output_type: str | None = None, mode: str | None = None
) -> dict[str, Any]:
    """The spec a prompt describes. `output_type`/`mode` None mean "decide from the prompt";
    given, they are kept (or the reading is refused with `output_type_unsupported`)."""
    return read_prompt(prompt, output_type, mode).spec


def read_prompt(
    prompt: str, output_type: str | None = None, mode: str | None = None
) -> Interpretation:
    """The spec a prompt describes, with the account of its reading (see `interpret`)."""
    reading = Reading.of(prompt)
    _read_unit_words(reading)
    _output_hint(reading)
    modifiers = [m for read in BEFORE_BODY for m in read(reading)]
    reading.modifiers = modifiers
    body = _read_body(reading, modifiers)
    modifiers += [m for read in AFTER_BODY for m in read(reading)]
    # what the words said: the modifiers a body implies (below) are assumptions, noted so
    reading.read = [body.summary, *filter(None, (m.summary() for m in modifiers))]
    if body.implies is not None:
        modifiers += body.implies(body, modifiers, reading)
    for shell in (m for m in modifiers if isinstance(m, Shell)):
        shell.settle(body, reading)
    _check_ledger(reading, body, modifiers)
    chosen = _output_type(body, reading.output_hint, output_type, reading)
    solid_note = body.solid_note or reading.solid_note
    if chosen in ("3d_solid", "surface") and solid_note:
        reading.assume(solid_note, 0.0)
    if chosen == "2d_vector":
        features = flat_features(body, modifiers, reading)
    elif chosen == "1d_path" or body.output_type == "1d_path":
        features = body.features
    else:
        features = body.features + _modifier_features(body, modifiers, reading)
    if not reading.unit_written and any(t.kind == "quantity" for t in reading.tokens):
        reading.default("no unit was given: lengths read as millimetres")
    return Interpretation(_spec(body, features, reading, chosen, mode), reading.account())


def confidence(spec: dict[str, Any]) -> float:
    """How little the reading assumed: each assumption costs a tenth."""
    assumed = [n for n in spec.get("notes", []) if str(n).startswith("assumed")]
    return max(0.3, 0.95 - 0.1 * len(assumed))


def _read_unit_words(reading: Reading) -> None:
    """`all dimensions in inches`, `units: mm`: the unit of every bare number."""
    pattern = re.compile(
        r"(?:(?:all\s*)?(?:dimensions|sizes|measurements|units?)\s*(?:are\s*)?(?:in|:)?\s*|"
        r"\bin\s+)(?P<unit>mm|millimet(?:er|re)s|cm|centimet(?:er|re)s|inch(?:es)?|metres|meters)\b"
    )
    for match in reading.find(pattern):
        unit = match.group("unit")
        reading.unit = {"mi": "mm", "ce": "cm", "in": "in", "me": "m"}.get(unit[:2], unit)
        reading.unit_written = True
        reading.take(match)


def _output_hint(reading: Reading) -> str | None:
    for pattern, output_type in OUTPUT_WORDS:
        matches = list(reading.find(re.compile(pattern)))
        for match in matches:
            reading.take(match)
        if matches:
            reading.note(f"read '{matches[0].group().strip()}' as a {output_type} drawing")
            reading.output_hint = output_type
            return output_type
    return None


def _read_body(reading: Reading, modifiers: list[Modifier]) -> Body:
    found: list[tuple[int, int, re.Match[str], BodyReader]] = []
    for order, reader in enumerate(BODY_READERS):
        match = next(reading.find(reader.nouns), None)
        if match is not None:
            found.append((match.start(), order, match, reader))
    if not found and reading.output_hint == "2d_vector":
        # "waterjet outline 300 x 200 with ...": the drawing words name no body; an outline
        start = re.match("", reading.text)
        assert start is not None  # the empty pattern matches any text
        found = [(0, len(BODY_READERS), start, OUTLINE)]
    if not found:
        unread = reading.unread()
        if unread and modifiers:
            raise PromptPartlyUnderstood(_modifier_summary(modifiers), unread, _assumed(reading))
        if unread:
            quoted = ", ".join(f"'{phrase}'" for phrase in unread[:MAX_NAMED])
            more = " and more" if len(unread) > MAX_NAMED else ""
            raise PromptNotUnderstood(
                f"I found no part I can build in that prompt; I could not read {quoted}{more}."
                f" {TRY}"
            )
        raise PromptNotUnderstood()
    _, _, noun, reader = min(found, key=lambda item: (item[2].re is OUTLINE_NOUNS, *item[:2]))
    reading.take(noun)
    try:
        body = reader.read(reading, Sizes(reading, noun), noun)
    except PromptNotUnderstood as error:
        unread = reading.unread()
        if unread:
            read = error.message.removeprefix("I read ")
            raise PromptPartlyUnderstood(read, unread, _assumed(reading)) from None
        raise
    _read_asides(reading, body, noun)
    return body


def _read_asides(reading: Reading, body: Body, noun: re.Match[str]) -> None:
    """Words about the body that change nothing: its noun said again ("The plate is ..."),
    what it is for ("for a motor": never with a number), "round" of a round body."""
    words = noun.group().split()
    asides = [rf"\bthe\s+{re.escape(words[-1])}\b"] if words else []
    asides += [r"\bfor\s+(?:a|an|the|my)\s+[a-z]+\b(?!\s*[\d(])"]
    if body.footprint == "round":
        asides.append(r"\b(?:round|circular|cylindrical)\b")
    for aside in asides:
        for match in reading.find(re.compile(aside)):
            reading.take(match)
            if match.group().startswith("for "):
                reading.note(f"read '{match.group()}' as what the part is for")


def _modifier_summary(modifiers: list[Modifier]) -> str:
    return ", ".join(m.summary() for m in modifiers) + " but no part to put them on"


def _check_ledger(reading: Reading, body: Body, modifiers: list[Modifier]) -> None:
    unread = reading.unread()
    if unread:
        read = body.summary
        if modifiers:
            read += " with " + ", ".join(m.summary() for m in modifiers if m.summary())
        raise PromptPartlyUnderstood(read, unread, _assumed(reading))


def _assumed(reading: Reading) -> list[str]:
    return reading.account()["assumed"]


def _output_type(body: Body, hint: str | None, asked: str | None, reading: Reading) -> str:
    natural = body.output_type or hint or "3d_solid"
    if asked is None:
        if natural == "3d_solid":
            reading.note("output type 3d_solid: the prompt asks for no other")
        else:
            reading.note(f"output type {natural}, read from the prompt")
        return natural
    if asked == natural or (asked in ("3d_solid", "surface") and natural != "1d_path"):
        if natural == "2d_vector":
            reading.note(f"built the {asked} asked for; the prompt reads as a flat drawing")
        return asked
    if asked == "2d_vector" and body.output_type is None:
        return asked
    raise OutputTypeUnsupported(f"a {body.intent} cannot be made as a {asked}")


def _modifier_features(body: Body, modifiers: list[Modifier], reading: Reading) -> list[Feature]:
    features: list[Feature] = []
    names: dict[str, int] = {}
    for modifier in sorted(modifiers, key=lambda m: m.rank):
        kind = modifier.label
        names[kind] = names.get(kind, 0) + 1
        name = kind if names[kind] == 1 else f"{kind}{names[kind]}"  # "holes", "holes2"
        features += modifier.features(body, reading, name)
    return features


def _spec(
    body: Body, features: list[Feature], reading: Reading, output_type: str, mode: str | None
) -> dict[str, Any]:
    if mode is None:
        mode = "sketch" if output_type in FLAT_OUTPUTS else "part"
    # The sizes a person would edit are named, and the features refer to them.
    return name_dimensions(
        {
            "spec_version": SPEC_VERSION,
            "intent": body.intent,
            "mode": mode,
            "output_type": output_type,
            "units": "mm",
            "dimensions": {},
            "geometry": {"primitive_strategy": ["rules"], "features": features},
            "notes": reading.notes,
        }
    )
