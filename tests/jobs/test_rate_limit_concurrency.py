"""Limits hold exactly across processes: 50 requests at once, two API processes, a limit of 10
requests, or a cap of 3 unfinished jobs."""

import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from audit.models import AuditEvent
from jobs.models import Job
from naturalcad.stack import API_COMMAND, wait_until_up
from tests.conftest import ROOT
from tests.faults import free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_process_api(subprocess_env, tmp_path):
    servers = []

    def start(**limits: str) -> str:
        port = free_port()
        env = subprocess_env | {
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
            "WEB_THREADS": "8",
            "RATE_LIMIT_ANONYMOUS": "10/d",
            "MAX_UNFINISHED_PER_CLIENT": "1000",
            "MAX_QUEUE_DEPTH": "1000",
            **limits,
        }
        log = (tmp_path / "gunicorn.log").open("w")
        servers.append(
            subprocess.Popen(API_COMMAND, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/health")
        return url

    yield start
    for server in servers:
        server.terminate()
        server.wait(30)


def fifty_at_once(url: str) -> list[httpx.Response]:
    def post(_):
        return httpx.post(f"{url}/jobs", json={"prompt": "a 40 mm cube"}, timeout=60)

    with ThreadPoolExecutor(max_workers=50) as pool:
        return list(pool.map(post, range(50)))


def test_fifty_simultaneous_posts_against_a_limit_of_ten_accept_exactly_ten(two_process_api):
    statuses = sorted(response.status_code for response in fifty_at_once(two_process_api()))
    assert statuses.count(202) == 10
    assert statuses.count(429) == 40
    assert Job.objects.count() == 10


def test_fifty_simultaneous_posts_against_a_cap_of_three_unfinished_accept_exactly_three(
    two_process_api,
):
    url = two_process_api(RATE_LIMIT_ANONYMOUS="1000/d", MAX_UNFINISHED_PER_CLIENT="3")
    responses = fifty_at_once(url)
    codes = sorted(r.status_code for r in responses)
    assert codes.count(202) == 3 and codes.count(429) == 47, codes
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 429} == {
        "too_many_unfinished"
    }
    assert Job.objects.count() == 3
    assert AuditEvent.objects.filter(event_type="access.unfinished_cap").count() == 47
