import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from artifacts.kinds import file_suffix
from jobs.models import AUTO, OUTPUT_TYPE_CHOICES, Mode
from jobs.pipeline import build_isolated, derive_spec
from naturalcad.errors import CodedError
from naturalcad.spec.validate import validate_spec


class Command(BaseCommand):
    help = "Build a part from a prompt or a spec file, without the queue, into --out."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--prompt", help="a sentence describing the part")
        source.add_argument("--spec", type=Path, help="a compositional spec as JSON")
        parser.add_argument("--out", type=Path, required=True, help="folder for the files")
        parser.add_argument(
            "--output-type",
            default=AUTO,
            choices=[choice for choice, _ in OUTPUT_TYPE_CHOICES],
            help="auto (default): the prompt's reading decides",
        )
        parser.add_argument("--mode", default=Mode.AUTO.value, choices=Mode.values)

    def handle(self, *args, **options):
        try:
            spec = self._spec(options)
            files = build_isolated(spec)
        except CodedError as refusal:
            raise CommandError(f"{refusal.code}: {refusal}") from None
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        (out / "spec.json").write_text(json.dumps(spec, indent=2))
        for kind, data in sorted(files.items()):
            path = out / f"part{file_suffix(kind)}"
            path.write_bytes(data)
            self.stdout.write(f"{path}  {len(data)} bytes")

    def _spec(self, options) -> dict:
        if options["prompt"] is not None:
            spec, _ = derive_spec(options["prompt"], options["output_type"], options["mode"])
            return spec
        try:
            raw = json.loads(options["spec"].read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"spec_unreadable: {exc}") from None
        return validate_spec(raw)
