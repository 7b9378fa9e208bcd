"""Fixed-window counters on Postgres: `count_hits` for the API's limits, and a Django cache
backend that only counts, for django-ratelimit.

Every process and machine shares the `rate_limits` table, and each operation is one atomic
statement, so concurrent requests never lose an increment (the database cache backend does:
it reads, then writes). Only what django-ratelimit calls is implemented.
"""

import functools
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connection

from naturalcad.rows import ASYNC_COMMIT

# Every window of one request, and the request's standing (`unless`: e.g. an active block),
# in one round trip; a hit is counted only when `unless` finds nothing. Rows are taken in key
# order, so that two requests counting the same windows cannot deadlock; a window's key
# names its start, so a new window is a new row (culled hourly once expired). The outer
# join answers one row even when nothing was counted. `commit` is _ASYNC_COMMIT when the
# statement is its own transaction. `windows` is a VALUES row of (key, end) per window: scalar
# parameters, where two arrays cost each request more to send than the database took to count.
_HITS = """
WITH unless AS ({unless}),
hit AS (
    INSERT INTO rate_limits (key, count, expires_at)
    SELECT key, 1, to_timestamp(ends) FROM ({windows}) AS hit(key, ends)
    WHERE NOT EXISTS (SELECT FROM unless)
    ORDER BY key
    ON CONFLICT (key) DO UPDATE SET count = rate_limits.count + 1
    RETURNING key, count
)
SELECT (SELECT * FROM unless LIMIT 1), hit.key, hit.count
FROM ({commit}) AS one LEFT JOIN hit ON true
"""
# Counting does not wait for the disk: the answer that relies on a count (a 202 and its job,
# a 429 and its audit event) commits durably after it, which flushes the count's earlier
# log record too. A database crash may lose only counts that nothing recorded relied on.
_ASYNC_COMMIT = f"SELECT {ASYNC_COMMIT}"

_ADD = """
INSERT INTO rate_limits (key, count, expires_at)
VALUES (%(key)s, %(value)s, now() + %(seconds)s * interval '1 second')
ON CONFLICT (key) DO UPDATE SET count = EXCLUDED.count, expires_at = EXCLUDED.expires_at
    WHERE rate_limits.expires_at <= now()
RETURNING count
"""
_INCR = """
UPDATE rate_limits SET count = count + %(delta)s
WHERE key = %(key)s AND expires_at > now()
RETURNING count
"""
_GET = "SELECT count FROM rate_limits WHERE key = %(key)s AND expires_at > now()"
_DELETE = "DELETE FROM rate_limits WHERE key = %(key)s"
_CULL = "DELETE FROM rate_limits WHERE expires_at <= now()"


class PostgresCounterCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    def _one(self, sql: str, **params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return None if row is None else row[0]

    def _seconds(self, timeout) -> int:
        timeout = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        return int(timeout or 1)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return (
            self._one(_ADD, key=key, value=int(value), seconds=self._seconds(timeout)) is not None
        )

    def incr(self, key, delta=1, version=None) -> int:
        key = self.make_and_validate_key(key, version=version)
        count = self._one(_INCR, key=key, delta=int(delta))
        if count is None:
            raise ValueError(f"Key '{key}' not found")
        return count

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        count = self._one(_GET, key=key)
        return default if count is None else count

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self.delete(key, version=version)
        self.add(key, value, timeout, version=version)

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(_DELETE, {"key": key})
            return cursor.rowcount > 0

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM rate_limits")


@dataclass(frozen=True)
class Window:
    """One rate applied to one identity: at most `limit` hits per `seconds`."""

    name: str  # who is counted, and for what: e.g. "jobs.create:ip:<ip_hash>"
    rate: str  # as configured, e.g. "5/m"
    limit: int
    seconds: int


@dataclass(frozen=True)
class Hits:
    window: Window
    count: int  # hits in the current window, this one included
    seconds_left: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.window.limit


def count_hits(windows: list[Window], unless: tuple[str, list[Any]]) -> tuple[Any, list[Hits]]:
    """Count one hit in each window, in one statement, unless the one-column query `unless`
    (SQL, parameters) finds a row: then count nothing and return its first value. Windows
    align to multiples of their length since the epoch."""
    now = time.time()
    ends = {w: int(now // w.seconds + 1) * w.seconds for w in windows}
    keys = {w: f"{w.name}:{w.limit}/{w.seconds}:{ends[w]}" for w in windows}
    unless_sql, unless_params = unless
    own = not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(
            _hits_sql(unless_sql, len(windows), own),
            [*unless_params, *(value for w in windows for value in (keys[w], ends[w]))],
        )
        rows = cursor.fetchall()
    found = rows[0][0]
    counts = {key: count for _, key, count in rows if key is not None}
    if found is not None:
        return found, []
    return None, [Hits(w, counts[keys[w]], max(1, int(ends[w] - now))) for w in windows]


@functools.lru_cache(maxsize=64)
def _hits_sql(unless: str, windows: int, own_transaction: bool) -> str:
    """_HITS for `windows` windows (their parameters: key, end of each), committed without
    waiting for the disk when the statement is its own transaction."""
    rows = ", ".join(["(%s, %s::bigint)"] * windows)
    values = f"VALUES {rows}" if windows else "SELECT NULL::text, NULL::bigint WHERE false"
    commit = _ASYNC_COMMIT if own_transaction else "SELECT"
    return _HITS.format(unless=unless, windows=values, commit=commit)


def cull_expired() -> int:
    with connection.cursor() as cursor:
        cursor.execute(_CULL)
        return cursor.rowcount
