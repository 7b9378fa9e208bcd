"""The Space's only way to the backend: the public HTTP API, through httpx.

Every failure becomes an ApiProblem with a message written for a person, never a traceback.
"""

import tempfile
from pathlib import Path

import httpx

FINAL = {"completed", "failed", "blocked", "expired", "canceled"}
UNREACHABLE = "We can't reach the NaturalCAD service right now. Please try again in a minute."

_MESSAGES = {
    "rate_limited": "You're going a bit fast. Please wait {wait} and try again.",
    "too_many_unfinished": "You already have parts in progress. Wait for one to finish first.",
    "overloaded": "NaturalCAD is very busy right now. Please try again in {wait}.",
    "blocked": "This session can't create parts. Contact us if you think this is a mistake.",
    "prompt_not_understood": "I couldn't read a part from that description. {detail}",
    "spec_invalid": "That part asks for something the geometry engine can't accept: {detail}",
    "size_out_of_range": "A size is out of range (0.01 mm to 10 m): {detail}",
    "geometry_timeout": "The part took too long to build. Try a simpler part.",
    "geometry_memory": "The part needed too much memory to build. Try a simpler part.",
    "geometry_invalid": "The geometry engine couldn't make a valid solid from that description.",
    "geometry_failed": "The geometry engine couldn't build that part. Try rephrasing it.",
    "geometry_impossible": "That part can't be built as described: {detail}",
    "hole_outside_body": "A hole would land outside the part: {detail}",
    "storage_unavailable": "The part was built but couldn't be stored. Please try again.",
    "worker_lost": "The build was interrupted. Please try again.",
    "geometry_crashed": "The geometry engine stopped unexpectedly. Please try again.",
    "deadline_exceeded": "The part took too long to come out. Please try again.",
    "unavailable": "NaturalCAD is briefly unavailable. Please try again in {wait}.",
    "validation_error": "Please check your input: {detail}",
    "payload_too_large": "That description is too long.",
    "api_key_required": "This Space is not configured with an API key.",
    "invalid_api_key": "This Space's API key was refused.",
    "internal_error": "Something went wrong on our side. Please try again.",
    "not_found": "That part is not one you generated in this browser, or it no longer exists.",
}


class ApiProblem(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _wait(seconds) -> str:
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return "a moment"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def human_message(code: str, detail: str = "", retry_after=None) -> str:
    template = _MESSAGES.get(code, "Something went wrong ({code}). Please try again.")
    return template.format(code=code, detail=detail, wait=_wait(retry_after)).strip()


def _detail(error: dict) -> str:
    details = error.get("details") or {}
    fields = "; ".join(
        f"{k}: {' '.join(map(str, v))}" for k, v in details.items() if isinstance(v, list)
    )
    return fields or error.get("message", "")


class NaturalCadApi:
    def __init__(self, base_url: str, api_key: str = "", timeout: float = 15):
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)

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
        message = human_message(code, _detail(error), response.headers.get("Retry-After"))
        return ApiProblem(code, message)

    def create_job(
        self, prompt: str, output_type: str, mode: str, session_id: str, end_user_ip: str = ""
    ) -> dict:
        body = {
            "prompt": prompt,
            "output_type": output_type,
            "mode": mode,
            "session_id": session_id,
            "client": {"app": "space"},
        }
        return self._request("POST", "/jobs", end_user_ip, json=body).json()

    def get_job(self, job_id: str) -> dict:
        return self._request("GET", f"/jobs/{job_id}").json()

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
    folder = Path(tempfile.gettempdir()) / "naturalcad-space" / job_id
    return folder / f"naturalcad-{job_id[:8]}{suffix}"


def failure_message(job: dict) -> str:
    error = job.get("error") or {}
    if job["status"] == "failed":
        return human_message(error.get("code", "internal_error"), error.get("message", ""))
    return {
        "blocked": human_message("blocked"),
        "expired": "This part's files have expired. Generate it again.",
        "canceled": "This job was canceled.",
    }.get(job["status"], "")
