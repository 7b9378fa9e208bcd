"""Only a job's creator may cancel or rate it; no answer names another client's job; an
Idempotency-Key belongs to the client that sent it."""

import hashlib
import json

import pytest

from jobs.access import new_api_key
from jobs.models import ApiKey, Feedback, Job, JobStatus, Tier

pytestmark = pytest.mark.django_db
ALICE, MALLORY = "198.51.100.10", "203.0.113.66"


@pytest.fixture
def make_key():
    def make(tier=Tier.TRUSTED) -> str:
        raw, key_hash = new_api_key()
        ApiKey.objects.create(name=tier, prefix=raw[:10], key_hash=key_hash, tier=tier)
        return raw

    return make


def create(api, ip=ALICE, key=None, body=None, **headers):
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    body = body or {"prompt": "a 40 mm cube, for alice@example.com"}
    return api.post("/jobs", body, format="json", REMOTE_ADDR=ip, **headers)


def cancel(api, job_id, ip=MALLORY, secret=None, key=None):
    headers = {"HTTP_X_JOB_SECRET": secret} if secret else {}
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return api.post(f"/jobs/{job_id}/cancel", REMOTE_ADDR=ip, **headers)


def test_the_secret_comes_once_and_only_its_hash_is_kept(api):
    created = create(api, HTTP_IDEMPOTENCY_KEY="k1")
    secret = created.json()["secret"]
    assert created.status_code == 202 and len(secret) >= 32
    job = Job.objects.get(id=created.json()["id"])
    assert job.owner_secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert "secret" not in api.get(f"/jobs/{job.id}").json()
    assert "secret" not in create(api, HTTP_IDEMPOTENCY_KEY="k1").json()  # the replay


def test_only_the_creator_can_cancel(api):
    created = create(api).json()
    near_miss = created["secret"][:-1] + ("y" if created["secret"].endswith("x") else "x")
    for secret in (None, "a-guess", near_miss):
        refused = cancel(api, created["id"], secret=secret)
        assert (refused.status_code, refused.json()["error"]["code"]) == (404, "not_found")
    assert Job.objects.get(id=created["id"]).status == JobStatus.QUEUED
    assert cancel(api, created["id"], ip=ALICE, secret=created["secret"]).status_code == 200


def test_only_the_creator_can_leave_feedback(api):
    created = create(api).json()
    body = {"rating": "down", "comment": "spam"}
    refused = api.post(f"/jobs/{created['id']}/feedback", body, format="json")
    assert refused.status_code == 404
    assert not Feedback.objects.exists()
    headers = {"HTTP_X_JOB_SECRET": created["secret"]}
    accepted = api.post(f"/jobs/{created['id']}/feedback", body, format="json", **headers)
    assert accepted.status_code == 204


def test_a_key_owns_its_jobs_unless_it_speaks_for_many(api, make_key):
    trusted, other, space = make_key(), make_key(), make_key(Tier.SPACE)
    mine = create(api, key=trusted).json()
    assert cancel(api, mine["id"], key=other).status_code == 404
    assert cancel(api, mine["id"], key=trusted).status_code == 200
    # Every Space visitor comes with the Space's key: it proves nothing, the secret does.
    visitors = create(api, key=space, HTTP_X_END_USER_IP=ALICE).json()
    assert cancel(api, visitors["id"], key=space).status_code == 404
    assert cancel(api, visitors["id"], key=space, secret=visitors["secret"]).status_code == 200


def test_a_reused_job_never_names_its_source(api, make_job):
    source = make_job(JobStatus.COMPLETED, prompt="a cube for bob@example.com")
    job = make_job(JobStatus.COMPLETED, reused_from=source)
    for path in (f"/jobs/{job.id}", f"/jobs/{job.id}/artifacts"):
        text = api.get(path).content.decode()
        assert str(source.id) not in text
    body = api.get(f"/jobs/{job.id}").json()
    assert body["reused"] is True and "reused_from" not in body
    assert api.get(f"/jobs/{source.id}").json()["reused"] is False


def test_an_idempotency_key_belongs_to_the_client_that_sent_it(api, make_key):
    first = create(api, HTTP_IDEMPOTENCY_KEY="order-1")
    same_body = create(api, ip=MALLORY, HTTP_IDEMPOTENCY_KEY="order-1")
    other_body = create(
        api, ip="192.0.2.77", body={"prompt": "a 50 mm cube"}, HTTP_IDEMPOTENCY_KEY="order-1"
    )
    assert [r.status_code for r in (first, same_body, other_body)] == [202, 202, 202]
    assert len({r.json()["id"] for r in (first, same_body, other_body)}) == 3
    assert "secret" in same_body.json()  # its own job, not Alice's
    replay = create(api, HTTP_IDEMPOTENCY_KEY="order-1")
    assert (replay.status_code, replay.json()["id"]) == (200, first.json()["id"])
    key = make_key()
    from_key = create(api, key=key, HTTP_IDEMPOTENCY_KEY="order-1")
    again_elsewhere = create(api, ip=MALLORY, key=key, HTTP_IDEMPOTENCY_KEY="order-1")
    assert (from_key.status_code, again_elsewhere.status_code) == (202, 200)  # one key, one client
    assert "order-1" not in json.dumps(list(Job.objects.values_list("idempotency_key")))
