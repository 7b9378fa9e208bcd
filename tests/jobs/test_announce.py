"""A created job's queue entry is announced after its commit, as procrastinate would, by a
thread that announces every entry handed over before each notification it sends."""

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection

from jobs import announcer
from jobs.announcer import CHANNELS, announce
from jobs.models import Job
from jobs.tasks import build_job
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db(transaction=True)
SENTINEL = "sentinel"


@pytest.fixture
def listener() -> Iterator[psycopg.Connection]:
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as listening:
        for channel in CHANNELS:
            listening.execute(f'LISTEN "{channel}"')
        yield listening


def heard(listening: psycopg.Connection) -> list[tuple[str, dict]]:
    """Every notification sent before now: the announcer is flushed, then a sentinel is sent
    after its notifications and, notifications arriving in commit order, read up to."""
    assert announce.flush(timeout=10)
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as sender:
        sender.execute("SELECT pg_notify(%s, %s)", [CHANNELS[1], SENTINEL])
    notes = []
    for note in listening.notifies(timeout=10):
        if note.payload == SENTINEL:
            return notes
        notes.append((note.channel, json.loads(note.payload)))
    raise AssertionError(f"the sentinel never arrived; heard {notes}")


def entry_id(job: Job) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM procrastinate_jobs WHERE args->>'job_id' = %s", [str(job.id)]
        )
        (found,) = cursor.fetchone()
    return found


def announced(entry: int) -> list[tuple[str, dict]]:
    return [(channel, {"type": "job_inserted", "job_id": entry}) for channel in CHANNELS]


def post(api) -> Job:
    response = api.post("/jobs", {"prompt": "a 40 mm cube"}, format="json")
    assert response.status_code == 202
    return Job.objects.get(id=response.json()["id"])


def announcers_backend() -> int:
    """The announcer's database process: the one whose last statement was a notification."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE query LIKE %s AND pid <> pg_backend_pid()",
            ["SELECT set_config('synchronous_commit'%pg_notify%"],
        )
        (pid,) = cursor.fetchone()
    return pid


def test_a_created_job_is_announced_once_on_each_channel_after_its_commit(api, listener):
    job = post(api)
    # procrastinate's trigger stayed silent: one announcement per channel, not two.
    assert heard(listener) == announced(entry_id(job))


def test_jobs_committed_while_a_notification_is_on_its_way_share_the_next_one(
    api, listener, monkeypatch
):
    monkeypatch.setattr(announcer, "IDLE_SECONDS", 60.0)  # the connection stays while we look
    first = post(api)
    assert heard(listener) == announced(entry_id(first))
    backend = announcers_backend()
    os.kill(backend, signal.SIGSTOP)  # the next notification is held up on its way
    try:
        jobs = [post(api) for _ in range(5)]  # each answered without waiting for it
    finally:
        os.kill(backend, signal.SIGCONT)
    notes = heard(listener)
    # At most one notification was on its way; the next covered every later entry.
    assert 1 <= len(notes) // len(CHANNELS) <= 2
    assert notes[-len(CHANNELS) :] == announced(entry_id(jobs[-1]))


def test_jobs_created_within_the_interval_share_one_notification(api, listener, monkeypatch):
    monkeypatch.setattr(announcer, "ANNOUNCE_INTERVAL_SECONDS", 2.0)
    heard(listener)
    jobs = [post(api) for _ in range(5)]
    notes = heard(listener)
    # The first may go at once; the others wait for the interval, and go in one.
    assert 1 <= len(notes) // len(CHANNELS) <= 2
    assert notes[-len(CHANNELS) :] == announced(entry_id(jobs[-1]))


def test_an_announcement_after_the_database_dropped_the_connection_uses_a_new_one(
    api, listener, monkeypatch
):
    monkeypatch.setattr(announcer, "IDLE_SECONDS", 60.0)
    post(api)
    heard(listener)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [announcers_backend()])
    job = post(api)
    assert heard(listener) == announced(entry_id(job))


def test_a_process_that_exits_at_once_still_sends_what_it_was_handed(listener, subprocess_env):
    code = "import django; django.setup(); from jobs.announcer import announce; announce(4242)"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=subprocess_env, check=True)
    assert heard(listener) == announced(4242)


def test_a_forked_child_announces_even_if_the_fork_came_while_a_thread_held_the_lock(listener):
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with announcer.announce._changed:
            holding.set()
            release.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait()
    child = os.fork()
    if child == 0:  # the child: a second chance at nothing but this
        signal.alarm(10)  # a lock copied held would block for ever
        announce(4343)
        os._exit(0 if announce.flush(timeout=5) else 1)
    release.set()
    holder.join()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert heard(listener) == announced(4343)


def test_any_other_queue_entry_is_announced_by_procrastinates_trigger(listener):
    queued = build_job.defer(job_id="00000000-0000-0000-0000-000000000000")
    assert heard(listener) == announced(queued)


def test_a_refused_job_is_neither_queued_nor_announced(api, listener, settings):
    settings.MAX_UNFINISHED_PER_CLIENT = 0
    before = queue_entries()
    response = api.post("/jobs", {"prompt": "a 40 mm cube"}, format="json")
    assert response.status_code == 429
    assert heard(listener) == []
    assert queue_entries() == before


def queue_entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs")
        (count,) = cursor.fetchone()
    return count
