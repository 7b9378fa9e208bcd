"""The Space as users meet it: its own process, talking over HTTP to a live API and a worker."""

import os
import subprocess
import sys

import pytest

from jobs.access import hash_key
from jobs.models import ApiKey, Tier
from naturalcad.stack import wait_until_up
from tests.conftest import ROOT, database_url
from tests.faults import free_port

SPACE_KEY = "nc_space-key-used-only-by-the-tests"
CONTACT = "help@naturalcad.example"


def start_space(api_url: str, log_path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env |= {
        "NATURALCAD_API_URL": api_url,
        "NATURALCAD_API_KEY": SPACE_KEY,
        "SPACE_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "NATURALCAD_CONTACT": CONTACT,
    }
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT / "space",
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    wait_until_up(url, timeout=90, process=proc)
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(30)


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory):
    return tmp_path_factory.mktemp("space-media")


@pytest.fixture
def media_root(settings, shared_media):
    """The live API and the worker process must see the same files."""
    settings.MEDIA_ROOT = shared_media
    return shared_media


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, shared_media, tmp_path_factory):
    """A real worker process, waiting for jobs for the whole module."""
    with django_db_blocker.unblock():
        env = dict(os.environ) | {
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(shared_media),
            "DEBUG": "true",
        }
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "procrastinate",
                "worker",
                "--fetch-job-polling-interval",
                "0.2",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    yield proc
    stop(proc)


@pytest.fixture(scope="module")
def space(live_server, worker, tmp_path_factory):
    proc, url = start_space(live_server.url, tmp_path_factory.mktemp("space") / "space.log")
    yield url
    stop(proc)


@pytest.fixture
def space_key(transactional_db):
    """The Space's key, stored again for each test (transactional tests empty the tables)."""
    return ApiKey.objects.create(
        name="space", prefix=SPACE_KEY[:10], key_hash=hash_key(SPACE_KEY), tier=Tier.SPACE
    )
