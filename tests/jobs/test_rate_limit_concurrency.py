"""Limits hold exactly across processes: 50 requests at once, two API processes, a limit of 10."""

import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from jobs.models import Job
from naturalcad.stack import API_COMMAND, wait_until_up
from tests.conftest import ROOT
from tests.faults import free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_process_api(subprocess_env, tmp_path):
    port = free_port()
    env = subprocess_env | {
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WEB_THREADS": "8",
        "RATE_LIMIT_ANONYMOUS": "10/d",
        "MAX_UNFINISHED_PER_CLIENT": "1000",
        "MAX_QUEUE_DEPTH": "1000",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        API_COMMAND,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/health")
    yield url
    server.terminate()
    server.wait(30)


def test_fifty_simultaneous_posts_against_a_limit_of_ten_accept_exactly_ten(two_process_api):
    def post(_):
        return httpx.post(f"{two_process_api}/jobs", json={"prompt": "a 40 mm cube"}, timeout=60)

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = sorted(response.status_code for response in pool.map(post, range(50)))
    assert statuses.count(202) == 10
    assert statuses.count(429) == 40
    assert Job.objects.count() == 10
