from django.core.management import BaseCommand

from jobs.access import issue_api_key
from jobs.models import KEY_TIERS, Tier


class Command(BaseCommand):
    help = "Create an API key and print it (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--tier", choices=[tier for tier, _ in KEY_TIERS], default=Tier.TRUSTED)
        parser.add_argument("--rates", default="", help="override, e.g. '60/m,2000/d'")
        parser.add_argument(
            "--replace", action="store_true", help="revoke the earlier live keys of this name"
        )

    def handle(self, *args, name, tier, rates, replace, **options):
        _, raw = issue_api_key(name, tier, rates, replace=replace)
        self.stdout.write(raw)
