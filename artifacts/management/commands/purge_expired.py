from django.core.management import BaseCommand, CommandError

from artifacts.retention import purge_expired
from artifacts.storage import StorageUnavailable


class Command(BaseCommand):
    help = "Delete expired artifacts, and their objects when no live artifact shares them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            report = purge_expired(batch_size=batch_size, dry_run=dry_run)
        except StorageUnavailable as exc:
            raise CommandError(
                f"{exc.code}: {exc.reason}; nothing of that batch was lost"
            ) from None
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {report.rows} artifact rows and {len(report.objects)} objects; "
            f"{report.expired_jobs} jobs expired"
        )
