"""Which way a prompt becomes a spec: rules, the prompt cache, or the model.

Confident rules readings skip the model (free and instant). A reading that left any word of
the prompt unread is no reading at all: with a token set, the prompt cache answers a prompt
seen before; then the model, if today's budget allows and the circuit breaker is closed.
When the model fails, the rules reading serves if there is one, else the rules' refusal
(naming what they could not read) is the answer. A prompt whose sizes are out of range, or
that asks for what cannot be built, is refused outright: no model would change that.
`model_info` records the path taken, latency, token usage and estimated cost.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone

from audit.models import record
from jobs.models import AUTO, Job
from naturalcad.interpret import edits, hf
from naturalcad.interpret.errors import Account, ReadingError
from naturalcad.interpret.rules import Interpretation, PromptNotUnderstood, confidence, read_prompt
from naturalcad.interpret.safety import suspicious_patterns
from naturalcad.spec.validate import validate_spec


class CircuitBreaker:
    """Open after `failures` failures in a row; stays open for `seconds`, then tries again."""

    def __init__(self):
        self.lock = threading.Lock()
        self.failures = 0
        self.open_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def succeeded(self) -> None:
        with self.lock:
            self.failures = 0

    def failed(self) -> None:
        with self.lock:
            self.failures += 1
            if self.failures >= settings.HF_CIRCUIT_FAILURES:
                self.open_until = time.monotonic() + settings.HF_CIRCUIT_SECONDS
                self.failures = 0


BREAKER = CircuitBreaker()


@dataclass
class Request:
    prompt: str
    output_type: str  # or AUTO
    mode: str  # or AUTO
    key: str = ""
    job: Job | None = None
    parent: dict | None = None  # for an edit in words: the spec it edits

    def asked(self, value: str) -> str | None:
        return None if value == AUTO else value


class Chosen(NamedTuple):
    """A job's spec as written (its named dimensions kept: what is saved, and what edits
    change), the same resolved for the engine (validated once on every path), and how it
    was chosen."""

    source: dict
    spec: dict
    model_info: dict


class _Ruled(NamedTuple):
    """The rules' reading of a prompt, and its spec resolved."""

    read: Interpretation
    spec: dict


def provider() -> hf.Provider | None:
    if not settings.HF_TOKEN:
        return None
    return hf.Provider(
        base_url=settings.HF_BASE_URL,
        model=settings.HF_MODEL,
        token=settings.HF_TOKEN,
        tgi_grammar=settings.HF_TGI_GRAMMAR,
        timeout=settings.HF_TIMEOUT_SECONDS,
        max_retries=settings.HF_MAX_RETRIES,
        max_wait=settings.HF_MAX_WAIT_SECONDS,
    )


def choose_spec(request: Request) -> Chosen:
    """The spec for a prompt, as read or answered; a CodedError when there is none.
    `model_info["reading"]` says what of the prompt was read, assumed and not read."""
    with _refusal_reading_kept(request.job):
        return _choose_spec(request)


def _choose_spec(request: Request) -> Chosen:
    flags = suspicious_patterns(request.prompt)
    if flags and request.job is not None:  # make_part has no job and no audit trail
        record("prompt.suspicious", job=request.job, patterns=flags)
    rules, rules_error = _rules(request)
    model = None if flags else provider()  # a hostile prompt never reaches the paid model
    if rules is not None and (
        model is None or confidence(rules.read.spec) * 100 >= settings.RULES_CONFIDENCE_PERCENT
    ):
        return _rules_or_fail(rules, rules_error, "rules")
    if model is None:
        return _rules_or_fail(rules, rules_error, "rules", "rules_only")
    cached = _cached(request)
    if cached is not None:
        return Chosen(cached, validate_spec(cached), _info("cache", reading=_read_by_model(cached)))
    return _from_model(request, model, rules, rules_error)


def choose_edit(words: str, parent: dict, job: Job) -> Chosen:
    """The edited spec for an edit in words of `parent`: the rules read the common
    edits; anything else goes to the model with the parent spec in context; an edit neither
    can read is refused, naming what was not read."""
    with _refusal_reading_kept(job):
        return _choose_edit(words, parent, job)


def _choose_edit(words: str, parent: dict, job: Job) -> Chosen:
    flags = suspicious_patterns(words)
    if flags:
        record("prompt.suspicious", job=job, patterns=flags)
    try:
        edited, reading = edits.read_edit(parent, words)
        return Chosen(edited, validate_spec(edited), _info("rules_edit", reading=reading))
    except edits.EditNotUnderstood as refusal:
        model = None if flags else provider()
        if model is None:
            raise
        request = Request(words, parent["output_type"], parent["mode"], job=job, parent=parent)
        return _from_model(request, model, None, refusal)


@contextmanager
def _refusal_reading_kept(job: Job | None) -> Iterator[None]:
    """A refusal that says what it read keeps that on its job (as `model_info`'s `reading`,
    where a spec's reading is kept): the job answer shows it next to the error."""
    try:
        yield
    except (ReadingError, edits.EditNotUnderstood) as refusal:
        if job is not None and refusal.reading is not None:
            Job.objects.filter(id=job.id).update(model_info_json={"reading": refusal.reading})
        raise


def _rules(request: Request) -> tuple[_Ruled | None, PromptNotUnderstood | None]:
    """(reading, None) when the rules read every word; (None, why) when a model may do
    better."""
    output_type, mode = request.asked(request.output_type), request.asked(request.mode)
    try:
        read = read_prompt(request.prompt, output_type, mode)
        return _Ruled(read, validate_spec(read.spec)), None
    except PromptNotUnderstood as error:
        return None, error


def _rules_or_fail(rules: _Ruled | None, rules_error, path: str, reason: str | None = None):
    if rules is None:
        raise rules_error
    why = {} if reason is None else {"reason": reason}
    source = rules.read.spec
    info = _info(path, confidence=confidence(source), **why, reading=rules.read.reading)
    return Chosen(source, rules.spec, info)


def _read_by_model(spec: dict) -> Account:
    """What a model's spec says it read: its intent; and what it assumed: its notes, which
    the model is asked to make every value it assumed (the spec vocabulary's `notes`). What
    it did not read it does not say."""
    intent = spec.get("intent")
    return Account(
        read=[intent] if intent else [], assumed=list(spec.get("notes") or []), not_read=[]
    )


def _info(path: str, **extra) -> dict:
    return {
        "path": path,
        "provider": "rules" if "rules" in path else "huggingface",
        "model": settings.HF_MODEL if path != "rules" else None,
        **extra,
    }


def _cached(request: Request) -> dict | None:
    earlier = (
        Job.objects.filter(prompt_key=request.key, spec_json__isnull=False)
        .exclude(id__in=[request.job.id] if request.job else [])
        .filter(model_info_json__path__in=["model", "cache"])
        .order_by("-created_at")
        .first()
    )
    return earlier.spec_json if earlier else None


def _from_model(request: Request, model: hf.Provider, rules, rules_error):
    if BREAKER.is_open():
        return _rules_or_fail(rules, rules_error, "rules_fallback", "circuit_open")
    if not reserve_call():
        return _rules_or_fail(rules, rules_error, "rules_fallback", "budget_exhausted")
    started = time.monotonic()
    try:
        answer = hf.ask_model(
            model, request.prompt, request.output_type, request.mode, parent=request.parent
        )
    except hf.ProviderUnavailable:
        BREAKER.failed()
        return _rules_or_fail(rules, rules_error, "rules_fallback", "provider_unavailable")
    except hf.ModelAnswerInvalid:
        BREAKER.succeeded()  # the provider answered; the answers were wrong
        if rules is not None:
            return _rules_or_fail(rules, rules_error, "rules_fallback", "model_invalid")
        raise
    BREAKER.succeeded()
    spend_tokens(answer.usage.get("total_tokens", 0))
    if request.asked(request.output_type) not in (None, answer.spec["output_type"]):
        # the client's output type is kept: a model that changed it did not answer the request
        return _rules_or_fail(rules, rules_error, "rules_fallback", "model_output_type")
    return Chosen(answer.source, answer.spec, _model_info(answer, started))


def _model_info(answer: hf.Answer, started: float) -> dict:
    tokens = answer.usage.get("total_tokens", 0)
    return _info(
        "model",
        prompt_version=hf.PROMPT_VERSION,
        usage=answer.usage,
        latency_ms=round((time.monotonic() - started) * 1000),
        requests=answer.requests,
        repairs=answer.repairs,
        estimated_cost_usd=round(tokens * settings.HF_USD_PER_MILLION_TOKENS / 1e6, 6),
        reading=_read_by_model(answer.source),
    )


_RESERVE = """
INSERT INTO inference_budget (day, calls, tokens, updated_at) VALUES (%(day)s, 1, 0, now())
ON CONFLICT (day) DO UPDATE SET calls = inference_budget.calls + 1, updated_at = now()
    WHERE inference_budget.calls < %(calls)s AND inference_budget.tokens < %(tokens)s
RETURNING calls
"""


def reserve_call() -> bool:
    """Count one model call against today's budget, atomically; False when it is spent."""
    if settings.HF_DAILY_CALLS == 0 or settings.HF_DAILY_TOKENS == 0:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            _RESERVE,
            {
                "day": timezone.now().date(),
                "calls": settings.HF_DAILY_CALLS,
                "tokens": settings.HF_DAILY_TOKENS,
            },
        )
        return cursor.fetchone() is not None


def spend_tokens(tokens: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inference_budget SET tokens = tokens + %s, updated_at = now() WHERE day = %s",
            [int(tokens), timezone.now().date()],
        )
