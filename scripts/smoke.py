"""Check a deployed NaturalCAD stack end to end, as a client would meet it.

    python3 scripts/smoke.py https://naturalcad-api.fly.dev [--api-key nc_...] [--timeout 300]

Health, a job posted, polled until it ends, every artifact downloaded and checked against its
size and SHA-256, and a tampered download link refused. Prints one line per step and exits 0
only when every step passed. Only the standard library: it runs from any machine with Python.
"""

import argparse
import hashlib
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

FINAL = {"completed", "failed", "blocked", "expired", "canceled"}
PROMPT = "a 40 mm cube"
# Every completed solid has these: the contract's four files and its `spec` (every completed
# job's), and the build `log` the worker writes for every job it completes, its files built
# or reused. The script (`py`) and the drawing are left out of a job when they cannot be
# made (its log says why), so they are not required here.
SOLID_KINDS = {"stl", "step", "glb", "png", "spec", "log"}
# Query parameters that carry a presigned URL's signature (S3 SigV4, SigV2).
SIGNATURE_PARAMS = ("X-Amz-Signature", "Signature")


class SmokeFailure(Exception):
    """A step of the check did not see what a working deployment answers."""


class Api:
    def __init__(self, base: str, api_key: str = "", timeout: float = 30):
        self.base = base.rstrip("/") + "/"
        self.headers = {"Accept": "application/json", "User-Agent": "naturalcad-smoke"}
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key}"
        self.timeout = timeout

    def request(
        self, method: str, path_or_url: str, body: dict | None = None, *, auth: bool = True
    ) -> tuple[int, dict[str, str], bytes]:
        url = (
            urljoin(self.base, path_or_url.lstrip("/")) if "://" not in path_or_url else path_or_url
        )
        headers = dict(self.headers) if auth else {"User-Agent": "naturalcad-smoke"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 - the operator's own URL
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def json(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, Any]:
        status, headers, raw = self.request(method, path, body)
        try:
            return status, headers, json.loads(raw)
        except ValueError:
            raise SmokeFailure(f"{method} {path}: {status}, not JSON: {raw[:200]!r}") from None


def check_health(api: Api) -> str:
    status, _, body = api.json("GET", "/health")
    if status != 200 or body.get("status") != "ok":
        raise SmokeFailure(f"/health answered {status} {body}")
    return f"database {body['database']}, storage {body.get('storage', '?')}"


def post_job(api: Api) -> str:
    status, headers, body = api.json("POST", "/jobs", {"prompt": PROMPT})
    if status != 202 or not body.get("id"):
        raise SmokeFailure(f"POST /jobs answered {status} {body}")
    location = {k.lower(): v for k, v in headers.items()}.get("location", "")
    if not location.endswith(f"/jobs/{body['id']}"):
        raise SmokeFailure(f"POST /jobs: Location {location!r} does not name the job")
    return body["id"]


def wait_final(api: Api, job_id: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status, _, job = api.json("GET", f"/jobs/{job_id}")
        if status != 200:
            raise SmokeFailure(f"GET /jobs/{job_id} answered {status} {job}")
        if job["status"] in FINAL:
            return job
        if time.monotonic() > deadline:
            raise SmokeFailure(f"job {job_id} still {job['status']} after {timeout:g} s")
        time.sleep(1)


def download_all(api: Api, job: dict) -> str:
    if job["status"] != "completed":
        raise SmokeFailure(f"job {job['id']} ended {job['status']}: {job.get('error')}")
    status, _, listing = api.json("GET", f"/jobs/{job['id']}/artifacts")
    artifacts = listing.get("artifacts", []) if status == 200 else []
    missing = SOLID_KINDS - {a["kind"] for a in artifacts}
    if missing:
        raise SmokeFailure(f"artifacts lack {sorted(missing)} ({status})")
    total = 0
    for artifact in artifacts:
        # Links are signed: they open without the API key (as a browser opens them).
        code, _, data = api.request("GET", artifact["url"], auth=False)
        if code != 200:
            raise SmokeFailure(f"{artifact['kind']}: download answered {code}")
        if (
            len(data) != artifact["size_bytes"]
            or hashlib.sha256(data).hexdigest() != artifact["sha256"]
        ):
            raise SmokeFailure(f"{artifact['kind']}: the bytes are not those the API described")
        total += len(data)
    return f"{len(artifacts)} files, {total} bytes, sizes and SHA-256 as described"


def tamper(url: str) -> str:
    """The same link with one character of its signature changed."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for index, (name, value) in enumerate(query):
        if name in SIGNATURE_PARAMS and value:
            query[index] = (name, _flip(value))
            return urlunsplit(parts._replace(query=urlencode(query)))
    head, _, token = parts.path.rpartition("/")
    return urlunsplit(parts._replace(path=f"{head}/{_flip(token)}"))


def _flip(text: str) -> str:
    """One character near the end of the signature part (after the last ':') changed."""
    start = text.rfind(":") + 1
    at = start + (len(text) - start) * 3 // 4
    return text[:at] + ("B" if text[at] == "A" else "A") + text[at + 1 :]


def refuse_tampered(api: Api, job: dict) -> str:
    artifact = next(a for a in job["artifacts"] if a["kind"] == "stl")
    forged = tamper(artifact["url"])
    if forged == artifact["url"]:
        raise SmokeFailure("could not alter the link")
    code, _, data = api.request("GET", forged, auth=False)
    if not 400 <= code < 500 or hashlib.sha256(data).hexdigest() == artifact["sha256"]:
        raise SmokeFailure(f"a tampered link answered {code}: links are not checked")
    return f"refused with {code}"


def step(out: Callable[[str], None], name: str, action: Callable[[], Any]) -> Any:
    """Run one step and print its line; a failure ends the check (SmokeFailure)."""
    started = time.monotonic()
    try:
        result = action()
    except (SmokeFailure, OSError, KeyError, StopIteration) as error:
        out(f"FAIL {name}: {error}")
        raise SmokeFailure(name) from error
    detail = result["status"] if isinstance(result, dict) else result
    out(f"ok   {name}: {detail} ({time.monotonic() - started:.1f} s)")
    return result


def run(api: Api, timeout: float, out: Callable[[str], None] = print) -> bool:
    try:
        step(out, "health", lambda: check_health(api))
        job_id = step(out, "post", lambda: post_job(api))
        job = step(out, "poll", lambda: wait_final(api, job_id, timeout))
        step(out, "download", lambda: download_all(api, job))
        step(out, "tampered link", lambda: refuse_tampered(api, job))
    except SmokeFailure:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the API's base URL, e.g. https://naturalcad-api.fly.dev")
    parser.add_argument("--api-key", default="", help="an API key (nc_...), if one is required")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for the job")
    args = parser.parse_args()
    return 0 if run(Api(args.url, args.api_key), args.timeout) else 1


if __name__ == "__main__":
    sys.exit(main())
