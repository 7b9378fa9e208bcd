import threading

from django.conf import settings
from django.core.management import BaseCommand, call_command

from naturalcad.geometry import runner


class Command(BaseCommand):
    help = "Run one procrastinate worker with the geometry forkserver warmed up."

    def handle(self, *args, **options):
        # Import build123d in the forkserver now, not on the first job.
        threading.Thread(
            target=runner.warm_up, args=(settings.GEOMETRY_MEMORY_MB,), daemon=True
        ).start()
        call_command("procrastinate", "worker")
