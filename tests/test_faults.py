"""Faults injected into a running `make run` stack: a worker killed or stopped mid-build,
Postgres stopped and the file store refusing while posts and builds go on. Every job ends
final, no request gets a 500, and Ctrl-C still stops everything afterwards.

One stack (its own Postgres; files in an S3 server behind a proxy that can refuse) serves the
tests of this module in order; the last one stops it.
"""

import signal
import time
import uuid

import boto3
import psutil
import pytest

from tests.conftest import S3_CREDENTIALS, stl_size
from tests.faults import FAST_RECOVERY, GENEROUS, Stack, StoreProxy, audit, runs

pytestmark = pytest.mark.slow
# Builds for a second or more; each test its own size, or it would complete by reuse.
SLOW = "a {} x 100 x 5 plate with 16 3mm holes in a 4 x 4 grid"
QUICK = "a {} mm cube"
RECOVERY_WINDOW = 60  # seconds from the end of a fault until every job is final
POSTGRES_OUTAGE = 20
STORAGE_OUTAGE = 30


@pytest.fixture(scope="module")
def store(s3_server):
    bucket = f"naturalcad-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").create_bucket(Bucket=bucket)
    proxy = StoreProxy(s3_server)
    env = {
        "BUCKET_NAME": bucket,
        "AWS_ENDPOINT_URL_S3": proxy.url,
        "AWS_REGION": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "STORAGE_PROBE_SECONDS": "1",
        **S3_CREDENTIALS,
    }
    yield proxy, env
    proxy.close()


@pytest.fixture(scope="module")
def stack(store, tmp_path_factory):
    env = {**FAST_RECOVERY, **GENEROUS, **store[1], "NATURALCAD_SPACE": "off"}
    stack = Stack(tmp_path_factory.mktemp("faults"), env)
    try:
        stack.until(stack.healthy)
        yield stack
    finally:
        if stack.proc.poll() is None:
            stack.stop(signal.SIGINT)
    assert 500 not in stack.statuses


def test_the_stack_serves_a_part(stack):
    job_id = stack.post(QUICK.format(40))
    job = stack.wait_final([job_id], 90)[job_id]
    stl = next(a for a in job["artifacts"] if a["kind"] == "stl")
    assert stl_size(stack.http.get(stl["url"]).content) == pytest.approx([40, 40, 40], abs=1e-3)


def start_slow_build(stack: Stack, sizes) -> tuple[str, list[str]]:
    """A slow job caught while it builds, and quick jobs queued behind it."""
    slow = stack.post(SLOW.format(100 + sizes[0]))
    quick = [stack.post(QUICK.format(size)) for size in sizes]
    stack.until(lambda: stack.status(slow) == "running", 60, "the slow build running")
    return slow, quick


def test_a_worker_killed_mid_build_is_restarted_and_the_build_requeued(stack):
    slow, quick = start_slow_build(stack, (11, 12, 13))
    worker = stack.worker()
    worker.kill()
    jobs = stack.wait_final([slow, *quick], RECOVERY_WINDOW)
    assert {j["status"] for j in jobs.values()} == {"completed"}
    events = audit(stack, slow)
    assert any(e.get("reason") == "worker_lost" for e in events)
    assert runs(events) == 2  # the killed build, and the one that completed
    assert stack.worker().pid != worker.pid  # the supervisor started a new worker


def test_a_worker_stopped_mid_build_finishes_what_it_took_and_takes_no_new_job(stack):
    slow, quick = start_slow_build(stack, (21, 22, 23))
    jobs = [slow, *quick]
    # The worker runs two jobs at once: a second one waits, `running`, for the build slot.
    stack.until(lambda: stack.status(quick[0]) != "queued", 30, "a second job taken")
    worker = stack.worker()
    worker.send_signal(signal.SIGTERM)
    worker.wait(120)
    # The moment it is gone: every job it took is done (the slow build, and whichever job
    # waited for its slot); the rest were left, queued, to the next worker.
    taken = [runs(audit(stack, job)) == 1 for job in jobs]
    assert [stack.status(job) for job in jobs] == [
        "completed" if ran else "queued" for ran in taken
    ]
    assert taken[0] and not taken[-1]
    finished = stack.wait_final(quick, RECOVERY_WINDOW)
    assert {j["status"] for j in finished.values()} == {"completed"}
    assert [runs(audit(stack, job)) for job in jobs] == [1, 1, 1, 1]


def test_postgres_stopped_and_the_store_refusing_while_posting_and_building(stack, store):
    """Postgres down for 20 s and the store refusing for 30 s, from the same moment: the two
    outages overlap so that the suite waits 30 s, not 50."""
    proxy = store[0]
    slow, quick = start_slow_build(stack, (31, 32, 33))
    accepted = [slow, *quick]
    info = stack.stop_postgres()
    proxy.refuse_for(STORAGE_OUTAGE)
    stopped_at = time.monotonic()
    answers = []
    while time.monotonic() - stopped_at < POSTGRES_OUTAGE:
        answers += every_endpoint(stack, slow)
        time.sleep(0.5)
    stack.start_postgres(info)
    # The database is back and the store still refuses: health says so, posts are accepted.
    stack.until(lambda: stack.http.get("/health").json()["storage"] == "degraded", 10, "degraded")
    assert time.monotonic() < proxy.refuse_until
    for size in (34, 35, 36):
        response = stack.until(lambda s=size: accepted_post(stack, s, answers), 30, "posts")
        accepted.append(response.json()["id"])
    jobs = stack.wait_final(accepted, STORAGE_OUTAGE + RECOVERY_WINDOW)
    assert {j["status"] for j in jobs.values()} == {"completed"}
    assert answers, "no request was made during the outage"
    for path, response in answers:
        if path.startswith(("/admin/", "/spec/")):  # these need no database
            assert response.status_code in (200, 503)
            continue
        assert response.status_code == 503, (path, response.status_code, response.text[:300])
        assert int(response.headers["Retry-After"]) >= 1
        if path != "/health":
            assert response.json()["error"]["code"] == "unavailable"


def accepted_post(stack: Stack, size: int, answers: list):
    response = stack.http.post("/jobs", json={"prompt": QUICK.format(size)})
    if response.status_code == 202:
        return response
    answers.append((response.request.url.path, response))
    return None


def every_endpoint(stack: Stack, job_id: str) -> list:
    http = stack.http
    calls = [
        http.post("/jobs", json={"prompt": "a 5 mm cube"}),
        http.get(f"/jobs/{job_id}"),
        http.get(f"/jobs/{job_id}/artifacts"),
        http.post(f"/jobs/{job_id}/cancel"),
        http.post(f"/jobs/{job_id}/feedback", json={"rating": "up"}),
        http.get("/health"),
        http.get("/admin/", follow_redirects=True),
        http.get("/spec/schema"),
    ]
    return [(r.request.url.path, r) for r in calls]


def test_the_stack_stops_cleanly_after_the_faults(stack):
    running = stack.processes()
    assert len(running) >= 4  # API master and worker, the worker, its forkserver, postgres
    stack.stop(signal.SIGINT)
    assert not [p for p in running if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not (stack.pgdata / "postmaster.pid").exists()
