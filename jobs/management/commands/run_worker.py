import asyncio
import signal
import threading

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from procrastinate.contrib.django import app

from jobs import pipeline
from jobs.queue import BUILD_QUEUE, MAINTENANCE_QUEUE


class Command(BaseCommand):
    help = (
        "Run the worker: WORKER_CONCURRENCY build jobs at once, their builds taking turns "
        "for GEOMETRY_BUILD_SLOTS, plus a slot of its own for periodic upkeep, with the "
        "geometry forkserver warmed up."
    )

    def handle(self, *args, **options):
        # Import build123d in the forkserver now, not on the first job.
        threading.Thread(target=pipeline.warm_up, daemon=True).start()
        # The Django connector's own psycopg pool for the worker (LISTEN/NOTIFY, async).
        worker_connector = app.connector.get_worker_connector()  # type: ignore[attr-defined]
        with app.replace_connector(worker_connector):
            if not asyncio.run(serve()):
                # A worker stopped by itself (lost database): exit non-zero so that the
                # supervisor (or Fly) starts a fresh one.
                raise CommandError("a worker stopped unexpectedly")


async def serve() -> bool:
    """Run the build worker and the upkeep worker until a signal (True) or until either
    stops by itself (False). On SIGTERM/SIGINT neither takes a new job, and the jobs already
    taken finish (procrastinate's graceful shutdown) before the process exits: the build
    running and a job waiting for its slot, which then builds in turn."""
    async with app.open_async():
        workers = [
            asyncio.create_task(
                app.run_worker_async(
                    queues=[queue],
                    name=queue,
                    concurrency=concurrency,
                    install_signal_handlers=False,
                )
            )
            for queue, concurrency in (
                (BUILD_QUEUE, settings.WORKER_CONCURRENCY),
                (MAINTENANCE_QUEUE, 1),
            )
        ]
        signalled = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, signalled.set)
        stop_wait = asyncio.create_task(signalled.wait())
        await asyncio.wait([*workers, stop_wait], return_when=asyncio.FIRST_COMPLETED)
        stop_wait.cancel()
        for worker in workers:
            worker.cancel()  # procrastinate turns this into its graceful stop
        await asyncio.gather(*workers, return_exceptions=True)
        return signalled.is_set()
