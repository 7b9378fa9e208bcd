"""The web behind a real transaction pooler (PgBouncer in transaction mode, TLS and SCRAM), as
production's web stands behind Supabase's: it keeps its connections, and a pooler restart
costs no request an error."""

import os
import socket
from functools import partial

import httpx
import pytest
from django.db.utils import ConnectionHandler

from naturalcad.database_settings import TCP_OPTIONS, database_settings
from tests.conftest import database_url
from tests.faults import GENEROUS, api_server
from tests.pooler import PgBouncer, needs_pgbouncer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), needs_pgbouncer]
THREADS = 2


@pytest.fixture
def pooler():
    bouncer = PgBouncer(database_url())
    yield bouncer
    bouncer.close()


@pytest.fixture
def web(pooler, subprocess_env, tmp_path):
    env = subprocess_env | GENEROUS | {"DATABASE_URL": pooler.url, "DATABASE_POOLER": "true"}
    env |= {"WEB_CONCURRENCY": "1", "WEB_THREADS": str(THREADS)}
    with (
        api_server(env, tmp_path / "gunicorn.log") as port,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http,
    ):
        yield http


def post_and_read(http: httpx.Client, size: int) -> list[int]:
    created = http.post("/jobs", json={"prompt": f"a {size} mm cube"})
    read = http.get(f"/jobs/{created.json()['id']}") if created.status_code == 202 else created
    return [created.status_code, read.status_code]


def test_the_web_keeps_its_connections_to_the_pooler(web, pooler):
    ids = [
        web.post("/jobs", json={"prompt": f"a {size} mm cube"}).json()["id"] for size in (10, 11)
    ]
    before = pooler.logins()
    # The polls a client makes while its part builds: a connection each would be 30 logins
    # (the POSTs are left out: each wakes the announcer, whose connection closes when idle).
    assert [web.get(f"/jobs/{ids[i % 2]}").status_code for i in range(30)] == [200] * 30
    assert pooler.logins() - before <= THREADS


def test_kept_connections_carry_the_tcp_settings(pooler, monkeypatch):
    monkeypatch.setenv("DATABASE_POOLER", "true")
    settings = database_settings(pooler.url, None, web=True)
    kept = ConnectionHandler(settings)["default"]
    try:
        kept.ensure_connection()
        with socket.socket(fileno=os.dup(kept.connection.fileno())) as sock:
            option = partial(sock.getsockopt, socket.IPPROTO_TCP)
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
            assert option(socket.TCP_KEEPIDLE) == TCP_OPTIONS["keepalives_idle"]
            assert option(socket.TCP_KEEPINTVL) == TCP_OPTIONS["keepalives_interval"]
            assert option(socket.TCP_KEEPCNT) == TCP_OPTIONS["keepalives_count"]
            assert option(socket.TCP_USER_TIMEOUT) == TCP_OPTIONS["tcp_user_timeout"]
    finally:
        kept.close()


def test_after_the_pooler_restarts_no_request_fails(web, pooler):
    assert [post_and_read(web, size) for size in range(10, 20)] == [[202, 200]] * 10
    pooler.stop()  # every kept connection is cut
    pooler.start()
    before = pooler.logins()
    assert [post_and_read(web, size) for size in range(20, 30)] == [[202, 200]] * 10
    assert pooler.logins() > before  # the cut connections were replaced
