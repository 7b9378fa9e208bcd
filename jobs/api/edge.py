"""What Django answers outside the DRF views, in the API's one error shape.

Unknown paths, a bad Host, a CSRF failure, an oversized or unreadable body: on every path but
the admin's these answer `{"error": {...}}` JSON, in every profile; the admin keeps its HTML.
A body is refused by its declared length before a byte of it is read; a chunked body (no
declared length) is read up to the limit by `limit_chunked_bodies`, in front of Django.
"""

import io
import logging
import sys
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import resolve, reverse
from django.utils.deprecation import MiddlewareMixin
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt

from jobs.api.errors import STATUS, error_body
from jobs.outage import DATABASE_DOWN, DatabaseUnavailable

logger = logging.getLogger(__name__)

# Set by `limit_chunked_bodies` on a chunked body that went past REQUEST_MAX_BYTES.
CHUNKED_TOO_LARGE = "naturalcad.chunked_body_too_large"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def is_admin(request: HttpRequest) -> bool:
    return request.path.startswith("/" + settings.ADMIN_URL)


def json_error(code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=STATUS[code])


def too_large() -> JsonResponse:
    limit = settings.REQUEST_MAX_BYTES
    return json_error("payload_too_large", f"The request body is over {limit} bytes.")


class HealthBeforeHostMiddleware:
    """Answers `GET /health` before anything reads the Host header.

    Platform health checks (Fly's) reach a machine by its private address, a Host that
    ALLOWED_HOSTS rightly refuses: the check would stay critical and no traffic be routed.
    /health reveals nothing a Host check protects, so it is served whatever the Host; every
    other path still goes through the check. First in MIDDLEWARE for that reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path = reverse("health")
        self.view = resolve(self.path).func

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != self.path or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        response = self.view(request)
        # The view's answer is rendered by Django's handler only on the normal path.
        render = getattr(response, "render", None)
        return render() if callable(render) else response


class BodyLimitMiddleware:
    """Refuses an API request whose body is declared or found too large, before reading it.

    The admin is left to DATA_UPLOAD_MAX_MEMORY_SIZE: its forms (a bulk action on hundreds of
    jobs) may outgrow the API's limit, and only staff reach them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_admin(request):
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def refusal(request: HttpRequest) -> JsonResponse | None:
        if request.META.get(CHUNKED_TOO_LARGE):
            return too_large()
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit():
            return json_error("bad_request", "Content-Length is not a number.")
        if int(declared) > settings.REQUEST_MAX_BYTES:
            return too_large()
        return None


class AdminOnly(MiddlewareMixin):
    """A middleware of the admin's alone (its sessions, logins and messages): on every other
    path the request goes straight on. The API reads no cookie and has no users; every one of
    its requests paid for all three, about a thirtieth of a POST /jobs."""

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if is_admin(request):
            return super().__call__(request)
        return self.get_response(request)


# Subclasses of Django's own, which the admin's checks look for in MIDDLEWARE.
class AdminSessionMiddleware(AdminOnly, SessionMiddleware):
    pass


class AdminAuthenticationMiddleware(AdminOnly, AuthenticationMiddleware):
    pass


class AdminMessageMiddleware(AdminOnly, MessageMiddleware):
    pass


def limit_chunked_bodies(app: WsgiApp) -> WsgiApp:
    """A chunked body has no Content-Length, so Django would read it as empty. Read it here,
    at most REQUEST_MAX_BYTES + 1 bytes, and hand Django a body of known length."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        encoding = environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if "chunked" in encoding and not environ.get("CONTENT_LENGTH"):
            limit = settings.REQUEST_MAX_BYTES
            body = environ["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                environ[CHUNKED_TOO_LARGE] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return app(environ, start_response)

    return wrapped


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return too_large()
    if is_admin(request):
        return defaults.bad_request(request, exception)  # type: ignore[arg-type]  # Django passes one
    return json_error("bad_request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_admin(request):
        return defaults.permission_denied(request, exception)  # type: ignore[arg-type]  # likewise
    return json_error("forbidden", "You may not do that.")


@csrf_exempt  # also the catch-all view: a POST to no page is a 404, not a CSRF failure
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_admin(request):
        return defaults.page_not_found(request, exception)
    return json_error("not_found", "No such resource.")


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):  # raised where no view could catch it
        return unavailable()
    if is_admin(request):
        return defaults.server_error(request)
    return json_error("internal_error", "Something went wrong on our side.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_admin(request):
        return csrf.csrf_failure(request, reason)
    return json_error("csrf_failed", "The request failed its cross-site request check.")


def unavailable() -> JsonResponse:
    """The 503 of a database outage, on every path (the admin's too: it cannot work either)."""
    error = DatabaseUnavailable()
    response = json_error(error.code, error.message)
    response["Retry-After"] = str(error.retry_after)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database outage in a non-DRF view (the admin) into `503 unavailable`, never a
    500; DRF views get the same answer from `jobs.api.errors.exception_handler`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_DOWN):
            logger.warning("database unavailable at %s: %s", request.path, exception)
            return unavailable()
        return None
