import json

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import stl_size

pytestmark = pytest.mark.slow


def test_make_part_from_a_prompt_writes_the_files(tmp_path):
    call_command("make_part", "--prompt", "a 25 mm cube", "--out", str(tmp_path))
    assert stl_size((tmp_path / "part.stl").read_bytes()) == pytest.approx([25, 25, 25], abs=1e-3)
    assert (tmp_path / "part.step").read_bytes().startswith(b"ISO-10303-21")
    assert (tmp_path / "part-drawing.pdf").read_bytes().startswith(b"%PDF-")
    assert json.loads((tmp_path / "spec.json").read_text())["spec_version"] == "1.2"


def test_make_part_from_a_spec_file(tmp_path):
    spec = {
        "spec_version": "1.1",
        "mode": "part",
        "output_type": "3d_solid",
        "units": "cm",
        "geometry": {
            "features": [{"name": "rod", "feature_type": "cylinder", "diameter": 1, "height": 5}]
        },
    }
    path = tmp_path / "rod.json"
    path.write_text(json.dumps(spec))
    call_command("make_part", "--spec", str(path), "--out", str(tmp_path / "out"))
    width, depth, height = stl_size((tmp_path / "out" / "part.stl").read_bytes())
    assert height == pytest.approx(50, abs=1e-3)
    # a tessellated circle's extent falls short of the diameter by at most the chord deviation
    assert width == pytest.approx(10, abs=0.05)
    assert depth == pytest.approx(10, abs=0.05)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--prompt", "a sandwich"], "prompt_not_understood"),
        (["--spec", "/nonexistent.json"], "spec_unreadable"),
    ],
)
def test_make_part_refuses_with_a_one_line_reason(tmp_path, args, reason):
    with pytest.raises(CommandError, match=reason) as caught:
        call_command("make_part", *args, "--out", str(tmp_path))
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "part.stl").exists()
