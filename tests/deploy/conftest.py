import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults import Stack

# Fresh virtual environments are made and filled by uv: from its cache, in seconds.
UV = str(Path(sys.executable).with_name("uv"))


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a setup step; its output is the failure message when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="package")  # stopped after the last test of this folder
def stack(tmp_path_factory):
    """One `make run` (without its own Space) for the smoke check and the bundled Space."""
    running = Stack(tmp_path_factory.mktemp("stack"), {"NATURALCAD_SPACE": "off"})
    try:
        running.until(running.healthy)
        yield running
    finally:
        running.stop()
