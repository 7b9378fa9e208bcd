"""Run a prompt set through an interpreter path, build each part, and judge what was built
by its measured figures against the set's references.

Knows nothing of Django: the caller passes `read` (prompt -> Reading) and `measure` (spec ->
the built part's figures, `naturalcad.geometry.measure`, or a CodedError). Every prompt ends
in exactly one outcome; "silently wrong" is the one that must never happen.
"""

import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from naturalcad.errors import CodedError

Json = dict[str, Any]  # a corpus entry, a spec, measured figures: plain JSON data

# Sizes agree within 0.5 % or 0.1 mm, whichever is larger; volumes, areas and lengths
# within 1 % of their reference range; hole diameters within 1 % or 0.05 mm.
SIZE_RELATIVE, SIZE_ABSOLUTE_MM = 0.005, 0.1
AMOUNT_RELATIVE = 0.01
DIAMETER_RELATIVE, DIAMETER_ABSOLUTE_MM = 0.01, 0.05
PARTLY_READ_CODE = "prompt_partly_understood"
AMOUNT_KEYS = ("volume", "area", "length")
SCOPES = ("in", "stretch", "vague", "out")  # see naturalcad.evaluation.corpus


class Outcome(StrEnum):
    BUILT_TO_SIZE = "built to size"  # built, and every reference figure agrees
    REFUSED = "refused"  # nothing built, with a reason (a refusal, or a build error)
    PARTLY_READ = "partly read"  # nothing built; the unread words were named
    SILENTLY_WRONG = "silently wrong"  # built, but not the part asked for
    INVALID_ANSWER = "invalid model answer"  # the model's answers stayed invalid
    UNAVAILABLE = "provider unavailable"  # the provider failed; says nothing of the model


@dataclass
class Reading:
    """What an interpreter path made of one prompt."""

    spec: Json | None = None
    code: str = ""  # why there is no spec
    message: str = ""
    invalid: bool = False
    unavailable: bool = False
    usage: Json = field(default_factory=dict)
    repairs: int = 0
    seconds: float = 0.0
    sent: dict[str, int] = field(default_factory=dict)  # estimated tokens of the first request


@dataclass
class Result:
    entry: Json
    outcome: Outcome
    reading: Reading
    problems: list[str] = field(default_factory=list)
    figures: Json | None = None
    build_seconds: float = 0.0


def run(
    entries: list[Json],
    read: Callable[[Json], Reading],
    measure: Callable[[Json], Json],
) -> list[Result]:
    return [judge(entry, read, measure) for entry in entries]


def judge(entry: Json, read: Callable[[Json], Reading], measure: Callable[[Json], Json]) -> Result:
    started = time.perf_counter()
    reading = read(entry)
    reading.seconds = reading.seconds or _since(started)
    if reading.unavailable:
        return Result(entry, Outcome.UNAVAILABLE, reading)
    if reading.invalid:
        return Result(entry, Outcome.INVALID_ANSWER, reading)
    if reading.spec is None:
        partly = reading.code == PARTLY_READ_CODE
        return Result(entry, Outcome.PARTLY_READ if partly else Outcome.REFUSED, reading)
    started = time.perf_counter()
    try:
        figures = measure(reading.spec)
    except CodedError as failure:  # the geometry engine refused the spec
        reading.code, reading.message = failure.code, str(failure)
        return Result(entry, Outcome.REFUSED, reading, build_seconds=_since(started))
    problems = check(entry, figures, reading.spec.get("notes") or [])
    outcome = Outcome.SILENTLY_WRONG if problems else Outcome.BUILT_TO_SIZE
    return Result(entry, outcome, reading, problems, figures, _since(started))


def _since(started: float) -> float:
    return time.perf_counter() - started


def check(entry: Json, figures: Json, notes: list[Any]) -> list[str]:
    """What disagrees between a built part and the entry's references; empty when right."""
    scope, expect = entry["scope"], entry.get("expect") or {}
    if scope == "out":
        return [
            "built a part the prompt does not describe (out of scope: refuse or name the unread)"
        ]
    problems = []
    if figures["output_type"] != expect["output_type"]:
        problems.append(f"output type {figures['output_type']}, expected {expect['output_type']}")
        return problems
    if scope == "vague" and not notes:
        problems.append("sizes the prompt leaves open were assumed without a note")
    if "bbox" in expect:
        problems += _bbox(figures["bbox"], expect["bbox"])
    for key in AMOUNT_KEYS:
        if key in expect:
            problems += _amount(key, figures.get(key, 0.0), expect[key])
    problems += _holes(figures.get("holes", []), expect.get("holes"))
    problems += _features(figures, expect)
    return problems


def _bbox(measured: list[float], expected: list[float]) -> list[str]:
    if all(
        abs(m - e) <= max(SIZE_ABSOLUTE_MM, SIZE_RELATIVE * e)
        for m, e in zip(measured, expected, strict=True)
    ):
        return []
    return [f"size {_dims(measured)}, expected {_dims(expected)}"]


def _dims(values: list[float]) -> str:
    return " x ".join(f"{v:g}" for v in values) + " mm"


def _amount(key: str, measured: float, expected: list[float]) -> list[str]:
    low, high = expected
    if low * (1 - AMOUNT_RELATIVE) <= measured <= high * (1 + AMOUNT_RELATIVE):
        return []
    wanted = f"{low:.6g}" if math.isclose(low, high) else f"{low:.6g} to {high:.6g}"
    return [f"{key} {measured:.6g}, expected {wanted}"]


def _fits(diameter: float, wanted: list[float]) -> bool:
    low, high = wanted
    slack = max(DIAMETER_ABSOLUTE_MM, DIAMETER_RELATIVE * high)
    return low - slack <= diameter <= high + slack


def _holes(measured: list[Json], expected: list[Json] | None) -> list[str]:
    if expected is None:
        return []
    problems, matched = [], 0
    for wanted in expected:
        found = [
            h
            for h in measured
            if _fits(h["diameter"], wanted["diameter"])
            and (wanted.get("through") is None or h["through"] == wanted["through"])
        ]
        matched += len(found)
        misplaced = [h for h in found if not _placed(h, wanted)]
        if misplaced and len(found) == wanted["count"]:
            where = {k: misplaced[0].get(k) for k in ("edge", "from_centre") if k in wanted}
            asked = {k: wanted[k] for k in ("edge", "from_centre") if k in wanted}
            problems.append(f"{len(misplaced)} holes placed at {where}, expected {asked}")
        if len(found) != wanted["count"]:
            low, high = wanted["diameter"]
            size = f"{low:g}" if math.isclose(low, high) else f"{low:g}-{high:g}"
            kind = {True: " through", False: " blind", None: ""}[wanted.get("through")]
            problems.append(f"{len(found)} holes of {size} mm{kind}, expected {wanted['count']}")
    extra = len(measured) - matched
    if extra > 0 and not problems:
        sizes = sorted({h["diameter"] for h in measured})
        problems.append(f"{extra} holes not asked for (diameters present: {sizes})")
    return problems


def _placed(hole: Json, wanted: Json) -> bool:
    """The hole sits where the prompt put it: `edge` (sorted distances to the two nearest
    sides) and `from_centre` (half the bolt circle), within the size tolerance."""
    pairs = []
    if "edge" in wanted:
        pairs += list(zip(hole.get("edge") or [math.inf] * 2, wanted["edge"], strict=True))
    if "from_centre" in wanted:
        pairs.append((hole.get("from_centre", math.inf), wanted["from_centre"]))
    return all(abs(m - e) <= max(SIZE_ABSOLUTE_MM, SIZE_RELATIVE * e) for m, e in pairs)


def _features(figures: Json, expect: Json) -> list[str]:
    problems = []
    rounds = expect.get("rounds")
    if rounds:
        radii = figures.get("rounds", [])
        if rounds.get("radius"):
            radii = [r for r in radii if _fits(2 * r, [2 * v for v in rounds["radius"]])]
        if len(radii) < rounds["count"]:
            problems.append(f"{len(radii)} rounded edges or corners, expected {rounds['count']}")
    if len(figures.get("concave_arcs", [])) < expect.get("slot_ends", 0):
        problems.append("a slot (or its round ends) is missing")
    for kind, least in (expect.get("faces_min") or {}).items():
        if figures.get("faces", {}).get(kind, 0) < least:
            problems.append(
                f"fewer than {least} {kind} faces (chamfer, countersink or body missing)"
            )
    if figures.get("cutouts", 0) < expect.get("cutouts", 0):
        problems.append("a cut-out of the outline is missing")
    return problems


# --- the report ---------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def summary(results: list[Result], usd_per_million_tokens: float) -> dict[str, Any]:
    outcomes = Counter(r.outcome for r in results)
    in_scope = [r for r in results if r.entry["scope"] == "in"]
    built = sum(r.outcome == Outcome.BUILT_TO_SIZE for r in in_scope)
    tokens: Counter[str] = Counter()
    for r in results:
        tokens.update({k: int(v) for k, v in r.reading.usage.items() if isinstance(v, int)})
    latencies = [r.reading.seconds * 1000 for r in results]
    return {
        "prompts": len(results),
        "in_scope": len(in_scope),
        "in_scope_built_to_size": built,
        "in_scope_built_to_size_percent": round(100 * built / len(in_scope), 1)
        if in_scope
        else 0.0,
        **{outcome.value: outcomes.get(outcome, 0) for outcome in Outcome},
        "by_scope": {
            scope: dict(Counter(r.outcome.value for r in results if r.entry["scope"] == scope))
            for scope in SCOPES
        },
        "repairs": sum(r.reading.repairs for r in results),
        "answers_repaired": sum(r.reading.repairs > 0 for r in results),
        "latency_ms_p50": round(percentile(latencies, 0.5), 1),
        "latency_ms_p95": round(percentile(latencies, 0.95), 1),
        "prompt_tokens": tokens.get("prompt_tokens", 0),
        "completion_tokens": tokens.get("completion_tokens", 0),
        "total_tokens": tokens.get("total_tokens", 0),
        "estimated_cost_usd": round(
            tokens.get("total_tokens", 0) * usd_per_million_tokens / 1e6, 6
        ),
        "sent_tokens_per_first_request": _mean_parts([r.reading.sent for r in results]),
    }


def _mean_parts(counts: list[dict[str, int]]) -> dict[str, int]:
    counts = [c for c in counts if c]
    keys = {key for c in counts for key in c}
    return {key: round(sum(c.get(key, 0) for c in counts) / len(counts)) for key in sorted(keys)}


def report_lines(
    results: list[Result], figures: dict[str, Any], verbose: bool = False
) -> list[str]:
    lines = []
    for r in results:
        worth_showing = r.outcome == Outcome.SILENTLY_WRONG or (
            r.entry["scope"] == "in" and r.outcome != Outcome.BUILT_TO_SIZE
        )
        if not (verbose or worth_showing):
            continue
        why = "; ".join(r.problems) or (
            f"{r.reading.code}: {r.reading.message}" if r.reading.code else ""
        )
        prompt = " ".join(r.entry["prompt"].split())
        lines.append(f"{r.entry['id']} [{r.entry['scope']}] {r.outcome.value}: {prompt[:90]!r}")
        if why:
            lines.append(f"    {why[:300]}")
    lines.append("")
    lines.append(
        f"in scope built to size: {figures['in_scope_built_to_size']} of {figures['in_scope']}"
        f" ({figures['in_scope_built_to_size_percent']} %)"
    )
    for outcome in Outcome:
        lines.append(f"{outcome.value}: {figures[outcome.value]}")
    for scope, counts in figures["by_scope"].items():
        if counts:
            spread = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            lines.append(f"  {scope} ({sum(counts.values())}): {spread}")
    lines.append(f"repairs: {figures['repairs']} (answers repaired: {figures['answers_repaired']})")
    lines.append(f"latency: p50 {figures['latency_ms_p50']} ms, p95 {figures['latency_ms_p95']} ms")
    lines.append(
        f"tokens: {figures['total_tokens']} ({figures['prompt_tokens']} prompt, "
        f"{figures['completion_tokens']} completion); "
        f"estimated cost ${figures['estimated_cost_usd']}"
    )
    sent = figures["sent_tokens_per_first_request"]
    if sent:
        parts = ", ".join(f"{part} {n}" for part, n in sent.items() if part != "total")
        lines.append(f"sent per first request (estimated, mean): {sent['total']} tokens ({parts})")
    return lines
