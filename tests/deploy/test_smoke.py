"""scripts/smoke.py against a running stack (`make run`), and what it counts as tampering."""

import subprocess
import sys

import pytest

from scripts.smoke import tamper
from tests.conftest import ROOT

SMOKE = [sys.executable, str(ROOT / "scripts" / "smoke.py")]


@pytest.mark.slow
def test_the_smoke_check_passes_against_make_run(stack):
    result = subprocess.run(
        [*SMOKE, f"http://127.0.0.1:{stack.port}", "--timeout", "120"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    steps = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert steps == ["ok   health", "ok   post", "ok   poll", "ok   download", "ok   tampered link"]
    assert "refused with 403" in result.stdout


def test_the_smoke_check_fails_plainly_when_nothing_answers(tmp_path):
    result = subprocess.run(
        [*SMOKE, "http://127.0.0.1:9", "--timeout", "1"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL health:")


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example/files/eyJhIjoiMSJ9:1vG2xY:Qm9ndXNTaWduYXR1cmVWYWx1ZUhlcmU",
        "https://bucket.fly.storage.tigris.dev/objects/ab/ab12.stl?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Expires=3600&X-Amz-Signature=0123456789abcdef",
    ],
)
def test_tampering_changes_the_signature_and_nothing_else(url):
    forged = tamper(url)
    assert forged != url and len(forged) == len(url)
    changed = [i for i, (a, b) in enumerate(zip(url, forged, strict=True)) if a != b]
    assert len(changed) == 1 and changed[0] > max(url.rfind(":"), url.rfind("Signature="))
