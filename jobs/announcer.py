"""Wakes the build workers once created jobs' queue entries are committed, in batches.

A worker woken by a notification looks at the whole queue, so one notification sent after
several commits announces every one of them. A thread of each process sends them, on its own
connection: a request hands its entry over and answers at once (a round trip of its own cost
a POST about a fifth of its time under load), and under load one notification covers the
entries of many requests. A notification that is lost (the database away, the process killed)
costs only latency: the worker also polls the queue every few seconds.
"""

import atexit
import contextlib
import json
import logging
import os
import threading
import time

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from jobs.queue import BUILD_QUEUE
from naturalcad.rows import ASYNC_COMMIT

logger = logging.getLogger(__name__)

# procrastinate's channels and payload, as its insert trigger sends them. Committed without
# waiting for the disk: only a wake-up is lost in a crash.
CHANNELS = (f"procrastinate_queue_v1#{BUILD_QUEUE}", "procrastinate_any_queue_v1")
_NOTIFY = f"SELECT {ASYNC_COMMIT}, pg_notify(%s, %s), pg_notify(%s, %s)"

# The connection is closed once no entry came for this long (seconds), and opened again for
# the next: an idle process holds no connection, and never holds up a database being dropped.
IDLE_SECONDS = 1.0
# A process sends at most one notification this often (seconds): under load each covers the
# entries of the requests answered meanwhile instead of costing every request a statement,
# and a worker that is idle hears of a job at most this late after another's announcement.
ANNOUNCE_INTERVAL_SECONDS = 0.02
# How long a process that exits waits for what it still has to announce (seconds).
EXIT_WAIT_SECONDS = 2.0


class Announcer:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start afresh: in a forked child, whose copy of the lock may be held by a thread
        that the fork did not copy."""
        self._changed = threading.Condition()
        self._asked = 0  # entries handed over so far
        self._sent = 0  # of those, how many a notification sent (or lost) covered
        self._latest = 0  # the latest entry handed over: the payload's job_id
        self._pid = 0  # the process the thread runs in (a forked child starts its own)

    def __call__(self, entry_id: int) -> None:
        """Announce `entry_id`, committed, soon: with every entry handed over before the
        notification is sent."""
        with self._changed:
            self._asked += 1
            self._latest = entry_id
            self._changed.notify_all()
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="announcer", daemon=True).start()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every entry handed over so far has been announced; False on timeout."""
        with self._changed:
            asked = self._asked
            return self._changed.wait_for(lambda: self._sent >= asked, timeout)

    def _pending(self) -> bool:
        return self._asked > self._sent

    def _run(self) -> None:
        database = connections.create_connection(DEFAULT_DB_ALIAS)
        while True:
            # Entries handed over meanwhile wait for the next notification.
            time.sleep(ANNOUNCE_INTERVAL_SECONDS)
            with self._changed:
                idle = not self._changed.wait_for(self._pending, IDLE_SECONDS)
            if idle:
                _close(database)
            with self._changed:
                self._changed.wait_for(self._pending)
                asked, latest = self._asked, self._latest
            self._send(database, latest)
            with self._changed:
                self._sent = asked
                self._changed.notify_all()

    @staticmethod
    def _send(database: BaseDatabaseWrapper, latest: int) -> None:
        payload = json.dumps({"type": "job_inserted", "job_id": latest})
        # A connection the database dropped (a restart, a failover) is found out only by
        # using it: then once more, on a new one.
        for attempt in range(2):
            try:
                with database.cursor() as cursor:
                    cursor.execute(_NOTIFY, [CHANNELS[0], payload, CHANNELS[1], payload])
                return
            except Exception as error:
                _close(database)
                if attempt:  # these entries wait for the worker's next poll
                    logger.warning(
                        "could not announce queue entries up to %s: %s",
                        latest,
                        type(error).__name__,
                    )


def _close(database: BaseDatabaseWrapper) -> None:
    with contextlib.suppress(Exception):  # a connection already lost closes with an error
        database.close()


announce = Announcer()
atexit.register(announce.flush, EXIT_WAIT_SECONDS)
os.register_at_fork(after_in_child=announce.reset)
