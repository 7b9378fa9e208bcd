from django.contrib import admin
from django.http import HttpRequest

from artifacts.models import Artifact


@admin.register(Artifact)
class ArtifactAdmin(admin.ModelAdmin):
    """Files are made by the worker and removed by retention: shown here, never edited."""

    list_display = ["job", "kind", "size_bytes", "created_at", "expires_at"]
    list_filter = ["kind"]
    list_select_related = ["job"]
    ordering = ["-created_at"]
    readonly_fields = [f.name for f in Artifact._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
