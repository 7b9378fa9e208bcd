"""What Django answers around the API views: one JSON error shape, sizes refused unread,
hostile JSON refused before anything is counted or stored."""

import io
import json

import pytest
from django.middleware.csrf import CsrfViewMiddleware
from django.test import RequestFactory

from audit.models import AuditEvent
from jobs.api.edge import csrf_failure
from jobs.models import Job, RateLimitCounter

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == code


def test_an_unknown_path_is_a_json_404_and_the_admin_keeps_html(client, settings):
    settings.DEBUG = True  # in every profile: DEBUG's own 404 page lists every URL
    assert_error(client.get("/no/such/page"), 404, "not_found")
    assert_error(client.post("/jobs/not-a-uuid/cancel"), 404, "not_found")
    admin_page = client.get("/admin/no-such-page/")
    assert not admin_page["Content-Type"].startswith("application/json")


def test_a_bad_host_is_a_json_400(client):
    assert_error(client.get("/spec/schema", HTTP_HOST="evil.example"), 400, "bad_request")


def test_health_answers_a_platform_check_by_private_address_and_nothing_else_does(client, settings):
    """Fly's checks reach the machine by its private address, not by the app's name."""
    settings.ALLOWED_HOSTS = ["naturalcad-api.fly.dev"]
    private = {"HTTP_HOST": "172.19.7.130:8000"}
    health = client.get("/health", **private)
    assert (health.status_code, health.json()["database"]) == (200, "ok")
    assert client.head("/health", **private).status_code == 200
    assert_error(client.get("/spec/schema", **private), 400, "bad_request")
    assert_error(client.post("/health", **private), 400, "bad_request")
    assert client.get("/spec/schema", HTTP_HOST="naturalcad-api.fly.dev").status_code == 200


def test_a_csrf_failure_is_json_on_api_paths_and_html_on_the_admin():
    middleware = CsrfViewMiddleware(lambda request: None)
    for path, is_json in (("/jobs", True), ("/admin/login/", False)):
        request = RequestFactory().post(path, {"a": "b"})
        response = middleware.process_view(request, lambda r: None, (), {})
        assert response.status_code == 403
        assert response["Content-Type"].startswith("application/json") is is_json
    assert json.loads(csrf_failure(RequestFactory().post("/jobs")).content)["error"]["code"] == (
        "csrf_failed"
    )


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/jobs", "application/json"),  # the API's limit, REQUEST_MAX_BYTES
        # The admin keeps Django's (DATA_UPLOAD_MAX_MEMORY_SIZE): RequestDataTooBig, not a 500.
        ("/admin/login/", "application/x-www-form-urlencoded"),
    ],
)
def test_an_over_long_content_length_is_413_before_the_body_is_read(client, path, content_type):
    response = client.generic(
        "POST",
        path,
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(100 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert_error(response, 413, "payload_too_large")
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        '{"prompt": "a cube", "client": ' + "[" * 600 + "]" * 600 + "}",
        '{"prompt": "a cube", "client": ' + '{"a":' * 1000 + "1" + "}" * 1000 + "}",
        '{"prompt": "a cube", "client": {"n": 1e999}}',
        '{"prompt": "a cube", "client": {"n": -Infinity}}',
        '{"prompt": "a cube", "client": {"n": NaN}}',
        '{"prompt": "a cube \\ud800", "client": {"\\udfff": 1}}',
    ],
    ids=["deep-arrays", "deep-objects", "1e999", "infinity", "nan", "lone-surrogate"],
)
def test_hostile_json_is_400_before_anything_is_counted_or_stored(api, body):
    response = api.generic("POST", "/jobs", body, content_type="application/json")
    assert_error(response, 400, "invalid_json")
    assert not Job.objects.exists()
    assert not RateLimitCounter.objects.exists()
    assert not AuditEvent.objects.exists()


def test_brackets_inside_strings_do_not_count_as_nesting(api):
    prompt = "a cube " + "[{" * 100
    response = api.post("/jobs", {"prompt": prompt}, format="json")
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("field", "value"),
    [("session_id", 12345), ("output_type", ["3d_solid"]), ("mode", True), ("prompt", 42)],
)
def test_a_field_of_the_wrong_json_type_is_refused_not_converted(api, field, value):
    response = api.post("/jobs", {"prompt": "a 40 mm cube", field: value}, format="json")
    assert_error(response, 400, "validation_error")
    assert field in response.json()["error"]["details"]


def test_only_the_admin_pays_for_sessions_logins_and_messages(client):
    kept = ("session", "auser", "_messages")  # what each of the three middlewares sets
    api = client.get("/spec/schema").wsgi_request
    assert not [name for name in kept if hasattr(api, name)]
    admin = client.get("/admin/login/").wsgi_request
    assert [name for name in kept if hasattr(admin, name)] == list(kept)
