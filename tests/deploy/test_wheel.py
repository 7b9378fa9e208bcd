"""The image's Python half, without Docker: the wheel alone, the server lock alone.

The wheel is built from a copy of the declared sources and installed, with exactly the locked
server set, into a fresh virtual environment outside the source tree; then the image's own
commands run there in production mode: `check --deploy`, `migrate` on a throwaway database,
`collectstatic`, and gunicorn answering `/health` to a Fly-style Host. A file the wheel lacks, a
dependency the server set lacks (or holds: gradio, pgserver) fails here, not on Fly.

A fresh environment rather than one that sees the dev venv's packages: only then does the
test prove the server set is enough. uv installs it from its cache by hard links in seconds.
"""

import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import boto3
import httpx
import psycopg
import pytest

from naturalcad.stack import wait_until_up
from tests.conftest import ROOT, S3_CREDENTIALS
from tests.deploy.conftest import UV, run
from tests.faults import free_port

pytestmark = pytest.mark.slow
PACKAGES = ("naturalcad", "jobs", "artifacts", "audit")
# How Fly's health checks and proxy address a machine: its private address, and the app's name.
PRIVATE_HOST = "172.19.7.130:8000"
APP_HOST = "naturalcad-api.fly.dev"


def build_wheel(tmp: Path) -> Path:
    """From a copy of what the Dockerfile copies: nothing else of the checkout can leak in."""
    source = tmp / "src"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    run([UV, "build", "--wheel", "--quiet", "--out-dir", str(tmp / "dist"), str(source)])
    return next((tmp / "dist").glob("naturalcad-*.whl"))


def data_files() -> set[str]:
    """Every file of the packages that is not Python source: each is read at run time."""
    return {
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }


@pytest.fixture
def throwaway_database():
    """A fresh database on the test session's Postgres server, dropped afterwards."""
    server = os.environ["DATABASE_URL"]
    name = f"deploy_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def bucket(s3_server) -> dict[str, str]:
    name = f"naturalcad-{uuid.uuid4().hex[:12]}"
    credentials = {name.lower(): value for name, value in S3_CREDENTIALS.items()}
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=name)
    return {
        "BUCKET_NAME": name,
        "AWS_ENDPOINT_URL_S3": s3_server,
        "AWS_REGION": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        **S3_CREDENTIALS,
    }


def test_the_installed_wheel_checks_migrates_and_serves_health_to_a_fly_host(
    tmp_path, throwaway_database, bucket
):
    wheel = build_wheel(tmp_path)
    packed = set(zipfile.ZipFile(wheel).namelist())
    assert data_files() and data_files() <= packed, data_files() - packed

    venv = tmp_path / "venv"
    run([UV, "venv", "--quiet", "--python", sys.executable, str(venv)])
    python = str(venv / "bin" / "python")
    install = [UV, "pip", "install", "--quiet", "--python", python]
    run([*install, "--require-hashes", "-r", str(ROOT / "requirements" / "server.txt")])
    run([*install, "--no-deps", str(wheel)])

    port = free_port()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "naturalcad.settings",
        "SECRET_KEY": "k" * 20 + "Z9x!q2Lp0vW7rT4yU8iO3eA6sD1fG5hJ",
        "IP_HASH_KEY": "an-ip-hash-key-of-this-test-only-0123456789",
        "ALLOWED_HOSTS": APP_HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{APP_HOST}",
        "CLIENT_IP_SOURCE": "fly",
        # The web through a transaction pooler, the rest by a session of its own (Supabase).
        "DATABASE_URL": throwaway_database,
        "DATABASE_POOLER": "true",
        "WORKER_DATABASE_URL": throwaway_database,
        "NATURALCAD_DATA_DIR": str(tmp_path / "data"),
        "BIND_HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        **bucket,
    }
    outside = {"cwd": tmp_path, "env": env}  # no checkout on the path: only what was installed

    where = run([python, "-c", "import naturalcad; print(naturalcad.__file__)"], **outside)
    assert where.stdout.startswith(str(venv)), where.stdout
    for absent in ("gradio", "pgserver", "pytest"):
        probe = subprocess.run([python, "-c", f"import {absent}"], capture_output=True, **outside)
        assert probe.returncode != 0, f"{absent} is installed in the server set"

    manage = [python, "-m", "naturalcad"]
    check = run([*manage, "check", "--deploy", "--fail-level", "WARNING"], **outside)
    assert "no issues" in check.stdout
    run([*manage, "migrate", "--no-input"], **outside)
    collect = ["collectstatic", "--no-input", "-v0", "-i", "*.map", "-i", "redoc"]
    run([*manage, *collect], cwd=tmp_path, env=env | {"DEBUG": "true"})

    gunicorn = [str(venv / "bin" / "gunicorn"), "-c", "python:naturalcad.gunicorn_conf"]
    with open(tmp_path / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [*gunicorn, "naturalcad.wsgi"], stdout=log, stderr=subprocess.STDOUT, **outside
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/health", timeout=60, process=server)
        health = httpx.get(f"{url}/health", headers={"Host": PRIVATE_HOST})
        assert health.status_code == 200, health.text
        assert health.json() | {"queue": None} == {
            "status": "ok", "database": "ok", "storage": "ok", "queue": None
        }  # fmt: skip
        refused = httpx.get(f"{url}/spec/schema", headers={"Host": PRIVATE_HOST})
        assert refused.status_code == 400
        tls = {"Host": APP_HOST, "X-Forwarded-Proto": "https"}  # as Fly's proxy forwards it
        assert httpx.get(f"{url}/spec/schema", headers=tls).status_code == 200
        docs = httpx.get(f"{url}/api/docs", headers=tls)
        asset = next(p for p in docs.text.split('"') if p.endswith("swagger-ui-bundle.js"))
        assert httpx.get(f"{url}{asset}", headers=tls).status_code == 200  # collected, served
    finally:
        server.terminate()
        server.wait(30)
