"""The OpenAPI document is the truth: generated requests, valid and not, against the real app
and database, with every schemathesis check (status codes, content types, headers, response
schemas, rejection of invalid data, unsupported methods, auth...). 30 examples per operation."""

import json
import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from naturalcad.wsgi import application
from tests.browser import needs_chromium
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
load_all_checks()
ALL_CHECKS = CHECKS.get_all()

schema = schemathesis.openapi.from_wsgi("/api/schema", application)
# A spec for generated bodies: the document says `spec` is an object; what makes one valid
# (sizes in range once units apply, references to earlier features) is GET /spec/schema's
# and the validation's to say.
EXAMPLE_SPEC = json.loads((ROOT / "naturalcad/spec/examples/plate_corner_holes.json").read_text())


@schema.hook
def filter_body(context, body):
    """OpenAPI 3.0 cannot say that no string inside `client` (keys included) may hold NUL,
    which Postgres cannot store: such bodies are refused with 400, as test_api_create tests,
    and are not generated here as positive cases."""
    return not (isinstance(body, dict) and "\\u0000" in json.dumps(body.get("client")))


@schema.hook
def map_body(context, body):
    """A generated `spec` object becomes a real spec, so that a positive case stays one; a
    negative case stays negative by whatever else it breaks."""
    if isinstance(body, dict) and isinstance(body.get("spec"), dict):
        return {**body, "spec": EXAMPLE_SPEC}
    return body


@pytest.fixture
def keep_the_test_connection():
    """The app is called as a WSGI server would; like Django's test client, keep it from
    closing the test's database connection (and with it the test's transaction)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_documented_contract(case, keep_the_test_connection):
    case.call_and_validate(checks=ALL_CHECKS)


def test_the_document_states_errors_headers_and_strictness(client):
    document = client.get("/api/schema", HTTP_ACCEPT="application/json").json()
    create = document["paths"]["/jobs"]["post"]
    assert {"400", "401", "403", "409", "413", "415", "429", "503"} <= set(create["responses"])
    assert {"Location", "RateLimit-Remaining"} <= set(create["responses"]["202"]["headers"])
    assert "Retry-After" in create["responses"]["429"]["headers"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    request = document["components"]["schemas"]["JobCreateRequest"]
    assert request["additionalProperties"] is False
    assert request["properties"]["session_id"]["type"] == "string"
    error = document["components"]["schemas"]["Error"]
    assert create["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Error"
    )
    assert error["additionalProperties"] is False


def test_api_docs_are_served_from_local_assets(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in asset for asset in assets)
    assert all(asset.startswith("/static/") for asset in assets), assets
    for asset in assets:  # shipped in the installed packages, not fetched from anywhere
        assert finders.find(asset.removeprefix("/static/").split("?")[0]), asset
    assert "https://" not in html


@needs_chromium
def test_api_docs_render_in_a_browser_with_no_network_but_ours(live_server, browser):
    from playwright.sync_api import expect

    foreign: list[str] = []

    def only_ours(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page = browser.new_page()
    page.route("**/*", only_ours)
    page.goto(f"{live_server.url}/api/docs")
    expect(page.get_by_text("NaturalCAD API").first).to_be_visible(timeout=30_000)
    expect(page.locator(".opblock-summary-path", has_text="/jobs").first).to_be_visible()
    page.close()
    assert foreign == []
