"""The rules interpreter's speed, and prompt-to-files time on the rules path.

    python -m naturalcad.stack exec -- python bench/interpret.py     (or: make bench)

Prints prompts per second for the everyday-prompt table (target: >= 1,000), beside the
schema validation of the same specs measured in the same run as a baseline, and the median
time from POST-equivalent submission to stored files with a warm worker (target: <= 1 s).
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
from naturalcad.geometry import runner  # noqa: E402
from naturalcad.interpret.rules import interpret  # noqa: E402
from naturalcad.spec.validate import validate_spec  # noqa: E402
from tests.naturalcad.test_interpret import BOUNDED, FLAT, SOLIDS  # noqa: E402

PROMPTS = [row[0] for row in SOLIDS + BOUNDED + FLAT]
ROUNDS = 20


def rate(function, items) -> float:
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for item in items:
            function(item)
    return ROUNDS * len(items) / (time.perf_counter() - start)


def prompt_to_files(prompt: str) -> float:
    client = Client(tier="trusted", ip_hash="bench")
    data = {"prompt": prompt, "output_type": "3d_solid", "mode": "part"}
    start = time.perf_counter()
    job, _ = services.submit_job(data, client=client, idempotency_key=None)
    pipeline.run_job(str(job.id))
    elapsed = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == "completed", job.error_text
    return elapsed


def main() -> None:
    specs = [interpret(p) for p in PROMPTS]
    interpreting = rate(interpret, PROMPTS)
    validating = rate(validate_spec, specs)
    call_command("migrate", verbosity=0)
    settings.MAX_UNFINISHED_PER_KEY = 10**6
    runner.warm_up(settings.GEOMETRY_MEMORY_MB)
    prompts = [
        f"a {60 + i} x 40 mm plate, 5 mm thick, with four 5 mm corner holes" for i in range(15)
    ]
    end_to_end = statistics.median(prompt_to_files(p) for p in prompts)
    print(
        f"rules interpreter: {interpreting:8.0f} prompts/s over {len(PROMPTS)} prompts "
        f"(target >= 1000); schema validation of the same specs: {validating:.0f}/s; "
        f"interpret / validate time ratio: {validating / interpreting:.2f}"
    )
    print(
        f"prompt to stored files, rules path, warm worker: median {end_to_end * 1000:.0f} ms "
        f"over {len(prompts)} new parts (target <= 1000 ms)"
    )


if __name__ == "__main__":
    main()
