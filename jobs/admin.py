from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone

from artifacts.models import Artifact
from audit.models import record
from jobs import access, services
from jobs.models import ApiKey, Block, BlockKind, Job
from naturalcad.errors import CodedError


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
    actions = ["cancel", "retry", "block_clients"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="prompt")
    def short_prompt(self, job) -> str:
        return job.prompt[:80]

    @admin.action(description="Cancel selected unfinished jobs", permissions=["change"])
    def cancel(self, request, queryset):
        by = request.user.get_username()
        done = self._each(request, queryset, lambda job: services.cancel_job(job.id, by=by))
        self.message_user(request, f"Canceled {done} job(s).", messages.SUCCESS)

    def _each(self, request, queryset, act) -> int:
        """Apply a domain action to each job; show each refusal's own message."""
        done = 0
        for job in queryset:
            try:
                act(job)
            except CodedError as refusal:
                self.message_user(request, f"{job.id}: {refusal}", messages.WARNING)
            else:
                done += 1
        return done

    def has_add_block_permission(self, request) -> bool:
        return request.user.has_perm("jobs.add_block")

    @admin.action(
        description="Block the clients (IP hashes) of selected jobs", permissions=["add_block"]
    )
    def block_clients(self, request, queryset):
        hashes = {job.ip_hash for job in queryset if job.ip_hash}
        for ip_hash in hashes:
            Block.objects.create(
                kind=BlockKind.IP_HASH,
                value=ip_hash,
                reason="blocked from jobs",
                created_by=request.user.get_username(),
            )
            record(
                "moderation.block",
                kind=BlockKind.IP_HASH,
                value=ip_hash,
                by=request.user.get_username(),
            )
        self.message_user(request, f"Blocked {len(hashes)} client(s).", messages.SUCCESS)

    @admin.action(description="Retry selected failed or canceled jobs", permissions=["change"])
    def retry(self, request, queryset):
        by = request.user.get_username()
        done = self._each(request, queryset, lambda job: services.requeue_job(job, by=by))
        self.message_user(request, f"Re-queued {done} job(s).", messages.SUCCESS)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "tier", "rates", "created_at", "revoked_at"]
    list_filter = ["tier"]
    readonly_fields = ["prefix", "created_at", "revoked_at"]
    fields = ["name", "tier", "rates", "prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:  # the admin form's own save path; `issue_api_key` serves commands
            raw, obj.key_hash = access.new_api_key()
            obj.prefix = raw[:10]
            self.message_user(request, f"The new key, shown only now: {raw}", messages.WARNING)
        super().save_model(request, obj, form, change)
        record(
            "moderation.api_key_saved", key=obj.id, tier=obj.tier, by=request.user.get_username()
        )

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at", "updated_at"])
            record("moderation.api_key_revoked", key=key.id, by=request.user.get_username())


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["kind", "short_value", "reason", "expires_at", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "reason"]
    readonly_fields = ["created_by", "created_at"]

    @admin.display(description="value")
    def short_value(self, block) -> str:
        return block.value[:16]

    def save_model(self, request, obj, form, change):
        obj.created_by = obj.created_by or request.user.get_username()
        super().save_model(request, obj, form, change)
        record(
            "moderation.block",
            kind=obj.kind,
            value=obj.value,
            reason=obj.reason,
            by=request.user.get_username(),
        )

    def delete_model(self, request, obj):
        self._audit_unblock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The bulk "delete selected" action: each lifted block is audited like a single one."""
        with transaction.atomic():
            self._audit_unblock(request, queryset)
            super().delete_queryset(request, queryset)

    @staticmethod
    def _audit_unblock(request, blocks) -> None:
        for block in blocks:
            record(
                "moderation.unblock",
                kind=block.kind,
                value=block.value,
                by=request.user.get_username(),
            )
