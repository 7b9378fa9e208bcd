from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from artifacts.views import ArtifactDownloadView
from jobs.admin_login import throttled_login
from jobs.api import edge, views

urlpatterns = [
    path("jobs", views.JobListView.as_view(), name="job-list"),
    path("jobs/<uuid:job_id>", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:job_id>/artifacts", views.JobArtifactsView.as_view(), name="job-artifacts"),
    path("jobs/<uuid:job_id>/cancel", views.JobCancelView.as_view(), name="job-cancel"),
    path("jobs/<uuid:job_id>/versions", views.JobVersionsView.as_view(), name="job-versions"),
    path("jobs/<uuid:job_id>/feedback", views.JobFeedbackView.as_view(), name="job-feedback"),
    path("files/<str:token>", ArtifactDownloadView.as_view(), name="artifact-download"),
    path("health", views.HealthView.as_view(), name="health"),
    path("spec/schema", views.SpecSchemaView.as_view(), name="spec-schema"),
    path("api/schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(f"{settings.ADMIN_URL}login/", throttled_login, name="admin-login"),
    path(settings.ADMIN_URL, admin.site.urls),
    # Last: every other path is a JSON 404 in every profile (DEBUG's 404 page lists the URLs).
    re_path(r"", edge.not_found),
]

handler400 = "jobs.api.edge.bad_request"
handler403 = "jobs.api.edge.permission_denied"
handler404 = "jobs.api.edge.not_found"
handler500 = "jobs.api.edge.server_error"
