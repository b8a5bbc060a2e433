from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from rapidresponse.languages import LANGUAGE_CHOICES
from rapidresponse.models import (
    REVERIFY_AFTER_DAYS,
    DatePrecision,
    NationalResource,
    RapidResponseNetwork,
)

VERIFICATION_FIELDSET = (
    _("Source and verification"),
    {
        "fields": (
            "source_url",
            "source_note",
            "last_verified",
            "last_verified_precision",
            "created_at",
            "updated_at",
        )
    },
)


class NeedsReverificationFilter(admin.SimpleListFilter):
    title = _("needs re-verification")
    parameter_name = "reverify"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            (
                "yes",
                _("Yes: unknown or more than %(days)d days old") % {"days": REVERIFY_AFTER_DAYS},
            ),
            ("no", _("No: verified in the last %(days)d days") % {"days": REVERIFY_AFTER_DAYS}),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.needs_reverification()
        if self.value() == "no":
            return queryset.recently_verified()
        return queryset


class NetworkForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick only languages the source clearly names; put the rest in the note."),
    )

    class Meta:
        model = RapidResponseNetwork
        fields = ["languages"]  # the admin adds the others from its fieldsets


class VerifiedAdmin(SimpleHistoryAdmin):
    """Shared by networks and national resources: verification filter, column and action."""

    actions = ["mark_verified_today"]
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("last verified"), ordering="last_verified")
    def last_verified_column(self, obj: RapidResponseNetwork | NationalResource) -> str:
        return obj.last_verified_iso or "—"

    @admin.display(description=_("needs re-verification"), boolean=True)
    def reverify_column(self, obj: RapidResponseNetwork | NationalResource) -> bool:
        return obj.needs_reverification()

    @admin.action(description=_("Mark selected entries as verified today"))
    def mark_verified_today(self, request: HttpRequest, queryset: QuerySet) -> None:
        # One save() per entry so that each change gets a history row and pages are refreshed.
        today = timezone.localdate()
        for obj in queryset:
            obj.last_verified, obj.last_verified_precision = today, DatePrecision.DAY
            obj.save(update_fields=["last_verified", "last_verified_precision", "updated_at"])
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "%d entry marked as verified today.", "%d entries marked as verified today.", count
            )
            % count,
            messages.SUCCESS,
        )


@admin.register(RapidResponseNetwork)
class RapidResponseNetworkAdmin(VerifiedAdmin):
    form = NetworkForm
    list_display = (
        "organization_name",
        "state",
        "region",
        "hotline_phone",
        "is_active",
        "last_verified_column",
        "reverify_column",
    )
    list_filter = (
        "state",
        "is_active",
        NeedsReverificationFilter,
        "provides_rapid_response",
        "provides_legal_aid",
        "provides_know_your_rights",
    )
    search_fields = ("organization_name", "region", "hotline_phone", "website_url", "notes")
    list_per_page = 100
    fieldsets = (
        (None, {"fields": ("state", "region", "organization_name", "is_active")}),
        (
            _("Contact (exactly as published)"),
            {"fields": ("hotline_phone", "hotline_hours", "website_url", "email")},
        ),
        (
            _("Services and languages"),
            {
                "fields": (
                    "provides_rapid_response",
                    "provides_legal_aid",
                    "provides_know_your_rights",
                    "languages",
                    "languages_note",
                    "notes",
                )
            },
        ),
        VERIFICATION_FIELDSET,
    )


@admin.register(NationalResource)
class NationalResourceAdmin(VerifiedAdmin):
    list_display = (
        "title",
        "kind",
        "sort_order",
        "is_active",
        "last_verified_column",
        "reverify_column",
    )
    list_editable = ("sort_order",)
    list_filter = ("kind", "is_active", NeedsReverificationFilter)
    search_fields = ("title", "url", "phone", "description")
    fieldsets = (
        (None, {"fields": ("key", "kind", "title", "is_active", "sort_order")}),
        (_("Link and phone (exactly as published)"), {"fields": ("url", "phone", "description")}),
        VERIFICATION_FIELDSET,
    )
