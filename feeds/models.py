"""Feed sources, the keywords that select items from them, and the editorial review queue.

`FeedItem` is the spec's `ice_feed_queue`. Fetch bookkeeping on `FeedSource` (validators, lease,
counters) is written with queryset `update()` calls by the services, so a poll never creates a
history row: the source's history records what editors changed, not every fetch.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incidents.models import HTTP_URL


def split_keywords(text: str) -> list[str]:
    """One keyword per line (commas also separate), normalised to lower case, no duplicates."""
    seen: dict[str, None] = {}
    for chunk in text.replace(",", "\n").splitlines():
        term = " ".join(chunk.split()).lower()
        if term:
            seen.setdefault(term, None)
    return list(seen)


class Keyword(models.Model):
    term = models.CharField(
        _("keyword"),
        max_length=100,
        unique=True,
        help_text=_(
            "A word or phrase, matched case-insensitively on word boundaries in the title and "
            "summary of every feed item ('dhs' does not match 'dhsx')."
        ),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive keywords are kept but not matched.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(condition=~Q(term=""), name="keyword_term_not_empty"),
        ]

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs) -> None:
        self.term = " ".join(self.term.split()).lower()
        super().save(*args, **kwargs)


class FeedSourceQuerySet(models.QuerySet):
    def active(self) -> "FeedSourceQuerySet":
        return self.filter(active=True)

    def due(self, now=None) -> "FeedSourceQuerySet":
        """Active sources whose back-off (after errors or a Retry-After) has run out."""
        now = now or timezone.now()
        return self.active().filter(Q(next_fetch_after__isnull=True) | Q(next_fetch_after__lte=now))

    def needing_attention(self) -> "FeedSourceQuerySet":
        """Sources reported by the health check: active ones, and those disabled automatically."""
        return self.filter(Q(active=True) | Q(disabled_automatically_at__isnull=False))


class KeywordMode(models.TextChoices):
    INHERIT = "inherit", _("Use the global keyword list")
    EXTEND = "extend", _("Global list plus this source's keywords")
    REPLACE = "replace", _("Only this source's keywords")


class FeedSource(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    url = models.URLField(
        _("feed URL"),
        max_length=2000,
        unique=True,
        validators=[HTTP_URL],
        help_text=_("The RSS or Atom feed itself (http or https), not the site's home page."),
    )
    homepage = models.URLField(_("home page"), max_length=2000, blank=True, validators=[HTTP_URL])
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Only active sources are polled. Re-enabling resets the error counter."),
    )
    keyword_mode = models.CharField(
        _("keywords"), max_length=10, choices=KeywordMode, default=KeywordMode.INHERIT
    )
    keywords = models.TextField(
        _("source keywords"),
        blank=True,
        help_text=_("One per line; used when the source extends or replaces the global list."),
    )
    notes = models.TextField(_("notes"), blank=True)

    etag = models.CharField(_("ETag"), max_length=500, blank=True, editable=False)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_status = models.CharField(
        _("last result"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("e.g. 'HTTP 200: 40 entries, 2 new' or 'HTTP 304: not modified'."),
    )
    last_warning = models.TextField(
        _("last warning"),
        blank=True,
        editable=False,
        help_text=_("A problem that did not stop the fetch, e.g. XML parsed leniently."),
    )
    consecutive_errors = models.PositiveIntegerField(
        _("consecutive errors"), default=0, editable=False
    )
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    next_fetch_after = models.DateTimeField(
        _("next fetch after"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Back-off after errors, or the server's Retry-After."),
    )
    disabled_automatically_at = models.DateTimeField(
        _("disabled automatically at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the source was switched off after too many consecutive errors."),
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(
        excluded_fields=[
            "etag",
            "last_modified",
            "last_fetched_at",
            "last_success_at",
            "last_status",
            "last_warning",
            "last_error",
            "last_error_at",
            "next_fetch_after",
            "lease_expires_at",
            "lease_token",
        ]
    )
    objects = FeedSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("feed source")
        verbose_name_plural = _("feed sources")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="feedsource_url_is_http",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.keyword_mode != KeywordMode.INHERIT and not split_keywords(self.keywords):
            raise ValidationError(
                {"keywords": _("List at least one keyword, or use the global list.")}
            )

    def keyword_terms(self, global_terms: list[str]) -> list[str]:
        own = split_keywords(self.keywords)
        if self.keyword_mode == KeywordMode.REPLACE:
            return own
        if self.keyword_mode == KeywordMode.EXTEND:
            return list(dict.fromkeys([*global_terms, *own]))
        return list(global_terms)

    @property
    def is_failing(self) -> bool:
        return bool(self.last_error_at) and (
            self.last_success_at is None or self.last_error_at > self.last_success_at
        )

    def backoff_until(self, errors: int, now: datetime | None = None) -> datetime:
        """Exponential back-off after `errors` consecutive failures, capped at a day."""
        base = settings.FEEDS_POLL_INTERVAL_MINUTES
        minutes = min(base * 2 ** max(errors - 1, 0), 24 * 60)
        return (now or timezone.now()) + timedelta(minutes=minutes)


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    PROMOTED = "promoted", _("Promoted to an incident")
    DISMISSED = "dismissed", _("Dismissed")


REVIEW_ORDER = (
    Case(
        When(status=ReviewStatus.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    ).asc(),
    F("published_at").desc(nulls_last=True),
    "-id",
)


class FeedItemQuerySet(models.QuerySet):
    def pending(self) -> "FeedItemQuerySet":
        return self.filter(status=ReviewStatus.PENDING)

    def review_order(self) -> "FeedItemQuerySet":
        """Pending items first, then the newest."""
        return self.order_by(*REVIEW_ORDER)


class FeedItem(models.Model):
    """One feed entry that matched a keyword, waiting for an editor (the spec's ice_feed_queue).

    Deduplication: `original_url` (canonicalised) is unique across all sources, so a story
    syndicated by two feeds is queued once. The GUID is unique per source only: RSS guarantees
    a GUID's uniqueness within its own feed, and feeds that number their items ("1", "2", ...)
    would otherwise collide; two different stories that share a GUID in two feeds are both kept.
    """

    source = models.ForeignKey(
        FeedSource,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("source"),
        help_text=_("Queued items keep their source: deactivate a source instead of deleting it."),
    )
    original_url = models.URLField(
        _("original URL"),
        max_length=2000,
        validators=[HTTP_URL],
        help_text=_("Canonicalised: no tracking parameters, no fragment, lower-case host."),
    )
    guid = models.CharField(_("GUID"), max_length=1000, blank=True)
    title = models.CharField(_("title"), max_length=500, help_text=_("Plain text."))
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("Sanitised HTML: links, paragraphs, emphasis and lists only."),
    )
    raw_text = models.TextField(
        _("raw text"),
        blank=True,
        editable=False,
        help_text=_("The title and summary exactly as received. Kept for reference, never shown."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    matched_keywords = models.JSONField(_("matched keywords"), default=list, blank=True)
    status = models.CharField(
        _("review status"),
        max_length=10,
        choices=ReviewStatus,
        default=ReviewStatus.PENDING,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    # PROTECT: the item is the incident's provenance (which feed, which story, who promoted it).
    # SET_NULL would leave "promoted" items pointing at nothing and break the check below.
    promoted_incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feed_items",
        verbose_name=_("promoted incident"),
    )
    dismiss_reason = models.TextField(_("dismiss reason"), blank=True)
    batch = models.UUIDField(
        editable=False,
        null=True,
        help_text="The fetch that inserted this row; lets a fetch count exactly what it added.",
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    objects = FeedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("feed item")
        verbose_name_plural = _("feed items")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="pending"),
                name="feeditem_pending_idx",
            ),
            models.Index(fields=["status", "-published_at"], name="feeditem_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["original_url"], name="feeditem_unique_url"),
            models.UniqueConstraint(
                fields=["source", "guid"],
                condition=~Q(guid=""),
                name="feeditem_unique_guid_per_source",
            ),
            models.CheckConstraint(
                condition=Q(original_url__startswith="http://")
                | Q(original_url__startswith="https://"),
                name="feeditem_url_is_http",
            ),
            models.CheckConstraint(
                condition=Q(status="promoted", promoted_incident__isnull=False)
                | (~Q(status="promoted") & Q(promoted_incident__isnull=True)),
                name="feeditem_promoted_iff_incident",
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismiss_reason=""),
                name="feeditem_dismissed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title
