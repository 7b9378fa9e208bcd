"""An edit by dimensions, round trip: POST /jobs with a parent and new dimensions, to
`completed`, through a real warm worker process.

    python -m naturalcad.stack exec -- python bench/edit.py     (or: make bench)

Posts a plate with named sizes as a spec, then, one at a time, edits of its length by
dimensions (each a new size, so no part is reused) and, as the baseline measured in the same
run, the same plates posted as fresh specs. Latency is from the job's `submitted` to its
`completed` audit event (the database's clock), plus the POST itself, measured by the
client. Prints the p50 of each and their ratio (target: the edit's p50 <= 300 ms).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naturalcad.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="naturalcad-bench-"))
os.environ.setdefault("RATE_LIMIT_ANONYMOUS", "100000/m")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")  # the in-process client's host
os.environ.setdefault("MAX_UNFINISHED_PER_CLIENT", "1000000")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from audit.models import AuditEvent  # noqa: E402
from jobs.models import FINAL_STATUSES, Job, JobStatus  # noqa: E402
from naturalcad.geometry import runner  # noqa: E402

TRIALS = int(os.environ.get("BENCH_TRIALS", "15"))
TARGET_MS = 300


def plate(length: float) -> dict:
    """A plate with four corner holes whose positions follow its named sizes."""
    x = ["length / 2 - edge_offset", "-length / 2 + edge_offset"]
    y = ["width / 2 - edge_offset", "-width / 2 + edge_offset"]
    corners = [[x[0], y[0]], [x[0], y[1]], [x[1], y[0]], [x[1], y[1]]]
    return {
        "spec_version": "1.1",
        "mode": "part",
        "output_type": "3d_solid",
        "units": "mm",
        "dimensions": dict(length=length, width=70, thickness=5, hole_diameter=6, edge_offset=7),
        "geometry": {
            "features": [
                dict(
                    name="plate",
                    feature_type="box",
                    length="length",
                    width="width",
                    height="thickness",
                ),
                dict(
                    name="holes", feature_type="hole", diameter="hole_diameter", positions=corners
                ),
            ]
        },
    }


def post(api: Client, body: dict, secret: str = "") -> tuple[dict, float]:
    started = time.perf_counter()
    answer = api.post("/jobs", body, content_type="application/json", HTTP_X_JOB_SECRET=secret)
    posted = time.perf_counter() - started
    assert answer.status_code == 202, answer.json()
    return answer.json(), posted


def wait_completed(job_id: str, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while not Job.objects.filter(id=job_id, status__in=FINAL_STATUSES).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the worker did not finish in time")
        time.sleep(0.005)
    job = Job.objects.get(id=job_id)
    assert job.status == JobStatus.COMPLETED, (job.error_code, job.error_text)
    return job


STAGES: dict[str, list[float]] = {"pickup": [], "in the worker": []}


def round_trip(job: Job) -> float:
    events = AuditEvent.objects.filter(job=job, event_type="job.status")
    times = {e.details_json["to"]: e.created_at.timestamp() for e in events}
    if job.origin == "dimensions":
        STAGES["pickup"].append(times["running"] - times["queued"])
        STAGES["in the worker"].append(times["completed"] - times["running"])
    return times["completed"] - times["submitted"]


def main() -> None:
    call_command("migrate", verbosity=0)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"], cwd=ROOT, stderr=subprocess.DEVNULL
    )
    api = Client()
    edits, fresh = [], []
    try:
        runner.warm_up(settings.GEOMETRY_MEMORY_MB)
        parent, _ = post(api, {"spec": plate(120)})
        wait_completed(parent["id"])
        post_ms = []
        for i in range(TRIALS):
            # interleaved, so that a busy spell on the machine costs both alike
            body = {"parent": parent["id"], "dimensions": {"length": 130 + i}}
            edit, posted = post(api, body, parent["secret"])
            edits.append(round_trip(wait_completed(edit["id"])) + posted)
            post_ms.append(posted)
            baseline, posted = post(api, {"spec": plate(130 + i + 0.5)})
            fresh.append(round_trip(wait_completed(baseline["id"])) + posted)
            assert edit["version"] == 2 and Job.objects.get(id=edit["id"]).model_info_json == {
                "path": "dimensions",
                "provider": None,
                "model": None,
            }
    finally:
        worker.terminate()
        worker.wait(60)
    edit_p50, fresh_p50 = statistics.median(edits) * 1000, statistics.median(fresh) * 1000
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"POST /jobs with parent + dimensions, median: {statistics.median(post_ms) * 1000:.1f} ms"
    )
    print(
        f"edit by dimensions, POST -> completed, warm worker, p50 over {TRIALS}: "
        f"{edit_p50:.1f} ms  (target <= {TARGET_MS} ms)"
    )
    stages = ", ".join(f"{k} {statistics.median(v) * 1000:.1f} ms" for k, v in STAGES.items())
    print(f"of the edit: {stages}")
    print(f"the same plate posted as a fresh spec, p50: {fresh_p50:.1f} ms")
    print(f"edit / fresh spec: {edit_p50 / fresh_p50:.2f}")


if __name__ == "__main__":
    main()
