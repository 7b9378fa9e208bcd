"""The part's build123d script: run on its own, it rebuilds the part the service builds, and
nothing a user wrote gets into it as code."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from naturalcad.errors import CodedError
from naturalcad.geometry.script import emit_script
from tests.conftest import spec_document

EXAMPLES = Path(__file__).resolve().parents[2] / "naturalcad" / "spec" / "examples"
# Within 0.1 % of the service's own build: volume (area, length) and each bounding-box side.
TOLERANCE = 1e-3

# Run in one subprocess for every example: the service's build of the spec, and the emitted
# script run on its own (runpy, as `python script.py` would, minus the files it writes).
_CHECK = """
import json, runpy, sys
from naturalcad.geometry.build import build_part
from naturalcad.spec.validate import validate_spec
from naturalcad.spec.vocabulary import FLAT_OUTPUTS

def figures(shape, output_type):
    box = shape.bounding_box()
    if output_type == "1d_path":
        amount = sum(e.length for e in shape.edges())
    elif output_type in FLAT_OUTPUTS:
        amount = shape.area
    else:
        amount = shape.volume
    return {"amount": amount, "bbox": [box.size.X, box.size.Y, box.size.Z],
            "low": [box.min.X, box.min.Y, box.min.Z]}

out = {}
for spec_path, script_path in json.loads(sys.argv[1]):
    spec = json.load(open(spec_path))
    service = figures(build_part(validate_spec(spec)), spec["output_type"])
    script = figures(runpy.run_path(script_path, run_name="check")["part"], spec["output_type"])
    out[spec_path] = [service, script]
print(json.dumps(out))
"""


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b)) + 1e-6


@pytest.mark.slow
def test_every_example_script_rebuilds_the_services_part(tmp_path):
    pairs = []
    for example in sorted(EXAMPLES.glob("*.json")):
        script = tmp_path / f"{example.stem}.py"
        script.write_text(emit_script(json.loads(example.read_text())))
        pairs.append((str(example), str(script)))
    run = subprocess.run(
        [sys.executable, "-c", _CHECK, json.dumps(pairs)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout)
    assert len(results) == len(pairs) >= 45
    wrong = {
        Path(path).stem: (service, script)
        for path, (service, script) in results.items()
        if not close(service["amount"], script["amount"])
        or not all(close(a, b) for a, b in zip(service["bbox"], script["bbox"], strict=True))
        or not all(abs(a - b) < 1e-3 for a, b in zip(service["low"], script["low"], strict=True))
    }
    assert not wrong


def test_a_script_of_named_sizes_follows_its_dimensions(tmp_path):
    spec = spec_document(
        {"name": "plate", "feature_type": "box", "length": "length", "width": "width",
         "height": "thickness"},
        {"name": "holes", "feature_type": "hole", "diameter": "hole_diameter",
         "positions": [["-length / 2 + edge_offset", "width / 2 - edge_offset"]]},
        {"name": "ring", "feature_type": "polar_pattern", "of": "holes", "count": "hole_count"},
        dimensions={"length": 4, "width": 3, "thickness": 0.25, "hole_diameter": 0.25,
                    "edge_offset": 0.5, "hole_count": 4},
        units="in",
    )  # fmt: skip
    script = emit_script(spec)
    tree = ast.parse(script)
    values = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id in ("DIMENSIONS", "FEATURES", "MM_PER_UNIT")
    }
    assert values == {
        "DIMENSIONS": spec["dimensions"],
        "FEATURES": spec["geometry"]["features"],
        "MM_PER_UNIT": 25.4,
    }
    assert "def _slot(" not in script and "def _hole(" in script  # only the steps it needs


HOSTILE = [
    '"""; import os; os.system("touch PWNED"); """',
    "'); __import__('os').system('touch PWNED'); ('",
    "\n__import__('os').system('touch PWNED')\n#",
    "\\'); import os #",
    "${{touch PWNED}}",
    "\u2028__import__('os')",
]


@pytest.mark.slow
def test_whatever_a_spec_says_enters_the_script_only_as_data(tmp_path):
    """The emitter does not rely on the validation: strings it was never meant to see, in
    every place a string can be (names, dimension names, sizes, intent, notes), stay data."""
    boxes = [
        {"name": text, "feature_type": "box", "length": text, "width": 10, "height": 10,
         "at": [30 * index, 0, 0]}
        for index, text in enumerate(HOSTILE)
    ]  # fmt: skip
    spec = spec_document(
        *boxes,
        mode="assembly",
        dimensions={text: 20.0 for text in HOSTILE},
        intent=HOSTILE[0],
        notes=HOSTILE,
    )
    script = emit_script(spec)
    tree = ast.parse(script)
    calls = {ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert not any("system" in call or "__import__" in call for call in calls)
    assigned = {
        node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert ast.literal_eval(assigned["FEATURES"]) == spec["geometry"]["features"]
    assert ast.literal_eval(assigned["DIMENSIONS"]) == spec["dimensions"]
    assert ast.literal_eval(assigned["INTENT"]) == HOSTILE[0]
    path = tmp_path / "part.py"
    path.write_text(script)
    run = subprocess.run(
        [sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert not (tmp_path / "PWNED").exists()
    assert (tmp_path / "part.step").read_text().startswith("ISO-10303-21")
    assert len(runpy_solids(path)) == len(HOSTILE)


def runpy_solids(path: Path) -> list:
    """The solids of the script's part, built again in this process's own interpreter."""
    import runpy

    return runpy.run_path(str(path), run_name="check")["part"].solids()


def test_a_feature_the_emitter_cannot_carry_is_refused_with_a_code():
    spec = spec_document({"name": "d", "feature_type": "dragon", "length": 1})
    with pytest.raises(CodedError) as refused:
        emit_script(spec)
    assert refused.value.code == "emit_unsupported" and "dragon" in refused.value.message
