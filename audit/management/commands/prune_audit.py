from django.conf import settings
from django.core.management import BaseCommand, CommandError

from audit.retention import prune_audit


class Command(BaseCommand):
    help = "Delete audit events older than --older-than-days (default AUDIT_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, default=settings.AUDIT_RETENTION_DAYS)

    def handle(self, *args, older_than_days: int, **options):
        if older_than_days < 1:
            raise CommandError("--older-than-days must be at least 1")
        self.stdout.write(f"deleted {prune_audit(older_than_days)} audit events")
