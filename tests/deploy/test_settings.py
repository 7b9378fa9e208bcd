"""Production settings that fail at start, not at the first job: the bucket, the database."""

import json
import subprocess
import sys

import pytest

from naturalcad.database_settings import TCP_OPTIONS
from tests.conftest import ROOT

PRODUCTION = {
    "PATH": "/usr/bin:/bin",
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "Z9x!q2Lp0vW7rT4yU8iO3eA6sD1fG5hJ",
    "ALLOWED_HOSTS": "naturalcad-api.fly.dev",
}
BUCKET = {
    "BUCKET_NAME": "naturalcad-artifacts",
    "AWS_ENDPOINT_URL_S3": "https://fly.storage.tigris.dev",
    "AWS_REGION": "auto",
    "AWS_ACCESS_KEY_ID": "tid_x",
    "AWS_SECRET_ACCESS_KEY": "tsec_x",
}
# Supabase's two doors to one database: the transaction pooler and the session pooler.
POOLER = "postgresql://postgres.ref:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres"
SESSION = "postgresql://postgres.ref:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres"
SHOW = (
    "from django.conf import settings as s; import json; d = s.DATABASES['default']; "
    "print(json.dumps([d['PORT'], d.get('OPTIONS', {}), d['CONN_MAX_AGE'], "
    "d.get('DISABLE_SERVER_SIDE_CURSORS', False), [d['ENGINE'], d['CONN_HEALTH_CHECKS']], "
    "s.STORAGES['default']['BACKEND']]))"
)


def settings_of(env: dict[str, str], *, web: bool = False) -> subprocess.CompletedProcess:
    """This process's settings as the web (what wsgi.py loads) or as manage.py loads them."""
    code = ("import naturalcad.wsgi; " if web else "import django; django.setup(); ") + SHOW
    env = {"DJANGO_SETTINGS_MODULE": "naturalcad.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def shown(result: subprocess.CompletedProcess) -> list:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_refuses_to_start_without_a_bucket_and_names_the_variables(tmp_path):
    result = settings_of(PRODUCTION | {"NATURALCAD_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    for name in ("BUCKET_NAME", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "ARTIFACT_STORAGE"):
        assert name in result.stderr
    assert shown(settings_of(PRODUCTION | BUCKET))[-1] == "storages.backends.s3.S3Storage"


def test_local_artifacts_in_production_must_be_asked_for_and_writable(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    local = PRODUCTION | {"ARTIFACT_STORAGE": "local"}
    refused = settings_of(local | {"MEDIA_ROOT": str(blocked / "media")})
    assert refused.returncode != 0 and "MEDIA_ROOT" in refused.stderr
    media = tmp_path / "volume" / "media"
    backend = shown(settings_of(local | {"MEDIA_ROOT": str(media)}))[-1]
    assert backend == "django.core.files.storage.FileSystemStorage" and media.is_dir()


def test_the_web_keeps_its_connection_to_the_transaction_pooler_without_prepared_statements():
    env = PRODUCTION | BUCKET | {"DATABASE_URL": POOLER, "WORKER_DATABASE_URL": SESSION}
    port, options, max_age, no_cursors, checked, _ = shown(settings_of(env, web=True))
    unprepared = {"prepare_threshold": None, **TCP_OPTIONS}
    assert (port, options, max_age, no_cursors) == (6543, unprepared, 60, True)
    assert checked == ["naturalcad.postgres", True]


def test_the_worker_and_migrations_take_the_session_connection():
    env = PRODUCTION | BUCKET | {"DATABASE_URL": POOLER, "WORKER_DATABASE_URL": SESSION}
    port, options, max_age, _, checked, _ = shown(settings_of(env))
    prepared = {"server_side_binding": True, "prepare_threshold": 5, **TCP_OPTIONS}
    assert (port, options, max_age) == (5432, prepared, 60)
    assert checked == ["naturalcad.postgres", True]


def test_without_a_session_connection_only_the_web_starts_behind_a_transaction_pooler():
    env = PRODUCTION | BUCKET | {"DATABASE_URL": POOLER}
    refused = settings_of(env)
    assert refused.returncode != 0 and "WORKER_DATABASE_URL" in refused.stderr
    assert shown(settings_of(env, web=True))[0] == 6543


@pytest.mark.parametrize(("pooler", "prepared"), [("", True), ("true", False)])
def test_a_direct_connection_keeps_prepared_statements_unless_told_it_is_pooled(pooler, prepared):
    env = PRODUCTION | BUCKET | {"DATABASE_URL": SESSION, "DATABASE_POOLER": pooler}
    options = shown(settings_of(env, web=True))[1]
    assert (options["prepare_threshold"] is not None) is prepared
    assert options.get("server_side_binding", False) is prepared
