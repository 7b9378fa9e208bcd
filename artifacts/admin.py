from django.contrib import admin

from artifacts.models import Artifact


@admin.register(Artifact)
class ArtifactAdmin(admin.ModelAdmin):
    list_display = ["job", "kind", "size_bytes", "created_at", "expires_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Artifact._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
