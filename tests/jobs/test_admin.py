import pytest
from django.contrib.messages import get_messages

from audit.models import AuditEvent
from jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db


def act(admin_client, action: str, *jobs: Job) -> list[str]:
    response = admin_client.post(
        "/admin/jobs/job/", {"action": action, "_selected_action": [str(j.id) for j in jobs]}
    )
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_cancel_shows_the_refusal_of_a_finished_job(admin_client, make_job):
    queued, completed = make_job(JobStatus.QUEUED), make_job(JobStatus.COMPLETED)
    shown = act(admin_client, "cancel", queued, completed)
    assert f"{completed.id}: The job is already completed." in shown
    assert "Canceled 1 job(s)." in shown
    queued.refresh_from_db()
    assert queued.status == JobStatus.CANCELED
    assert AuditEvent.objects.filter(event_type="moderation.cancel", job=queued).count() == 1


def test_retry_requeues_failed_jobs_and_says_why_not_the_others(admin_client, make_job):
    failed, running = make_job(JobStatus.FAILED), make_job(JobStatus.RUNNING)
    shown = act(admin_client, "retry", failed, running)
    assert "Re-queued 1 job(s)." in shown
    assert any(m.startswith(f"{running.id}: ") and "running" in m for m in shown)
    failed.refresh_from_db()
    assert (failed.status, failed.error_code) == (JobStatus.QUEUED, "")
    assert AuditEvent.objects.filter(event_type="moderation.retry", job=failed).count() == 1
