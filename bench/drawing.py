"""The cost of a part's technical drawing, against the cost of building that part.

    python bench/drawing.py      (or: make bench)

Both are measured in process, in this run: the everyday part (the Space's mounting plate with
four corner holes) built and exported (STL, STEP, GLB, PNG), then drawn (three views and an
isometric by hidden-line removal, DXF, SVG and PDF). Target: the drawing <= 300 ms. The ratio
to the build is printed beside it, and the drawing time of every example spec after it.
"""

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from naturalcad.geometry import worker_child  # noqa: E402
from naturalcad.spec.validate import validate_spec  # noqa: E402

REPEATS = 7
EVERYDAY = "plate_corner_holes"
TITLE = {"intent": "bench", "job_id": "00000000-0000-4000-8000-000000000000", "date": "2026-11-29"}


def median_ms(work) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    folder = ROOT / "naturalcad" / "spec" / "examples"
    specs = {
        p.stem: validate_spec(json.loads(p.read_text())) for p in sorted(folder.glob("*.json"))
    }
    everyday = specs[EVERYDAY]
    worker_child.build_and_export(everyday)  # warm OCCT and the imports
    worker_child.draw_last(TITLE)
    build = median_ms(lambda: worker_child.build_and_export(everyday))
    draw = median_ms(lambda: worker_child.draw_last(TITLE))
    print(f"everyday part ({EVERYDAY}), median of {REPEATS}:")
    print(f"  build and export: {build:7.1f} ms")
    print(f"  drawing:          {draw:7.1f} ms  (target <= 300 ms)")
    print(f"  drawing / build:  {draw / build:7.2f}")
    drawn = {}
    for name, spec in specs.items():
        worker_child.build_and_export(spec)
        start = time.perf_counter()
        worker_child.draw_last(TITLE)
        drawn[name] = (time.perf_counter() - start) * 1000
    slowest = max(drawn, key=drawn.__getitem__)
    print(
        f"all {len(drawn)} example specs drawn: median {statistics.median(drawn.values()):.1f} ms,"
        f" slowest {slowest} {drawn[slowest]:.1f} ms"
    )


if __name__ == "__main__":
    main()
