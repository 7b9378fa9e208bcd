"""The single error shape of the public API, produced here and nowhere else:

{"error": {"code": "...", "message": "...", "details": {...}}}
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An error with its own code; raise it from views and services."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        details=None,
        retry_after=None,
        headers=None,
    ):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.details = details or {}
        self.retry_after = retry_after
        self.headers = dict(headers or {})


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


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _describe(exc: exceptions.APIException) -> tuple[str, str, dict]:
    if isinstance(exc, ApiError):
        return exc.error_code, str(exc.detail), exc.details
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        return code, "The request is not valid; see details.", _as_dict(exc.detail)
    return code, str(exc.detail), {}


def _as_dict(detail) -> dict:
    return detail if isinstance(detail, dict) else {"non_field_errors": detail}


def exception_handler(exc, context):
    # Imported here: rest_framework.views imports the parser, which imports ApiError.
    from rest_framework.views import set_rollback

    if isinstance(exc, Http404):
        exc = exceptions.NotFound("No such resource.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        logger.exception("unhandled error in %s", context.get("view"))
        set_rollback()
        return Response(
            error_body("internal_error", "Something went wrong on our side; please retry."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    code, message, details = _describe(exc)
    response = Response(error_body(code, message, details), status=exc.status_code)
    for name, value in getattr(exc, "headers", {}).items():
        response[name] = value
    retry_after = getattr(exc, "retry_after", None) or getattr(exc, "wait", None)
    if retry_after is not None:
        response["Retry-After"] = str(max(1, int(retry_after)))
    set_rollback()
    return response
