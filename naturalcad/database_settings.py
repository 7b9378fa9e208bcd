"""Which Postgres connection this process uses, and how, chosen by the environment.

A transaction-mode pooler (Supabase's port 6543, PgBouncer in transaction mode) hands each
transaction to any server connection: session state does not survive, so server-side
prepared statements and cursors break, and LISTEN/NOTIFY never arrives. The web's short
requests are fine there; the worker and migrations are not.
"""

from urllib.parse import urlsplit

import dj_database_url
from dj_database_url import DBConfig
from django.core.exceptions import ImproperlyConfigured

from naturalcad.env import env_bool

# Supabase's transaction pooler listens here; its session pooler and direct connections on 5432.
TRANSACTION_POOLER_PORT = 6543
# Seconds a process keeps its connection between requests, direct or to a pooler. Each kept
# connection is checked before a request reuses it (naturalcad/postgres: no round trip), so
# one that the server or the pooler closed meanwhile is replaced, not failed.
CONN_MAX_AGE = 60
ENGINE = "naturalcad.postgres"
# libpq's TCP settings for a kept connection whose peer vanished without closing it (a host
# gone, a NAT entry dropped), which no check before reuse can see. A query sent there fails
# after 10 s without an acknowledgement instead of the kernel's 15 minutes; an idle one is
# probed after 20 s and dropped after 3 unanswered probes 5 s apart, so the check before its
# next reuse finds it closed. Unix-socket connections ignore them. tests/test_pooler.py reads
# them back off a kept socket; a vanished peer itself is not simulated (no network to cut).
TCP_OPTIONS = {
    "keepalives": 1,
    "keepalives_idle": 20,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,  # milliseconds
}


def database_settings(web_url: str | None, worker_url: str | None, *, web: bool) -> dict:
    """DATABASES: DATABASE_URL for the web; WORKER_DATABASE_URL, when set, for the rest."""
    if not web and worker_url:
        return {"default": direct(worker_url)}
    if not web_url:
        return {}
    if not env_bool("DATABASE_POOLER", urlsplit(web_url).port == TRANSACTION_POOLER_PORT):
        return {"default": direct(web_url)}
    if not web:
        raise ImproperlyConfigured(
            "DATABASE_URL goes through a transaction pooler (DATABASE_POOLER): this process "
            "needs a session of its own. Set WORKER_DATABASE_URL to a direct or session-mode "
            "connection (Supabase: port 5432)."
        )
    return {"default": pooled(dj_database_url.parse(web_url, conn_max_age=CONN_MAX_AGE))}


# A statement a direct connection has run this many times is prepared (parsed and planned
# once): parsing and planning the statement that creates a job cost the database more than
# writing it. Django turns psycopg's preparing off unless told.
PREPARE_AFTER_RUNS = 5


def direct(url: str) -> DBConfig:
    """A connection of this process's own, kept between requests: values bound by the server
    (a prepared statement needs them), statements run often prepared."""
    database = kept(dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE))
    database.setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=PREPARE_AFTER_RUNS
    )
    return database


def pooled(database: DBConfig) -> DBConfig:
    """Settings that survive a pooler switching server connections between transactions. The
    connection to the pooler is kept too: opening one per request (TLS, then SCRAM) took the
    web's CPU per POST from 3.1 ms to 8.9 ms (bench/pooler.py)."""
    database = kept(database)
    database.setdefault("OPTIONS", {})["prepare_threshold"] = None  # no prepared statements
    database["DISABLE_SERVER_SIDE_CURSORS"] = True
    return database


def kept(database: DBConfig) -> DBConfig:
    """A connection kept between requests, checked before each reuses it."""
    database["ENGINE"] = ENGINE
    database["CONN_HEALTH_CHECKS"] = True
    database.setdefault("OPTIONS", {}).update(TCP_OPTIONS)
    return database
