"""No raw client IP is stored anywhere: not in any table, not in any log line."""

import logging
import subprocess
import sys

import pytest
from django.db import connection

from jobs import pipeline
from jobs.access import new_api_key
from jobs.models import ApiKey, Block, BlockKind, Job, Tier
from tests.conftest import ROOT

CLIENT_IP = "203.0.113.77"
END_USER_IP = "198.51.100.99"
BLOCKED_IP = "192.0.2.55"


def every_row_as_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names come from the catalog
            chunks.append(f"{table}: {cursor.fetchall()!r}")
    return "\n".join(chunks)


@pytest.mark.slow
@pytest.mark.django_db
def test_no_table_and_no_log_line_holds_a_raw_ip(api, settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.RATE_LIMITS["anonymous"] = "1/h"
    raw, key_hash = new_api_key()
    ApiKey.objects.create(name="space", prefix=raw[:10], key_hash=key_hash, tier=Tier.SPACE)
    from jobs.access import hash_ip

    Block.objects.create(kind=BlockKind.IP_HASH, value=hash_ip(BLOCKED_IP), reason="test")
    statuses = [
        api.post("/jobs", {"prompt": "a 40 mm cube"}, format="json", REMOTE_ADDR=CLIENT_IP),
        api.post("/jobs", {"prompt": "a 20 mm cube"}, format="json", REMOTE_ADDR=CLIENT_IP),
        api.post("/jobs", {"prompt": "a 30 mm cube"}, format="json", REMOTE_ADDR=BLOCKED_IP),
        api.post(
            "/jobs",
            {"prompt": "a 9 mm cube", "session_id": "s1"},
            format="json",
            REMOTE_ADDR="10.1.1.1",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
            HTTP_X_END_USER_IP=END_USER_IP,
        ),
    ]
    assert [r.status_code for r in statuses] == [202, 429, 403, 202]
    for job in Job.objects.all():
        pipeline.run_job(str(job.id))
    dump = every_row_as_text() + "\n".join(r.getMessage() for r in caplog.records)
    assert "audit_auditevent" in dump and "access.limited" in dump  # the dump is real
    for ip in (CLIENT_IP, END_USER_IP, BLOCKED_IP):
        assert ip not in dump


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": "k" * 20 + "Z9x!q2Lp0vW7rT4yU8iO3eA6sD1fG5hJ",
        "ALLOWED_HOSTS": "api.naturalcad.app",
        "CSRF_TRUSTED_ORIGINS": "https://api.naturalcad.app",
        "DATABASE_URL": "postgresql://user:pass@db.internal:5432/naturalcad",
        "NATURALCAD_DATA_DIR": str(tmp_path),
        "BUCKET_NAME": "naturalcad-artifacts",
        "AWS_ENDPOINT_URL_S3": "https://fly.storage.tigris.dev",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "false", "ALLOWED_HOSTS": "api.naturalcad.app"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
