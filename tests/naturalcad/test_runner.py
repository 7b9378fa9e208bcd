import pytest

from naturalcad.errors import CodedError
from naturalcad.geometry import runner
from tests.conftest import stl_size

pytestmark = pytest.mark.slow


def spec(*features) -> dict:
    return {
        "spec_version": "1.1",
        "mode": "part",
        "output_type": "3d_solid",
        "units": "mm",
        "geometry": {"features": list(features)},
    }


BOX = {"name": "body", "feature_type": "box", "length": 30, "width": 20, "height": 10}


def test_the_child_builds_and_returns_every_file():
    files = runner.build_files(spec(BOX), timeout=60, memory_mb=2048)
    assert set(files) == {"stl", "step", "glb", "png"}
    assert stl_size(files["stl"]) == pytest.approx([30, 20, 10], abs=1e-3)
    assert files["glb"][:4] == b"glTF"


def test_the_drawing_comes_after_the_files_as_a_step_of_its_own():
    title = {"intent": "a block", "job_id": "job-1", "date": "2026-11-29"}
    slow = runner.build_files(
        spec(BOX), timeout=60, memory_mb=2048, drawing=runner.DrawingRequest(title, 0.001)
    )
    assert set(slow) == {"stl", "step", "glb", "png", "log"}  # the part, and why no drawing
    assert b"drawing left out" in slow["log"]
    files = runner.build_files(
        spec(BOX), timeout=60, memory_mb=2048, drawing=runner.DrawingRequest(title, 60)
    )
    assert {"drawing_dxf", "drawing_svg", "drawing_pdf"} <= set(files)
    assert b"JOB job-1" in files["drawing_svg"]


def test_a_build_over_its_time_limit_is_killed():
    with pytest.raises(CodedError) as caught:
        runner.build_files(spec(BOX), timeout=0.001, memory_mb=2048)
    assert caught.value.code == "geometry_timeout"


def test_a_build_over_its_memory_limit_fails_and_the_runner_keeps_serving():
    with pytest.raises(CodedError) as caught:
        runner.build_files(spec(BOX), timeout=60, memory_mb=64)
    assert caught.value.code == "geometry_memory"
    assert "stl" in runner.build_files(spec(BOX), timeout=60, memory_mb=2048)


def test_an_impossible_request_is_a_clear_error():
    hole = {"name": "h", "feature_type": "hole", "diameter": 5, "positions": [[500, 500]]}
    with pytest.raises(CodedError) as caught:
        runner.build_files(spec(BOX, hole), timeout=60, memory_mb=2048)
    assert caught.value.code == "hole_outside_body"


def test_a_child_is_retired_after_its_builds_its_drawings_not_counted(monkeypatch):
    monkeypatch.setattr(runner, "MAX_BUILDS_PER_CHILD", 2)
    runner.stop_idle_children()
    title = runner.DrawingRequest({"intent": "a block", "job_id": "j", "date": "2026-11-29"}, 60)
    children = []
    for _ in range(3):
        runner.build_files(spec(BOX), timeout=60, memory_mb=2048, drawing=title)
        children.append(runner._idle[0].proc.pid if runner._idle else None)
    first, second, third = children  # the idle child after each build
    assert first is not None and second is None  # the same child built twice, then retired
    assert third not in (None, first)
