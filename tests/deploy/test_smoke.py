"""scripts/smoke.py against a running stack (`make run`), and what it counts as tampering."""

import subprocess
import sys

import pytest

from scripts.smoke import SOLID_KINDS, Api, SmokeFailure, download_all, tamper
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


class Listing(Api):
    """An API whose artifact listing is `kinds`: the smoke check's rule, apart from a stack."""

    def __init__(self, kinds: set[str]) -> None:
        super().__init__("http://api.example")
        self.kinds = kinds

    def json(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, dict]:
        return 200, {}, {"artifacts": [{"kind": kind} for kind in sorted(self.kinds)]}


@pytest.mark.parametrize("lacking", ["spec", "log", "stl"])
def test_a_completed_solid_without_a_file_every_job_has_fails_the_download(lacking):
    api = Listing(SOLID_KINDS - {lacking})
    with pytest.raises(SmokeFailure, match=f"artifacts lack \\['{lacking}'\\]"):
        download_all(api, {"id": "j", "status": "completed"})
