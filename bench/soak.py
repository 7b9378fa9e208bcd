"""Soak: mixed load on a real stack while its worker is killed and its Postgres restarted.

    python bench/soak.py                       # 10 minutes, defaults below
    SOAK_MINUTES=2 SOAK_KILL_EVERY=20 SOAK_RESTART_EVERY=45 python bench/soak.py

Starts `python -m naturalcad.stack run` (own data directory, embedded Postgres, no Space),
posts a mix of prompts (new parts, repeats that reuse, slow plates, unreadable prompts, spec
bombs) for SOAK_MINUTES, kills the worker with SIGKILL every SOAK_KILL_EVERY seconds and
stops Postgres (immediate mode) for SOAK_OUTAGE seconds every SOAK_RESTART_EVERY seconds.
Then it waits for the stack to drain and prints what was submitted, how it ended (completed,
failed by code) and how many jobs were lost: still not final, which must be 0. Not in
`make test`: it takes minutes by design.
"""

import itertools
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.faults import GENEROUS, Stack

MINUTES = float(os.environ.get("SOAK_MINUTES", "10"))
KILL_EVERY = float(os.environ.get("SOAK_KILL_EVERY", "45"))
RESTART_EVERY = float(os.environ.get("SOAK_RESTART_EVERY", "120"))
OUTAGE = float(os.environ.get("SOAK_OUTAGE", "10"))
POST_EVERY = float(os.environ.get("SOAK_POST_EVERY", "1"))
DRAIN_SECONDS = 600


def prompts():
    """An endless mix: mostly new parts, some repeats, slow plates and refusals."""
    for n in itertools.count():
        kind = n % 10
        if kind in (0, 1, 2, 3):
            yield f"a {20 + n} mm cube"
        elif kind == 4:
            yield "a 40 mm cube"  # a repeat: completes from stored files
        elif kind == 5:
            yield f"a {100 + n} x 100 x 5 plate with 16 3mm holes in a 4 x 4 grid"
        elif kind == 6:
            yield f"a {30 + n} x 20 x 10 block with a 5 mm hole"
        elif kind == 7:
            yield "make me a sandwich"  # not understood
        elif kind == 8:
            yield "a 400 x 400 x 5 plate with 1000 2mm holes in a 40 x 25 grid"  # refused
        else:
            yield f"a washer {10 + n % 50} mm outside, 5 mm inside, 2 mm thick"


class Soak:
    def __init__(self, stack: Stack):
        self.stack = stack
        self.done = threading.Event()
        self.answers: Counter = Counter()
        self.kills = self.restarts = 0

    def post(self) -> None:
        for prompt in prompts():
            if self.done.wait(POST_EVERY):
                return
            try:
                response = self.stack.http.post("/jobs", json={"prompt": prompt})
                self.answers[response.status_code] += 1
            except Exception as exc:  # a refused connection counts, and the load goes on
                self.answers[type(exc).__name__] += 1

    def kill_workers(self) -> None:
        while not self.done.wait(KILL_EVERY):
            try:
                self.stack.worker().kill()
                self.kills += 1
            except Exception as exc:
                print(f"[soak] no worker to kill: {exc}", flush=True)

    def restart_postgres(self) -> None:
        while not self.done.wait(RESTART_EVERY):
            info = self.stack.stop_postgres()
            time.sleep(OUTAGE)
            self.stack.start_postgres(info)
            self.restarts += 1


def outcome(stack: Stack) -> Counter:
    rows = stack.query("SELECT status, error_code, count(*) FROM jobs_job GROUP BY 1, 2")
    return Counter({(status, code): n for status, code, n in rows})


def main() -> int:
    env = {**GENEROUS, "NATURALCAD_SPACE": "off"}
    stack = Stack(Path(tempfile.mkdtemp(prefix="naturalcad-soak-")), env)
    try:
        stack.until(stack.healthy, 120, "the stack up")
        soak = Soak(stack)
        threads = [
            threading.Thread(target=work)
            for work in (soak.post, soak.kill_workers, soak.restart_postgres)
        ]
        for thread in threads:
            thread.start()
        time.sleep(MINUTES * 60)
        soak.done.set()
        for thread in threads:
            thread.join()
        drain_started = time.monotonic()
        deadline = drain_started + DRAIN_SECONDS
        while time.monotonic() < deadline:
            ended = outcome(stack)
            if not any(status in ("queued", "running") for status, _ in ended):
                break
            time.sleep(2)
        drained = time.monotonic() - drain_started
        report(soak, outcome(stack), drained)
        lost = sum(n for (status, _), n in outcome(stack).items() if status not in FINALS)
        return 1 if lost or soak.answers[500] else 0
    finally:
        stack.stop()


FINALS = {"completed", "failed", "blocked", "expired", "canceled"}


def report(soak: Soak, ended: Counter, drained: float) -> None:
    submitted = sum(ended.values())
    completed = sum(n for (status, _), n in ended.items() if status == "completed")
    failed = {code: n for (status, code), n in ended.items() if status == "failed"}
    lost = sum(n for (status, _), n in ended.items() if status not in FINALS)
    answers = dict(sorted(soak.answers.items(), key=str))
    print(f"soak: {MINUTES:g} min, worker kill -9 every {KILL_EVERY:g} s ({soak.kills} kills), ")
    print(
        f"      Postgres stopped {OUTAGE:g} s every {RESTART_EVERY:g} s ({soak.restarts} restarts)"
    )
    print(f"POST /jobs answers: {answers}")
    print(f"submitted {submitted}, completed {completed}, failed by code {failed}")
    print(f"lost (not final): {lost}; drained {drained:.0f} s after the load stopped")


if __name__ == "__main__":
    sys.exit(main())
