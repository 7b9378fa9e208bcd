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
