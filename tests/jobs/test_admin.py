import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from audit.models import AuditEvent
from jobs.models import ApiKey, Feedback, InferenceBudget, Job, JobStatus, Rating

pytestmark = pytest.mark.django_db


def act(admin_client, action: str, *jobs: Job) -> list[str]:
    """A bulk action, confirmed (the form of its confirmation page posts `post=yes`)."""
    selected = [str(j.id) for j in jobs]
    response = admin_client.post(
        "/admin/jobs/job/", {"action": action, "_selected_action": selected, "post": "yes"}
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


@pytest.mark.parametrize("action", ["cancel", "retry", "block_clients"])
def test_every_bulk_action_asks_first_and_does_nothing_until_answered(
    admin_client, make_job, action
):
    job = make_job(JobStatus.QUEUED, ip_hash="f" * 64)
    data = {"action": action, "_selected_action": [str(job.id)]}
    page = admin_client.post("/admin/jobs/job/", data)
    assert page.status_code == 200
    assert 'name="post" value="yes"' in page.text and str(job) in page.text
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert not AuditEvent.objects.filter(event_type__startswith="moderation.").exists()


def test_revoking_a_key_asks_first(admin_client):
    key = ApiKey.objects.create(name="partner", prefix="nc_abc", key_hash="h" * 64)
    data = {"action": "revoke", "_selected_action": [key.id]}
    assert "Yes, revoke" in admin_client.post("/admin/jobs/apikey/", data).text
    key.refresh_from_db()
    assert key.revoked_at is None
    admin_client.post("/admin/jobs/apikey/", {**data, "post": "yes"})
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEvent.objects.filter(event_type="moderation.api_key_revoked").count() == 1


def test_cancel_from_the_job_page_asks_then_cancels(admin_client, make_job):
    job = make_job(JobStatus.QUEUED)
    page = admin_client.get(f"/admin/jobs/job/{job.id}/change/")
    assert f"/admin/jobs/job/{job.id}/cancel/" in page.text
    assert f"/admin/jobs/job/{job.id}/retry/" not in page.text  # a queued job is not retried
    assert "Yes, cancel" in admin_client.get(f"/admin/jobs/job/{job.id}/cancel/").text
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    admin_client.post(f"/admin/jobs/job/{job.id}/cancel/", {"post": "yes"})
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELED
    assert AuditEvent.objects.filter(event_type="moderation.cancel", job=job).count() == 1


def test_the_job_page_pretty_prints_and_lists_its_trail_newest_first(admin_client, make_job):
    spec = {"intent": "cube", "units": "mm", "positions": [[-53.0, -28.0], [53.0, 28.0]]}
    job = make_job(JobStatus.COMPLETED, spec_json=spec)
    Feedback.objects.create(job=job, client_key="s", rating=Rating.UP, comment="lovely cube")
    page = admin_client.get(f"/admin/jobs/job/{job.id}/change/").text
    assert "<pre>{\n" in page and "\n  &quot;intent&quot;: &quot;cube&quot;" in page  # indented
    assert "\n    [-53.0, -28.0],\n    [53.0, 28.0]\n" in page  # a point on one line
    trail = page[page.index('id="audit_events-group"') :]
    assert trail.index("&quot;to&quot;: &quot;completed&quot;") < trail.index(
        "&quot;to&quot;: &quot;running&quot;"
    )
    assert "lovely cube" in page
    for inline in ("artifacts", "audit_events", "feedback"):  # shown, never added or deleted
        assert f'name="{inline}-MAX_NUM_FORMS" value="0"' in page
        assert f"{inline}-0-DELETE" not in page
    assert 'name="_save"' not in page and 'name="_continue"' not in page


def test_feedback_admin_filters_by_rating_and_links_the_job(admin_client, make_job):
    job = make_job(prompt="a 40 mm cube")
    Feedback.objects.create(job=job, client_key="a", rating=Rating.UP, comment="good")
    Feedback.objects.create(job=job, client_key="b", rating=Rating.DOWN, comment="bad")
    page = admin_client.get("/admin/jobs/feedback/?rating__exact=down").text
    assert "bad" in page and "good" not in page
    assert f"/admin/jobs/job/{job.id}/change/" in page


def test_audit_events_list_newest_first_with_their_details(admin_client, make_job):
    job = make_job(JobStatus.FAILED)
    page = admin_client.get("/admin/audit/auditevent/").text
    rows = page[page.index('id="result_list"') :]
    assert rows.index("failed") < rows.index("validated")  # newest first
    assert "{&quot;to&quot;: &quot;failed&quot;, &quot;from&quot;: &quot;validated&quot;}" in rows
    assert f"/admin/jobs/job/{job.id}/change/" in rows


def test_the_front_page_shows_todays_jobs_failures_and_model_budget(
    admin_client, make_job, settings
):
    settings.HF_DAILY_CALLS, settings.HF_DAILY_TOKENS = 100, 1_000_000
    settings.HF_USD_PER_MILLION_TOKENS = 2.0
    for _ in range(2):
        make_job(JobStatus.RUNNING).fail("geometry_invalid", "the part could not be meshed")
    make_job(JobStatus.RUNNING).fail("prompt_not_understood", "I could not read a part.")
    make_job(JobStatus.QUEUED)
    InferenceBudget.objects.create(day=timezone.now().date(), calls=7, tokens=250_000)
    page = admin_client.get("/admin/").text
    dashboard = page[page.index('id="dashboard"') :]
    assert "4 jobs" in dashboard
    assert dashboard.index("geometry_invalid") < dashboard.index("prompt_not_understood")
    assert "7 of 100 (7%)" in dashboard and "250000 of 1000000" in dashboard
    assert "$0.5000 of $2.00" in dashboard


def test_the_admin_names_what_it_lists_as_an_operator_says_it(admin_client):
    index = admin_client.get("/admin/").content.decode()
    for name in ("Feedback", "Blocked clients", "API keys", "Jobs", "Artifacts", "Audit events"):
        assert f">{name}</a>" in index
    assert "Feedbacks" not in index
    blocks = admin_client.get("/admin/jobs/block/").content.decode()
    assert ">IP hash</a>" in blocks and ">API key</a>" in blocks  # the filter by kind
    artifacts = admin_client.get("/admin/artifacts/artifact/").content.decode()
    assert ">Drawing (PDF)</a>" in artifacts and ">Build log</a>" in artifacts
