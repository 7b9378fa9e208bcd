"""What the OpenAPI document says beyond the serializers: the error responses of each
operation, the headers, and that no object takes a field it does not declare.

drf-spectacular has no per-response headers, so `postprocess` (a hook it calls on the finished
document) adds them from HEADERS.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from jobs.api.serializers import MADE_FROM, REQUIRED

_DETAIL = inline_serializer(
    "ErrorDetail",
    {
        "code": serializers.CharField(help_text="Stable, e.g. validation_error, rate_limited."),
        "message": serializers.CharField(help_text="For a person: what to change or wait for."),
        "details": serializers.DictField(help_text="Per field or per limit, when useful."),
    },
)
ERROR = inline_serializer("Error", {"error": _DETAIL})

_MEANING = {
    400: "The request is not valid (see details), or not JSON.",
    401: "The API key is missing (when required), unknown or revoked.",
    403: "This client is blocked.",
    404: "No such job, or not yours (for POST /jobs: the parent).",
    409: "Refused in this state (already finished; Idempotency-Key used with another body).",
    413: "The body is over the size limit.",
    415: "The body is not application/json.",
    429: "A rate limit or the cap of unfinished jobs; see Retry-After.",
    503: "Overloaded or the database is unreachable; see Retry-After.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses, all in the one shape, for @extend_schema(responses=...)."""
    return {status: OpenApiResponse(ERROR, _MEANING[status]) for status in statuses}


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 255},
    OpenApiParameter.HEADER,
    description="1 to 255 characters. A repeat with the same key and body, from the same "
    "client, answers 200 with the first job instead of creating another.",
)
END_USER_IP = OpenApiParameter(
    "X-End-User-IP",
    str,
    OpenApiParameter.HEADER,
    description="Only from a `space` key: the address of the visitor it acts for (their "
    "limits apply). Ignored from anyone else.",
)
JOB_SECRET = OpenApiParameter(
    "X-Job-Secret",
    str,
    OpenApiParameter.HEADER,
    description="The `secret` returned when the job was created; not needed with the same "
    "(non-space) API key that created it.",
)

PARENT_SECRET = OpenApiParameter(
    "X-Job-Secret",
    str,
    OpenApiParameter.HEADER,
    description="With `parent`: the parent job's `secret`, proving it is yours (not needed "
    "with the same non-space API key that created it). Anyone else's parent is 404.",
)

_INT = {"schema": {"type": "integer"}}
_RATE_LIMIT = {
    "RateLimit-Limit": {**_INT, "description": "Requests allowed in the tightest window."},
    "RateLimit-Remaining": {**_INT, "description": "Requests left in that window."},
    "RateLimit-Reset": {**_INT, "description": "Seconds until that window resets."},
}
_RETRY_AFTER = {
    "Retry-After": {**_INT, "required": True, "description": "Seconds to wait before retrying."}
}
_LOCATION = {
    "Location": {
        "schema": {"type": "string"},
        "required": True,
        "description": "/jobs/{id} of the job.",
    }
}
# (path, method) -> status -> headers. Every 429 and 503 anywhere carries Retry-After.
HEADERS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("/jobs", "post"): {
        "200": {**_LOCATION, **_RATE_LIMIT},
        "202": {**_LOCATION, **_RATE_LIMIT},
        "409": _RATE_LIMIT,
        "429": _RATE_LIMIT,
        "503": _RATE_LIMIT,
    },
    ("/jobs/{job_id}/cancel", "post"): {"200": _RATE_LIMIT, "429": _RATE_LIMIT},
    ("/jobs/{job_id}/feedback", "post"): {"204": _RATE_LIMIT, "429": _RATE_LIMIT},
}


def _made_from(request: dict[str, Any]) -> None:
    """The create request is one of the sets of fields a job may be made from: one closed
    branch per set (DRF has no way to say so), which tells them apart by what they require."""
    properties = request["properties"]
    common = {"session_id", "client"}
    request["oneOf"] = [
        {
            "title": what,
            "type": "object",
            "additionalProperties": False,
            "required": sorted(REQUIRED.get(what, fields)),
            "properties": {name: properties[name] for name in sorted(fields | common)},
        }
        for what, fields in MADE_FROM.items()
    ]


def postprocess(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    schemas = result.get("components", {}).get("schemas", {})
    if "JobCreateRequest" in schemas:
        _made_from(schemas["JobCreateRequest"])
    for schema in schemas.values():
        if schema.get("type") == "object" and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            if (path, method) == ("/jobs", "post"):  # no field alone is required: the body is
                operation["requestBody"]["required"] = True
            for status, response in operation.get("responses", {}).items():
                headers = dict(HEADERS.get((path, method), {}).get(status, {}))
                if status in ("429", "503"):
                    headers.update(_RETRY_AFTER)
                if headers:
                    response["headers"] = headers
    return result
