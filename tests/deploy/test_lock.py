"""The locks: one resolution, every file hashed, and an image set with nothing it does not run."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

# Never in the image: the Space's UI stack, the embedded Postgres, the test and lint tools.
NOT_IN_THE_IMAGE = {
    "gradio", "gradio-client", "pandas", "pgserver", "pytest", "pytest-django", "moto",
    "playwright", "schemathesis", "ruff", "mypy", "uv",
}  # fmt: skip
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)")


def read_lock(name: str) -> dict[str, tuple[str, int]]:
    """{package: (version, number of hashes)} of requirements/<name>.txt."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / "requirements" / f"{name}.txt").read_text().splitlines():
        if match := _PIN.match(line):
            current = canonicalize_name(match[1])
            pins[current] = (match[2], 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"{name}.txt: an unexpected line {line!r}")
    return pins


def declared(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        requirements += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return [r for r in requirements if canonicalize_name(r.name) != "naturalcad"]


@pytest.mark.parametrize(("lock", "extras"), [("server", ["server"]), ("dev", ["dev", "local"])])
def test_each_lock_holds_every_declared_requirement_hashed(lock, extras):
    pins = read_lock(lock)
    assert len(pins) > 20  # the file was read
    for package, (_, hashes) in pins.items():
        assert hashes, f"{lock}.txt: {package} has no hash"
    project = declared(*extras)
    if lock == "dev":
        project += declared("space", "server")
    for requirement in project:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in pyproject.toml but not in {lock}.txt: run make lock"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (
            f"{lock}.txt pins {name}=={pins[name][0]}, outside {requirement}: run make lock"
        )


def test_the_image_set_holds_no_gradio_no_pgserver_no_tool_and_agrees_with_dev():
    server, dev = read_lock("server"), read_lock("dev")
    assert not NOT_IN_THE_IMAGE & set(server), NOT_IN_THE_IMAGE & set(server)
    assert {"gradio", "pgserver", "pytest"} <= set(dev)
    for package, (version, _) in server.items():
        assert dev[package][0] == version, f"{package}: server.txt and dev.txt disagree"


def test_the_image_make_install_and_ci_install_from_the_locks_with_hashes():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"pip install --require-hashes -r \S*server\.txt", dockerfile)
    assert re.search(r"pip install --no-deps /", dockerfile)  # the project alone, no resolver
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"--require-hashes -r requirements/dev\.txt", makefile)
    assert "make test" in Path(ROOT / ".ci" / "run").read_text()  # CI installs through make
