"""The rapid-response directory: local and national hotlines, and national resources.

`RapidResponseNetwork` follows the spec's `rapid_response_networks` (every field), plus where the
entry was seen (`source_url` / `source_note`) and when (`last_verified`, kept at the precision
the source gives: a day, a month or a year, never an invented day).
"""

from datetime import date, timedelta
from functools import cached_property
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from icetracker.geography import STATE_CODES, State, state_name
from rapidresponse.languages import LANGUAGE_NAMES, language_names
from rapidresponse.phones import PhoneSegment, dial_numbers, phone_segments

NATIONAL = "US"
NETWORK_STATE_CHOICES = [(NATIONAL, _("National (whole country)")), *State.choices]
NETWORK_STATE_CODES = frozenset({NATIONAL, *STATE_CODES})
REVERIFY_AFTER_DAYS = 180


def reverify_cutoff(today: date | None = None) -> date:
    """Entries last verified before this date need re-verification."""
    return (today or timezone.localdate()) - timedelta(days=REVERIFY_AFTER_DAYS)


def short_url(url: str) -> str:
    """An address as people read it: no scheme, no "www.", no trailing slash."""
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/")


def http_url_condition(field: str) -> Q:
    return (
        Q(**{field: ""})
        | Q(**{f"{field}__startswith": "http://"})
        | Q(**{f"{field}__startswith": "https://"})
    )


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class VerifiedQuerySet(models.QuerySet):
    def active(self) -> "VerifiedQuerySet":
        return self.filter(is_active=True)

    def needs_reverification(self, today: date | None = None) -> "VerifiedQuerySet":
        """Never verified, or last verified more than 180 days ago."""
        return self.filter(
            Q(last_verified__isnull=True) | Q(last_verified__lt=reverify_cutoff(today))
        )

    def recently_verified(self, today: date | None = None) -> "VerifiedQuerySet":
        return self.filter(last_verified__gte=reverify_cutoff(today))


class Verified(models.Model):
    """Where an entry was seen and when, shared by networks and national resources."""

    source_url = models.URLField(
        _("source URL"),
        max_length=500,
        blank=True,
        help_text=_("The page where this entry (and its number) was published."),
    )
    source_note = models.CharField(
        _("source note"),
        max_length=500,
        blank=True,
        help_text=_("How the entry was found when there is no single source page."),
    )
    last_verified = models.DateField(
        _("last verified"),
        null=True,
        blank=True,
        help_text=_(
            "Date of the source, or when an editor last confirmed the entry. For a month or a "
            "year, store its first day and set the precision; leave empty if unknown."
        ),
    )
    last_verified_precision = models.CharField(
        _("precision of the last-verified date"),
        max_length=5,
        choices=DatePrecision,
        blank=True,
        help_text=_("Whether the date is known to the day, the month or only the year."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive entries are kept but not shown publicly.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=http_url_condition("source_url"),
                name="%(app_label)s_%(class)s_source_url_http",
                violation_error_message=_("The source URL must start with http:// or https://."),
            ),
            models.CheckConstraint(
                condition=(Q(last_verified__isnull=True) & Q(last_verified_precision=""))
                | (
                    Q(last_verified__isnull=False)
                    & Q(last_verified_precision__in=DatePrecision.values)
                ),
                name="%(app_label)s_%(class)s_verified_precision_matches",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.last_verified and not self.last_verified_precision:
            self.last_verified_precision = DatePrecision.DAY
        if not self.last_verified:
            self.last_verified_precision = ""
        elif self.last_verified > timezone.localdate():
            errors["last_verified"] = _("The last-verified date cannot be in the future.")
        elif self.last_verified_precision == DatePrecision.MONTH and self.last_verified.day != 1:
            errors["last_verified"] = _("For a month, store its first day.")
        elif self.last_verified_precision == DatePrecision.YEAR and (
            self.last_verified.month,
            self.last_verified.day,
        ) != (1, 1):
            errors["last_verified"] = _("For a year, store 1 January.")
        if errors:
            raise ValidationError(errors)

    @property
    def last_verified_iso(self) -> str:
        """ISO 8601 at the known precision: "2019-07-14", "2025-10" or "2025"; "" if unknown."""
        if not self.last_verified:
            return ""
        iso = self.last_verified.isoformat()
        return {DatePrecision.MONTH: iso[:7], DatePrecision.YEAR: iso[:4]}.get(
            self.last_verified_precision, iso
        )

    @property
    def last_verified_display(self) -> str:
        """The date in the reader's language, never more precise than the source."""
        if not self.last_verified:
            return ""
        fmt = {DatePrecision.MONTH: "YEAR_MONTH_FORMAT", DatePrecision.YEAR: "Y"}.get(
            self.last_verified_precision, "DATE_FORMAT"
        )
        return formats.date_format(self.last_verified, fmt)

    @property
    def source_display(self) -> str:
        return urlsplit(self.source_url).netloc.removeprefix("www.") if self.source_url else ""

    def needs_reverification(self, today: date | None = None) -> bool:
        return self.last_verified is None or self.last_verified < reverify_cutoff(today)

    @property
    def is_stale(self) -> bool:
        return self.needs_reverification()

    @cached_property
    def phone_segments(self) -> list[PhoneSegment]:
        return phone_segments(self.phone_text)

    @cached_property
    def dial_numbers(self) -> list[str]:
        return dial_numbers(self.phone_text)

    @property
    def phone_text(self) -> str:
        raise NotImplementedError


class RapidResponseNetwork(Verified):
    """A hotline or organisation people can call when enforcement happens (spec table)."""

    state = models.CharField(
        _("state"),
        max_length=2,
        choices=NETWORK_STATE_CHOICES,
        db_index=True,
        help_text=_("Two-letter postal code, or US for a national hotline or organisation."),
    )
    region = models.CharField(
        _("region"),
        max_length=200,
        blank=True,
        help_text=_('Area served, e.g. "Los Angeles", "Statewide".'),
    )
    organization_name = models.CharField(
        _("organisation name"), max_length=300, help_text=_("As the organisation calls itself.")
    )
    hotline_phone = models.CharField(
        _("hotline phone"),
        max_length=100,
        blank=True,
        help_text=_(
            "Exactly as published, vanity letters and all. Never guess or complete a number: "
            "leave it empty when no number was seen, and the website is shown instead."
        ),
    )
    hotline_hours = models.CharField(
        _("hotline hours"),
        max_length=200,
        blank=True,
        help_text=_('As published, e.g. "24/7" or "Mon-Fri 9am-5pm".'),
    )
    website_url = models.URLField(
        _("website"), max_length=500, blank=True, help_text=_("An http or https address.")
    )
    email = models.EmailField(_("email"), blank=True, help_text=_("A published contact address."))
    provides_legal_aid = models.BooleanField(
        _("provides legal aid"), default=False, help_text=_("Lawyers or legal referrals.")
    )
    provides_rapid_response = models.BooleanField(
        _("provides rapid response"),
        default=False,
        help_text=_("Takes reports of enforcement and sends people to document or accompany."),
    )
    provides_know_your_rights = models.BooleanField(
        _("provides know-your-rights material"),
        default=False,
        help_text=_("Trainings, cards or guides on rights during an encounter with agents."),
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_("Language codes the hotline is known to answer in (en, es, ht, …)."),
    )
    languages_note = models.CharField(
        _("languages as published"),
        max_length=300,
        blank=True,
        help_text=_(
            'What the source says when it is more than a list of languages, e.g. "automated '
            'language menu" or "Spanish; English (2017)".'
        ),
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Shown publicly under the entry."))

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = VerifiedQuerySet.as_manager()

    class Meta(Verified.Meta):
        verbose_name = _("rapid-response network")
        verbose_name_plural = _("rapid-response networks")
        ordering = ["state", "region", "organization_name"]
        indexes = [
            models.Index(fields=["is_active"], condition=Q(is_active=True), name="rrn_active_idx")
        ]
        constraints = [
            *Verified.Meta.constraints,
            models.UniqueConstraint(
                fields=["state", "organization_name"], name="rrn_unique_state_organization"
            ),
            models.CheckConstraint(
                condition=Q(state__in=sorted(NETWORK_STATE_CODES)),
                name="rrn_state_is_a_code",
                violation_error_message=_("Use a state, DC or territory code, or US."),
            ),
            models.CheckConstraint(
                condition=~Q(organization_name=""), name="rrn_organization_name_not_empty"
            ),
            models.CheckConstraint(
                condition=http_url_condition("website_url"),
                name="rrn_website_url_http",
                violation_error_message=_("The website must start with http:// or https://."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_name} ({self.state})"

    def clean(self) -> None:
        super().clean()
        languages = self.languages
        if not isinstance(languages, list) or any(code not in LANGUAGE_NAMES for code in languages):
            raise ValidationError(
                {"languages": _('Use a list of known language codes, e.g. ["en", "es"].')}
            )

    @property
    def phone_text(self) -> str:
        return self.hotline_phone

    @property
    def website_display(self) -> str:
        return short_url(self.website_url)

    @property
    def is_national(self) -> bool:
        return self.state == NATIONAL

    @property
    def state_display(self) -> str:
        return str(_("National")) if self.is_national else state_name(self.state)

    @property
    def language_names(self) -> list[str]:
        return language_names(self.languages)

    @property
    def services(self) -> list[str]:
        offered = [
            (self.provides_rapid_response, _("Rapid response to enforcement")),
            (self.provides_legal_aid, _("Legal aid")),
            (self.provides_know_your_rights, _("Know-your-rights information")),
        ]
        return [str(label) for flag, label in offered if flag]


class ResourceKind(models.TextChoices):
    KNOW_YOUR_RIGHTS = "know_your_rights", _("Know your rights")
    DETAINEE_LOCATOR = "detainee_locator", _("Find a detained person")
    LEGAL_DIRECTORY = "legal_directory", _("Find legal help")
    HOTLINE = "hotline", _("National phone line")


class NationalResource(Verified):
    """A resource for the whole country: know-your-rights cards, the ICE detainee locator, …

    The API's `know_your_rights_url` and `ice_locator_url` come from here, so editors can
    change them in the admin.
    """

    key = models.SlugField(
        _("key"),
        max_length=60,
        unique=True,
        help_text=_("Stable identifier used by the importer, e.g. ice-detainee-locator."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind, db_index=True)
    title = models.CharField(_("title"), max_length=200, help_text=_("Shown as the link text."))
    url = models.URLField(
        _("URL"), max_length=500, blank=True, help_text=_("An http or https address.")
    )
    phone = models.CharField(
        _("phone"),
        max_length=100,
        blank=True,
        help_text=_("Exactly as published. Never guess or complete a number."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("One or two plain sentences: what it is for.")
    )
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=100, help_text=_("Lower numbers are shown first.")
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = VerifiedQuerySet.as_manager()

    class Meta(Verified.Meta):
        verbose_name = _("national resource")
        verbose_name_plural = _("national resources")
        ordering = ["sort_order", "title"]
        constraints = [
            *Verified.Meta.constraints,
            models.CheckConstraint(
                condition=http_url_condition("url"),
                name="nr_url_http",
                violation_error_message=_("The URL must start with http:// or https://."),
            ),
            models.CheckConstraint(
                condition=~(Q(url="") & Q(phone="")),
                name="nr_url_or_phone",
                violation_error_message=_("Give a URL or a phone number."),
            ),
            models.CheckConstraint(condition=~Q(title=""), name="nr_title_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=ResourceKind.values), name="nr_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def phone_text(self) -> str:
        return self.phone
