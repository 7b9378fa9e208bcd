from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from artifacts.storage import storage_health
from jobs import access, services, versions
from jobs.api.errors import quota_headers
from jobs.api.openapi import END_USER_IP, IDEMPOTENCY_KEY, JOB_SECRET, PARENT_SECRET, errors
from jobs.api.serializers import (
    FeedbackSerializer,
    JobArtifactsSerializer,
    JobCreatedSerializer,
    JobCreateSerializer,
    JobSerializer,
    JobVersionsSerializer,
    job_with_live_artifacts,
)
from jobs.models import Job
from jobs.outage import DATABASE_DOWN, DatabaseUnavailable
from naturalcad.errors import CodedError
from naturalcad.spec.schema import SPEC_SCHEMA


def get_job(job_id, *, artifacts: bool = False) -> Job:
    job = job_with_live_artifacts(job_id) if artifacts else Job.objects.filter(id=job_id).first()
    if job is None:
        raise CodedError("not_found", f"No job with id {job_id}.")
    return job


def get_own_job(request, client: access.Client, job_id) -> Job:
    """The job if this client created it; anyone else is told there is no such job."""
    job = get_job(job_id)
    if not access.owns(client, job, request.headers.get("X-Job-Secret", "")):
        raise CodedError("not_found", f"No job with id {job_id}.")
    return job


class LimitedView(APIView):
    """A write endpoint: every answer after `access.admit`, refusals included, reports the
    tightest rate limit the request was counted against."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in quota_headers(getattr(request, "rate_quota", None)).items():
            response[name] = value
        return response


class JobListView(LimitedView):
    @extend_schema(
        request=JobCreateSerializer,
        parameters=[IDEMPOTENCY_KEY, END_USER_IP, PARENT_SECRET],
        responses={
            202: OpenApiResponse(JobCreatedSerializer, "Created and queued."),
            200: OpenApiResponse(JobSerializer, "The job first created with this key and body."),
            **errors(400, 401, 403, 404, 409, 413, 415, 429, 503),
        },
    )
    def post(self, request):
        payload = JobCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key")  # present but empty is refused too
        if key is not None and not 1 <= len(key) <= 255:
            raise CodedError("validation_error", "Idempotency-Key must be 1 to 255 characters.")
        session_id = payload.validated_data.get("session_id", "")
        client = access.admit(request, "jobs.create", session_id, creating=True)
        job, created = services.submit_job(
            payload.validated_data,
            client=client,
            idempotency_key=key,
            secret=request.headers.get("X-Job-Secret", ""),
        )
        answer = JobCreatedSerializer if created else JobSerializer
        body = answer(job, context={"request": request}).data
        code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        return Response(body, status=code, headers={"Location": f"/jobs/{job.id}"})


class JobDetailView(APIView):
    @extend_schema(responses={200: JobSerializer, **errors(404)})
    def get(self, request, job_id):
        job = get_job(job_id, artifacts=True)
        return Response(JobSerializer(job, context={"request": request}).data)


class JobArtifactsView(APIView):
    @extend_schema(responses={200: JobArtifactsSerializer, **errors(404)})
    def get(self, request, job_id):
        job = get_job(job_id, artifacts=True)
        return Response(JobArtifactsSerializer(job, context={"request": request}).data)


class JobVersionsView(APIView):
    @extend_schema(parameters=[JOB_SECRET], responses={200: JobVersionsSerializer, **errors(404)})
    def get(self, request, job_id):
        job = get_own_job(request, access.identify(request), job_id)
        context = {"request": request, "chain": versions.chain(job)}
        return Response(JobVersionsSerializer(job, context=context).data)


class JobCancelView(LimitedView):
    @extend_schema(
        request=None,
        parameters=[JOB_SECRET, END_USER_IP],
        responses={200: JobSerializer, **errors(401, 403, 404, 409, 429)},
    )
    def post(self, request, job_id):
        client = access.admit(request, "jobs.cancel")
        job = services.cancel_job(get_own_job(request, client, job_id).id)
        return Response(JobSerializer(job, context={"request": request}).data)


class JobFeedbackView(LimitedView):
    @extend_schema(
        request=FeedbackSerializer,
        parameters=[JOB_SECRET, END_USER_IP],
        responses={204: None, **errors(400, 401, 403, 404, 413, 415, 429)},
    )
    def post(self, request, job_id):
        payload = FeedbackSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        client = access.admit(request, "jobs.feedback", data.get("session_id", ""))
        job = get_own_job(request, client, job_id)
        services.leave_feedback(job, client, data["rating"], data["comment"])
        return Response(status=status.HTTP_204_NO_CONTENT)


_HEALTH = inline_serializer(
    "Health",
    {
        "status": serializers.CharField(),
        "database": serializers.CharField(),
        "storage": serializers.CharField(help_text="ok, or degraded while the store fails"),
        "queue": serializers.DictField(child=serializers.IntegerField()),
    },
)


class HealthView(APIView):
    @extend_schema(responses={200: _HEALTH, 503: OpenApiResponse(_HEALTH)})
    def get(self, request):
        try:
            queue = services.queue_counts()
        except DATABASE_DOWN:
            connection.close()  # a broken connection must not be reused by the next request
            body = {"status": "unavailable", "database": "unreachable", "storage": "unknown"}
            retry = {"Retry-After": str(DatabaseUnavailable.retry_after)}
            return Response({**body, "queue": {}}, status=503, headers=retry)
        storage = storage_health()
        overall = "ok" if storage == "ok" else "degraded"  # jobs are accepted; uploads wait
        return Response({"status": overall, "database": "ok", "storage": storage, "queue": queue})


class SpecSchemaView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="JSON Schema of the spec")})
    def get(self, request):
        return Response(SPEC_SCHEMA)
