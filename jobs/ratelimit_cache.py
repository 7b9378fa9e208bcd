"""A Django cache backend that only counts, for django-ratelimit, on Postgres.

Every process and machine shares the `rate_limits` table, and each operation is one atomic
statement, so concurrent requests never lose an increment (the database cache backend does:
it reads, then writes). Only what django-ratelimit calls is implemented.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connection

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


def cull_expired() -> int:
    with connection.cursor() as cursor:
        cursor.execute(_CULL)
        return cursor.rowcount
