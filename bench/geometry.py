"""A part's worker time, and the cost of isolation, over the example library (the everyday
parts: plates, brackets, flanges, nuts, trays, lofts, sweeps, flat profiles).

    python bench/geometry.py      (or: make bench)

Prints, each measured in this run so that machine noise affects both sides alike:
- worker time per part (build + every export + the checks), median (target: <= 120 ms),
  beside the floor of build + STL + STEP (DXF + SVG for flat parts) of the same parts;
- the median per-part overhead of building in an isolated child (target: <= 50 ms);
- the time to kill a runaway build with a 1 s limit (target: <= limit + 1 s).
"""

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import build123d as bd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from naturalcad.errors import CodedError  # noqa: E402
from naturalcad.geometry import runner  # noqa: E402
from naturalcad.geometry.build import build_part  # noqa: E402
from naturalcad.geometry.export import tolerance  # noqa: E402
from naturalcad.geometry.mesh import stl_bytes, triangulate  # noqa: E402
from naturalcad.geometry.worker_child import build_and_export  # noqa: E402
from naturalcad.spec.validate import validate_spec  # noqa: E402
from naturalcad.spec.vocabulary import FLAT_OUTPUTS  # noqa: E402

REPEATS = 3
SOLID_FILES = {"stl", "step", "glb", "png"}
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


def floor(spec) -> None:
    """What any exporter must pay: the build, the STL's mesh and the STEP."""
    shape = build_part(spec)
    with tempfile.TemporaryDirectory() as folder:
        if spec["output_type"] in FLAT_OUTPUTS:
            bd.ExportDXF().add_shape(shape).write(f"{folder}/part.dxf")
            svg = bd.ExportSVG()
            svg.add_shape(shape)
            svg.write(f"{folder}/part.svg")
        else:
            stl_bytes(triangulate(shape.wrapped, tolerance(shape)))
            bd.export_step(shape, f"{folder}/part.step")


def every_file(spec) -> None:
    files = build_and_export(spec)
    expected = {"dxf", "svg", "png"} if spec["output_type"] in FLAT_OUTPUTS else SOLID_FILES
    assert set(files) == expected and all(files.values()), sorted(files)


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
    overheads, directs, floors = [], [], []
    for spec in specs.values():
        direct = median_time(every_file, spec)
        floors.append(median_time(floor, spec))
        overheads.append(median_time(isolated, spec) - direct)
        directs.append(direct)
    start = time.perf_counter()
    try:
        runner.build_files(runaway_spec(), timeout=RUNAWAY_LIMIT, memory_mb=2048)
        killed = None
    except CodedError as error:
        killed = time.perf_counter() - start if error.code == "geometry_timeout" else None
    overhead = statistics.median(overheads)
    print(f"{len(specs)} example parts, {REPEATS} runs each")
    worker, least = statistics.median(directs), statistics.median(floors)
    print(
        f"worker time per part (build + every file + checks), median: {worker * 1000:6.1f} ms"
        f"  (target <= 120 ms; mean {statistics.mean(directs) * 1000:.1f} ms)"
    )
    print(
        f"floor (build + STL + STEP, or DXF + SVG), median: {least * 1000:6.1f} ms;"
        f"  worker / floor: {worker / least:.2f}"
    )
    print(f"median isolation overhead per part: {overhead * 1000:6.1f} ms  (target <= 50 ms)")
    print(
        f"runaway build killed after {killed:.2f} s with a {RUNAWAY_LIMIT:g} s limit"
        f"  (target <= {RUNAWAY_LIMIT + 1:g} s)"
        if killed
        else "runaway build NOT killed"
    )


if __name__ == "__main__":
    main()
