"""Two worker processes on one queue: every job built exactly once, and their throughput
against one worker's.

    python -m naturalcad.stack exec -- python bench/scale_out.py

Each round starts N real worker processes (`manage.py run_worker`, each with its own
geometry children), warms them on a few jobs, then queues 200 new parts (cubes of distinct
sizes, so none completes by reuse) and times until every one is final. Every job must be
completed and built exactly once, as counted from the audit trail. Both rounds run in this
process's database, one after the other, so machine noise affects both alike.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naturalcad.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="naturalcad-bench-"))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from audit.models import AuditEvent  # noqa: E402
from jobs.models import FINAL_STATUSES, Job, JobStatus  # noqa: E402
from jobs.tasks import build_job  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

JOBS = int(os.environ.get("BENCH_JOBS", "200"))
WARM_UP = 4


def start_worker(env: dict, log) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "run_worker"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


@contextmanager
def workers(count: int, env: dict, log_dir: Path) -> Iterator[list[subprocess.Popen]]:
    """`count` worker processes, stopped (SIGTERM) on the way out."""
    procs = [start_worker(env, (log_dir / f"worker{n}.log").open("w")) for n in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(60)


def wait_idle(procs: list[subprocess.Popen], timeout: float) -> None:
    """Until no job is active; fails if a worker exits or time runs out."""
    deadline = time.monotonic() + timeout
    while Job.objects.exclude(status__in=FINAL_STATUSES).exists():
        assert time.monotonic() < deadline, f"the workers did not finish in {timeout} s"
        assert all(p.poll() is None for p in procs), "a worker exited"
        time.sleep(0.2)


def build_counts(job_ids=None) -> dict[tuple[int, int], int]:
    """{(times run, times completed): number of jobs}, from the audit trail."""
    events = AuditEvent.objects.filter(event_type="job.status")
    if job_ids is not None:
        events = events.filter(job_id__in=job_ids)
    per_job = events.values("job").annotate(
        runs=Count("id", filter=Q(details_json__to="running")),
        completions=Count("id", filter=Q(details_json__to="completed")),
    )
    return dict(Counter((row["runs"], row["completions"]) for row in per_job))


def queue(sizes) -> list[str]:
    """Queue a cube per size in one transaction, so that the workers see them all at once."""
    ids = []
    with transaction.atomic():
        for size in sizes:
            prompt = f"a {size} mm cube"
            job = Job.objects.create(prompt=prompt, normalized_prompt=prompt)
            job.transition(JobStatus.VALIDATED)
            job.transition(JobStatus.QUEUED)
            build_job.defer(job_id=str(job.id))
            ids.append(str(job.id))
    return ids


def round_of(count: int, first_size: int, log_dir: Path) -> float:
    """Jobs per second of `count` worker processes over JOBS new parts, after a warm-up."""
    with workers(count, dict(os.environ), log_dir) as procs:
        queue(range(first_size, first_size + WARM_UP))
        wait_idle(procs, timeout=600)
        start = time.perf_counter()
        ids = queue(range(first_size + WARM_UP, first_size + WARM_UP + JOBS))
        wait_idle(procs, timeout=3600)
        elapsed = time.perf_counter() - start
    counts = build_counts(ids)
    assert counts == {(1, 1): JOBS}, f"not every job was built exactly once: {counts}"
    return JOBS / elapsed


def main() -> None:
    call_command("migrate", verbosity=0)
    log_dir = Path(tempfile.mkdtemp(prefix="naturalcad-scale-"))
    one = round_of(1, 10, log_dir)
    two = round_of(2, 10 + JOBS + WARM_UP, log_dir)
    print(f"{JOBS} jobs each built exactly once (audit trail), one worker: {one:.2f} jobs/s")
    print(f"two workers: {two:.2f} jobs/s; two / one: {two / one:.2f}")


if __name__ == "__main__":
    main()
