"""Incident entry for editors: evidence inlines, filters, search, history and publishing.

Publishing (the list action or the "public" box on the form) needs the
`incidents.publish_incident` permission; without it the box is read-only and the actions are
not offered. The change form runs inside one transaction (Django wraps changeform_view), so a
validation error on the incident or any evidence saves nothing.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from incidents import services
from incidents.models import Evidence, Incident


class EvidenceFormSet(BaseInlineFormSet):
    """Checks across the evidence rows (and any stored ones not on the form), so the database
    constraints never surface as server errors."""

    def clean(self) -> None:
        super().clean()
        rows = [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]
        on_form = [form.instance.pk for form in self.forms if form.instance.pk]
        stored = (
            Evidence.objects.filter(incident=self.instance).exclude(pk__in=on_form)
            if self.instance.pk
            else Evidence.objects.none()
        )
        primaries = sum(1 for row in rows if row.get("is_primary"))
        if primaries + stored.filter(is_primary=True).count() > 1:
            raise ValidationError(_("Only one piece of evidence can be the primary evidence."))
        urls = [row["url"] for row in rows if row.get("url")]
        urls += list(stored.values_list("url", flat=True))
        if len(urls) != len(set(urls)):
            raise ValidationError(_("The same URL is listed twice."))


URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class EvidenceInline(admin.StackedInline):
    model = Evidence
    formset = EvidenceFormSet
    formfield_overrides = URL_FIELDS
    extra = 1
    fields = [
        ("evidence_type", "is_primary"),
        "url",
        ("title", "source_name", "captured_date"),
        ("thumbnail_url", "duration_seconds"),
        ("is_removed", "removed_date"),
    ]
    # Evidence is never deleted with its incident (PROTECT); editors mark it removed instead.
    can_delete = False


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    inlines = [EvidenceInline]
    list_display = [
        "headline",
        "incident_date",
        "incident_type",
        "state",
        "outcome",
        "verification_status",
        "evidence_count",
        "is_public",
        "updated_at",
    ]
    list_filter = [
        "is_public",
        "incident_type",
        "verification_status",
        "outcome",
        "state",
        "created_by",
        "is_featured",
    ]
    # Agents' names are deliberately not searchable: no searchable database of agents.
    search_fields = ["headline", "summary", "city", "victim_name"]
    date_hierarchy = "incident_date"
    list_per_page = 50
    ordering = ["-incident_date", "-id"]
    autocomplete_fields = ["related_incidents"]
    readonly_fields = ["slug", "first_published_at", "created_by", "created_at", "updated_at"]
    actions = ["publish_selected", "unpublish_selected"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "summary", "incident_type"]}),
        (
            _("When and where"),
            {
                "fields": [
                    ("incident_date", "incident_time"),
                    ("city", "state", "is_sanctuary_city"),
                    "location_detail",
                ]
            },
        ),
        (
            _("People"),
            {
                "fields": [
                    ("victim_name", "victim_age"),
                    ("victim_is_citizen", "victim_count"),
                    "agent_name",
                ],
                "description": _(
                    "Names only as published by officials or the press. Never contact details "
                    "or home addresses. An agent's name only on 'agent arrested or charged'."
                ),
            },
        ),
        (
            _("Outcome and verification"),
            {"fields": [("outcome", "outcome_date"), "outcome_notes", "verification_status"]},
        ),
        (
            _("Context"),
            {
                "fields": [
                    "why_it_matters",
                    "spicy_summary",
                    "corrections_note",
                    "related_incidents",
                ]
            },
        ),
        (
            _("Publishing"),
            {
                "fields": [
                    ("is_public", "is_featured"),
                    "first_published_at",
                    ("created_by", "created_at", "updated_at"),
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_evidence_stats()

    @admin.display(description=_("evidence"), ordering="evidence_count")
    def evidence_count(self, incident: Incident) -> int:
        return incident.evidence_count

    def get_readonly_fields(self, request: HttpRequest, obj: Incident | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not services.can_publish(request.user):
            fields.append("is_public")
        return fields

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return services.can_publish(request.user)

    def save_model(self, request: HttpRequest, obj: Incident, form, change: bool) -> None:
        # Belt and braces: the field is read-only without the permission, but never trust a form.
        if "is_public" in form.changed_data and not services.can_publish(request.user):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish selected incidents"), permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_public(request, queryset, public=True)

    @admin.action(description=_("Unpublish selected incidents"), permissions=["publish"])
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_public(request, queryset, public=False)

    def _set_public(self, request: HttpRequest, queryset: QuerySet, *, public: bool) -> None:
        try:
            changed = services.set_public(incidents=queryset, public=public, user=request.user)
        except ValidationError as exc:
            self.message_user(
                request,
                _(
                    "Nothing was published: an incident is not valid (%(errors)s). "
                    "Open it to fix it."
                )
                % {"errors": "; ".join(exc.messages)},
                messages.ERROR,
            )
            return
        except PermissionDenied:
            self.message_user(request, _("You may not publish incidents."), messages.ERROR)
            return
        template = (
            ngettext("%(n)d incident published.", "%(n)d incidents published.", len(changed))
            if public
            else ngettext(
                "%(n)d incident unpublished.", "%(n)d incidents unpublished.", len(changed)
            )
        )
        self.message_user(request, template % {"n": len(changed)}, messages.SUCCESS)


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "incident",
        "evidence_type",
        "source_name",
        "captured_date",
        "is_removed",
    ]
    list_filter = ["evidence_type", "is_removed", "is_primary"]
    search_fields = ["title", "url", "source_name", "incident__headline"]
    list_select_related = ["incident"]
    autocomplete_fields = ["incident"]
    exclude = ["embed_html"]
    formfield_overrides = URL_FIELDS
