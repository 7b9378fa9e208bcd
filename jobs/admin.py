from django.contrib import admin, messages

from artifacts.models import Artifact
from jobs import services
from jobs.api.errors import ApiError
from jobs.models import Job, JobStatus


class ArtifactInline(admin.TabularInline):
    model = Artifact
    extra = 0
    can_delete = False
    readonly_fields = [
        "kind",
        "storage_key",
        "size_bytes",
        "sha256",
        "content_type",
        "created_at",
        "expires_at",
    ]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "status", "created_at", "output_type", "short_prompt", "error_code"]
    list_filter = ["status", "output_type", "mode", "error_code"]
    search_fields = ["id", "normalized_prompt", "client_session_id", "ip_hash"]
    readonly_fields = [f.name for f in Job._meta.fields]
    inlines = [ArtifactInline]
    actions = ["cancel", "retry"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="prompt")
    def short_prompt(self, job) -> str:
        return job.prompt[:80]

    @admin.action(description="Cancel selected unfinished jobs")
    def cancel(self, request, queryset):
        done = 0
        for job in queryset:
            try:
                services.cancel_job(job.id)
                done += 1
            except ApiError:
                continue
        self.message_user(request, f"Canceled {done} job(s).", messages.SUCCESS)

    @admin.action(description="Retry selected failed or canceled jobs")
    def retry(self, request, queryset):
        jobs = [j for j in queryset if j.can_become(JobStatus.QUEUED) and j.is_final]
        for job in jobs:
            services.requeue_job(job, by=request.user.get_username())
        self.message_user(request, f"Re-queued {len(jobs)} job(s).", messages.SUCCESS)
