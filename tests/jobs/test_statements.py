"""What one request costs the database: statement counts pinned, and no write on a read."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from artifacts.models import Artifact
from jobs import access
from jobs.access import hash_key, new_api_key
from jobs.models import ApiKey, JobStatus, Tier

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def post_job(api, **headers):
    return api.post(
        "/jobs", {"prompt": "a 40 mm cube", "session_id": "s1"}, format="json", **headers
    )


def statements(captured) -> list[str]:
    return [query["sql"].strip() for query in captured.captured_queries]


def test_a_post_sends_at_most_ten_statements_with_one_insert_per_table(api):
    access._last_depth = (0, 0, float("-inf"))  # the queue depth is counted on this request
    with CaptureQueriesContext(connection) as captured:
        assert post_job(api).status_code == 202
    sql = statements(captured)
    assert len(sql) <= 10, "\n".join(sql)
    inserts = [s.split()[2] for s in sql if s.startswith("INSERT")]
    # The job, its four audit events in one insert, all rate-limit windows in one statement.
    assert sorted(inserts) == sorted(['"jobs_job"', '"audit_auditevent"', "rate_limits"])
    # The client's lock comes after every write but the queue entry's: held the least.
    lock = next(i for i, s in enumerate(sql) if "pg_advisory_xact_lock" in s)
    assert all(not s.startswith(WRITES) for s in sql[lock + 1 :])


def test_a_space_visitor_costs_one_statement_more_the_key_lookup(api):
    raw, key_hash = new_api_key()
    ApiKey.objects.create(name="space", prefix=raw[:10], key_hash=key_hash, tier=Tier.SPACE)
    assert hash_key(raw) == key_hash
    post_job(api, HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_X_END_USER_IP="10.0.0.1")  # warm
    with CaptureQueriesContext(connection) as captured:
        response = post_job(api, HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_X_END_USER_IP="10.0.0.2")
    assert response.status_code == 202
    # Key, blocklist, counters (the Space's, the visitor's and the session's windows), then
    # the creating transaction; the queue depth was counted within the last second.
    assert len(statements(captured)) <= 10, "\n".join(statements(captured))


def test_the_queue_depth_is_not_counted_on_every_request_far_below_the_cap(api, settings):
    settings.MAX_QUEUE_DEPTH = 1000
    post_job(api)
    with CaptureQueriesContext(connection) as captured:
        post_job(api)
    counts = [s for s in statements(captured) if "COUNT(*)" in s.upper()]
    assert len(counts) == 1  # the client's unfinished jobs only


@pytest.mark.parametrize("path", ["/jobs/{id}", "/jobs/{id}/artifacts"])
def test_reading_a_completed_job_with_its_files_is_one_statement_and_writes_nothing(
    api, make_job, path
):
    job = make_job(JobStatus.COMPLETED)
    for kind in ("stl", "png"):
        Artifact.objects.create(
            job=job,
            kind=kind,
            storage_key=f"k/{kind}",
            size_bytes=3,
            sha256="0" * 64,
            content_type="x/y",
            expires_at=timezone.now() + timedelta(days=1),
        )
    Artifact.objects.create(
        job=job,
        kind="glb",
        storage_key="k/glb",
        size_bytes=3,
        sha256="0" * 64,
        content_type="x/y",
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path.format(id=job.id))
    assert response.status_code == 200
    assert [a["kind"] for a in response.json()["artifacts"]] == ["png", "stl"]  # not the expired
    sql = statements(captured)
    assert len(sql) == 1 and not sql[0].startswith(WRITES), sql
