"""Limits hold exactly across processes: 50 requests at once, two API processes, a limit of 10
requests, or a cap of 3 unfinished jobs."""

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from itertools import count

import httpx
import pytest

from audit.models import AuditEvent
from jobs.models import Job
from tests.faults import api_server

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_process_api(subprocess_env, tmp_path):
    logs = (tmp_path / f"gunicorn-{n}.log" for n in count())
    with ExitStack() as servers:

        def start(**limits: str) -> str:
            env = subprocess_env | {
                "WEB_CONCURRENCY": "2",
                "WEB_THREADS": "8",
                "RATE_LIMIT_ANONYMOUS": "10/d",
                "MAX_UNFINISHED_PER_CLIENT": "1000",
                "MAX_QUEUE_DEPTH": "1000",
                **limits,
            }
            return f"http://127.0.0.1:{servers.enter_context(api_server(env, next(logs)))}"

        yield start


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
