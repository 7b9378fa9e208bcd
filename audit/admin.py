import json

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from audit.models import AuditEvent

DETAILS_SHOWN = 120  # characters of the details in the list; the event's page has them all


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event_type", "job_link", "details"]
    list_filter = ["event_type", "created_at"]
    search_fields = ["job__id", "event_type"]
    ordering = ["-created_at", "-id"]  # what just happened first
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "created_at",
        "event_type",
        "job_link",
        "details_pretty",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="job")
    def job_link(self, event: AuditEvent) -> SafeString | str:
        if event.job_id is None:
            return "-"
        url = reverse("admin:jobs_job_change", args=[event.job_id])
        return format_html('<a href="{}">{}</a>', url, str(event.job_id)[:8])

    @admin.display(description="details")
    def details(self, event: AuditEvent) -> str:
        text = json.dumps(event.details_json, ensure_ascii=False)
        return text if len(text) <= DETAILS_SHOWN else text[: DETAILS_SHOWN - 1] + "…"

    @admin.display(description="details")
    def details_pretty(self, event: AuditEvent) -> SafeString:
        return format_html("<pre>{}</pre>", json.dumps(event.details_json, indent=2))
