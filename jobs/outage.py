"""Database outages: what they raise, and waiting for the database to come back."""

import time

from django.db import InterfaceError, OperationalError, connection

from naturalcad.errors import CodedError

# What a lost or refused database connection raises through Django.
DATABASE_DOWN = (OperationalError, InterfaceError)


class DatabaseUnavailable(CodedError):
    """The service is briefly unavailable; please retry shortly."""

    code = "unavailable"
    # An outage is usually a restart or a failover: clients come back after this long.
    retry_after = 10


# A task that met an outage waits at most this long for the database before it gives up
# its attempt; procrastinate's retry then needs the database to record the next one.
DATABASE_WAIT_SECONDS = 300


def wait_for_database(limit: float = DATABASE_WAIT_SECONDS) -> bool:
    """Block until a fresh connection answers (True) or `limit` seconds pass (False)."""
    deadline = time.monotonic() + limit
    pause = 0.5
    while True:
        connection.close()  # a broken connection never recovers; the next query reconnects
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except DATABASE_DOWN:
            if time.monotonic() + pause > deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 5)
