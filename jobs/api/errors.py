"""The single error shape of the public API, produced here and nowhere else:

{"error": {"code": "...", "message": "...", "details": {...}}}

The domain raises CodedErrors and knows nothing of HTTP; `STATUS` is the one table that says
which HTTP status answers each code.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from jobs.access import Quota
from jobs.outage import DATABASE_DOWN, DatabaseUnavailable
from naturalcad.errors import CodedError

logger = logging.getLogger(__name__)

# A code missing here is a refusal of what the client sent: 400.
STATUS: dict[str, int] = {
    "bad_request": 400,
    "validation_error": 400,
    "api_key_required": 401,
    "invalid_api_key": 401,
    "blocked": 403,
    "csrf_failed": 403,
    "forbidden": 403,
    "link_invalid": 403,
    "link_expired": 403,
    "not_found": 404,
    "already_finished": 409,
    "parent_not_ready": 409,
    "idempotency_conflict": 409,
    "payload_too_large": 413,
    "rate_limited": 429,
    "too_many_unfinished": 429,
    "internal_error": 500,
    "overloaded": 503,
    "unavailable": 503,
}

# DRF's own exceptions, renamed to the contract's vocabulary.
_CODES = {
    exceptions.ValidationError: "validation_error",
    exceptions.ParseError: "invalid_json",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.Throttled: "rate_limited",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotAuthenticated: "unauthorized",
    exceptions.AuthenticationFailed: "unauthorized",
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def quota_headers(quota: Quota | None) -> dict[str, str]:
    """The RateLimit-* headers of the tightest limit a request was counted against."""
    if quota is None:
        return {}
    return {
        "RateLimit-Limit": str(quota.limit),
        "RateLimit-Remaining": str(quota.remaining),
        "RateLimit-Reset": str(max(1, quota.reset_seconds)),
    }


def _coded(exc: CodedError) -> Response:
    details = {**exc.details, "path": exc.path} if exc.path else exc.details
    response = Response(
        error_body(exc.code, exc.message, details), status=STATUS.get(exc.code, 400)
    )
    _retry_after(response, getattr(exc, "retry_after", None))
    return response


def _drf(exc: exceptions.APIException) -> Response:
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(code, "The request is not valid; see details.", _as_dict(exc.detail))
    else:
        body = error_body(code, str(exc.detail))
    response = Response(body, status=exc.status_code)
    _retry_after(response, getattr(exc, "wait", None))
    return response


def _retry_after(response: Response, seconds: float | None) -> None:
    if seconds is not None:
        response["Retry-After"] = str(max(1, int(seconds)))


def _as_dict(detail) -> dict:
    return detail if isinstance(detail, dict) else {"non_field_errors": detail}


def exception_handler(exc, context):
    # Imported here: rest_framework.views imports the parser, which imports this module.
    from rest_framework.views import set_rollback

    if isinstance(exc, DATABASE_DOWN):
        logger.warning("database unavailable in %s: %s", type(context.get("view")).__name__, exc)
        exc = DatabaseUnavailable()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("No such resource.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, CodedError):
        response = _coded(exc)
    elif isinstance(exc, exceptions.APIException):
        response = _drf(exc)
    else:
        logger.exception("unhandled error in %s", context.get("view"))
        response = Response(
            error_body("internal_error", "Something went wrong on our side; please retry."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    set_rollback()
    return response
