"""The Space's only way to the backend: the public HTTP API, through httpx.

Every failure becomes an ApiProblem with a message written for a person, never a traceback.
The API writes its refusals for people: the Space shows them once, as they are, and words
only what the API cannot know (how long to wait, whom to contact, that it is out of reach).
"""

import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import httpx

FINAL = {"completed", "failed", "blocked", "expired", "canceled"}
UNREACHABLE = "We can't reach the NaturalCAD service right now. Please try again in a minute."
# Whom a blocked visitor may write to (an address or a page); unset, the Space's owner.
CONTACT = os.environ.get("NATURALCAD_CONTACT", "").strip()

# What only the Space can say about an answer of the API: its own setup, the wait, the words
# for a refusal whose API message is about the request rather than the visitor.
_OWN_WORDS = {
    "rate_limited": "You're going a bit fast. Please wait {wait} and try again.",
    "too_many_unfinished": "You already have parts in progress. Wait for one to finish first.",
    "overloaded": "NaturalCAD is very busy right now. Please try again in {wait}.",
    "unavailable": "NaturalCAD is briefly unavailable. Please try again in {wait}.",
    "validation_error": "Please check your input: {detail}",
    "payload_too_large": "That description is too long.",
    "api_key_required": "This Space is not configured with an API key.",
    "invalid_api_key": "This Space's API key was refused.",
    "internal_error": "Something went wrong on our side. Please try again.",
    "not_found": "That part is not one you generated in this browser, or it no longer exists.",
    "storage_unavailable": "The part was built but couldn't be stored. Please try again.",
    "worker_lost": "The build was interrupted. Please try again.",
    "geometry_crashed": "The geometry engine stopped unexpectedly. Please try again.",
    # the kernel's own words name OCCT internals, not anything the visitor can change
    "geometry_failed": "The geometry engine couldn't build that part. Try rephrasing it.",
}
# An API message that starts in lower case is a cause, not a sentence: the Space says first
# what it caused. Any other message is shown as the API wrote it.
_CAUSED = {
    "geometry_timeout": "The part took too long to build ({cause}). Try a simpler part.",
    "geometry_memory": "The part needed too much memory ({cause}). Try a simpler part.",
    "geometry_invalid": "The geometry engine couldn't make a valid part: {cause}.",
    "geometry_impossible": "That part can't be built as described: {cause}.",
    "hole_outside_body": "A hole would land outside the part: {cause}.",
    "spec_invalid": "That part asks for something the geometry engine can't accept: {cause}.",
    "size_out_of_range": "A size is out of range (0.01 mm to 10 m): {cause}.",
}
_ANY_CAUSE = "That part couldn't be built: {cause}."


class ApiProblem(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _wait(seconds: Any) -> str:
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return "a moment"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def blocked_message() -> str:
    whom = CONTACT or "the owner of this Space"
    return f"This session can't create parts. If you think this is a mistake, contact {whom}."


def human_message(code: str, message: str = "", detail: str = "", retry_after: Any = None) -> str:
    """One message for an error of the API: its own words where it wrote a sentence."""
    if code == "blocked":
        return blocked_message()
    message = message.strip().rstrip(".")
    if code in _OWN_WORDS:
        text = _OWN_WORDS[code]
    elif message[:1].islower():
        text = _CAUSED.get(code, _ANY_CAUSE)
    elif message:
        return message + "."
    else:
        text = "Something went wrong ({code}). Please try again."
    return text.format(code=code, cause=message, detail=detail, wait=_wait(retry_after)).strip()


def _detail(error: dict) -> str:
    details = error.get("details") or {}
    fields = "; ".join(
        f"{k}: {' '.join(map(str, v))}" for k, v in details.items() if isinstance(v, list)
    )
    return fields or error.get("message", "")


# What a value of each attribute of the spec schema is shown in: "" for a count, "°" for an
# angle, "mm" for lengths and points (the API's lengths are millimetres).
def _unit(attribute: dict) -> str:
    types = attribute.get("type")
    if types == "integer" or (isinstance(types, list) and "integer" in types):  # or a name
        return ""
    if "degree" in attribute.get("description", "") or attribute.get("maximum") == 360:
        return "°"
    if "enum" in attribute or attribute.get("type") == "string":
        return ""
    return "mm"


def units_of(schema: dict) -> dict[tuple[str, str], str]:
    """(feature type, attribute) -> unit, read from the spec's JSON Schema."""
    branches = schema["properties"]["geometry"]["properties"]["features"]["items"]["oneOf"]
    return {
        (branch["title"], name): _unit(attribute)
        for branch in branches
        for name, attribute in branch["properties"].items()
    }


class NaturalCadApi:
    def __init__(self, base_url: str, api_key: str = "", timeout: float = 15):
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)
        self._units: dict[tuple[str, str], str] | None = None
        self._units_lock = threading.Lock()

    def _request(
        self, method: str, path: str, end_user_ip: str = "", secret: str = "", **kwargs
    ) -> httpx.Response:
        headers = {"X-End-User-IP": end_user_ip} if end_user_ip else {}
        if secret:
            headers["X-Job-Secret"] = secret
        try:
            response = self.http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError:
            raise ApiProblem("api_unreachable", UNREACHABLE) from None
        if response.status_code >= 400:
            raise self._problem(response)
        return response

    def _problem(self, response: httpx.Response) -> ApiProblem:
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            return ApiProblem("api_unreachable", UNREACHABLE)
        code = error.get("code", "error")
        message = human_message(
            code, error.get("message", ""), _detail(error), response.headers.get("Retry-After")
        )
        return ApiProblem(code, message)

    def create_job(
        self, prompt: str, output_type: str, mode: str, session_id: str, end_user_ip: str = ""
    ) -> dict:
        """`output_type`/`mode` "auto" are left out: the API's reading decides and says so."""
        body: dict[str, Any] = {
            "prompt": prompt,
            "session_id": session_id,
            "client": {"app": "space"},
        }
        for name, value in (("output_type", output_type), ("mode", mode)):
            if value and value != "auto":
                body[name] = value
        return self._request("POST", "/jobs", end_user_ip, json=body).json()

    def edit_job(
        self,
        parent_id: str,
        secret: str,
        session_id: str,
        end_user_ip: str = "",
        *,
        dimensions: dict[str, float] | None = None,
        words: str = "",
    ) -> dict:
        """The next version of a part of this visitor's (`secret`): its named sizes changed,
        or an edit in words."""
        body: dict[str, Any] = {"parent": parent_id, "session_id": session_id}
        body |= {"dimensions": dimensions} if dimensions else {"prompt": words}
        return self._request("POST", "/jobs", end_user_ip, secret, json=body).json()

    def get_job(self, job_id: str) -> dict:
        return self._request("GET", f"/jobs/{job_id}").json()

    def versions(self, job_id: str, secret: str) -> list[dict]:
        """Every version of the part this job belongs to, first to last (its owner only)."""
        return list(self._request("GET", f"/jobs/{job_id}/versions", "", secret).json()["versions"])

    def units(self) -> dict[tuple[str, str], str]:
        """Each spec attribute's unit, from the API's published schema (fetched once)."""
        with self._units_lock:
            if self._units is None:
                self._units = units_of(self._request("GET", "/spec/schema").json())
            return self._units

    def feedback(
        self,
        job_id: str,
        rating: str,
        comment: str,
        session_id: str,
        end_user_ip: str = "",
        secret: str = "",
    ) -> None:
        """Rate a job; `secret` (from its creation) proves it is this visitor's."""
        body = {"rating": rating, "comment": comment[:500], "session_id": session_id}
        self._request("POST", f"/jobs/{job_id}/feedback", end_user_ip, secret, json=body)

    def download(self, job: dict) -> dict[str, Path]:
        """Fetch every artifact of a completed job into a folder of its own (once)."""
        paths = {}
        for artifact in job["artifacts"]:
            path = local_path(job["id"], artifact["kind"])
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                try:
                    response = httpx.get(artifact["url"], timeout=60, follow_redirects=True)
                    response.raise_for_status()
                except httpx.HTTPError:
                    raise ApiProblem("download_failed", "A file could not be downloaded.") from None
                path.write_bytes(response.content)
            paths[artifact["kind"]] = path
        return paths


def local_path(job_id: str, kind: str) -> Path:
    # named as the API names downloads: naturalcad-<id>.stl, naturalcad-<id>-drawing.pdf
    drawing = kind.removeprefix("drawing_")
    suffix = f"-drawing.{drawing}" if drawing != kind else f".{kind}"
    suffix = "-spec.json" if kind == "spec" else suffix
    folder = Path(tempfile.gettempdir()) / "naturalcad-space" / job_id
    return folder / f"naturalcad-{job_id[:8]}{suffix}"


def failure_message(job: dict) -> str:
    error = job.get("error") or {}
    if job["status"] == "failed":
        return human_message(error.get("code", "internal_error"), error.get("message", ""))
    return {
        "blocked": blocked_message(),
        "expired": "This part's files have expired. Generate it again.",
        "canceled": "This job was canceled.",
    }.get(job["status"], "")


# The lists of the API's `reading`, in the order the page shows them.
READING = ("read", "assumed", "not_read")


def reading(job: dict) -> dict[str, list[str]] | None:
    """What the API says it read, assumed and could not read of the words, as it decided
    each; None when it read none (a part made from a spec or named sizes, one not read yet,
    or an API older than the field)."""
    said = job.get("reading")
    if not isinstance(said, dict):
        return None
    return {key: [str(item) for item in said.get(key) or []] for key in READING}
