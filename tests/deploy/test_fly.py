"""fly.toml read as Fly reads it, and checked against the code it starts."""

import re
import shlex
import tomllib

import pytest
from django.core.management import get_commands
from django.urls import resolve

from naturalcad.gunicorn_conf import worker_class
from tests.conftest import ROOT

FLY = tomllib.loads((ROOT / "fly.toml").read_text())
# What the worker's VM must hold besides one build's memory cap: the worker process, its warm
# forkserver with build123d loaded and the drawing (measured ~0.7 GB here; a margin on top).
WORKER_OVERHEAD_MB = 1024
# Secrets production cannot start without (DEPLOY.md sets them with `fly secrets set`).
SECRETS = {"SECRET_KEY", "IP_HASH_KEY", "DATABASE_URL", "WORKER_DATABASE_URL"}
_READ = re.compile(r"""(?:env_\w+|os\.environ\.get|os\.environ\.setdefault)\(\s*["']([A-Z0-9_]+)""")


def variables_the_code_reads() -> set[str]:
    return {
        name
        for path in (ROOT / "naturalcad").glob("*.py")
        for name in _READ.findall(path.read_text())
    }


def by_process(section: str) -> dict[str, dict]:
    return {process: table for table in FLY[section] for process in table["processes"]}


def megabytes(size: str) -> int:
    number, unit = re.fullmatch(r"(\d+)\s*(gb|mb)", size.lower()).groups()
    return int(number) * (1024 if unit == "gb" else 1)


def manage_command(line: str) -> str:
    """The management command a `python -m naturalcad COMMAND ...` line runs."""
    words = shlex.split(line)
    assert words[:3] == ["python", "-m", "naturalcad"], line
    return words[3]


def test_processes_and_the_release_command_name_what_the_image_has():
    processes = FLY["processes"]
    assert set(processes) == {"app", "worker"}
    app = shlex.split(processes["app"])
    assert app == ["gunicorn", "-c", "python:naturalcad.gunicorn_conf", "naturalcad.wsgi"]
    assert worker_class == "naturalcad.gunicorn_worker.Worker"
    commands = get_commands()
    assert commands.get(manage_command(processes["worker"])) == "jobs"
    assert manage_command(FLY["deploy"]["release_command"]) == "migrate"
    assert (ROOT / "naturalcad" / "__main__.py").exists()  # `python -m naturalcad`


def test_the_health_check_reaches_health_on_the_port_gunicorn_binds():
    service = FLY["http_service"]
    assert service["internal_port"] == int(FLY["env"]["PORT"])
    assert FLY["env"]["BIND_HOST"] == "0.0.0.0"  # noqa: S104 - Fly's proxy, not loopback only
    [check] = service["checks"]
    assert check["method"] == "GET" and resolve(check["path"]).url_name == "health"
    assert service["processes"] == ["app"]


def test_one_api_machine_always_runs_and_both_groups_restart():
    assert FLY["http_service"]["min_machines_running"] >= 1
    restart = by_process("restart")
    assert restart["worker"]["policy"] == "always"
    assert restart["app"]["policy"] in {"always", "on-failure"}


def test_the_kill_timeout_covers_the_workers_graceful_shutdown():
    assert FLY["kill_signal"] == "SIGTERM"
    assert FLY["kill_timeout"] > int(FLY["env"]["WORKER_SHUTDOWN_SECONDS"])
    assert FLY["kill_timeout"] <= 300  # the most Fly accepts


def test_the_worker_vm_holds_a_build_at_its_memory_cap():
    vm = by_process("vm")
    assert set(vm) == {"app", "worker"}
    needed = int(FLY["env"]["GEOMETRY_MEMORY_MB"]) + WORKER_OVERHEAD_MB
    assert megabytes(vm["worker"]["memory"]) >= needed


def test_every_variable_set_is_one_the_code_reads():
    read = variables_the_code_reads()
    assert {"SECRET_KEY", "GEOMETRY_MEMORY_MB", "WORKER_DATABASE_URL"} <= read  # parsed
    assert set(FLY["env"]) <= read, set(FLY["env"]) - read
    assert not SECRETS & set(FLY["env"])  # secrets never in a file


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_deploy_md_sets_each_secret_production_needs(secret):
    guide = (ROOT / "DEPLOY.md").read_text()
    commands = " ".join(
        re.findall(r"fly secrets set(?:[^\n\\]|\\\n)*", guide)
    )  # continued lines too
    assert f"{secret}=" in commands
    assert secret in variables_the_code_reads()
