"""The operators' admin: jobs with their part, files, reading, audit trail and feedback; keys,
blocks and feedback. Every action asks before it acts, and acts through the domain's own
functions (the status machine audits each change)."""

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from artifacts.models import Artifact
from artifacts.storage import download_url
from audit.models import AuditEvent, record
from jobs import access, services
from jobs.models import ApiKey, Block, BlockKind, Feedback, Job, JobStatus
from naturalcad.errors import CodedError

# The front page with today's figures (jobs/templates/admin/naturalcad/index.html).
admin.site.index_template = "admin/naturalcad/index.html"


# An innermost list of numbers as json.dumps(indent=2) writes it, one number a line.
_NUMBERS = re.compile(r"\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+)*)\s+\]")


def pretty_json(value: Any) -> SafeString:
    """Indented, with a point or a size list on one line: [-53.0, -28.0]."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    text = _NUMBERS.sub(lambda m: "[" + ", ".join(n.strip() for n in m[1].split(",")) + "]", text)
    return format_html("<pre>{}</pre>", text)


def job_link(job_id: Any, text: str = "") -> SafeString:
    url = reverse("admin:jobs_job_change", args=[job_id])
    return format_html('<a href="{}">{}</a>', url, text or str(job_id)[:8])


def confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("post") == "yes"


def confirmation(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    verb: str,
    items: Iterable[Any],
    hidden: list[tuple[str, str]],
    back: str,
) -> TemplateResponse:
    """The page that asks "really?" before an action; its form posts the same request again,
    with `post=yes`."""
    items = list(items)
    what = f"{len(items)} {model_admin.opts.verbose_name_plural}"
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"{verb.capitalize()}?",
        "question": f"{verb.capitalize()} these {what}?",
        "verb": verb,
        "items": items,
        "hidden": hidden,
        "back": back,
    }
    return TemplateResponse(request, "admin/naturalcad/confirm.html", context)


class ConfirmedActions(admin.ModelAdmin):
    """Bulk actions that show what they will act on and ask first."""

    def ask(self, request: HttpRequest, queryset: QuerySet, verb: str) -> TemplateResponse | None:
        """None once confirmed; the confirmation page before that."""
        if confirmed(request):
            return None
        hidden = [("action", request.POST["action"])]
        hidden += [("_selected_action", str(pk)) for pk in queryset.values_list("pk", flat=True)]
        back = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        return confirmation(self, request, verb=verb, items=queryset, hidden=hidden, back=back)


class ReadOnlyInline(admin.TabularInline):
    """A record shown with its job: never added, changed or deleted from there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ArtifactInline(ReadOnlyInline):
    model = Artifact
    fields = readonly_fields = (
        "kind",
        "size_bytes",
        "content_type",
        "sha256",
        "expires_at",
    )


class AuditInline(ReadOnlyInline):
    model = AuditEvent
    verbose_name_plural = "audit trail (newest first)"
    fields = readonly_fields = (
        "created_at",
        "event_type",
        "details",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).order_by("-created_at", "-id")

    @admin.display(description="details")
    def details(self, event: AuditEvent) -> str:
        return json.dumps(event.details_json, ensure_ascii=False)


class FeedbackInline(ReadOnlyInline):
    model = Feedback
    fields = readonly_fields = (
        "created_at",
        "rating",
        "comment",
    )


@admin.register(Job)
class JobAdmin(ConfirmedActions):
    list_display = ["short_id", "status", "created_at", "output_type", "short_prompt", "error_code"]
    list_filter = ["status", "output_type", "mode", "error_code", "created_at"]
    search_fields = ["id", "normalized_prompt", "client_session_id", "ip_hash"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["status", "prompt", "output_type", "mode", "error", "version_of"]}),
        ("Reading", {"fields": ["spec", "model_info"]}),
        (
            "Client",
            {
                "fields": ["client_session_id", "ip_hash", "api_key", "client_meta"],
                "classes": ["collapse"],
            },
        ),
        ("Times", {"fields": ["created_at", "updated_at"]}),
    ]
    readonly_fields = [
        "status",
        "prompt",
        "output_type",
        "mode",
        "error",
        "version_of",
        "spec",
        "model_info",
        "client_session_id",
        "ip_hash",
        "api_key",
        "client_meta",
        "created_at",
        "updated_at",
    ]
    inlines = [ArtifactInline, AuditInline, FeedbackInline]
    actions = ["cancel", "retry", "block_clients"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="id")
    def short_id(self, job: Job) -> str:
        return str(job.id)[:8]

    @admin.display(description="prompt")
    def short_prompt(self, job: Job) -> str:
        return job.prompt[:80]

    @admin.display(description="error")
    def error(self, job: Job) -> str:
        return f"{job.error_code}: {job.error_text}" if job.error_code else "-"

    @admin.display(description="reused the files of")
    def version_of(self, job: Job) -> SafeString | str:
        return job_link(job.reused_from_id) if job.reused_from_id else "-"

    @admin.display(description="spec")
    def spec(self, job: Job) -> SafeString:
        return pretty_json(job.spec_json)

    @admin.display(description="model info")
    def model_info(self, job: Job) -> SafeString:
        return pretty_json(job.model_info_json)

    @admin.display(description="client metadata")
    def client_meta(self, job: Job) -> SafeString:
        return pretty_json(job.client_meta_json)

    # The job page: its part and files, Retry and Cancel; nothing on it is edited by hand.
    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        job = self.get_object(request, object_id)
        context = dict(extra_context or {}, show_save=False, show_save_and_continue=False)
        if job is not None:
            context |= self._result(request, job)
        return super().change_view(request, object_id, form_url, context)

    def _result(self, request: HttpRequest, job: Job) -> dict[str, Any]:
        live = job.artifacts.filter(expires_at__gt=timezone.now())
        links = {a.kind: download_url(a, request)[0] for a in live}
        may_change = self.has_change_permission(request, job)
        return {
            "preview": links.get("png"),
            "downloads": sorted(links.items()),
            "can_retry": may_change and job.is_final and job.can_become(JobStatus.QUEUED),
            "can_cancel": may_change and job.can_become(JobStatus.CANCELED),
        }

    def get_urls(self) -> list[URLPattern]:
        one = self.admin_site.admin_view
        return [
            path("<uuid:job_id>/retry/", one(self.retry_one), name="jobs_job_retry"),
            path("<uuid:job_id>/cancel/", one(self.cancel_one), name="jobs_job_cancel"),
            *super().get_urls(),
        ]

    def retry_one(self, request: HttpRequest, job_id: str) -> HttpResponse:
        by = request.user.get_username()
        retry = lambda job: services.requeue_job(job, by=by)  # noqa: E731
        return self._act_on_one(request, job_id, "retry", retry)

    def cancel_one(self, request: HttpRequest, job_id: str) -> HttpResponse:
        by = request.user.get_username()
        cancel = lambda job: services.cancel_job(job.id, by=by)  # noqa: E731
        return self._act_on_one(request, job_id, "cancel", cancel)

    def _act_on_one(
        self, request: HttpRequest, job_id: str, verb: str, act: Callable[[Job], Any]
    ) -> HttpResponse:
        job = get_object_or_404(Job, id=job_id)
        if not self.has_change_permission(request, job):
            raise PermissionDenied
        back = reverse("admin:jobs_job_change", args=[job.id])
        if not confirmed(request):
            return confirmation(self, request, verb=verb, items=[job], hidden=[], back=back)
        if self._each(request, [job], act):
            self.message_user(request, f"{verb.capitalize()}: done.", messages.SUCCESS)
        return HttpResponseRedirect(back)

    def _each(self, request: HttpRequest, jobs: Iterable[Job], act: Callable[[Job], Any]) -> int:
        """Apply a domain action to each job; show each refusal's own message."""
        done = 0
        for job in jobs:
            try:
                act(job)
            except CodedError as refusal:
                self.message_user(request, f"{job.id}: {refusal}", messages.WARNING)
            else:
                done += 1
        return done

    @admin.action(description="Cancel selected unfinished jobs", permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        if (page := self.ask(request, queryset, "cancel")) is not None:
            return page
        by = request.user.get_username()
        done = self._each(request, queryset, lambda job: services.cancel_job(job.id, by=by))
        self.message_user(request, f"Canceled {done} job(s).", messages.SUCCESS)
        return None

    @admin.action(description="Retry selected failed or canceled jobs", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        if (page := self.ask(request, queryset, "retry")) is not None:
            return page
        by = request.user.get_username()
        done = self._each(request, queryset, lambda job: services.requeue_job(job, by=by))
        self.message_user(request, f"Re-queued {done} job(s).", messages.SUCCESS)
        return None

    def has_add_block_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("jobs.add_block")

    @admin.action(
        description="Block the clients (IP hashes) of selected jobs", permissions=["add_block"]
    )
    def block_clients(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        if (page := self.ask(request, queryset, "block the clients of")) is not None:
            return page
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
        return None


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "rating", "comment", "job_link"]
    list_filter = ["rating", "created_at"]
    search_fields = ["comment", "job__id"]
    list_select_related = ["job"]
    fields = readonly_fields = (
        "created_at",
        "rating",
        "comment",
        "job_link",
        "client_key",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="job", ordering="job__created_at")
    def job_link(self, feedback: Feedback) -> SafeString:
        return job_link(feedback.job_id, feedback.job.prompt[:60])


@admin.register(ApiKey)
class ApiKeyAdmin(ConfirmedActions):
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
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        if (page := self.ask(request, queryset, "revoke")) is not None:
            return page
        revoked = 0
        for key in queryset.filter(revoked_at__isnull=True):
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at", "updated_at"])
            record("moderation.api_key_revoked", key=key.id, by=request.user.get_username())
            revoked += 1
        self.message_user(request, f"Revoked {revoked} key(s).", messages.SUCCESS)
        return None


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
