"""A real worker process: queue pickup, prompt to `completed`, throughput, memory.

    python -m naturalcad.stack exec -- python bench/worker.py     (or: make bench)

Starts `manage.py run_worker` on this run's Postgres and local storage, warms it with one job,
then prints, each against a baseline measured in this run where there is one:
- queue pickup, median: from the job's `queued` to its `running` audit event (target <= 20 ms);
- prompt to `completed` on the rules path, median over new plates submitted one at a time
  (target <= 250 ms);
- pipeline throughput: the same everyday prompts through the worker (queue, job rows, storage,
  audit; two jobs at once, one build at a time as deployed: WORKER_CONCURRENCY and
  GEOMETRY_BUILD_SLOTS at their defaults), as a fraction of a raw in-process loop of
  interpret + isolated build over them (target >= 90 %). Raw loop and worker take turns for
  BENCH_ROUNDS rounds (new sizes each round, so nothing completes by reuse); the figure is
  each side's fastest round, the one least disturbed by whatever else runs on the machine
  (as `timeit` takes the minimum), and every round is printed with the CPU that other
  processes took meanwhile;
- the worker's memory (proportional set size of its process tree: worker, forkserver,
  geometry child) idle and at its busiest during the throughput run (target: busy <= 600 MB).
"""

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naturalcad.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="naturalcad-bench-"))
os.environ.setdefault("MAX_UNFINISHED_PER_KEY", "1000000")

import django  # noqa: E402

django.setup()

import psutil  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from audit.models import AuditEvent  # noqa: E402
from jobs import pipeline, services  # noqa: E402
from jobs.access import Client  # noqa: E402
from jobs.models import FINAL_STATUSES, Job, JobStatus  # noqa: E402
from naturalcad.geometry import runner  # noqa: E402

CLIENT = Client(tier="trusted", ip_hash="bench")
LATENCY_TRIALS = int(os.environ.get("BENCH_TRIALS", "15"))
THROUGHPUT_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def everyday(round_: int) -> list[str]:
    """20 everyday prompts of the rules interpreter, each a different part, and different
    from every other round's (no reuse between them)."""
    at = 8 * round_
    return [
        *(
            f"a {70 + at + i} x 40 mm plate, 5 mm thick, with four 5 mm corner holes"
            for i in range(8)
        ),
        *(f"a {30 + at + i} mm cube" for i in range(4)),
        *(f"a washer {20 + at + i} mm outer diameter, 8 mm hole, 2 mm thick" for i in range(4)),
        *(
            f"a tube {30 + at + i} mm outer diameter, 24 mm inner diameter, 50 mm long"
            for i in range(4)
        ),
    ]


def submit(prompt: str) -> Job:
    data = {"prompt": prompt, "output_type": "3d_solid", "mode": "part"}
    job, _ = services.submit_job(data, client=CLIENT, idempotency_key=None)
    return job


def wait_final(jobs: list[Job], timeout: float = 300) -> None:
    """Poll the rows (the bench's own process cannot LISTEN through the worker's events),
    seldom while many jobs are left, every 20 ms for the last: each poll is CPU taken from
    the worker it times, and with one build at a time no job takes less than 40 ms."""
    ids = [job.id for job in jobs]
    deadline = time.monotonic() + timeout
    while left := Job.objects.filter(id__in=ids).exclude(status__in=FINAL_STATUSES).count():
        if time.monotonic() > deadline:
            raise TimeoutError("the worker did not finish in time")
        time.sleep(max(0.02, 0.04 * (left - 1)))
    failed = Job.objects.filter(id__in=ids).exclude(status=JobStatus.COMPLETED)
    assert not failed.exists(), list(failed.values_list("prompt", "error_code", "error_text"))


def status_times(job: Job) -> dict[str, float]:
    """When the job reached each status, by the database's clock (audit events)."""
    events = AuditEvent.objects.filter(job=job, event_type="job.status")
    return {e.details_json["to"]: e.created_at.timestamp() for e in events}


def tree_memory(process: psutil.Process) -> int:
    """Proportional set size of the worker and its children: the forked geometry child shares
    most of its pages with the forkserver, and a plain sum of RSS would count them twice."""
    processes = [process, *process.children(recursive=True)]
    total = 0
    for each in processes:
        with contextlib.suppress(psutil.NoSuchProcess):  # a child that just exited
            total += each.memory_full_info().pss
    return total


class PeakMemory(threading.Thread):
    def __init__(self, process: psutil.Process):
        super().__init__(daemon=True)
        self.process, self.peak, self.stopped = process, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.25):  # a reading: about 30 ms of CPU walking smaps
            self.peak = max(self.peak, tree_memory(self.process))


class OthersCpu:
    """CPU time the machine spent outside this bench's processes (itself, the worker's tree,
    Postgres) while it runs: the load that other tenants of the machine put on it."""

    def __init__(self, own: list[psutil.Process]) -> None:
        self.own = own

    def __enter__(self) -> "OthersCpu":
        self.started, self.busy, self.mine = time.perf_counter(), _busy(), self._mine()
        return self

    def __exit__(self, *exc: object) -> None:
        seconds = time.perf_counter() - self.started
        mine = self._mine()
        # a process that ended meanwhile (a retired geometry child) counts as another's
        ours = sum(cpu - self.mine.get(pid, 0.0) for pid, cpu in mine.items())
        self.cores = (_busy() - self.busy - ours) / seconds

    def _mine(self) -> dict[int, float]:
        cpu = {}
        for root in self.own:
            for each in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    times = each.cpu_times()
                    cpu[each.pid] = times.user + times.system
        return cpu


def _busy() -> float:
    """Seconds of CPU the whole machine has spent busy since it started (steal included: a
    neighbour's time on our cores)."""
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq + t.steal


def postgres() -> psutil.Process:
    """The server of this run's database, whose children are its backends."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return psutil.Process(cursor.fetchone()[0]).parent()


def raw_loop(prompts: list[str]) -> float:
    """Interpret and build every prompt in this process through a warm isolated child."""
    start = time.perf_counter()
    for prompt in prompts:
        spec, _ = pipeline.derive_spec(prompt, "3d_solid", "part")
        pipeline.build_isolated(spec)
    return time.perf_counter() - start


def main() -> None:
    call_command("migrate", verbosity=0)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"], cwd=ROOT, stderr=subprocess.DEVNULL
    )
    try:
        runner.warm_up(settings.GEOMETRY_MEMORY_MB)
        warm = submit("a 12 x 34 mm plate, 3 mm thick, with four 3 mm corner holes")
        wait_final([warm])
        process = psutil.Process(worker.pid)
        time.sleep(1)  # let the worker settle back to idle after its first job
        idle = tree_memory(process)
        idle_worker = process.memory_info().rss
        pickups, latencies = [], []
        for i in range(LATENCY_TRIALS):
            job = submit(f"a {60 + i} x 45 mm plate, 5 mm thick, with four 5 mm corner holes")
            wait_final([job])
            times = status_times(job)
            pickups.append(times["running"] - times["queued"])
            latencies.append(times["completed"] - times["submitted"])
        own = [psutil.Process(), postgres()]
        rounds = []
        for round_ in range(THROUGHPUT_ROUNDS):
            prompts = everyday(round_)
            with OthersCpu(own) as raw_others:
                raw = raw_loop(prompts)
            with OthersCpu(own) as piped_others:
                start = time.perf_counter()
                jobs = [submit(p) for p in prompts]
                wait_final(jobs)
                piped = time.perf_counter() - start
            rounds.append((raw, piped, raw_others.cores, piped_others.cores))
        # The busy memory in a round of its own, untimed: its readings would slow a timed one.
        peak = PeakMemory(process)
        peak.start()
        wait_final([submit(p) for p in everyday(THROUGHPUT_ROUNDS)])
        peak.stopped.set()
        peak.join()
    finally:
        worker.terminate()
        worker.wait(60)
    mb = 1024 * 1024
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"queue pickup, median over {LATENCY_TRIALS}: {statistics.median(pickups) * 1000:6.1f} ms"
        "  (target <= 20 ms)"
    )
    print(
        f"prompt to completed, rules path, warm worker, median: "
        f"{statistics.median(latencies) * 1000:6.1f} ms  (target <= 250 ms)"
    )
    for number, (raw, piped, raw_others, piped_others) in enumerate(rounds, 1):
        print(
            f"round {number}: 20 everyday prompts, raw in-process loop {raw:.2f} s, through the"
            f" worker {piped:.2f} s: {raw / piped:.0%}; other processes' CPU meanwhile"
            f" {raw_others:.2f} and {piped_others:.2f} cores"
        )
    raw, piped = min(r[0] for r in rounds), min(r[1] for r in rounds)
    print(
        f"pipeline / raw throughput, each side's fastest of {len(rounds)} rounds: raw {raw:.2f} s,"
        f" worker {piped:.2f} s: {raw / piped:.0%}  (target >= 90 %)"
    )
    print(
        f"worker memory (PSS of worker + forkserver + geometry child): idle {idle / mb:.0f} MB,"
        f" busy {peak.peak / mb:.0f} MB  (target: busy <= 600 MB); the worker process alone:"
        f" RSS {idle_worker / mb:.0f} MB idle"
    )


if __name__ == "__main__":
    main()
