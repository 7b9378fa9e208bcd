import pytest

from audit.models import AuditEvent
from jobs.models import FINAL_STATUSES, TRANSITIONS, IllegalTransition, JobStatus


def test_every_status_has_a_rule_and_final_statuses_only_allow_retry_or_expiry():
    assert set(TRANSITIONS) == set(JobStatus.values)
    for status in FINAL_STATUSES:
        assert TRANSITIONS[status] <= {JobStatus.QUEUED, JobStatus.EXPIRED}


def test_transition_writes_one_audit_event_with_from_and_to(make_job):
    job = make_job(JobStatus.QUEUED)
    before = AuditEvent.objects.filter(job=job).count()
    job.transition(JobStatus.RUNNING)
    events = list(AuditEvent.objects.filter(job=job).order_by("id"))
    assert len(events) == before + 1
    assert events[-1].event_type == "job.status"
    assert events[-1].details_json == {"from": "queued", "to": "running"}


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (JobStatus.COMPLETED, JobStatus.RUNNING),
        (JobStatus.QUEUED, JobStatus.VALIDATED),
        (JobStatus.CANCELED, JobStatus.COMPLETED),
        (JobStatus.SUBMITTED, JobStatus.RUNNING),
    ],
)
def test_illegal_transition_raises_and_writes_nothing(make_job, start, target):
    job = make_job(start)
    events = AuditEvent.objects.count()
    with pytest.raises(IllegalTransition):
        job.transition(target)
    job.refresh_from_db()
    assert job.status == start
    assert AuditEvent.objects.count() == events


def test_fail_records_code_and_message(make_job):
    job = make_job(JobStatus.RUNNING)
    job.fail("geometry_timeout", "took too long")
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_text) == (
        "failed",
        "geometry_timeout",
        "took too long",
    )
