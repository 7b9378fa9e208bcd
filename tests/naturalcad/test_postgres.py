"""The database backend's health check: a kept connection that the server cut is found
before a request uses it, without a round trip."""

import select

import psycopg
import pytest
from django.db import close_old_connections, connection, transaction

from tests.conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def cut(pid: int) -> None:
    """End that backend from another connection, as a restart or a pooler's cut would, and
    wait until its client's socket says so."""
    with psycopg.connect(database_url(), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    readable = select.poll()
    readable.register(connection.connection.fileno(), select.POLLIN)
    assert readable.poll(10_000), "the cut connection never became readable"


def last_query(pid: int) -> str:
    with psycopg.connect(database_url(), autocommit=True) as admin:
        row = admin.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return row[0]


def test_an_idle_kept_connection_is_usable_without_asking_the_server():
    pid = backend_pid()
    assert connection.is_usable()
    assert last_query(pid) == "SELECT pg_backend_pid()"  # no SELECT 1 went out


def test_a_connection_the_server_cut_is_not_usable():
    cut(backend_pid())
    try:
        assert not connection.is_usable()
    finally:
        connection.close()  # the test database's flush needs a live one


def test_a_connection_within_a_transaction_is_asked_as_django_would():
    # Django's test cases ask inside their transaction before they check deferred constraints.
    with transaction.atomic():
        pid = backend_pid()
        assert connection.is_usable()
        assert last_query(pid) == "SELECT 1"


def test_the_next_request_after_a_cut_gets_a_new_connection_instead_of_an_error():
    before = backend_pid()
    cut(before)
    close_old_connections()  # what every request's start does
    after = backend_pid()
    assert after != before
