"""The cost of isolation: the example library built in a forkserver child and in process.

    python bench/geometry.py      (or: make bench)

Prints the median per-part overhead of building in an isolated child (target: <= 50 ms)
and the time to kill a runaway build with a 1 s limit (target: <= limit + 1 s). Both sides
are measured in this run, so machine noise affects them alike.
"""

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from naturalcad.errors import CodedError  # noqa: E402
from naturalcad.geometry import runner  # noqa: E402
from naturalcad.geometry.worker_child import build_and_export  # noqa: E402
from naturalcad.spec.validate import validate_spec  # noqa: E402

REPEATS = 3
RUNAWAY_LIMIT = 1.0


def library() -> dict[str, dict]:
    folder = ROOT / "naturalcad" / "spec" / "examples"
    return {p.stem: validate_spec(json.loads(p.read_text())) for p in sorted(folder.glob("*.json"))}


def median_time(build, spec) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        build(spec)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def isolated(spec):
    return runner.build_files(spec, timeout=60, memory_mb=2048)


def runaway_spec() -> dict:
    """A thousand holes (the most one feature may make): far longer than the limit."""
    plate = {"name": "plate", "feature_type": "box", "length": 400, "width": 400, "height": 5}
    hole = {"name": "hole", "feature_type": "hole", "diameter": 2, "positions": [[-195, -195]]}
    grid = {
        "name": "grid",
        "feature_type": "grid_pattern",
        "of": "hole",
        "count_x": 40,
        "count_y": 25,
        "spacing_x": 9.75,
        "spacing_y": 15.6,
    }
    return validate_spec(
        {
            "spec_version": "1.1",
            "mode": "part",
            "output_type": "3d_solid",
            "units": "mm",
            "geometry": {"features": [plate, hole, grid]},
        }
    )


def main() -> None:
    specs = library()
    runner.warm_up(2048)
    build_and_export(specs["box_plate"])  # warm the in-process imports too
    overheads, direct_total = [], 0.0
    for spec in specs.values():
        direct = median_time(build_and_export, spec)
        overheads.append(median_time(isolated, spec) - direct)
        direct_total += direct
    start = time.perf_counter()
    try:
        runner.build_files(runaway_spec(), timeout=RUNAWAY_LIMIT, memory_mb=2048)
        killed = None
    except CodedError as error:
        killed = time.perf_counter() - start if error.code == "geometry_timeout" else None
    overhead = statistics.median(overheads)
    print(f"{len(specs)} example parts, {REPEATS} runs each")
    print(f"median direct build: {direct_total / len(specs) * 1000:7.1f} ms (mean)")
    print(f"median isolation overhead per part: {overhead * 1000:6.1f} ms  (target <= 50 ms)")
    print(
        f"runaway build killed after {killed:.2f} s with a {RUNAWAY_LIMIT:g} s limit"
        f"  (target <= {RUNAWAY_LIMIT + 1:g} s)"
        if killed
        else "runaway build NOT killed"
    )


if __name__ == "__main__":
    main()
