"""A created job's queue entry is announced once, after its commit, as procrastinate would."""

import json
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection

from jobs.models import Job
from jobs.queue import BUILD_QUEUE
from jobs.tasks import build_job

pytestmark = pytest.mark.django_db(transaction=True)
CHANNELS = [f"procrastinate_queue_v1#{BUILD_QUEUE}", "procrastinate_any_queue_v1"]
SENTINEL = "sentinel"


@pytest.fixture
def listener() -> Iterator[psycopg.Connection]:
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as listening:
        for channel in CHANNELS:
            listening.execute(f'LISTEN "{channel}"')
        yield listening


def heard(listening: psycopg.Connection) -> list[tuple[str, dict]]:
    """Every notification committed before now: a sentinel is sent after them and,
    notifications arriving in commit order, read up to."""
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


def test_a_created_job_is_announced_once_on_each_channel_after_its_commit(api, listener):
    response = api.post("/jobs", {"prompt": "a 40 mm cube"}, format="json")
    assert response.status_code == 202
    queued = entry_id(Job.objects.get())
    # procrastinate's trigger stayed silent: one announcement per channel, not two.
    expected = {"type": "job_inserted", "job_id": queued}
    assert heard(listener) == [(channel, expected) for channel in CHANNELS]


def test_any_other_queue_entry_is_announced_by_procrastinates_trigger(listener):
    queued = build_job.defer(job_id="00000000-0000-0000-0000-000000000000")
    expected = {"type": "job_inserted", "job_id": queued}
    assert heard(listener) == [(channel, expected) for channel in CHANNELS]


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
