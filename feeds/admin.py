"""The editorial review queue, feed sources with their health, and the keyword list."""

import nh3
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from feeds.models import REVIEW_ORDER, FeedItem, FeedSource, Keyword, ReviewStatus
from feeds.parse import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, LINK_REL
from feeds.services import dismiss_feed_items, ingest_source, promote_feed_item, reenable_sources

SYNC_POLL_LIMIT = 3


@admin.register(Keyword)
class KeywordAdmin(SimpleHistoryAdmin):
    list_display = ("term", "active", "note")
    list_editable = ("active",)
    list_filter = ("active",)
    search_fields = ("term", "note")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # deactivate instead: the list of terms is part of the audit trail


class HealthFilter(admin.SimpleListFilter):
    title = _("health")
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [
            ("failing", _("Failing")),
            ("disabled", _("Disabled automatically")),
            ("ok", _("OK")),
        ]

    def queryset(self, request, queryset):
        failing = Q(last_error_at__isnull=False) & (
            Q(last_success_at__isnull=True) | Q(last_error_at__gt=F("last_success_at"))
        )
        if self.value() == "failing":
            return queryset.filter(failing)
        if self.value() == "disabled":
            return queryset.filter(disabled_automatically_at__isnull=False, active=False)
        if self.value() == "ok":
            return queryset.exclude(failing)
        return queryset


@admin.register(FeedSource)
class FeedSourceAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "health",
        "active",
        "last_success_at",
        "consecutive_errors",
        "short_last_error",
        "last_error_at",
        "pending_items",
    )
    list_filter = ("active", HealthFilter, "keyword_mode")
    search_fields = ("name", "url")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["reenable", "poll_now"]
    readonly_fields = (
        "last_fetched_at",
        "last_success_at",
        "last_status",
        "last_warning",
        "consecutive_errors",
        "last_error",
        "last_error_at",
        "next_fetch_after",
        "disabled_automatically_at",
        "etag",
        "last_modified",
    )
    fieldsets = (
        (None, {"fields": ("name", "url", "homepage", "active", "notes")}),
        (_("Keywords"), {"fields": ("keyword_mode", "keywords")}),
        (_("Health"), {"fields": readonly_fields}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        pending = Count("items", filter=Q(items__status=ReviewStatus.PENDING))
        return super().get_queryset(request).annotate(pending_count=pending)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # queued items keep their source; deactivate it instead

    @admin.display(description=_("health"))
    def health(self, source: FeedSource) -> str:
        if not source.active and source.disabled_automatically_at:
            return _("Disabled after repeated errors")
        if not source.active:
            return _("Inactive")
        if source.is_failing:
            return _("Failing")
        if source.last_success_at is None:
            return _("Never fetched")
        return _("OK")

    @admin.display(description=_("last error"))
    def short_last_error(self, source: FeedSource) -> str:
        return Truncator(source.last_error).chars(80)

    @admin.display(description=_("pending items"), ordering="pending_count")
    def pending_items(self, source: FeedSource) -> SafeString | int:
        if not source.pending_count:
            return 0
        url = reverse("admin:feeds_feeditem_changelist")
        return format_html(
            '<a href="{}?source__id__exact={}&amp;status__exact=pending">{}</a>',
            url,
            source.pk,
            source.pending_count,
        )

    @admin.action(description=_("Re-enable and reset the error counter"), permissions=["change"])
    def reenable(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = reenable_sources(sources=queryset)
        self.message_user(
            request,
            ngettext("%(count)d source re-enabled.", "%(count)d sources re-enabled.", count)
            % {"count": count},
        )

    @admin.action(description=_("Poll now"), permissions=["change"])
    def poll_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        sources = list(queryset.filter(active=True))
        if settings.REDIS_URL:
            from feeds.tasks import poll_feed

            for source in sources:
                poll_feed.delay_on_commit(source.pk)
            self.message_user(
                request, _("Polling queued for %(count)d source(s).") % {"count": len(sources)}
            )
            return
        if len(sources) > SYNC_POLL_LIMIT:
            self.message_user(
                request,
                _("Without a task queue, poll at most %(limit)d sources at once.")
                % {"limit": SYNC_POLL_LIMIT},
                messages.WARNING,
            )
            return
        for source in sources:
            result = ingest_source(source=source)
            level = messages.ERROR if result.status == "error" else messages.SUCCESS
            self.message_user(request, f"{source.name}: {result.summary()}", level)


class DismissForm(forms.Form):
    REASONS = (
        ("not_enforcement", _("Not about immigration enforcement")),
        ("no_incident", _("No specific incident (policy, opinion, statistics)")),
        ("already_tracked", _("Already tracked as an incident")),
        ("outside_scope", _("Outside the tracker's scope")),
        ("other", _("Other (explain below)")),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=REASONS)
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("reason") == "other" and not data.get("details", "").strip():
            raise ValidationError({"details": _("Explain why, since the reason is 'other'.")})
        return data

    def reason_text(self) -> str:
        label = str(dict(self.REASONS)[self.cleaned_data["reason"]])
        details = self.cleaned_data.get("details", "").strip()
        if self.cleaned_data["reason"] == "other":
            return details
        return f"{label}: {details}" if details else label


@admin.register(FeedItem)
class FeedItemAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "source",
        "published_at",
        "keywords",
        "original_link",
        "status",
        "incident_link",
    )
    list_filter = ("status", "source")
    search_fields = ("title", "original_url")
    list_select_related = ("source",)
    list_per_page = 50
    date_hierarchy = None
    actions = ["promote", "dismiss"]
    fields = (
        "source",
        "title",
        "original_link",
        "published_at",
        "keywords",
        "summary_html",
        "status",
        "reviewed_at",
        "reviewed_by",
        "incident_link",
        "dismiss_reason",
        "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("raw_text")  # never shown, can be long

    def get_ordering(self, request: HttpRequest) -> list:
        return list(REVIEW_ORDER)  # pending first, then the newest

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items come from feeds only

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # dismiss instead: the queue is the record of what was reviewed

    def has_promote_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.has_perm("feeds.change_feeditem") and user.has_perm("incidents.add_incident")

    @admin.display(description=_("matched keywords"))
    def keywords(self, item: FeedItem) -> str:
        return ", ".join(item.matched_keywords)

    @admin.display(description=_("original"))
    def original_link(self, item: FeedItem) -> SafeString:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener noreferrer nofollow">{}</a>',
            item.original_url,
            _("Open original"),
        )

    @admin.display(description=_("summary"))
    def summary_html(self, item: FeedItem) -> SafeString:
        # Sanitised when stored; cleaned again here so a row written by other means is safe too.
        cleaned = nh3.clean(
            item.summary,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https"},
            link_rel=LINK_REL,
        )
        return mark_safe(cleaned)  # noqa: S308 - nh3 output with a small allowlist

    @admin.display(description=_("incident"))
    def incident_link(self, item: FeedItem) -> SafeString | str:
        if not item.promoted_incident_id:
            return "-"
        url = _incident_admin_url(item.promoted_incident_id)
        label = _("Incident #%(pk)s") % {"pk": item.promoted_incident_id}
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    @admin.action(description=_("Promote to a draft incident"), permissions=["promote"])
    def promote(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(
                request,
                _("Promote one item at a time: each becomes its own draft to check."),
                messages.WARNING,
            )
            return None
        item = queryset.get()
        try:
            incident = promote_feed_item(item=item, editor=request.user)
        except ValidationError as exc:
            self.message_user(
                request, _("Not promoted: %(error)s") % {"error": exc}, messages.ERROR
            )
            return None
        self.message_user(
            request,
            _(
                "Draft incident created (not public). Check everything, especially the incident "
                "type, which was guessed from the text, and the date, which is the article's."
            ),
        )
        url = _incident_admin_url(incident.pk)
        return HttpResponseRedirect(url) if url else None

    @admin.action(description=_("Dismiss with a reason…"), permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = DismissForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = dismiss_feed_items(
                items=queryset, editor=request.user, reason=form.reason_text()
            )
            skipped = queryset.count() - count
            self.message_user(
                request,
                ngettext("%(count)d item dismissed.", "%(count)d items dismissed.", count)
                % {"count": count},
            )
            if skipped:
                self.message_user(
                    request,
                    _("%(count)d item(s) were not pending and were left as they are.")
                    % {"count": skipped},
                    messages.WARNING,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dismiss feed items"),
            "opts": self.model._meta,
            "items": queryset.select_related("source"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "dismiss",
        }
        return TemplateResponse(request, "admin/feeds/feeditem/dismiss.html", context)


def _incident_admin_url(pk: int) -> str | None:
    try:
        return reverse("admin:incidents_incident_change", args=[pk])
    except NoReverseMatch:
        return None
