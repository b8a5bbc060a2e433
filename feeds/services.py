"""Writes of the feeds app: ingest a source, promote or dismiss queued items, re-enable sources.

Ingestion is safe to run from several workers at once:
- a lease on the source row (an atomic conditional UPDATE with an expiry, on PostgreSQL and
  SQLite alike) keeps one source from being fetched twice at the same moment, without holding
  a transaction open across the network fetch;
- inserts go through unique constraints with `bulk_create(ignore_conflicts=True)`, in URL order
  (so two writers never deadlock), and each fetch tags its rows with a batch id so it counts
  exactly what it inserted;
- validators (ETag, Last-Modified) are saved in the same transaction as the items, so a failed
  write is retried by the next poll instead of being hidden behind a 304.
Any failure is recorded on that source only; nothing already queued is touched.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, UUIDField, Value, When
from django.db.models.fields import DateTimeField
from django.utils import timezone
from django.utils.translation import gettext as _

from feeds.canonical import NotCanonical, canonicalise_url
from feeds.fetch import FetchError, FetchResult, Gone, fetch
from feeds.matching import guess_incident_type, matcher_for
from feeds.models import FeedItem, FeedSource, Keyword, ReviewStatus
from feeds.parse import Entry, FeedParseError, ParsedFeed, parse_feed, text_of_sanitised
from incidents import privacy
from incidents.models import CreatedBy, Evidence, EvidenceType, Incident, Verification

logger = logging.getLogger(__name__)
LOOKUP_CHUNK = 2000
INSERT_BATCH = 2500
REMOVED = "[removed]"


@dataclass
class IngestResult:
    source: str
    status: str = "ok"  # ok, not_modified, error, busy
    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    filtered_out: int = 0
    errors: list[str] = field(default_factory=list)
    transient: bool = False
    requests: int = 0

    def summary(self) -> str:
        text = (
            f"fetched {self.fetched}, new {self.new}, duplicate {self.duplicate}, "
            f"filtered out {self.filtered_out}, errors {len(self.errors)}"
        )
        if self.status == "not_modified":
            text += " (not modified)"
        elif self.status == "busy":
            text += " (skipped: another worker is fetching it)"
        return text


@dataclass
class StoreCounts:
    new: int = 0
    duplicate: int = 0
    filtered_out: int = 0
    errors: list[str] = field(default_factory=list)


def global_keywords() -> list[str]:
    return list(Keyword.objects.filter(active=True).values_list("term", flat=True))


# --- Ingestion ------------------------------------------------------------------------------


def _acquire_lease(source: FeedSource) -> uuid.UUID | None:
    now = timezone.now()
    token = uuid.uuid4()
    acquired = (
        FeedSource.objects.filter(pk=source.pk)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
        .update(
            lease_expires_at=now + timedelta(seconds=settings.FEEDS_LEASE_SECONDS),
            lease_token=token,
        )
    )
    return token if acquired else None


def _finish(source: FeedSource, token: uuid.UUID, **fields) -> None:
    """Write the fetch outcome and release our lease (only if it is still ours) in one UPDATE."""
    ours = Q(lease_token=token)
    FeedSource.objects.filter(pk=source.pk).update(
        **fields,
        lease_expires_at=Case(
            When(ours, then=Value(None)),
            default=F("lease_expires_at"),
            output_field=DateTimeField(),
        ),
        lease_token=Case(
            When(ours, then=Value(None)), default=F("lease_token"), output_field=UUIDField()
        ),
    )


def _record_failure(
    source: FeedSource,
    token: uuid.UUID,
    message: str,
    *,
    retry_after: datetime | None = None,
    gone: bool = False,
) -> None:
    now = timezone.now()
    _finish(
        source,
        token,
        consecutive_errors=F("consecutive_errors") + 1,
        last_error=message[:2000],
        last_error_at=now,
        last_fetched_at=now,
        last_status=_("error: %(message)s") % {"message": message[:180]},
    )
    errors = FeedSource.objects.values_list("consecutive_errors", flat=True).get(pk=source.pk)
    next_after = source.backoff_until(errors, now)
    if retry_after and retry_after > next_after:
        next_after = retry_after
    update = {"next_fetch_after": next_after}
    if gone or errors >= settings.FEEDS_MAX_CONSECUTIVE_ERRORS:
        update.update(active=False, disabled_automatically_at=now)
        logger.warning("feed source %s disabled after %s consecutive errors", source, errors)
    FeedSource.objects.filter(pk=source.pk).update(**update)


def _record_not_modified(source: FeedSource, token: uuid.UUID, fetched: FetchResult) -> None:
    """A 304: only the fetch timestamps (and a reset error counter) are written."""
    now = timezone.now()
    _finish(
        source,
        token,
        last_fetched_at=now,
        last_success_at=now,
        consecutive_errors=0,
        next_fetch_after=None,
        last_status="HTTP 304: not modified",
    )


def _record_success(
    source: FeedSource,
    token: uuid.UUID,
    fetched: FetchResult,
    parsed: ParsedFeed,
    counts: StoreCounts,
) -> None:
    now = timezone.now()
    fields = {
        "etag": fetched.headers.get("etag", "")[:500],
        "last_modified": fetched.headers.get("last-modified", "")[:100],
        "last_fetched_at": now,
        "last_success_at": now,
        "consecutive_errors": 0,
        "next_fetch_after": None,
        "last_warning": parsed.warning[:2000],
        "last_status": (
            f"HTTP {fetched.status}: {len(parsed.entries)} entries, {counts.new} new, "
            f"{counts.duplicate} duplicate, {counts.filtered_out} filtered out"
        )[:200],
    }
    moved = fetched.permanent_url
    if moved and not FeedSource.objects.filter(url=moved).exclude(pk=source.pk).exists():
        fields["url"] = moved  # a permanent redirect: poll the new address from now on
    _finish(source, token, **fields)


def _canonical_candidates(entries: list[Entry], counts: StoreCounts) -> dict[str, Entry]:
    candidates: dict[str, Entry] = {}
    guids: set[str] = set()
    for entry in entries:
        try:
            url = canonicalise_url(entry.link)
        except NotCanonical as exc:
            counts.errors.append(f"entry {entry.title[:60]!r}: {exc}")
            continue
        if url in candidates or (entry.guid and entry.guid in guids):
            counts.duplicate += 1
            continue
        candidates[url] = entry
        if entry.guid:
            guids.add(entry.guid)
    return candidates


def _chunks(values: list[str]):
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def _already_stored(source: FeedSource, candidates: dict[str, Entry]) -> tuple[set, set]:
    urls, guids = list(candidates), [e.guid for e in candidates.values() if e.guid]
    known_urls: set[str] = set()
    for chunk in _chunks(urls):
        known_urls.update(
            FeedItem.objects.filter(original_url__in=chunk).values_list("original_url", flat=True)
        )
    known_guids: set[str] = set()
    for chunk in _chunks(guids):
        known_guids.update(
            FeedItem.objects.filter(source=source, guid__in=chunk).values_list("guid", flat=True)
        )
    return known_urls, known_guids


def store_entries(*, source: FeedSource, entries: list[Entry]) -> StoreCounts:
    """Queue the entries that match the source's keywords; count new, duplicate, filtered out.

    Idempotent and safe under concurrency: a row another writer inserted first is a duplicate.
    """
    counts = StoreCounts()
    candidates = _canonical_candidates(entries, counts)
    known_urls, known_guids = _already_stored(source, candidates)
    matcher = matcher_for(tuple(source.keyword_terms(global_keywords())))
    batch = uuid.uuid4()
    rows: list[FeedItem] = []
    for url, entry in sorted(candidates.items()):
        if url in known_urls or (entry.guid and entry.guid in known_guids):
            counts.duplicate += 1
            continue
        keywords = matcher.matches(entry.text)
        if not keywords:
            counts.filtered_out += 1
            continue
        rows.append(
            FeedItem(
                source=source,
                original_url=url,
                guid=entry.guid,
                title=entry.title,
                summary=entry.summary,
                raw_text=entry.raw_text,
                published_at=entry.published_at,
                matched_keywords=keywords,
                batch=batch,
            )
        )
    FeedItem.objects.bulk_create(rows, batch_size=INSERT_BATCH, ignore_conflicts=True)
    inserted = 0
    for chunk in _chunks([row.original_url for row in rows]):
        inserted += FeedItem.objects.filter(original_url__in=chunk, batch=batch).count()
    counts.new = inserted
    counts.duplicate += len(rows) - inserted
    return counts


def ingest_parsed(
    *, source: FeedSource, parsed: ParsedFeed, fetched: FetchResult, token: uuid.UUID
) -> StoreCounts:
    with transaction.atomic():
        counts = store_entries(source=source, entries=parsed.entries)
        _record_success(source, token, fetched, parsed, counts)
    return counts


def ingest_source(*, source: FeedSource) -> IngestResult:
    """Fetch, parse and queue one source. Never raises for a bad feed: the error is recorded
    on the source and returned in the result."""
    result = IngestResult(source=source.name)
    token = _acquire_lease(source)
    if token is None:
        result.status = "busy"
        return result
    try:
        _ingest(source, token, result)
    except Exception as exc:  # noqa: BLE001 - one broken source must not stop the others
        logger.exception("feed source %s: unexpected error", source)
        result.status = "error"
        result.errors.append(f"internal error: {type(exc).__name__}: {exc}")
        _record_failure(source, token, result.errors[-1])
    return result


def _ingest(source: FeedSource, token: uuid.UUID, result: IngestResult) -> None:
    try:
        fetched = fetch(source.url, etag=source.etag, last_modified=source.last_modified)
    except FetchError as exc:
        result.status, result.transient = "error", exc.transient
        result.errors.append(str(exc))
        _record_failure(
            source, token, str(exc), retry_after=exc.retry_after, gone=isinstance(exc, Gone)
        )
        return
    result.requests = fetched.requests
    if fetched.not_modified:
        result.status = "not_modified"
        _record_not_modified(source, token, fetched)
        return
    try:
        parsed = parse_feed(fetched.body, fetched.headers, url=fetched.url)
    except FeedParseError as exc:
        result.status = "error"
        result.errors.append(str(exc))
        _record_failure(source, token, str(exc))
        return
    counts = ingest_parsed(source=source, parsed=parsed, fetched=fetched, token=token)
    result.fetched = len(parsed.entries) + len(parsed.skipped)
    result.new, result.duplicate, result.filtered_out = (
        counts.new,
        counts.duplicate,
        counts.filtered_out,
    )
    result.errors.extend(parsed.skipped + counts.errors)


# --- Review ---------------------------------------------------------------------------------


def scrub_personal_data(text: str) -> str:
    """Replace contact details and street addresses, which a draft must never store."""
    found = privacy.contact_details(text) + privacy.street_addresses(text)
    for fragment in sorted(set(found), key=len, reverse=True):
        text = text.replace(fragment, REMOVED)
    return text


class _AlreadyPromoted(Exception):
    pass


def _draft_for(item: FeedItem) -> Incident:
    text = text_of_sanitised(item.summary)
    headline = scrub_personal_data(item.title)[:300].strip() or _("Untitled feed item")
    today = timezone.localdate()
    published = timezone.localdate(item.published_at) if item.published_at else today
    return Incident(
        headline=headline,
        summary=scrub_personal_data(text) or headline,
        incident_type=guess_incident_type(f"{item.title}\n{text}"),
        incident_date=min(published, today),
        created_by=CreatedBy.RSS_IMPORT,
        verification_status=Verification.REPORTED,
        is_public=False,
    )


@transaction.atomic
def promote_feed_item(*, item: FeedItem, editor: AbstractBaseUser) -> Incident:
    """Create a non-public draft incident (with the article as evidence) from a queued item.

    Idempotent: promoting an item twice returns the incident created the first time.
    """
    locked = FeedItem.objects.select_for_update().get(pk=item.pk)
    if locked.promoted_incident_id:
        return Incident.objects.get(pk=locked.promoted_incident_id)
    try:
        with transaction.atomic():
            incident = _draft_for(locked)
            incident._history_user = editor
            incident.full_clean()
            incident.save()
            source_name = FeedSource.objects.values_list("name", flat=True).get(pk=locked.source_id)
            evidence = Evidence(
                incident=incident,
                evidence_type=EvidenceType.NEWS_ARTICLE,
                url=locked.original_url,
                title=incident.headline[:500],
                source_name=source_name[:200],
                captured_date=incident.incident_date if locked.published_at else None,
                is_primary=True,
            )
            evidence._history_user = editor
            evidence.full_clean()
            evidence.save()
            claimed = FeedItem.objects.filter(pk=locked.pk, promoted_incident__isnull=True).update(
                status=ReviewStatus.PROMOTED,
                promoted_incident=incident,
                reviewed_at=timezone.now(),
                reviewed_by=editor,
                dismiss_reason="",
            )
            if not claimed:
                raise _AlreadyPromoted
    except _AlreadyPromoted:
        locked.refresh_from_db()
        return Incident.objects.get(pk=locked.promoted_incident_id)
    return incident


@transaction.atomic
def dismiss_feed_items(
    *, items: QuerySet[FeedItem] | list[FeedItem], editor: AbstractBaseUser, reason: str
) -> int:
    """Dismiss pending items with a reason; returns how many were dismissed. Promoted items
    keep their incident and are left alone."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for dismissing.")})
    pks = [item.pk for item in items]
    return FeedItem.objects.filter(pk__in=pks, status=ReviewStatus.PENDING).update(
        status=ReviewStatus.DISMISSED,
        dismiss_reason=reason[:2000],
        reviewed_at=timezone.now(),
        reviewed_by=editor,
    )


def reenable_sources(*, sources: QuerySet[FeedSource] | list[FeedSource]) -> int:
    """Switch sources back on with a clean error counter (saved, so the history records it)."""
    count = 0
    for source in sources:
        source.active = True
        source.consecutive_errors = 0
        source.disabled_automatically_at = None
        source.next_fetch_after = None
        source.save(
            update_fields=[
                "active",
                "consecutive_errors",
                "disabled_automatically_at",
                "next_fetch_after",
            ]
        )
        count += 1
    return count
