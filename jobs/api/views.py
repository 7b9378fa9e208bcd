from django.db import connection
from django.http import JsonResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs import access, services
from jobs.api.errors import ApiError, error_body
from jobs.api.serializers import (
    FeedbackSerializer,
    JobArtifactsSerializer,
    JobCreateSerializer,
    JobSerializer,
)
from jobs.models import Job
from naturalcad.spec.schema import SPEC_SCHEMA


def get_job(job_id) -> Job:
    job = Job.objects.filter(id=job_id).first()
    if job is None:
        raise ApiError(404, "not_found", f"No job with id {job_id}.")
    return job


def admit(request, group: str, session_id: str = "") -> tuple[access.Client, dict[str, str]]:
    """Identify the client and apply the blocklist and the rate limits of a write endpoint."""
    client = access.identify(request, session_id)
    access.check_blocked(client)
    return client, access.enforce_rate_limits(request, client, group)


class JobListView(APIView):
    @extend_schema(request=JobCreateSerializer, responses={202: JobSerializer, 200: JobSerializer})
    def post(self, request):
        payload = JobCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and not 1 <= len(key) <= 255:
            raise ApiError(400, "validation_error", "Idempotency-Key must be 1 to 255 characters.")
        session_id = payload.validated_data.get("session_id", "")
        client, limit_headers = admit(request, "jobs.create", session_id)
        try:
            access.shed_load(client)
            job, created = services.submit_job(
                payload.validated_data, client=client, idempotency_key=key
            )
        except ApiError as refusal:
            refusal.headers = {**limit_headers, **refusal.headers}
            raise
        body = JobSerializer(job, context={"request": request}).data
        code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        headers = {"Location": f"/jobs/{job.id}", **limit_headers}
        return Response(body, status=code, headers=headers)


class JobDetailView(APIView):
    @extend_schema(responses=JobSerializer)
    def get(self, request, job_id):
        return Response(JobSerializer(get_job(job_id), context={"request": request}).data)


class JobArtifactsView(APIView):
    @extend_schema(responses=JobArtifactsSerializer)
    def get(self, request, job_id):
        job = get_job(job_id)
        return Response(JobArtifactsSerializer(job, context={"request": request}).data)


class JobCancelView(APIView):
    @extend_schema(request=None, responses=JobSerializer)
    def post(self, request, job_id):
        _, limit_headers = admit(request, "jobs.cancel")
        job = services.cancel_job(get_job(job_id).id)
        return Response(
            JobSerializer(job, context={"request": request}).data, headers=limit_headers
        )


class JobFeedbackView(APIView):
    @extend_schema(request=FeedbackSerializer, responses={204: None})
    def post(self, request, job_id):
        payload = FeedbackSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        client, limit_headers = admit(request, "jobs.feedback", data.get("session_id", ""))
        services.leave_feedback(get_job(job_id), client, data["rating"], data["comment"])
        return Response(status=status.HTTP_204_NO_CONTENT, headers=limit_headers)


_HEALTH = inline_serializer(
    "Health",
    {
        "status": serializers.CharField(),
        "database": serializers.CharField(),
        "queue": serializers.DictField(child=serializers.IntegerField()),
    },
)


class HealthView(APIView):
    @extend_schema(responses={200: _HEALTH, 503: OpenApiResponse(_HEALTH)})
    def get(self, request):
        try:
            queue = services.queue_counts()
        except Exception:
            connection.close()  # a broken connection must not be reused by the next request
            return Response(
                {"status": "unavailable", "database": "unreachable", "queue": {}},
                status=503,
                headers={"Retry-After": "10"},
            )
        return Response({"status": "ok", "database": "ok", "queue": queue})


class SpecSchemaView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="JSON Schema of the spec")})
    def get(self, request):
        return Response(SPEC_SCHEMA)


def not_found(request, exception=None):
    return JsonResponse(error_body("not_found", "No such resource."), status=404)


def server_error(request):
    return JsonResponse(
        error_body("internal_error", "Something went wrong on our side."), status=500
    )
