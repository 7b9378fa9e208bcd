"""`make space-bundle`: the Space repository, run from its folder alone, with only its
requirements (and gradio at the README's sdk_version, as the Space SDK installs it), against a
live API. The checkout is not on its path: an import of anything outside the bundle fails."""

import subprocess
import sys

import pytest

from naturalcad.stack import wait_until_up
from scripts.space_bundle import front_matter, gradio_under_test
from tests.conftest import ROOT
from tests.deploy.conftest import UV, run
from tests.faults import free_port
from tests.space.test_space import generate

pytestmark = pytest.mark.slow


def test_the_bundle_is_a_space_repository_that_runs_alone(tmp_path, stack):
    bundle = tmp_path / "space"
    run(["make", "-s", "space-bundle", f"SPACE_BUNDLE={bundle}"], cwd=ROOT)
    shipped = {p.name for p in (ROOT / "space").iterdir() if p.is_file() and p.suffix != ".pyc"}
    assert shipped <= {p.name for p in bundle.iterdir()}
    card = front_matter((bundle / "README.md").read_text())
    assert (card["sdk"], card["app_file"], card["python_version"]) == ("gradio", "app.py", "3.11")
    assert card["sdk_version"] == gradio_under_test()
    requirements = (bundle / "requirements.txt").read_text()
    assert "gradio" not in requirements.replace("gradio itself", "")  # the SDK installs it

    venv = tmp_path / "venv"
    run([UV, "venv", "--quiet", "--python", sys.executable, str(venv)])
    install = [UV, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    run([*install, "-r", str(bundle / "requirements.txt"), f"gradio=={card['sdk_version']}"])

    port = free_port()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "NATURALCAD_API_URL": f"http://127.0.0.1:{stack.port}",
        "SPACE_PORT": str(port),
        "SPACE_TRUSTED_PROXIES": "0",  # nothing in front of it here
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    with open(tmp_path / "space.log", "w") as log:
        space = subprocess.Popen(
            [str(venv / "bin" / "python"), card["app_file"]],
            cwd=bundle,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", timeout=90, process=space)
        out = generate(f"http://127.0.0.1:{port}/", "a 40 mm cube")
    finally:
        space.terminate()
        space.wait(30)
    job = stack.http.get(f"/jobs/{out['job_id']}").json()
    assert job["status"] == "completed", (job, (tmp_path / "space.log").read_text()[-2000:])
