"""What the worker does with one job: interpret, build in isolation, store, complete.

Every way out ends the job in a final status with a code and a message a user can act on.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from artifacts.kinds import OWN_KINDS, file_extension
from artifacts.models import Artifact, StoredObject
from artifacts.storage import (
    StorageUnavailable,
    delete_unreferenced,
    describe,
    lock_keys,
    put_objects,
)
from audit.models import record
from jobs import inference, sources
from jobs.models import Job, JobStatus
from jobs.outage import DATABASE_DOWN
from jobs.prompt import normalize_prompt, prompt_key
from naturalcad.errors import CodedError
from naturalcad.geometry import runner
from naturalcad.spec.signature import canonical_signature

logger = logging.getLogger(__name__)


def run_job(job_id: str, *, resumed: bool = False) -> None:
    """Run a queued job; `resumed`: also a `running` one, whose earlier attempt of this same
    queue entry was cut short by a database outage."""
    job = _start(job_id, resumed)
    if job is None:
        return
    log = sources.BuildLog(job)
    try:
        with log.timed("spec"):
            source, spec, model_info = sources.spec_for(job)
        log.path(model_info)
        signature = _save_spec(job, source, spec, model_info)
        own = sources.own_files(source, log)
        if not reuse_completed(job.id, signature, own):
            # The job waits here, `running`, while another job of this worker builds. No
            # query once it has the slot, the child would idle through it: a job canceled
            # meanwhile is built, then kept nothing of, as one canceled during its build.
            with build_slot(), log.timed("build"):
                files = build_isolated(spec, str(job.id))
            log.warn(files.pop("log", b""))  # what the build left out, for the job's log
            _complete(job.id, {**files, **own, "log": log.text(source).encode()})
    except CodedError as failure:
        _fail(job.id, failure.code, str(failure))
    except DATABASE_DOWN:
        raise  # not the job's fault: the task runs it again once the database is back
    except Exception:
        logger.exception("job %s crashed", job_id)
        _fail(job.id, "internal_error", "The worker failed unexpectedly; please retry.")


def derive_spec(prompt: str, output_type: str, mode: str, job: Job | None = None):
    """(spec resolved for the engine, model_info) by rules, prompt cache or model; a
    CodedError if none."""
    key = job.prompt_key if job else prompt_key(normalize_prompt(prompt), output_type, mode)
    chosen = inference.choose_spec(inference.Request(prompt, output_type, mode, key=key, job=job))
    return chosen.spec, chosen.model_info


# The worker runs WORKER_CONCURRENCY jobs at once, and their builds take turns for these
# slots: one job's commits and uploads overlap another's build, while the builds (and so
# the geometry children, each up to GEOMETRY_MEMORY_MB) stay at GEOMETRY_BUILD_SLOTS.
_build_slots = threading.BoundedSemaphore(settings.GEOMETRY_BUILD_SLOTS)


@contextmanager
def build_slot() -> Iterator[None]:
    """Hold a build slot of this process. A build's time limit starts in the child, so the
    wait for a slot never counts against it."""
    with _build_slots:
        yield


def warm_up() -> None:
    """A warm geometry child before the first job, made in a build slot like any build."""
    with build_slot():
        runner.warm_up(settings.GEOMETRY_MEMORY_MB)


def build_isolated(spec: dict, job_id: str = "local build") -> dict[str, bytes]:
    """The part's files and its drawing; a drawing that fails costs only the drawing."""
    title = {
        "intent": spec.get("intent", ""),
        "job_id": job_id,
        "date": timezone.now().date().isoformat(),
    }
    return runner.build_files(
        spec,
        timeout=settings.GEOMETRY_TIMEOUT_SECONDS,
        memory_mb=settings.GEOMETRY_MEMORY_MB,
        drawing=runner.DrawingRequest(title, settings.DRAWING_TIMEOUT_SECONDS),
    )


@transaction.atomic
def _start(job_id: str, resumed: bool) -> Job | None:
    job = Job.objects.select_for_update().filter(id=job_id).first()
    if job is not None and resumed and job.status == JobStatus.RUNNING:
        return job
    if job is None or job.status != JobStatus.QUEUED:
        logger.info("job %s is %s; nothing to run", job_id, job and job.status)
        return None
    job.transition(JobStatus.RUNNING)
    return job


def _save_spec(job: Job, source: dict, spec: dict, model_info: dict) -> str:
    """Keep the spec as written (its named dimensions and what refers to them: the part's
    source, which edits change) with the signature of what it resolves to."""
    signature = canonical_signature(spec)
    source["dedupe"] = {**source.get("dedupe", {}), "canonical_signature": signature}
    Job.objects.filter(id=job.id).update(
        # "auto" becomes what the reading chose; a client's own choice is what the spec has
        output_type=spec["output_type"],
        mode=spec["mode"],
        spec_json=source,
        canonical_signature=signature,
        model_info_json=model_info,
        updated_at=timezone.now(),
    )
    return signature


def reuse_completed(job_id, signature: str, own: dict[str, bytes]) -> bool:
    """Complete from the files of a job that built the same part, if they are still kept;
    the files that say how this job was made (`own`: its spec, script, log) are its own."""
    source = (
        Job.objects.filter(status=JobStatus.COMPLETED, canonical_signature=signature)
        .exclude(id=job_id)
        .order_by("-created_at")
        .first()
    )
    if source is None:
        return False
    objects = _described(own)
    own_keys = [stored.key for stored, _ in objects.values()]
    attached = False
    try:
        put_objects(objects.values())  # outside the transaction: a slow store holds no lock
        with transaction.atomic():
            job = _locked(job_id, "reused_from")
            lock_keys([*source.artifacts.values_list("storage_key", flat=True), *own_keys])
            keep_until = timezone.now() + timedelta(hours=settings.REUSE_MIN_REMAINING_HOURS)
            # read again now that purges must wait
            shared = list(source.artifacts.exclude(kind__in=OWN_KINDS))
            if job.status != JobStatus.RUNNING or not shared:
                return job.status != JobStatus.RUNNING
            if any(artifact.expires_at <= keep_until for artifact in shared):
                return False
            put_objects(objects.values(), uploaded=True)
            stored = {artifact.kind: artifact.stored for artifact in shared}
            stored.update({kind: each for kind, (each, _) in objects.items()})
            Artifact.objects.attach(job, stored)
            job.reused_from = source
            record("job.reused", job=job, source=str(source.id), signature=signature)
            job.transition(JobStatus.COMPLETED, reused_from=str(source.id))
            attached = True
        return True
    finally:
        if not attached:  # a build (or nothing, if canceled) follows: no row has them
            _discard_unreferenced(own_keys)


# A job's files by kind, each with its content-addressed key: hashed once per job.
Objects = dict[str, tuple[StoredObject, bytes]]


def _described(files: dict[str, bytes]) -> Objects:
    return {kind: (describe(data, file_extension(kind)), data) for kind, data in files.items()}


def _complete(job_id, files: dict[str, bytes]) -> None:
    objects = _described(files)
    keys = [stored.key for stored, _ in objects.values()]
    try:
        if not _store_patiently(job_id, objects):
            _discard_unreferenced(keys)  # canceled while building: keep nothing
    except Exception:
        _discard_unreferenced(keys)  # uploaded by this attempt, but no row commits to them
        raise


def _store_patiently(job_id, objects: Objects) -> bool:
    """Upload and attach (False: the job was canceled meanwhile), retrying a failing store
    with backoff for the retry window.

    The uploads happen outside any transaction, so an outage holds no row or key lock;
    under the locks only a check that each object is (still) there.
    """
    deadline = time.monotonic() + settings.STORAGE_RETRY_WINDOW_SECONDS
    pauses = backoff()
    while True:
        try:
            put_objects(objects.values())
            return _attach_files(job_id, objects)
        except StorageUnavailable:
            pause = next(pauses)
            if time.monotonic() + pause > deadline:
                raise
            logger.warning("job %s: the file store failed; retrying in %.0f s", job_id, pause)
            time.sleep(pause)


def backoff(first: float = 1.0, longest: float = 10.0) -> Iterator[float]:
    """Pauses doubling from `first` to at most `longest`, forever; the caller keeps time."""
    pause = first
    while True:
        yield pause
        pause = min(pause * 2, longest)


def _attach_files(job_id, objects: Objects) -> bool:
    with transaction.atomic():
        job = _locked(job_id)
        if job.status != JobStatus.RUNNING:
            return False
        lock_keys(stored.key for stored, _ in objects.values())  # purges wait for the rows
        put_objects(objects.values(), uploaded=True)
        stored = {kind: each for kind, (each, _) in objects.items()}
        Artifact.objects.attach(job, stored)
        job.transition(JobStatus.COMPLETED, artifacts=sorted(stored))
    return True


def _locked(job_id, *fields: str) -> Job:
    """The job, row-locked, with only its status and `fields` loaded: completing it writes
    back only those, not the whole row."""
    return Job.objects.select_for_update().only("status", "updated_at", *fields).get(id=job_id)


def _discard_unreferenced(keys) -> None:
    """Best effort: an object of a failed or canceled job that no row uses goes away."""
    try:
        with transaction.atomic():
            delete_unreferenced(keys)
    except StorageUnavailable:
        logger.warning("could not remove unreferenced objects %s; a re-upload reuses them", keys)


@transaction.atomic
def _fail(job_id, code: str, message: str) -> None:
    job = Job.objects.select_for_update().get(id=job_id)
    if job.can_become(JobStatus.FAILED) and job.status == JobStatus.RUNNING:
        job.fail(code, message)
