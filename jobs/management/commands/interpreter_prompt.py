from typing import Any

from django.core.management import BaseCommand, CommandParser

from naturalcad.interpret import hf

SAMPLE = "a 120 x 70 mm mounting plate, 5 mm thick, with four 6 mm corner holes"


class Command(BaseCommand):
    help = (
        "Print the model's guide (its system prompt), or with --size the estimated tokens "
        "sent per model call."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", action="store_true", help="print token estimates")
        parser.add_argument("--prompt", default=SAMPLE, help="the description to size")
        parser.add_argument("--output-type", default="3d_solid")
        parser.add_argument("--mode", default="part")
        parser.add_argument(
            "--tgi", action="store_true", help="size the TGI grammar format instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["size"]:
            self.stdout.write(hf.SYSTEM_PROMPT)
            return
        sizes = hf.payload_tokens(
            options["prompt"], options["output_type"], options["mode"], options["tgi"]
        )
        self.stdout.write(f"prompt version   {hf.PROMPT_VERSION}")
        for part, tokens in sizes.items():
            self.stdout.write(f"{part:<16} {tokens:>6} tokens (estimate; errs high)")
