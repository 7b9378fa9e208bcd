"""What one request costs the database: statement counts pinned, and no write on a read."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from jobs.access import hash_key, new_api_key
from jobs.models import ApiKey, Block, BlockKind, Job, JobStatus, RateLimitCounter, Tier
from jobs.tasks import build_job

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")
SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT")  # the test's transaction: a BEGIN and COMMIT live


def post_job(api, **headers):
    return api.post(
        "/jobs", {"prompt": "a 40 mm cube", "session_id": "s1"}, format="json", **headers
    )


def statements(captured) -> list[str]:
    return [query["sql"].strip() for query in captured.captured_queries]


def test_a_post_sends_three_statements_and_writes_each_table_once(api):
    # Each test starts with no queue depth counted: this request counts it.
    with CaptureQueriesContext(connection) as captured:
        assert post_job(api).status_code == 202
    sql = [s for s in statements(captured) if not s.startswith(SAVEPOINTS)]
    assert len(sql) == 3, "\n".join(sql)
    admission, depth, job = sql
    # The blocklist and every rate-limit window in one statement.
    assert "jobs_block" in admission and "INSERT INTO rate_limits" in admission
    assert "COUNT(*)" in depth
    # The job, its four audit events, its queue entry, and the client's lock and count
    # after the job row, in one statement: its own transaction in production.
    assert re.search(r'INSERT INTO "jobs_job".*INSERT INTO "audit_auditevent"', job, re.S)
    assert job.count("INSERT") == 2 and "procrastinate_defer_jobs" in job
    assert re.search(r"RETURNING 1\).*naturalcad_unfinished_after_lock\(", job, re.S)
    assert Job.objects.get().audit_events.count() == 4


def test_a_connection_prepares_the_statements_of_a_post_once_it_has_run_them_a_few_times(api):
    for _ in range(6):
        assert post_job(api).status_code == 202
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("INSERT INTO rate_limits" in sql for sql in prepared), prepared
    assert any('INSERT INTO "jobs_job"' in sql for sql in prepared), prepared


def test_the_queue_entry_written_with_the_job_is_the_one_defer_writes(api):
    assert post_job(api).status_code == 202
    job = Job.objects.get()
    build_job.defer(job_id=str(job.id))  # what the statement stands in for
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT queue_name, task_name, priority, lock, queueing_lock, args, scheduled_at,"
            " status, attempts FROM procrastinate_jobs ORDER BY id"
        )
        ours, defers = cursor.fetchall()
    assert ours == defers
    assert json.loads(ours[5]) == {"job_id": str(job.id)} and ours[7] == "todo"


def test_a_space_visitors_post_reads_the_key_only_once_in_a_while(api):
    raw, key_hash = new_api_key()
    ApiKey.objects.create(name="space", prefix=raw[:10], key_hash=key_hash, tier=Tier.SPACE)
    assert hash_key(raw) == key_hash
    post_job(api, HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_X_END_USER_IP="10.0.0.1")  # warm
    with CaptureQueriesContext(connection) as captured:
        response = post_job(api, HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_X_END_USER_IP="10.0.0.2")
    assert response.status_code == 202
    # Blocklist and counters (the Space's, the visitor's and the session's windows), then the
    # creating statement; the key was read, and the queue depth counted, a moment ago.
    sql = [s for s in statements(captured) if not s.startswith(SAVEPOINTS)]
    assert len(sql) == 2, "\n".join(sql)
    assert "jobs_apikey" not in " ".join(sql)


def test_a_blocked_client_costs_the_one_statement_and_its_audit_event_and_is_not_counted(api):
    Block.objects.create(kind=BlockKind.SESSION, value="s1", reason="abuse")
    with CaptureQueriesContext(connection) as captured:
        assert post_job(api).status_code == 403
    sql = statements(captured)
    assert len(sql) == 2 and "audit_auditevent" in sql[1], sql
    assert not RateLimitCounter.objects.exists()
    assert AuditEvent.objects.get().event_type == "access.blocked"


def test_the_queue_depth_is_not_counted_on_every_request_far_below_the_cap(api, settings):
    settings.MAX_QUEUE_DEPTH = 1000
    post_job(api)
    with CaptureQueriesContext(connection) as captured:
        post_job(api)
    sql = statements(captured)
    assert not [s for s in sql if "jobs_job" in s and "COUNT(*)" in s.upper()], sql
    # The client's own unfinished jobs are counted in the creating statement, every time.
    assert sum("naturalcad_unfinished_after_lock" in s for s in sql) == 1


@pytest.mark.parametrize("path", ["/jobs/{id}", "/jobs/{id}/artifacts"])
def test_reading_a_completed_job_with_its_files_is_one_statement_and_writes_nothing(
    api, make_job, add_file, path
):
    job = make_job(JobStatus.COMPLETED)
    add_file(job, "stl")
    add_file(job, "png")
    add_file(job, "glb", ttl=-timedelta(seconds=1))
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path.format(id=job.id))
    assert response.status_code == 200
    assert [a["kind"] for a in response.json()["artifacts"]] == ["png", "stl"]  # not the expired
    sql = statements(captured)
    assert len(sql) == 1 and not sql[0].startswith(WRITES), sql


@pytest.mark.django_db(transaction=True)
def test_counting_commits_without_waiting_for_the_disk_and_the_job_still_waits(api):
    seen = []

    def durability(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        raw = context["connection"].connection  # psycopg's own: not through this wrapper
        setting = raw.execute("SELECT current_setting('synchronous_commit')").fetchone()[0]
        seen.append((sql, context["connection"].in_atomic_block, setting))
        return result

    with connection.execute_wrapper(durability):
        assert post_job(api).status_code == 202
    (counting, alone, after), *creating = seen
    # The counting statement is its own transaction and commits asynchronously, without
    # leaking that into the connection.
    assert "set_config('synchronous_commit', 'off', true)" in counting and not alone
    assert after == "on"
    # The job's statement is its own transaction too, committed durably: nothing turns that
    # off in it. The request sends nothing after it: the announcement is another thread's.
    (job, job_atomic, _) = creating[-1]
    assert 'INSERT INTO "jobs_job"' in job and "synchronous_commit" not in job
    assert not job_atomic
    assert not any("pg_notify" in sql for sql, *_ in seen)
    assert all(setting == "on" for *_, setting in seen)
