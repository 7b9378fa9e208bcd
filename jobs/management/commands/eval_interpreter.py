"""`manage.py eval_interpreter --set FILE [--path rules|model]`: how well an interpreter path
reads a prompt set, judged by the parts it builds. Exits non-zero when any part is silently
wrong, so it can gate a change of the rules or of the model."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, CommandError, CommandParser
from django.test import override_settings

from jobs import inference
from jobs.api.serializers import JobCreateSerializer
from jobs.pipeline import derive_spec
from naturalcad.errors import CodedError
from naturalcad.evaluation import harness
from naturalcad.evaluation.corpus import SET_FILE
from naturalcad.evaluation.harness import Json
from naturalcad.geometry import runner
from naturalcad.interpret import hf


class Command(BaseCommand):
    help = "Run a prompt set through the rules or the model, build each part, and score it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--set", type=Path, default=SET_FILE, help="prompt set (JSON)")
        parser.add_argument("--path", choices=["rules", "model"], default="rules")
        parser.add_argument("--scope", choices=harness.SCOPES, action="append")
        parser.add_argument("--id", action="append", help="only these prompt ids")
        parser.add_argument(
            "--usd-per-million-tokens",
            type=float,
            default=None,
            help="the model's price, for the cost estimate (default HF_USD_PER_MILLION_TOKENS)",
        )
        parser.add_argument("--json", type=Path, help="also write every result here")
        parser.add_argument("--verbose", action="store_true", help="list every prompt")

    def handle(self, *args: Any, **options: Any) -> None:
        entries = _entries(options["set"], options["scope"], options["id"])
        read = _model_reader() if options["path"] == "model" else _rules_reader
        which = (
            f"{settings.HF_MODEL} at {settings.HF_BASE_URL}"
            if options["path"] == "model"
            else "offline"
        )
        self.stdout.write(
            f"{len(entries)} prompts from {options['set']}, {options['path']} path ({which})"
        )
        results = harness.run(entries, read, _measure)
        price = options["usd_per_million_tokens"]
        figures = harness.summary(
            results, settings.HF_USD_PER_MILLION_TOKENS if price is None else price
        )
        for line in harness.report_lines(results, figures, options["verbose"]):
            self.stdout.write(line)
        if options["json"]:
            options["json"].write_text(json.dumps(_dump(results, figures), indent=1))
        self.stdout.flush()  # the report before the error line, on a terminal too
        wrong = figures[harness.Outcome.SILENTLY_WRONG.value]
        if wrong:
            raise CommandError(f"{wrong} prompts were built silently wrong")


def _entries(path: Path, scopes: list[str] | None, ids: list[str] | None) -> list[Json]:
    try:
        entries = json.loads(path.read_text())["prompts"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"set_unreadable: {path}: {exc}") from None
    return [
        e for e in entries if (not scopes or e["scope"] in scopes) and (not ids or e["id"] in ids)
    ]


def _output_type(entry: Json) -> Any:
    """What the client asked for; absent means what `POST /jobs` does without the field."""
    if "output_type" in entry:
        return entry["output_type"]
    return JobCreateSerializer().fields["output_type"].default


def _mode() -> Any:
    return JobCreateSerializer().fields["mode"].default


def _rules_reader(entry: Json) -> harness.Reading:
    # The worker's own path with no model configured: exactly what an offline server does.
    with override_settings(HF_TOKEN=""):
        try:
            spec, _ = derive_spec(entry["prompt"], _output_type(entry), _mode())
        except CodedError as refusal:
            return harness.Reading(code=refusal.code, message=str(refusal))
    return harness.Reading(spec=spec)


def _model_reader() -> Callable[[Json], harness.Reading]:
    provider = inference.provider()
    if provider is None:
        raise CommandError("--path model needs HF_TOKEN (and HF_BASE_URL, HF_MODEL) set")

    def read(entry: Json) -> harness.Reading:
        output_type, mode = _output_type(entry), _mode()
        reading = _ask(entry["prompt"], output_type, mode)
        # what the first request of each prompt carries, estimated as the command that prints
        # the tokens per call estimates it (the usage blocks add the repairs and the answers)
        reading.sent = hf.payload_tokens(entry["prompt"], output_type, mode, provider.tgi_grammar)
        return reading

    def _ask(prompt: str, output_type: str, mode: str) -> harness.Reading:
        try:
            answer = hf.ask_model(provider, prompt, output_type, mode)
        except hf.ProviderUnavailable as exc:
            return harness.Reading(code="provider_unavailable", message=str(exc), unavailable=True)
        except hf.ModelDeclined as exc:  # "not a part I can make": a refusal, not an invalid answer
            spent = exc.answer or hf.Answer(spec={})
            return harness.Reading(code=exc.code, message=str(exc), usage=spent.usage)
        except hf.ModelAnswerInvalid as exc:
            spent = exc.answer or hf.Answer(spec={})
            return harness.Reading(
                code=exc.code,
                message=str(exc),
                invalid=True,
                usage=spent.usage,
                repairs=spent.repairs,
            )
        return harness.Reading(spec=answer.spec, usage=answer.usage, repairs=answer.repairs)

    return read


def _measure(spec: Json) -> Json:
    return runner.measure(
        spec, timeout=settings.GEOMETRY_TIMEOUT_SECONDS, memory_mb=settings.GEOMETRY_MEMORY_MB
    )


def _dump(results: list[harness.Result], figures: Json) -> Json:
    return {
        "summary": figures,
        "results": [
            {
                "id": r.entry["id"],
                "scope": r.entry["scope"],
                "outcome": r.outcome.value,
                "problems": r.problems,
                "code": r.reading.code,
                "message": r.reading.message,
                "figures": r.figures,
                "read_ms": round(r.reading.seconds * 1000, 1),
                "build_ms": round(r.build_seconds * 1000, 1),
                "spec": r.reading.spec,
            }
            for r in results
        ],
    }
