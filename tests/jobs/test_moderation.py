"""The admin as a trust boundary: permissions per action, throttled login, audited unblocks."""

import subprocess
import sys

import pytest
from django.contrib.auth.models import Permission, User

from audit.models import AuditEvent
from jobs.models import Block, BlockKind, JobStatus
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-staff-password-1"


@pytest.fixture
def make_staff(settings):
    # A login checks a password many times here; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def make(*perms: str) -> User:
        user = User.objects.create_user(f"staff{User.objects.count()}", password=PASSWORD)
        user.is_staff = True
        user.save()
        user.user_permissions.set(Permission.objects.filter(codename__in=perms))
        return user

    return make


def run_action(client, action: str, jobs):
    """A bulk action as its confirmation page posts it (`post=yes`)."""
    data = {"action": action, "_selected_action": [str(j.id) for j in jobs], "post": "yes"}
    return client.post("/admin/jobs/job/", data)


@pytest.mark.parametrize("action", ["cancel", "retry", "block_clients"])
def test_a_viewer_cannot_run_moderation_actions(client, make_staff, make_job, action):
    client.force_login(make_staff("view_job"))
    queued = make_job(JobStatus.QUEUED, ip_hash="f" * 64)
    failed = make_job(JobStatus.FAILED, ip_hash="e" * 64)
    run_action(client, action, [queued, failed])
    queued.refresh_from_db()
    failed.refresh_from_db()
    assert (queued.status, failed.status) == (JobStatus.QUEUED, JobStatus.FAILED)
    assert not Block.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="moderation.").exists()


@pytest.mark.parametrize("action", ["retry", "cancel"])
def test_a_viewer_cannot_act_from_the_job_page(client, make_staff, make_job, action):
    client.force_login(make_staff("view_job"))
    job = make_job(JobStatus.FAILED if action == "retry" else JobStatus.QUEUED)
    page = client.get(f"/admin/jobs/job/{job.id}/change/")
    assert page.status_code == 200 and f"/{action}/" not in page.text
    refused = client.post(f"/admin/jobs/job/{job.id}/{action}/", {"post": "yes"})
    assert refused.status_code == 403
    assert not AuditEvent.objects.filter(event_type__startswith="moderation.").exists()


def test_each_action_needs_its_own_permission(client, make_staff, make_job):
    job = make_job(JobStatus.QUEUED, ip_hash="f" * 64)
    client.force_login(make_staff("view_job", "change_job"))
    run_action(client, "block_clients", [job])
    assert not Block.objects.exists()  # change_job is not add_block
    run_action(client, "cancel", [job])
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELED
    client.force_login(make_staff("view_job", "add_block"))
    run_action(client, "block_clients", [job])
    assert Block.objects.get().value == "f" * 64


def test_a_bulk_unblock_is_audited_for_each_block(admin_client):
    blocks = [
        Block.objects.create(kind=BlockKind.SESSION, value=f"s{i}", reason="x") for i in (1, 2)
    ]
    data = {"action": "delete_selected", "post": "yes", "_selected_action": [b.id for b in blocks]}
    admin_client.post("/admin/jobs/block/", data)
    assert not Block.objects.exists()
    unblocked = AuditEvent.objects.filter(event_type="moderation.unblock")
    assert sorted(e.details_json["value"] for e in unblocked) == ["s1", "s2"]


def login(client, username: str, password: str, ip: str = "198.51.100.20"):
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post("/admin/login/", data, REMOTE_ADDR=ip)


def test_admin_login_is_throttled_per_username_and_audited(client, settings, make_staff):
    settings.ADMIN_LOGIN_FAILURES = "3/h"
    user = make_staff()
    for _ in range(3):
        assert login(client, user.username, "wrong").status_code == 200  # the form again
    refused = login(client, user.username, PASSWORD, ip="198.51.100.21")  # even elsewhere
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session
    events = list(AuditEvent.objects.values_list("event_type", flat=True))
    assert events.count("admin.login_failed") == 3
    assert "admin.login_throttled" in events
    assert "198.51.100" not in str(list(AuditEvent.objects.values_list("details_json")))


def test_admin_login_is_throttled_per_client(client, settings, make_staff):
    settings.ADMIN_LOGIN_FAILURES = "3/h"
    user = make_staff()
    for name in ("alice", "bob", "carol"):
        login(client, name, "guess")
    assert login(client, user.username, PASSWORD).status_code == 429
    assert login(client, user.username, PASSWORD, ip="198.51.100.99").status_code == 302


def test_the_admin_path_is_configurable():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "ADMIN_URL": "backstage-7f3/"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "/backstage-7f3/"
