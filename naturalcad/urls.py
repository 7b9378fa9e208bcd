from django.contrib import admin
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from artifacts.views import ArtifactDownloadView
from jobs.api import views

urlpatterns = [
    path("jobs", views.JobListView.as_view(), name="job-list"),
    path("jobs/<uuid:job_id>", views.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:job_id>/artifacts", views.JobArtifactsView.as_view(), name="job-artifacts"),
    path("jobs/<uuid:job_id>/cancel", views.JobCancelView.as_view(), name="job-cancel"),
    path("jobs/<uuid:job_id>/feedback", views.JobFeedbackView.as_view(), name="job-feedback"),
    path("files/<str:token>", ArtifactDownloadView.as_view(), name="artifact-download"),
    path("health", views.HealthView.as_view(), name="health"),
    path("spec/schema", views.SpecSchemaView.as_view(), name="spec-schema"),
    path("api/schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]

handler404 = "jobs.api.views.not_found"
handler500 = "jobs.api.views.server_error"
