import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """Whether a kept connection can serve the next request, without asking the server.

        Django asks before a request's first query reuses a connection (CONN_HEALTH_CHECKS),
        and its own check is a round trip (SELECT 1): one more statement on every request.
        An idle connection has nothing to read, so a socket that does is one the server or a
        pooler closed (a restart, a failover, an idle cut), or is telling why it will. A
        connection within a transaction (Django's test cases ask there) is asked as Django
        would. A peer gone without a word is not seen here: the TCP settings in
        database_settings bound how long the query then waits before it fails."""
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        readable = select.poll()  # not select.select: it cannot watch descriptors past 1023
        readable.register(connection.fileno(), select.POLLIN)
        return not readable.poll(0)
