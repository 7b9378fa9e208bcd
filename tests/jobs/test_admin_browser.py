"""An operator in a real browser on the admin: log in, find failed jobs, open one and see its
part, retry it, read the feedback. One browser for the module; each test a fresh login."""

import pytest
from playwright.sync_api import Page, expect

from audit.models import AuditEvent
from jobs import pipeline
from jobs.models import Feedback, Job, JobStatus, Rating
from tests.browser import needs_chromium, screenshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), needs_chromium]
PASSWORD = "an-operator's-long-password"


@pytest.fixture
def admin_page(live_server, page, django_user_model, settings) -> Page:
    """A page logged in to the admin as a superuser, on its front page."""
    # the production hasher is slow on purpose; a login here need not be
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_superuser("operator", "op@example.org", PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("operator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#logout-form")).to_have_count(1)
    return page


def failed_job(make_job, prompt: str = "a 40 mm cube with a wibble") -> Job:
    job = make_job(JobStatus.RUNNING, prompt=prompt)
    job.fail("prompt_partly_understood", "I read a 40 mm cube; I could not place 'wibble'.")
    return job


def test_logging_in_shows_todays_figures(admin_page, make_job):
    failed_job(make_job)
    make_job(JobStatus.QUEUED, prompt="a 41 mm cube")
    admin_page.reload()
    dashboard = admin_page.locator("#dashboard")
    expect(dashboard).to_contain_text("2 jobs")
    expect(dashboard.get_by_role("row", name="failed")).to_contain_text("1")
    expect(dashboard.get_by_role("row", name="prompt_partly_understood")).to_contain_text("1")
    expect(dashboard).to_contain_text("Model calls")
    screenshot(admin_page, "admin-dashboard")


def test_failed_jobs_are_one_filter_away(admin_page, make_job):
    failed_job(make_job)
    make_job(JobStatus.QUEUED, prompt="a 41 mm cube")
    admin_page.locator("#jobs-job").get_by_role("link", name="Jobs").click()
    admin_page.locator("#changelist-filter").get_by_role("link", name="Failed").click()
    rows = admin_page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("a 40 mm cube with a wibble")
    expect(rows).to_contain_text("prompt_partly_understood")
    screenshot(admin_page, "admin-failed-jobs")


def test_a_job_page_shows_the_part_its_files_and_its_trail(admin_page, live_server, make_job):
    job = make_job(JobStatus.QUEUED, prompt="a 120 x 70 x 5 mm plate with four 6 mm corner holes")
    pipeline.run_job(str(job.id))
    admin_page.goto(f"{live_server.url}/admin/jobs/job/{job.id}/change/")
    preview = admin_page.locator("#job-preview")
    expect(preview).to_be_visible()
    admin_page.wait_for_function(
        "img => img.complete && img.naturalWidth > 100", arg=preview.element_handle()
    )
    expect(admin_page.locator("#job-downloads").get_by_role("link", name="step")).to_be_visible()
    expect(admin_page.get_by_text('"feature_type": "hole"')).to_be_visible()  # pretty spec
    trail = admin_page.locator("#audit_events-group tbody tr")
    expect(trail.first).to_contain_text('"to": "completed"')  # newest first
    expect(admin_page.get_by_text("Add another").filter(visible=True)).to_have_count(0)
    expect(admin_page.get_by_role("button", name="Save")).to_have_count(0)
    screenshot(admin_page, "admin-job")


def test_retry_from_the_job_page_asks_then_requeues(admin_page, live_server, make_job):
    job = failed_job(make_job)
    admin_page.goto(f"{live_server.url}/admin/jobs/job/{job.id}/change/")
    admin_page.locator("#job-retry").click()
    expect(admin_page.get_by_text("Retry these 1 jobs?")).to_be_visible()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED  # nothing happens before the answer
    screenshot(admin_page, "admin-retry-confirm")
    admin_page.get_by_role("button", name="Yes, retry").click()
    expect(admin_page.locator(".messagelist")).to_contain_text("Retry: done.")
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.QUEUED, "")
    assert AuditEvent.objects.filter(job=job, event_type="moderation.retry").count() == 1
    trail = admin_page.locator("#audit_events-group tbody tr")
    expect(trail.first).to_contain_text('moderation.retry {"by": "operator"}')  # newest first
    expect(trail.nth(1)).to_contain_text('"to": "queued"')


def test_feedback_is_listed_filtered_by_rating_and_leads_to_its_job(admin_page, make_job):
    liked, disliked = make_job(prompt="a 40 mm cube"), make_job(prompt="a 50 mm cube")
    Feedback.objects.create(job=liked, client_key="s1", rating=Rating.UP, comment="spot on")
    Feedback.objects.create(job=disliked, client_key="s2", rating=Rating.DOWN, comment="too big")
    admin_page.locator("#jobs-feedback").get_by_role("link", name="Feedback").click()
    expect(admin_page.locator("#result_list tbody tr")).to_have_count(2)
    admin_page.locator("#changelist-filter").get_by_role("link", name="Down").click()
    rows = admin_page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("too big")
    screenshot(admin_page, "admin-feedback")
    rows.get_by_role("link", name="a 50 mm cube").click()
    expect(admin_page.locator("#content h2, #content h1").first).to_be_visible()
    assert str(disliked.id) in admin_page.url
