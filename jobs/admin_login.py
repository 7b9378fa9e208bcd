"""The admin login, throttled: past ADMIN_LOGIN_FAILURES failed attempts for one username or
from one client, every attempt is refused (the right password too) until the window ends.

Failures are counted from Django's `user_login_failed` signal in the same atomic counters as the
API's rate limits; every failure, refusal and login is an audit event (IPs as keyed hashes).
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage

from audit.models import record
from jobs import access

GROUP = "admin.login"


def _scopes(request: HttpRequest, username: str) -> dict[str, str]:
    """The identities one login attempt counts against: the username and the client."""
    return {
        "username": username.strip().casefold(),
        "client": access.hash_ip(access.client_ip(request)),
    }


def _usages(request: HttpRequest, username: str, *, increment: bool) -> list[dict[str, Any]]:
    usages = []
    for scope, identity in _scopes(request, username).items():
        usage = get_usage(
            request,
            group=f"{GROUP}:{scope}",
            key=lambda g, r, v=identity: v,
            rate=settings.ADMIN_LOGIN_FAILURES,
            increment=increment,
        )
        if usage is not None:
            usages.append({**usage, "scope": scope})
    return usages


def throttled_login(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if request.method == "POST":
        username = request.POST.get("username", "")
        spent = [u for u in _usages(request, username, increment=False) if u["count"] >= u["limit"]]
        if spent:
            wait = max(1, max(u["time_left"] for u in spent))
            record(
                "admin.login_throttled",
                scopes=[u["scope"] for u in spent],
                ip_hash=_scopes(request, username)["client"],
            )
            response = HttpResponse(
                f"Too many failed logins. Try again in {wait} seconds.",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(wait)
            return response
    return admin.site.login(request, **kwargs)


@receiver(user_login_failed)
def _count_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is None:  # a login outside a request (a shell): nothing to throttle
        return
    username = str(credentials.get("username", ""))
    _usages(request, username, increment=True)
    record("admin.login_failed", ip_hash=_scopes(request, username)["client"])


@receiver(user_logged_in)
def _audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    ip_hash = access.hash_ip(access.client_ip(request)) if request is not None else ""
    record("admin.login", user=user.get_username(), ip_hash=ip_hash)
