from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from jobs import access
from jobs.access import hash_ip, hash_key, new_api_key
from jobs.models import ApiKey, Block, BlockKind, Job, JobStatus, Tier
from tests.conftest import OWNER

pytestmark = pytest.mark.django_db
SPACE_IP = "10.9.8.7"


@pytest.fixture
def make_key():
    def make(tier=Tier.TRUSTED, rates="", revoked=False) -> str:
        raw, key_hash = new_api_key()
        ApiKey.objects.create(
            name=f"{tier} key",
            prefix=raw[:10],
            key_hash=key_hash,
            tier=tier,
            rates=rates,
            revoked_at=timezone.now() if revoked else None,
        )
        return raw

    return make


def post(api, ip="203.0.113.5", key=None, session=None, **headers):
    body = {"prompt": "a 40 mm cube"} | ({"session_id": session} if session else {})
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return api.post("/jobs", body, format="json", REMOTE_ADDR=ip, **headers)


def codes(responses) -> list[int]:
    return [r.status_code for r in responses]


def test_anonymous_limit_counts_down_then_429_with_retry_after(api, settings):
    settings.RATE_LIMITS["anonymous"] = "3/h"
    responses = [post(api) for _ in range(4)]
    assert codes(responses) == [202, 202, 202, 429]
    assert [r["RateLimit-Remaining"] for r in responses] == ["2", "1", "0", "0"]
    assert {r["RateLimit-Limit"] for r in responses} == {"3"}
    refused = responses[-1]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert refused["RateLimit-Reset"] == refused["Retry-After"]
    event = AuditEvent.objects.get(event_type="access.limited")
    assert event.details_json["ip_hash"] == hash_ip("203.0.113.5")
    assert Job.objects.count() == 3


def test_the_tightest_of_several_limits_applies(api, settings):
    settings.RATE_LIMITS["anonymous"] = "5/h,2/d"
    assert codes([post(api) for _ in range(3)]) == [202, 202, 429]


def test_a_session_is_limited_across_ips(api, settings):
    settings.RATE_LIMITS["session"] = "2/h"
    ips = ["203.0.113.1", "203.0.113.2", "203.0.113.3"]
    assert codes([post(api, ip=ip, session="abc") for ip in ips]) == [202, 202, 429]
    assert post(api, ip="203.0.113.4", session="other").status_code == 202


def test_a_trusted_key_has_its_own_limits_and_is_recorded(api, settings, make_key):
    settings.RATE_LIMITS["anonymous"] = "1/h"
    key = make_key(rates="3/h")
    assert codes([post(api, key=key) for _ in range(4)]) == [202, 202, 202, 429]
    granted = AuditEvent.objects.filter(event_type="access.granted").first()
    assert granted.details_json["tier"] == "trusted"
    assert granted.details_json["api_key"] == ApiKey.objects.get().id


@pytest.mark.parametrize("header", ["Bearer nc_not-a-key", "Basic dXNlcjpwYXNz"])
def test_an_unknown_key_is_401(api, header):
    response = api.post("/jobs", {"prompt": "a cube"}, format="json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_a_revoked_key_is_401(api, make_key):
    assert post(api, key=make_key(revoked=True)).status_code == 401


def test_a_key_revoked_here_is_refused_at_once(api, make_key):
    raw = make_key()
    assert post(api, key=raw).status_code == 202  # read, and kept for a while
    key = ApiKey.objects.get(key_hash=hash_key(raw))
    key.revoked_at = timezone.now()
    key.save()  # as the admin's revoke action does
    assert post(api, key=raw).status_code == 401


def test_a_key_changed_elsewhere_is_read_again_within_the_ttl(api, make_key, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(access.time, "monotonic", lambda: now[0])
    raw = make_key()
    assert post(api, key=raw).status_code == 202
    # Another process revokes it: this one has no signal of it, so it keeps the key a while.
    ApiKey.objects.filter(key_hash=hash_key(raw)).update(revoked_at=timezone.now())
    assert post(api, key=raw).status_code == 202
    now[0] += access.API_KEY_TTL_SECONDS
    assert post(api, key=raw).status_code == 401


def test_keys_not_found_are_not_kept(api):
    for _ in range(3):
        assert post(api, key=new_api_key()[0]).status_code == 401
    assert access._live_keys == {}


def test_anonymous_access_can_be_closed(api, settings, make_key):
    settings.NATURALCAD_REQUIRE_API_KEY = True
    response = post(api)
    assert (response.status_code, response.json()["error"]["code"]) == (401, "api_key_required")
    assert post(api, key=make_key()).status_code == 202


def test_the_space_speaks_for_each_end_user(api, settings, make_key):
    settings.RATE_LIMITS["space_user"] = "2/h"
    space = make_key(tier=Tier.SPACE)
    alice = [post(api, ip=SPACE_IP, key=space, HTTP_X_END_USER_IP="198.51.100.1") for _ in range(3)]
    bob = post(api, ip=SPACE_IP, key=space, HTTP_X_END_USER_IP="198.51.100.2")
    assert codes(alice) == [202, 202, 429]
    assert bob.status_code == 202
    job = Job.objects.get(id=bob.json()["id"])
    assert job.ip_hash == hash_ip("198.51.100.2")
    granted = AuditEvent.objects.get(job=job, event_type="access.granted")
    assert granted.details_json["forwarded_ip"] is True


@pytest.mark.parametrize("address", [None, "", "not-an-ip", "6.6.6.6, 7.7.7.7"])
def test_a_space_visitor_without_a_valid_address_is_still_limited(api, settings, make_key, address):
    settings.RATE_LIMITS["space_user"] = "2/h"
    space = make_key(tier=Tier.SPACE)
    headers = {} if address is None else {"HTTP_X_END_USER_IP": address}
    by_session = [post(api, ip=SPACE_IP, key=space, session="v1", **headers) for _ in range(3)]
    assert codes(by_session) == [202, 202, 429]
    assert post(api, ip=SPACE_IP, key=space, session="v2", **headers).status_code == 202
    # No address and no session: one shared bucket, never no limit at all.
    anonymous = [post(api, ip=SPACE_IP, key=space, **headers) for _ in range(3)]
    assert codes(anonymous) == [202, 202, 429]


@pytest.mark.parametrize("tier", [None, Tier.TRUSTED])
def test_the_end_user_header_is_ignored_from_anyone_else(api, make_key, tier):
    key = make_key(tier=tier) if tier else None
    response = post(api, ip="203.0.113.9", key=key, HTTP_X_END_USER_IP="198.51.100.1")
    job = Job.objects.get(id=response.json()["id"])
    assert job.ip_hash == hash_ip("203.0.113.9")


def test_fly_client_ip_is_used_only_when_configured(api, settings):
    first = post(api, ip="172.16.0.1", HTTP_FLY_CLIENT_IP="198.51.100.7")
    settings.CLIENT_IP_SOURCE = "fly"
    second = post(api, ip="172.16.0.1", HTTP_FLY_CLIENT_IP="198.51.100.7")
    hashes = [Job.objects.get(id=r.json()["id"]).ip_hash for r in (first, second)]
    assert hashes == [hash_ip("172.16.0.1"), hash_ip("198.51.100.7")]


def test_x_forwarded_for_takes_the_hop_before_our_proxies(api, settings):
    settings.CLIENT_IP_SOURCE = "x-forwarded-for"
    settings.TRUSTED_PROXY_COUNT = 1
    response = post(api, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.8")
    assert Job.objects.get(id=response.json()["id"]).ip_hash == hash_ip("198.51.100.8")


@pytest.mark.parametrize(
    ("kind", "value", "request_kwargs"),
    [
        (BlockKind.IP_HASH, hash_ip("203.0.113.66"), {"ip": "203.0.113.66"}),
        (BlockKind.SESSION, "spammer", {"session": "spammer"}),
    ],
)
def test_a_blocked_client_gets_403_and_the_attempt_is_recorded(api, kind, value, request_kwargs):
    Block.objects.create(kind=kind, value=value, reason="spam")
    response = post(api, **request_kwargs)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "blocked")
    assert AuditEvent.objects.filter(event_type="access.blocked").count() == 1
    assert not Job.objects.exists()


def test_a_blocked_key_and_an_expired_block(api, make_key):
    raw = make_key()
    key = ApiKey.objects.get()
    Block.objects.create(kind=BlockKind.API_KEY, value=str(key.id), reason="abuse")
    assert post(api, key=raw).status_code == 403
    Block.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert post(api, key=raw).status_code == 202


def test_past_the_queue_depth_new_jobs_are_shed_with_503(api, settings, make_job):
    settings.MAX_QUEUE_DEPTH = 2
    make_job(JobStatus.QUEUED)
    make_job(JobStatus.QUEUED)
    response = post(api)
    assert (response.status_code, response.json()["error"]["code"]) == (503, "overloaded")
    assert int(response["Retry-After"]) > 0
    assert "RateLimit-Remaining" in response
    assert AuditEvent.objects.filter(event_type="access.shed").count() == 1


def test_a_client_with_too_many_unfinished_jobs_gets_429(api, settings):
    settings.MAX_UNFINISHED_PER_CLIENT = 2
    responses = [post(api) for _ in range(3)]
    assert codes(responses) == [202, 202, 429]
    assert responses[-1].json()["error"]["code"] == "too_many_unfinished"
    assert responses[-1]["Retry-After"]
    assert Job.objects.count() == 2
    assert AuditEvent.objects.filter(event_type="access.unfinished_cap").count() == 1
    Job.objects.filter(status=JobStatus.QUEUED).update(status=JobStatus.COMPLETED)
    assert post(api).status_code == 202


def test_cancel_is_rate_limited_too(api, settings, make_job):
    settings.RATE_LIMITS["anonymous"] = "1/h"
    job = make_job(JobStatus.QUEUED)
    assert api.post(f"/jobs/{job.id}/cancel", **OWNER).status_code == 200
    assert api.post(f"/jobs/{job.id}/cancel", **OWNER).status_code == 429
