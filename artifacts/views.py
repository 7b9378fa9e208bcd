from django.core.files.storage import default_storage
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from artifacts.storage import read_link


class ArtifactDownloadView(APIView):
    """Serves a local file behind a signed, expiring link (S3 deployments presign instead)."""

    @extend_schema(exclude=True)
    def get(self, request, token):
        artifact = read_link(token)  # a refused link is a 403 (jobs/api/errors.py)
        response = FileResponse(
            default_storage.open(artifact.storage_key, "rb"),
            as_attachment=True,
            filename=artifact.download_name,
            content_type=artifact.content_type,
        )
        response["Cache-Control"] = "private, max-age=300"
        response["X-Content-Type-Options"] = "nosniff"
        return response
