"""Business rules for creating and changing jobs; the views and tasks stay thin."""

import hashlib
import json
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count

from audit.models import record
from jobs import access, versions
from jobs.access import Client, Refusal
from jobs.announcer import announce
from jobs.models import Feedback, Job, JobStatus, Origin
from jobs.prompt import normalize_prompt, prompt_key
from jobs.tasks import build_entry, build_job
from naturalcad.errors import CodedError


class IdempotencyConflict(Refusal):
    """This Idempotency-Key was already used with a different body."""

    code = "idempotency_conflict"


class AlreadyFinished(CodedError):
    """The job is already finished."""

    code = "already_finished"


class NotRetryable(CodedError):
    """Only a failed or canceled job can be retried."""

    code = "not_retryable"


def fingerprint(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def submit_job(
    data: dict, *, client: Client, idempotency_key: str | None, secret: str = ""
) -> tuple[Job, bool]:
    """Create, validate and queue a job in one transaction; return (job, created).

    A repeated Idempotency-Key with the same body returns the first job. `secret` is the
    X-Job-Secret that proves a `parent` is the client's.
    """
    request_fingerprint = fingerprint(data)
    if idempotency_key:
        # Scoped to the client: another client's same key is another key, not its job.
        idempotency_key = fingerprint({"client": client.identity, "key": idempotency_key})
        existing = _replay(idempotency_key, request_fingerprint)
        if existing is not None:
            return existing, False
    made_from = versions.lineage(data, client, secret)
    try:
        with access.within_cap(client) as cap_check:
            job = _create_and_queue(
                data, client, cap_check, idempotency_key, request_fingerprint, made_from
            )
            return job, True
    except IntegrityError:
        if not idempotency_key:
            raise
        # Two requests with the same key raced; the loser answers with the winner's job.
        winner = _replay(idempotency_key, request_fingerprint)
        if winner is None:  # the conflict was not this key's
            raise
        return winner, False


def _replay(key: str, request_fingerprint: str) -> Job | None:
    job = Job.objects.filter(idempotency_key=key).first()
    if job is not None and job.request_fingerprint != request_fingerprint:
        raise IdempotencyConflict()
    return job


def _create_and_queue(
    data,
    client: Client,
    cap_check: tuple[str, list[Any]],
    idempotency_key,
    request_fingerprint,
    made_from: versions.Lineage,
) -> Job:
    prompt = data.get("prompt", "")
    normalized = normalize_prompt(prompt)
    secret, secret_hash = access.new_job_secret()
    output_type, mode = data["output_type"], data["mode"]
    if made_from.spec is not None:  # the spec says what it is
        output_type, mode = made_from.spec["output_type"], made_from.spec["mode"]
    elif made_from.parent is not None:  # an edit in words keeps what it edits
        output_type, mode = made_from.parent.output_type, made_from.parent.mode
    # Only a description on its own is the prompt cache's: an edit depends on its parent.
    key = prompt_key(normalized, output_type, mode) if made_from.origin == Origin.PROMPT else ""
    job_id = uuid.uuid4()
    # The job row, its events, its queue entry and the client's cap in one statement, its own
    # transaction: they commit together or not at all.
    job, (entry_id,) = Job.create_walked(
        [JobStatus.SUBMITTED, JobStatus.VALIDATED, JobStatus.QUEUED],
        [("access.granted", client.audit)],
        then=cap_check,
        alongside=[build_entry(str(job_id))],
        id=job_id,
        prompt=prompt,
        normalized_prompt=normalized,
        prompt_key=key,
        output_type=output_type,
        mode=mode,
        client_session_id=data.get("session_id", ""),
        client_meta_json=data.get("client") or {},
        ip_hash=client.ip_hash,
        api_key=client.api_key,
        idempotency_key=idempotency_key or None,
        request_fingerprint=request_fingerprint,
        owner_secret_hash=secret_hash,
        **made_from.fields(),
    )
    # Once committed (at once, unless a caller's transaction holds it). Robust: the job stands
    # whatever becomes of the announcement (the worker polls too).
    transaction.on_commit(lambda: announce(entry_id), robust=True)
    job.secret = secret  # for the creating answer only; never stored
    return job


def queue_counts() -> dict[str, int]:
    active = Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    counts = dict(active.values_list("status").annotate(n=Count("id")).order_by())
    return {"queued": counts.get(JobStatus.QUEUED, 0), "running": counts.get(JobStatus.RUNNING, 0)}


def cancel_job(job_id, *, by: str = "") -> Job:
    """Cancel an unfinished job; a running build is discarded when it returns. `by` names the
    moderator, whose action is audited."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(id=job_id)
        if not job.can_become(JobStatus.CANCELED):
            raise AlreadyFinished(message=f"The job is already {job.status}.")
        job.transition(JobStatus.CANCELED)
        if by:
            record("moderation.cancel", job=job, by=by)
    return job


def requeue_job(job: Job, *, by: str) -> None:
    """A moderator's retry of a failed or canceled job: back to the queue, error cleared."""
    with transaction.atomic():
        if not (job.is_final and job.can_become(JobStatus.QUEUED)):
            raise NotRetryable(
                message=f"The job is {job.status}; only failed or canceled jobs are retried."
            )
        job.error_code = ""
        job.error_text = ""
        job.transition(JobStatus.QUEUED, by=by)
        record("moderation.retry", job=job, by=by)
        build_job.defer(job_id=str(job.id))


def leave_feedback(job: Job, client: Client, rating: str, comment: str) -> None:
    """Record a rating; a second one from the same client replaces the first."""
    client_key = client.session_id or client.ip_hash
    with transaction.atomic():
        Feedback.objects.update_or_create(
            job=job, client_key=client_key, defaults={"rating": rating, "comment": comment}
        )
        record("job.feedback", job=job, rating=rating, **client.audit)
