"""Time of a repeated part (reused from stored files) as a fraction of its first build.

    make bench            # or: python -m naturalcad.stack exec -- python bench/reuse.py

Both are measured in this run, through the worker's own pipeline (`run_job`) with a warm
geometry forkserver, so machine noise affects baseline and repeat alike. Target: <= 5 %.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naturalcad.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="naturalcad-bench-"))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from jobs import pipeline, services  # noqa: E402
from jobs.access import Client  # noqa: E402
from jobs.models import Job  # noqa: E402
from naturalcad.geometry import runner  # noqa: E402

TRIALS = int(os.environ.get("BENCH_TRIALS", "15"))


def timed_job(prompt: str) -> tuple[float, Job]:
    data = {"prompt": prompt, "output_type": "3d_solid", "mode": "part"}
    client = Client(tier="trusted", ip_hash="bench")
    job, _ = services.submit_job(data, client=client, idempotency_key=None)
    start = time.perf_counter()
    pipeline.run_job(str(job.id))
    elapsed = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == "completed", (job.error_code, job.error_text)
    return elapsed, job


def main() -> None:
    call_command("migrate", verbosity=0)
    settings.MAX_UNFINISHED_PER_KEY = 10**6
    runner.warm_up(settings.GEOMETRY_MEMORY_MB)
    firsts, repeats = [], []
    for trial in range(TRIALS):
        prompt = f"a {100 + trial} x 60 mm plate, 5 mm thick, with four 6 mm corner holes"
        first, _ = timed_job(prompt)
        repeat, job = timed_job(prompt)
        assert job.reused_from_id is not None
        firsts.append(first)
        repeats.append(repeat)
    first, repeat = statistics.median(firsts), statistics.median(repeats)
    print(f"trials: {TRIALS} (plate with four holes, local storage, warm forkserver)")
    print(f"first build, median:  {first * 1000:8.1f} ms")
    print(f"repeat (reused), median: {repeat * 1000:5.1f} ms")
    print(f"repeat / first: {repeat / first:.3f}  (target <= 0.05)")


if __name__ == "__main__":
    main()
