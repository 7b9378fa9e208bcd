"""The Space holds no backend secret and imports nothing from the backend."""

import ast
import re
import sys
from pathlib import Path

from tests.conftest import ROOT

SPACE = ROOT / "space"
BACKEND_PACKAGES = {
    "naturalcad",
    "jobs",
    "artifacts",
    "audit",
    "django",
    "rest_framework",
    "procrastinate",
    "storages",
    "boto3",
    "tests",
}
SECRETS = re.compile(r"DATABASE_URL|AWS_[A-Z_]+|BUCKET_NAME|HF_TOKEN|SECRET_KEY|IP_HASH_KEY")


def space_sources() -> dict[Path, str]:
    sources = {path: path.read_text() for path in SPACE.rglob("*.py")}
    assert SPACE / "app.py" in sources
    return sources


def imported_roots(source: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_space_imports_only_the_stdlib_gradio_httpx_and_itself():
    local = {path.stem for path in SPACE.glob("*.py")}
    allowed = set(sys.stdlib_module_names) | {"gradio", "httpx"} | local
    for path, source in space_sources().items():
        roots = imported_roots(source)
        assert not roots & BACKEND_PACKAGES, f"{path.name} imports {roots & BACKEND_PACKAGES}"
        assert roots <= allowed, f"{path.name} imports {roots - allowed}"


def test_the_space_reads_no_backend_secret():
    for path, source in space_sources().items():
        assert not SECRETS.findall(source), f"{path.name} mentions {SECRETS.findall(source)}"


def test_the_space_declares_only_what_it_needs():
    lines = (SPACE / "requirements.txt").read_text().splitlines()
    requirements = [line for line in lines if line.strip() and not line.startswith("#")]
    # gradio comes from the Space SDK at sdk_version (scripts/space_bundle.py checks it)
    assert sorted(re.split(r"[<>=!~ ]", line)[0] for line in requirements) == ["httpx"]
    front_matter = (SPACE / "README.md").read_text().split("---")[1]
    for line in ("sdk: gradio", "app_file: app.py", "sdk_version: 6.", 'python_version: "3.11"'):
        assert line in front_matter


def test_every_example_in_the_space_is_a_part_auto_builds_and_some_are_flat():
    """Examples set the prompt only; Auto reads the flat ones as flat from their words."""
    from naturalcad.geometry.build import build_part
    from naturalcad.interpret.rules import interpret
    from naturalcad.spec.validate import validate_spec

    tree = ast.parse((SPACE / "app.py").read_text())
    examples = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXAMPLES"
    )
    assert len(examples) >= 8 and all(isinstance(prompt, str) for prompt in examples)
    output_types = set()
    for prompt in examples:
        spec = validate_spec(interpret(prompt))
        output_types.add(spec["output_type"])
        build_part(spec)
    assert {"3d_solid", "2d_vector", "1d_path"} <= output_types
