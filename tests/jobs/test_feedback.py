import uuid

import pytest

from audit.models import AuditEvent
from jobs.models import Feedback, JobStatus
from tests.conftest import OWNER


def feedback(api, job_id, **body):
    return api.post(f"/jobs/{job_id}/feedback", body, format="json", **OWNER)


def test_feedback_is_stored_once_per_job_and_session(api, make_job):
    job = make_job(JobStatus.COMPLETED)
    assert feedback(api, job.id, rating="up", session_id="s1").status_code == 204
    response = feedback(api, job.id, rating="down", comment="holes too small", session_id="s1")
    assert response.status_code == 204
    assert feedback(api, job.id, rating="up", session_id="s2").status_code == 204
    stored = {(f.client_key, f.rating, f.comment) for f in Feedback.objects.filter(job=job)}
    assert stored == {("s1", "down", "holes too small"), ("s2", "up", "")}
    assert AuditEvent.objects.filter(job=job, event_type="job.feedback").count() == 3


@pytest.mark.parametrize(
    "body",
    [{}, {"rating": "meh"}, {"rating": "up", "comment": "x" * 501}, {"rating": "up", "extra": 1}],
)
def test_invalid_feedback_is_400_and_stores_nothing(api, make_job, body):
    job = make_job(JobStatus.COMPLETED)
    response = feedback(api, job.id, **body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_feedback_on_an_unknown_job_is_404(api):
    response = feedback(api, uuid.uuid4(), rating="up")
    assert response.status_code == 404
    assert not Feedback.objects.exists()
