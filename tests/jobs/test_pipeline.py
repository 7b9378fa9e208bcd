import hashlib
import threading
import time

import psutil
import pytest
from django.core.files.storage import default_storage
from django.db import connection

from artifacts.models import Artifact
from audit.models import AuditEvent
from jobs import pipeline, services
from jobs.models import JobStatus
from naturalcad.errors import CodedError
from naturalcad.geometry import runner
from tests.conftest import stl_size

pytestmark = pytest.mark.slow
DRAWINGS = {"drawing_dxf", "drawing_svg", "drawing_pdf"}
SOURCES = {"spec", "py", "log"}  # how the part was made: every job has them


def statuses(job) -> list[str]:
    return [
        e.details_json["to"] for e in AuditEvent.objects.filter(job=job, event_type="job.status")
    ]


def test_a_cube_job_completes_with_stored_files(make_job):
    job = make_job(JobStatus.QUEUED, prompt="a 40 mm cube")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error_text
    assert statuses(job)[-2:] == ["running", "completed"]
    assert job.spec_json["geometry"]["features"][0]["feature_type"] == "box"
    artifacts = {a.kind: a for a in job.artifacts.all()}
    assert set(artifacts) == {"stl", "step", "glb", "png", *DRAWINGS, *SOURCES}
    stl = default_storage.open(artifacts["stl"].storage_key).read()
    assert hashlib.sha256(stl).hexdigest() == artifacts["stl"].sha256
    assert len(stl) == artifacts["stl"].size_bytes
    assert stl_size(stl) == pytest.approx([40, 40, 40], abs=1e-3)
    assert default_storage.open(artifacts["step"].storage_key).read().startswith(b"ISO-10303-21")


def test_a_drawing_that_overruns_costs_only_the_drawing(make_job, settings):
    settings.DRAWING_TIMEOUT_SECONDS = 0.001  # no drawing is made this fast: a real overrun
    job = make_job(JobStatus.QUEUED, prompt="a 40 mm cube")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error_text
    artifacts = {a.kind: a for a in job.artifacts.all()}
    assert set(artifacts) == {"stl", "step", "glb", "png", *SOURCES}
    log = default_storage.open(artifacts["log"].storage_key).read().decode()
    assert "  - drawing left out: the drawing took longer than" in log
    assert artifacts["log"].content_type.startswith("text/plain")


def test_a_drawing_names_its_job(make_job):
    job = make_job(JobStatus.QUEUED, prompt="a 40 mm cube")
    pipeline.run_job(str(job.id))
    svg = job.artifacts.get(kind="drawing_svg")
    assert svg.content_type == "image/svg+xml"
    assert svg.download_name == f"naturalcad-{str(job.id)[:8]}-drawing.svg"
    assert f"JOB {job.id}".encode() in default_storage.open(svg.storage_key).read()
    assert svg.storage_key.endswith(".svg")


def test_an_unreadable_prompt_fails_with_a_code_and_no_files(make_job, media_root):
    job = make_job(JobStatus.QUEUED, prompt="make me a sandwich")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "prompt_not_understood")
    assert "40 mm cube" in job.error_text  # the message says what would work
    assert not Artifact.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_auto_becomes_the_output_type_the_reading_chose_and_the_notes_say_why(make_job):
    job = make_job(
        JobStatus.QUEUED,
        prompt="laser cut plate 100 x 50 with four 6 mm corner holes",
        output_type="auto",
        mode="auto",
    )
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED, job.error_text
    assert (job.output_type, job.mode) == ("2d_vector", "sketch")
    assert "output type 2d_vector, read from the prompt" in job.spec_json["notes"]
    assert {"dxf", "svg", "png"} <= {a.kind for a in job.artifacts.all()}


def test_an_asked_output_type_is_built_even_when_the_prompt_says_otherwise(make_job):
    prompt = "laser cut plate 100 x 50 x 3 with four 6 mm corner holes"
    job = make_job(JobStatus.QUEUED, prompt=prompt, output_type="3d_solid", mode="part")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert (job.status, job.output_type) == (JobStatus.COMPLETED, "3d_solid")
    assert {"stl", "step", "glb", "png"} <= {a.kind for a in job.artifacts.all()}


def test_a_partly_read_prompt_fails_naming_the_unread_words_and_builds_nothing(make_job):
    job = make_job(JobStatus.QUEUED, prompt="a 40 mm cube with a dragon engraved on top")
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "prompt_partly_understood")
    assert job.error_text == (
        "I read a 40 x 40 x 40 mm cube; I could not place 'dragon engraved on top'."
    )
    assert not Artifact.objects.exists()


def test_a_geometry_error_fails_the_job(make_job, monkeypatch):
    def broken(spec, job_id=""):
        raise CodedError("geometry_timeout", "the build took longer than 60 s")

    monkeypatch.setattr(pipeline, "build_isolated", broken)
    job = make_job(JobStatus.QUEUED)
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "geometry_timeout")


def test_an_unexpected_crash_still_ends_the_job(make_job, monkeypatch):
    def crash(spec, job_id=""):
        raise ZeroDivisionError

    monkeypatch.setattr(pipeline, "build_isolated", crash)
    job = make_job(JobStatus.QUEUED)
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "internal_error")


def test_a_job_canceled_during_the_build_keeps_no_files(make_job, media_root, monkeypatch):
    job = make_job(JobStatus.QUEUED)
    real_build = pipeline.build_isolated

    def build_then_cancel(spec, job_id=""):
        files = real_build(spec, job_id)
        job.refresh_from_db()
        job.transition(JobStatus.CANCELED)
        return files

    monkeypatch.setattr(pipeline, "build_isolated", build_then_cancel)
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELED
    assert not Artifact.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_a_job_that_is_not_queued_is_not_run(make_job):
    job = make_job(JobStatus.CANCELED)
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELED
    assert "running" not in statuses(job)


def test_geometry_errors_carry_their_code():
    error = CodedError("hole_outside_body", "misses")
    assert (error.code, error.message) == ("hole_outside_body", "misses")


def test_a_spec_bomb_is_refused_with_a_short_error(make_job, api):
    # The rules reader turns this into 1000 hole positions, more than a feature may have.
    job = make_job(JobStatus.QUEUED, prompt=SPEC_BOMB)
    pipeline.run_job(str(job.id))
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.FAILED, "spec_invalid")
    assert "(at $.geometry.features[" in job.error_text  # the path survives the cut
    assert len(job.error_text) <= 500
    assert len(api.get(f"/jobs/{job.id}").content) < 20_000


SPEC_BOMB = "a 400 x 400 x 5 plate with 1000 2mm holes in a 40 x 25 grid"
# Builds for about a second warm: long enough to be caught in the act.
SLOW_PROMPT = "a 100 x 100 x 5 plate with 16 3mm holes in a 4 x 4 grid"


def kill_build_children(times: int, stop: threading.Event, killed: set[int]) -> None:
    """Kill the geometry child `times` times, each as soon as it exists."""
    forkserver_children = lambda: [  # noqa: E731
        c for p in psutil.Process().children() for c in p.children() if c.is_running()
    ]
    while len(killed) < times and not stop.is_set():
        for child in forkserver_children():
            if child.pid not in killed:  # the only child is the one given this job
                child.kill()
                killed.add(child.pid)
        time.sleep(0.02)


@pytest.mark.parametrize(("kills", "outcome"), [(1, "completed"), (2, "geometry_crashed")])
def test_a_geometry_child_killed_from_outside_is_retried_once(make_job, kills, outcome):
    runner.stop_idle_children()  # the only child is the one that builds this job
    job = make_job(JobStatus.QUEUED, prompt=SLOW_PROMPT.replace("100 x", f"{100 + kills} x"))
    stop, killed = threading.Event(), set()
    killer = threading.Thread(target=kill_build_children, args=(kills, stop, killed))
    killer.start()
    try:
        pipeline.run_job(str(job.id))
    finally:
        stop.set()
        killer.join()
    job.refresh_from_db()
    assert len(killed) == kills
    assert (job.error_code or job.status) == outcome, job.error_text


# Two jobs at once, as the worker runs WORKER_CONCURRENCY tasks: each thread has its own
# database connection, so the rows must be committed (a transactional test).
at_once = pytest.mark.django_db(transaction=True)


def run_at_once(*jobs) -> None:
    def run(job_id: str) -> None:
        try:
            pipeline.run_job(job_id)
        finally:
            connection.close()  # this thread's own connection, before the test database goes

    threads = [threading.Thread(target=run, args=(str(job.id),), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a job never finished"


@pytest.fixture
def slot_awaited(monkeypatch) -> threading.Event:
    """Set once a job has to wait for the build slot (the one slot of this process)."""
    awaited = threading.Event()

    class WatchedSlot(threading.BoundedSemaphore):
        def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
            if super().acquire(blocking=False):
                return True
            awaited.set()
            return super().acquire(blocking, timeout)

        __enter__ = acquire  # the base class binds its own acquire to `with`

    monkeypatch.setattr(pipeline, "_build_slots", WatchedSlot(1))
    return awaited


def geometry_children() -> list[psutil.Process]:
    return [c for p in psutil.Process().children() for c in p.children() if c.is_running()]


@at_once
def test_a_second_job_builds_while_the_first_stores_its_files(make_job, monkeypatch):
    jobs = [make_job(prompt=f"a {size} mm cube") for size in (41, 42)]
    started: list[str] = []  # job ids, in the order their builds started
    both_started = threading.Event()
    real_build, real_complete = pipeline.build_isolated, pipeline._complete

    def build(spec, job_id=""):
        started.append(job_id)
        if len(started) == 2:
            both_started.set()
        return real_build(spec, job_id)

    def complete(job_id, files):
        # The job built first stores its files only once the other job builds: were the
        # build slot held while storing, neither could go on, and the first job would fail.
        if str(job_id) == started[0]:
            assert both_started.wait(30), "the second build waited for the first job's storing"
        return real_complete(job_id, files)

    monkeypatch.setattr(pipeline, "build_isolated", build)
    monkeypatch.setattr(pipeline, "_complete", complete)
    run_at_once(*jobs)
    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.COMPLETED, job.error_text
    assert sorted(started) == sorted(str(job.id) for job in jobs)


@at_once
def test_two_jobs_at_once_build_one_at_a_time_in_one_child(make_job, monkeypatch, slot_awaited):
    runner.stop_idle_children()
    jobs = [make_job(prompt=f"a {size} mm cube") for size in (43, 44)]
    building: set[str] = set()
    most = [0]  # the most builds seen at once
    other_ready = slot_awaited  # also set below, should the other job (wrongly) build at once
    real_build = pipeline.build_isolated

    def build(spec, job_id=""):
        building.add(job_id)
        most[0] = max(most[0], len(building))
        if len(building) == 2:
            other_ready.set()
        try:
            assert other_ready.wait(30)  # the first build lasts until the other job is ready
            return real_build(spec, job_id)
        finally:
            building.discard(job_id)

    monkeypatch.setattr(pipeline, "build_isolated", build)
    run_at_once(*jobs)
    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.COMPLETED, job.error_text
    assert most[0] == 1
    assert len(geometry_children()) == 1  # one warm child, reused by both builds


@at_once
def test_a_job_canceled_while_it_waits_for_the_build_slot_keeps_no_files(
    make_job, monkeypatch, slot_awaited
):
    jobs = [make_job(prompt=f"a {size} mm cube") for size in (45, 46)]
    built: list[str] = []
    real_build = pipeline.build_isolated

    def build(spec, job_id=""):
        if not built:  # the first build cancels the job that waits for its slot
            assert slot_awaited.wait(30), "the other job never waited for the slot"
            services.cancel_job(next(str(job.id) for job in jobs if str(job.id) != job_id))
        built.append(job_id)
        return real_build(spec, job_id)

    monkeypatch.setattr(pipeline, "build_isolated", build)
    run_at_once(*jobs)
    first, other = sorted(jobs, key=lambda job: str(job.id) != built[0])
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.status == JobStatus.COMPLETED, first.error_text
    assert other.status == JobStatus.CANCELED
    assert not other.artifacts.exists()
    assert "completed" not in statuses(other)
