"""Incidents of immigration enforcement and the evidence that documents them.

Field names, enum values and defaults follow the spec's `ice_incidents` and `ice_evidence`.
"""

import functools
import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import IntegerField, Q
from django.db.models.expressions import RawSQL
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from icetracker.geography import STATE_CODES, State
from incidents import embeds, privacy

HTTP_URL = URLValidator(schemes=["http", "https"])
SLUG_MAX_LENGTH = 80


class IncidentType(models.TextChoices):
    DEATH_DETENTION = "death_detention", _("Death in detention")
    ICE_KILLING = "ice_killing", _("Killing by an immigration agent")
    CITIZEN_DETAINED = "citizen_detained", _("US citizen detained")
    CITIZEN_DEPORTED = "citizen_deported", _("US citizen deported")
    COURT_ORDER_VIOLATED = "court_order_violated", _("Court order violated")
    SENSITIVE_LOCATION = "sensitive_location", _("Raid at a sensitive location")
    RIGHTS_VIOLATION = "rights_violation", _("Rights violation")
    AGENT_VIOLENCE = "agent_violence", _("Excessive force")
    VEHICLE_INCIDENT = "vehicle_incident", _("Vehicle incident")
    FAMILY_SEPARATION = "family_separation", _("Family separation")
    MEDICAL_NEGLECT = "medical_neglect", _("Medical neglect")
    AGENT_ARRESTED = "agent_arrested", _("Agent arrested or charged")


class Outcome(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    RELEASED = "released", _("Released")
    DEPORTED = "deported", _("Deported")
    DIED = "died", _("Died")
    CHARGES_FILED = "charges_filed", _("Charges filed")
    CHARGES_DROPPED = "charges_dropped", _("Charges dropped")
    SETTLEMENT = "settlement", _("Settlement")
    UNKNOWN = "unknown", _("Unknown")


class Verification(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    REPORTED = "reported", _("Reported")
    DISPUTED = "disputed", _("Disputed")


class CreatedBy(models.TextChoices):
    MANUAL = "manual", _("Entered by an editor")
    RSS_IMPORT = "rss_import", _("Promoted from a feed item")
    DATA_IMPORT = "data_import", _("Imported from a sourced data file")


class EvidenceType(models.TextChoices):
    VIDEO_YOUTUBE = "video_youtube", _("YouTube video")
    VIDEO_TIKTOK = "video_tiktok", _("TikTok video")
    VIDEO_OTHER = "video_other", _("Other video")
    NEWS_ARTICLE = "news_article", _("News article")
    COURT_DOCUMENT = "court_document", _("Court document")
    GOVERNMENT_REPORT = "government_report", _("Government or NGO report")
    SOCIAL_MEDIA = "social_media", _("Social media post")
    PHOTO = "photo", _("Photo")


VERIFICATION_EXPLANATIONS = {
    Verification.VERIFIED: _(
        "Verified: confirmed by an official record (such as an ICE detainee death report or news "
        "release, or a court filing) or by a vetted source."
    ),
    Verification.REPORTED: _(
        "Reported: documented by news reports or social media and awaiting confirmation by an "
        "official record. Details may change."
    ),
    Verification.DISPUTED: _(
        "Disputed: accounts of what happened conflict, for example between officials and "
        "witnesses or video. The sources below show both."
    ),
}

VIDEO_TYPES = (EvidenceType.VIDEO_YOUTUBE, EvidenceType.VIDEO_TIKTOK, EvidenceType.VIDEO_OTHER)


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The translated label of a stored choice (the value itself if it is not a choice).

    Used for the get_FOO_display() methods below: Django's rebuilds the field's whole choice
    list, translating every label, on each call (about 100 µs; a timeline page makes 60).
    Labels are remembered per language (gettext alone costs about 4 µs a call).
    """
    return choice_label_in(choices, value, translation.get_language())


@functools.lru_cache(maxsize=4096)
def choice_label_in(choices: type[models.TextChoices], value: str, language: str | None) -> str:
    """choice_label() in `language`, which must be the active one (the key keeps them apart)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@functools.cache
def _evidence_stats() -> dict[str, models.Expression]:
    """with_evidence_stats()'s annotations: correlated subqueries written as SQL.

    As ORM subqueries, annotate() cloned and resolved both, and the compiler compiled them
    again, for every list: a fifth of an API page's time. The outer table is never aliased in
    the queries that use them (a list of incidents, filtered on its own columns).
    """
    evidence, incident = Evidence._meta.db_table, Incident._meta.db_table
    of_this_incident = f'"{evidence}"."incident_id" = "{incident}"."id"'
    videos = ", ".join(["%s"] * len(VIDEO_TYPES))
    count = RawSQL(
        f'(SELECT COUNT(*) FROM "{evidence}" WHERE {of_this_incident})', (), IntegerField()
    )
    # Not EXISTS: PostgreSQL may run that as one hashed scan of every video in the table,
    # guessing more rows than a LIMIT lets through; this looks up each row's own.
    first_video = (
        f'(SELECT "{evidence}"."id" FROM "{evidence}" WHERE {of_this_incident} '
        f'AND "{evidence}"."evidence_type" IN ({videos}) AND "{evidence}"."is_removed" = %s '
        "LIMIT 1) IS NOT NULL"
    )
    return {
        "evidence_count": count,
        "has_video": RawSQL(first_video, (*VIDEO_TYPES, False), models.BooleanField()),
    }


SLUG_IN_URL = re.compile(r"[-\w]+", re.ASCII)


def detail_url(pk: int, slug: str) -> str:
    """What reverse("incidents:detail") gives, at a twentieth of its cost: a timeline page and
    an API response build up to 100 of these. Any other slug goes through reverse(); an empty
    one (an incident not saved yet) is "incident", as save() makes it."""
    return detail_urls()(pk, slug)


def detail_urls() -> Callable[[int, str], str]:
    """detail_url() for a list of incidents, with the script prefix read once: reading it (a
    context-local variable) was half the cost of each address."""
    prefix = detail_prefix()
    plain_slug = SLUG_IN_URL.fullmatch

    def url(pk: int, slug: str) -> str:
        slug = slug or "incident"
        if prefix is None or not plain_slug(slug):
            return reverse("incidents:detail", kwargs={"pk": pk, "slug": slug})
        return f"{prefix}{pk}-{slug}/"

    return url


def detail_prefix() -> str | None:
    """What a detail page's address starts with before "<pk>-<slug>/", for a slug that
    SLUG_IN_URL matches (None where the address is not made that way)."""
    return _detail_prefix(get_script_prefix(), settings.ROOT_URLCONF)


@functools.cache
def _detail_prefix(script_prefix: str, urlconf: str) -> str | None:
    """The part of a detail page's address before "<pk>-<slug>/" (None if it is not that)."""
    url = reverse("incidents:detail", kwargs={"pk": 1, "slug": "x"})
    return url.removesuffix("1-x/") if url.endswith("/1-x/") else None


# What a list of incidents (the timeline's cards, the API list) reads: not the search vector,
# the long texts or the names.
LIST_FIELDS = (
    "headline",
    "slug",
    "summary",
    "incident_type",
    "incident_date",
    "city",
    "state",
    "outcome",
    "verification_status",
    "victim_is_citizen",
)
# The keys of a row of IncidentQuerySet.page(), which the cards and the API's items are built from.
EVIDENCE_STATS = ("evidence_count", "has_video")  # with_evidence_stats()'s annotations
LIST_ROW_FIELDS = ("id", *LIST_FIELDS, *EVIDENCE_STATS)


def place(city: str, state: str) -> str:
    """City and state as shown on cards, e.g. "Houston, TX"."""
    return ", ".join(part for part in (city, state) if part)


class IncidentQuerySet(models.QuerySet):
    def published(self) -> "IncidentQuerySet":
        """The only incidents that may appear anywhere public."""
        return self.filter(is_public=True)

    def in_state(self, state: str) -> "IncidentQuerySet":
        return self.filter(state=state)

    def of_type(self, incident_type: str) -> "IncidentQuerySet":
        return self.filter(incident_type=incident_type)

    def with_evidence_stats(self) -> "IncidentQuerySet":
        """Annotate evidence_count and has_video without a query per row.

        Correlated subqueries rather than a JOIN + GROUP BY, so that a paginated page only
        counts the evidence of the rows it shows. A removed video does not count as a video.
        """
        return self.annotate(**_evidence_stats())

    def page(self, start: int, stop: int) -> list[dict]:
        """Rows start..stop of this ordered queryset, as plain dicts of "id", the fields a list
        shows (LIST_FIELDS) and evidence_count and has_video (LIST_ROW_FIELDS): the cards and
        the API's items are built from those; an instance costs more to build than either.

        The first page is one query: PostgreSQL works out the evidence stats after the LIMIT,
        for the rows it returns. A later page is two, the ids of the page (in order, through
        the indexes) and then those rows: the stats of every row an OFFSET skips would be
        worked out too.
        """

        def listed(queryset: "IncidentQuerySet") -> models.QuerySet:
            return queryset.with_evidence_stats().values(*LIST_ROW_FIELDS)

        if start == 0:
            return list(listed(self)[:stop])
        ids = list(self.values_list("pk", flat=True)[start:stop])
        if not ids:
            return []
        rows = listed(self.model.objects.filter(pk__in=ids).order_by())
        by_id = {row["id"]: row for row in rows}
        return [by_id[pk] for pk in ids]

    def search(self, query: str) -> "IncidentQuerySet":
        """Full-text search (PostgreSQL) or a word-by-word fallback (SQLite); see search.py."""
        from incidents.search import search

        return search(self, query)


class Incident(models.Model):
    headline = models.CharField(_("headline"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        blank=True,
        help_text=_("Set from the headline when first saved and then kept, so links stay stable."),
    )
    summary = models.TextField(_("summary"), help_text=_("What happened, in neutral terms."))
    incident_type = models.CharField(
        _("incident type"), max_length=30, choices=IncidentType, db_index=True
    )

    incident_date = models.DateField(_("incident date"))
    incident_time = models.TimeField(_("incident time"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    state = models.CharField(
        _("state"), max_length=2, choices=State, blank=True, help_text=_("Two-letter code.")
    )
    location_detail = models.CharField(
        _("location detail"),
        max_length=300,
        blank=True,
        help_text=_("A public place, e.g. 'outside a Home Depot'. Never a victim's home address."),
    )
    is_sanctuary_city = models.BooleanField(_("sanctuary jurisdiction"), default=False)

    victim_name = models.CharField(
        _("victim name"),
        max_length=200,
        blank=True,
        help_text=_("Only when published by officials or the press."),
    )
    victim_age = models.PositiveSmallIntegerField(
        _("victim age"), null=True, blank=True, validators=[MaxValueValidator(130)]
    )
    victim_is_citizen = models.BooleanField(
        _("victim is a US citizen"), null=True, blank=True, help_text=_("Leave empty if unknown.")
    )
    victim_count = models.PositiveIntegerField(
        _("number of people affected"), default=1, validators=[MinValueValidator(1)]
    )
    agent_name = models.CharField(
        _("agent name"),
        max_length=200,
        blank=True,
        help_text=_("Only on 'agent arrested or charged' incidents; never anywhere else."),
    )

    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome, default=Outcome.ONGOING, db_index=True
    )
    outcome_date = models.DateField(_("outcome date"), null=True, blank=True)
    outcome_notes = models.TextField(_("outcome notes"), blank=True)
    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification,
        default=Verification.REPORTED,
        help_text=_(
            "Verified: confirmed by an official record or a vetted source. Reported: in the "
            "news or social media, awaiting confirmation. Disputed: accounts conflict."
        ),
    )

    spicy_summary = models.TextField(
        _("editorial summary"), blank=True, help_text=_("The editorial-voice version.")
    )
    why_it_matters = models.TextField(_("why it matters"), blank=True)
    corrections_note = models.TextField(
        _("corrections note"),
        blank=True,
        help_text=_("Shown publicly: what was corrected and when."),
    )
    related_incidents = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        verbose_name=_("related incidents"),
        help_text=_("Editor-chosen links, shown alongside the automatic suggestions."),
    )

    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Only public incidents appear anywhere public.")
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    first_published_at = models.DateTimeField(_("first published at"), null=True, blank=True)

    created_by = models.CharField(
        _("created by"), max_length=20, choices=CreatedBy, default=CreatedBy.MANUAL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    search_vector = SearchVectorField(
        _("search vector"),
        null=True,
        editable=False,
        help_text=_(
            "Maintained by a PostgreSQL trigger: headline (weight A), summary (B), city, state "
            "and location (C). Always empty on SQLite."
        ),
    )

    history = HistoricalRecords(
        excluded_fields=["updated_at", "search_vector"], m2m_fields=[related_incidents]
    )
    objects = IncidentQuerySet.as_manager()

    PRIVACY_CHECKED_FIELDS = (
        "headline",
        "summary",
        "location_detail",
        "victim_name",
        "outcome_notes",
        "spicy_summary",
        "why_it_matters",
        "corrections_note",
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-incident_date", "-id"]
        permissions = [("publish_incident", _("Can publish or unpublish incidents"))]
        indexes = [
            models.Index(fields=["-incident_date", "-id"], name="incident_date_idx"),
            models.Index(fields=["state", "-incident_date"], name="incident_state_date_idx"),
            models.Index(
                fields=["-incident_date", "-id"],
                condition=Q(is_public=True),
                name="incident_public_date_idx",
            ),
            models.Index(fields=["-updated_at"], name="incident_updated_idx"),
            # Newest first within a state and a type, or a type alone (migration 0009).
            models.Index(
                fields=["state", "incident_type", "-incident_date", "-id"],
                condition=Q(is_public=True),
                name="incident_public_state_type_idx",
            ),
            models.Index(
                fields=["incident_type", "-incident_date", "-id"],
                condition=Q(is_public=True),
                name="incident_public_type_date_idx",
            ),
            # The text search, with the two filters it is most often combined with, so that
            # PostgreSQL narrows a word to a state or type inside one index scan (btree_gin).
            # Created on PostgreSQL only (migration 0006); SQLite has no GIN indexes.
            GinIndex(
                fields=["search_vector", "state", "incident_type"],
                condition=Q(is_public=True),
                name="incident_public_search_gin",
            ),
            models.Index(
                fields=["-first_published_at"],
                condition=Q(is_public=True),
                name="incident_public_published_idx",
            ),
            # Covers the facet counts of the timeline (index-only scans on PostgreSQL).
            models.Index(
                fields=[
                    "state",
                    "incident_type",
                    "outcome",
                    "verification_status",
                    "victim_is_citizen",
                ],
                condition=Q(is_public=True),
                name="incident_public_facets_idx",
            ),
            # The incidents of a state and a type by id, with the other facets' values: the
            # facet counts of a search of several words (filters._intersected_sql) look up the
            # ids its lists share there without visiting the table. Created on PostgreSQL only
            # (migration 0013): SQLite has no covering indexes, nor the lists.
            models.Index(
                fields=["state", "incident_type", "id"],
                include=["outcome", "verification_status", "victim_is_citizen"],
                condition=Q(is_public=True),
                name="incident_public_cell_ids_idx",
            ),
            # The same led by the type: the state counts when a type is chosen.
            models.Index(
                fields=[
                    "incident_type",
                    "state",
                    "outcome",
                    "verification_status",
                    "victim_is_citizen",
                ],
                condition=Q(is_public=True),
                name="incident_public_type_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(agent_name="") | Q(incident_type="agent_arrested"),
                name="incident_agent_name_only_when_agent_arrested",
            ),
            models.CheckConstraint(
                condition=Q(state="") | Q(state__in=sorted(STATE_CODES)),
                name="incident_state_is_a_code",
            ),
            models.CheckConstraint(
                condition=Q(victim_count__gte=1), name="incident_victim_count_positive"
            ),
            models.CheckConstraint(
                condition=Q(victim_age__isnull=True) | Q(victim_age__lte=130),
                name="incident_victim_age_plausible",
            ),
            models.CheckConstraint(
                condition=Q(outcome_date__isnull=True)
                | Q(outcome_date__gte=models.F("incident_date")),
                name="incident_outcome_not_before_incident",
            ),
            models.CheckConstraint(condition=~Q(headline=""), name="incident_headline_not_empty"),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.headline)[:SLUG_MAX_LENGTH].strip("-") or "incident"
        if self.is_public and self.first_published_at is None:
            self.first_published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return detail_url(self.pk, self.slug)

    def get_incident_type_display(self) -> str:
        return choice_label(IncidentType, self.incident_type)

    def get_outcome_display(self) -> str:
        return choice_label(Outcome, self.outcome)

    def get_verification_status_display(self) -> str:
        return choice_label(Verification, self.verification_status)

    @property
    def place(self) -> str:
        """City and state as shown on cards, e.g. "Houston, TX"."""
        return place(self.city, self.state)

    @property
    def verification_explanation(self) -> str:
        return str(VERIFICATION_EXPLANATIONS[self.verification_status])

    @property
    def shows_agent_name(self) -> bool:
        return bool(self.agent_name) and self.incident_type == IncidentType.AGENT_ARRESTED

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.agent_name and self.incident_type != IncidentType.AGENT_ARRESTED:
            errors.setdefault("agent_name", []).append(
                _("An agent's name may only be recorded on 'agent arrested or charged' incidents.")
            )
        for name in self.PRIVACY_CHECKED_FIELDS:
            text = getattr(self, name) or ""
            found = privacy.contact_details(text)
            if found:
                errors.setdefault(name, []).append(
                    _("Remove contact details (%(found)s): they must never be stored.")
                    % {"found": ", ".join(found)}
                )
            found = privacy.street_addresses(text)
            if found:
                errors.setdefault(name, []).append(
                    _("Remove street addresses (%(found)s): name a public place or the city.")
                    % {"found": ", ".join(found)}
                )
        if self.outcome_date and self.incident_date and self.outcome_date < self.incident_date:
            errors.setdefault("outcome_date", []).append(
                _("The outcome cannot come before the incident.")
            )
        if self.incident_date and self.incident_date > timezone.localdate():
            errors.setdefault("incident_date", []).append(_("The incident date is in the future."))
        if errors:
            raise ValidationError(errors)


class Evidence(models.Model):
    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("incident"),
        help_text=_("Evidence is never deleted with its incident."),
    )
    evidence_type = models.CharField(
        _("evidence type"), max_length=20, choices=EvidenceType, db_index=True
    )
    url = models.URLField(
        _("URL"),
        max_length=2000,
        validators=[HTTP_URL],
        help_text=_("A link to the evidence. Evidence is linked, never hosted here."),
    )
    embed_html = models.TextField(
        _("embed HTML (ignored)"),
        blank=True,
        help_text=_(
            "Kept for compatibility with the spec; never rendered. Embeds are built "
            "from the provider and video ID in the URL."
        ),
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    source_name = models.CharField(
        _("source name"), max_length=200, blank=True, help_text=_("e.g. ProPublica, ACLU, ICE.")
    )
    captured_date = models.DateField(_("published or captured on"), null=True, blank=True)
    thumbnail_url = models.URLField(
        _("thumbnail URL"), max_length=2000, blank=True, validators=[HTTP_URL]
    )
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    is_primary = models.BooleanField(_("primary evidence"), default=False)
    is_removed = models.BooleanField(
        _("removed by the platform"),
        default=False,
        help_text=_("The platform took it down; the page shows that instead of the embed."),
    )
    removed_date = models.DateField(_("removed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-is_primary", "captured_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "url"], name="evidence_unique_url_per_incident"
            ),
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(is_primary=True),
                name="evidence_one_primary_per_incident",
            ),
            models.CheckConstraint(
                condition=Q(removed_date__isnull=True) | Q(is_removed=True),
                name="evidence_removed_date_only_when_removed",
            ),
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="evidence_url_is_http",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    def get_evidence_type_display(self) -> str:
        return choice_label(EvidenceType, self.evidence_type)

    @property
    def is_video(self) -> bool:
        return self.evidence_type in VIDEO_TYPES

    @property
    def embed(self) -> "embeds.Embed | None":
        """The provider and video ID parsed from the URL, or None (then it is a plain link)."""
        return None if self.is_removed else embeds.parse(self.url)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        expected = {
            EvidenceType.VIDEO_YOUTUBE: embeds.YOUTUBE,
            EvidenceType.VIDEO_TIKTOK: embeds.TIKTOK,
        }.get(self.evidence_type)
        if expected and self.url:
            found = embeds.parse(self.url)
            if found is None or found.provider != expected:
                errors["url"] = [
                    _(
                        "This is not a %(provider)s video address we can embed. Use a link such "
                        "as %(example)s, or choose another evidence type."
                    )
                    % {"provider": expected, "example": embeds.EXAMPLES[expected]}
                ]
        if self.removed_date and not self.is_removed:
            errors["removed_date"] = [_("A removal date needs 'removed by the platform' ticked.")]
        if errors:
            raise ValidationError(errors)


class RunningCount(models.Model):
    """A combination of the timeline's facet values and how many published incidents have it
    (PostgreSQL's running counts: FacetCount, SearchTermCount)."""

    incident_type = models.CharField(max_length=30)
    state = models.CharField(max_length=2)
    outcome = models.CharField(max_length=20)
    verification_status = models.CharField(max_length=10)
    citizen = models.CharField(max_length=7)  # the citizen facet's values: yes, no, unknown
    n = models.IntegerField()

    class Meta:
        abstract = True


class FacetCount(RunningCount):
    """How many published incidents share each combination of the timeline's facet values.

    PostgreSQL keeps it current with a trigger on incidents_incident, in the same transaction as
    every insert, update or delete (migration 0005), so counting a state or a type reads a few
    hundred of these rows instead of every matching incident. A combination's row stays, with
    n = 0, when its last incident goes. Unused on SQLite, which counts the incidents themselves.
    """

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident_type", "state", "outcome", "verification_status", "citizen"],
                name="facetcount_one_row_per_combination",
            )
        ]
        # The unique constraint's index serves a type; this one a state. On PostgreSQL both
        # also carry the columns they do not key on, for index-only scans (migration 0007).
        indexes = [models.Index(fields=["state", "incident_type"], name="facetcount_state_idx")]

    def __str__(self) -> str:
        return f"{self.incident_type} {self.state} {self.outcome} {self.verification_status}"


class FacetCell(models.Model):
    """How many published incidents each pair of a type and a state has: FacetCount summed over
    the other facets.

    With only a state and a type chosen, the timeline counts the types in that state and the
    states of that type, and the API its total: from FacetCount, the few thousand rows of the
    state or the type (2,526 for Texas and one type at 100,000 incidents, 0.65-0.73 ms of
    PostgreSQL's CPU); from this table, the 12 and 56 rows of the pairs (0.10-0.12 ms).
    PostgreSQL keeps it current with statement-level triggers on incidents_incident, in the
    same transaction as every insert, update or delete (migration 0012). A pair stays, with
    n = 0, when its last incident goes. Not created on SQLite, which counts the incidents.
    """

    pk = models.CompositePrimaryKey("incident_type", "state")
    incident_type = models.CharField(max_length=30)
    state = models.CharField(max_length=2)
    n = models.IntegerField()

    class Meta:
        # The primary key's index serves a type; this one a state.
        required_db_features = {"supports_covering_indexes"}
        indexes = [
            models.Index(
                fields=["state", "incident_type"], include=["n"], name="facetcell_state_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_type} {self.state}: {self.n}"


class SearchTermCount(RunningCount):
    """How many published incidents whose text holds a search term share each combination of
    the timeline's facet values: FacetCount, once per term.

    A term is a lexeme of the incidents' search_vector ("agents" is kept as "agent"). PostgreSQL
    keeps the table current with statement-level triggers on incidents_incident, in the same
    transaction as every insert, update or delete (migration 0008), so that the facet counts of
    a one-word search read the few hundred rows of that word instead of every incident that
    holds it. A row stays, with n = 0, when its last incident goes. Not created on SQLite.
    """

    pk = models.CompositePrimaryKey(
        "lexeme", "incident_type", "state", "outcome", "verification_status", "citizen"
    )
    lexeme = models.TextField()

    class Meta:
        # The primary key's index serves a term with a type; this one a term with a state. Both
        # also carry the columns they do not key on, for index-only scans (the primary key's
        # in migration 0008). PostgreSQL only: SQLite, which has no covering indexes, gets no
        # table at all (nothing reads it there).
        required_db_features = {"supports_covering_indexes"}
        indexes = [
            models.Index(
                fields=["lexeme", "state", "incident_type"],
                include=["outcome", "verification_status", "citizen", "n"],
                name="searchterm_state_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lexeme}: {self.incident_type} {self.state} {self.outcome}"


class SearchPosting(models.Model):
    """A search term of a published incident, with the incident's relevance to that term, its
    state, type and date: the order of a one-word search, kept ahead.

    The timeline ranks a search by ts_rank and then by date. For one word, that ranking used to
    read every incident in the state and type that holds the word (a thousand rows for "agents"
    in Texas with a type at 100,000 incidents) to keep the best 20. `rank` is the ts_rank of
    the incident's search_vector for the term alone, which is exactly what the search computes
    when PostgreSQL makes the query into that one term, so an index walked backwards gives the
    page (IncidentFilter.page_rows). PostgreSQL keeps the table current with statement-level
    triggers on incidents_incident, in the same transaction as every insert, update or delete
    (migration 0010). Not created on SQLite.
    """

    # The key is walked backwards: best rank, newest, highest id first. It serves a term with a
    # state and a type; the index below, a term with either or neither.
    pk = models.CompositePrimaryKey(
        "lexeme", "state", "incident_type", "rank", "incident_date", "incident_id"
    )
    lexeme = models.TextField()
    state = models.CharField(max_length=2)
    incident_type = models.CharField(max_length=30)
    rank = models.FloatField()
    incident_date = models.DateField()
    incident_id = models.BigIntegerField()

    class Meta:
        required_db_features = {"supports_covering_indexes"}
        indexes = [
            models.Index(
                fields=["lexeme", "rank", "incident_date", "incident_id"],
                include=["state", "incident_type"],
                name="searchposting_rank_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lexeme}: incident {self.incident_id} ({self.rank:g})"


class SearchTermIds(models.Model):
    """For each search term, state and type, the published incidents that hold the term: their
    ids, sorted.

    A search of several words (in PostgreSQL's terms, a conjunction of lexemes) matches the
    incidents whose ids all its terms' lists share, so intersecting a few sorted lists per state
    and type gives its facet counts, and its candidates for a page, without reading every
    incident that holds one of the words (intarray's & and icount, in C). At 100,000 incidents,
    "court order" in Texas with a type used to read 6,560 incidents to count the state and type
    facets. PostgreSQL keeps the lists current with statement-level triggers on
    incidents_incident, in the same transaction as every insert, update or delete (migration
    0011). A list stays, empty, when its last incident goes. Not created on SQLite.
    """

    pk = models.CompositePrimaryKey("lexeme", "state", "incident_type")
    lexeme = models.TextField()
    state = models.CharField(max_length=2)
    incident_type = models.CharField(max_length=30)
    ids = ArrayField(models.IntegerField())  # int4, for intarray: ids stay below 2**31

    class Meta:
        required_db_features = {"supports_covering_indexes"}

    def __str__(self) -> str:
        return f"{self.lexeme}: {self.state} {self.incident_type} ({len(self.ids)})"
