"""Ingestion, promotion and dismissal through the services, against the local feed server."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from feeds.models import FeedItem, FeedSource, Keyword, KeywordMode, ReviewStatus
from feeds.services import (
    dismiss_feed_items,
    ingest_source,
    promote_feed_item,
    reenable_sources,
    scrub_personal_data,
)
from incidents.models import CreatedBy, EvidenceType, Incident, IncidentType
from tests.feeds.conftest import Reply, fixture_bytes

pytestmark = pytest.mark.django_db


def ingest(source: FeedSource):
    source.refresh_from_db()
    return ingest_source(source=source)


def test_ingest_counts_fetched_new_filtered_and_stores_matches(feed_server, make_source):
    feed_server.serve_feed("/feed.xml", "rss20.xml", ETag='"v1"')
    source = make_source()
    result = ingest(source)
    assert (result.status, result.fetched, result.new, result.duplicate) == ("ok", 4, 3, 0)
    assert result.filtered_out == 1  # the bakery ("dhsx" is not "dhs")
    assert result.errors == []
    raid = FeedItem.objects.get(guid="example-1001")
    assert raid.original_url == "https://news.example.org/2025/03/ice-raid-texas?id=7"
    assert raid.matched_keywords == ["ice raid"]
    assert raid.status == ReviewStatus.PENDING
    assert FeedItem.objects.get(guid="example-1004").matched_keywords == ["immigration detention"]
    source.refresh_from_db()
    assert source.etag == '"v1"'
    assert source.last_success_at is not None
    assert source.consecutive_errors == 0
    assert source.last_status.startswith("HTTP 200: 4 entries, 3 new")


def test_repolling_an_unchanged_feed_costs_one_request_and_no_writes(
    feed_server, make_source, django_assert_num_queries
):
    body = fixture_bytes("rss20.xml")

    def conditional(seen):
        if seen.headers.get("if-none-match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(body=body, headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    feed_server.serve("/feed.xml", conditional)
    source = make_source()
    assert ingest(source).new == 3
    before = list(FeedItem.objects.values_list("pk", "status", "title", "summary"))
    source.refresh_from_db()
    requests_before = len(feed_server.requests)
    # Exactly two queries: take the lease, then write the fetch timestamps and release it.
    with django_assert_num_queries(2):
        result = ingest_source(source=source)
    assert result.status == "not_modified"
    assert len(feed_server.requests) - requests_before == 1
    assert feed_server.requests[-1].headers["if-none-match"] == '"v1"'
    assert list(FeedItem.objects.values_list("pk", "status", "title", "summary")) == before
    after = FeedSource.objects.get(pk=source.pk)
    assert after.last_fetched_at > source.last_fetched_at
    assert after.etag == source.etag
    assert after.last_status == "HTTP 304: not modified"


def test_repolling_without_validators_counts_duplicates(feed_server, make_source):
    feed_server.serve_feed("/feed.xml", "rss20.xml")
    source = make_source()
    ingest(source)
    again = ingest(source)
    assert (again.new, again.duplicate, again.filtered_out) == (0, 3, 1)
    assert FeedItem.objects.count() == 3


def test_duplicate_guids_across_two_feeds(feed_server, make_source):
    """GUIDs are unique per source: feeds A and B both number items 1, 2, 3 and both are kept;
    the same wire story linked by both (with tracking junk) is queued once."""
    feed_server.serve_feed("/a.xml", "guid_a.xml")
    feed_server.serve_feed("/b.xml", "guid_b.xml")
    a, b = make_source("/a.xml", name="A"), make_source("/b.xml", name="B")
    first, second = ingest(a), ingest(b)
    assert (first.new, first.duplicate) == (3, 0)
    assert (second.new, second.duplicate) == (2, 1)
    assert FeedItem.objects.filter(guid="1").count() == 2
    wire = FeedItem.objects.get(original_url="https://wire.example.com/ice-raid-upstate")
    assert wire.source == a


def test_a_changed_link_with_the_same_guid_is_a_duplicate(feed_server, make_source):
    feed_server.serve_feed("/a.xml", "guid_a.xml")
    source = make_source("/a.xml")
    ingest(source)
    moved = fixture_bytes("guid_a.xml").replace(
        b"https://a.example.org/one", b"https://a.example.org/1"
    )
    feed_server.serve("/a.xml", Reply(body=moved))
    assert (ingest(source).new, FeedItem.objects.count()) == (0, 3)


def test_keyword_overrides_replace_and_extend(feed_server, make_source):
    feed_server.serve_feed("/feed.xml", "rss20.xml")
    source = make_source(keyword_mode=KeywordMode.REPLACE, keywords="bakery\nregional award")
    ingest(source)
    [item] = FeedItem.objects.all()
    assert item.matched_keywords == ["bakery", "regional award"]
    FeedItem.objects.all().delete()
    FeedSource.objects.filter(pk=source.pk).update(keyword_mode=KeywordMode.EXTEND)
    assert ingest(source).new == 4


def test_inactive_global_keywords_are_not_matched(feed_server, make_source):
    Keyword.objects.update(active=False)
    Keyword.objects.filter(term="sanctuary city").update(active=True)
    feed_server.serve_feed("/feed.xml", "rss20.xml")
    result = ingest(make_source())
    assert (result.new, result.filtered_out) == (1, 3)


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Reply(404, b"nope"), "HTTP 404"),
        (Reply(500, b"boom"), "HTTP 500"),
        (Reply(body=fixture_bytes("billion_laughs.xml")), "entities"),
        (Reply(body=fixture_bytes("not_a_feed.html")), "not a readable"),
        (Reply(body=b"x" * 2_000_000), "cap"),
        (Reply(body=fixture_bytes("rss20.xml"), trickle_bytes=20, trickle_delay=0.2), "timed out"),
    ],
)
def test_a_bad_feed_is_that_sources_error_and_leaves_the_queue_alone(
    feed_server, make_source, settings, route, message
):
    settings.FEEDS_TOTAL_TIMEOUT = 1
    feed_server.serve_feed("/good.xml", "rss20.xml")
    good = make_source("/good.xml", name="Good")
    ingest(good)
    queued = list(FeedItem.objects.values_list("pk", "status"))
    feed_server.serve("/bad.xml", route)
    bad = make_source("/bad.xml", name="Bad")
    result = ingest(bad)
    assert result.status == "error"
    assert message in result.errors[0]
    bad.refresh_from_db()
    assert bad.consecutive_errors == 1
    assert message in bad.last_error
    assert bad.last_error_at is not None
    assert bad.is_failing
    assert bad.next_fetch_after > timezone.now()
    assert list(FeedItem.objects.values_list("pk", "status")) == queued
    assert ingest(good).status == "ok"


def test_a_source_is_disabled_after_n_consecutive_errors_and_can_be_reenabled(
    feed_server, make_source, settings
):
    settings.FEEDS_MAX_CONSECUTIVE_ERRORS = 3
    feed_server.serve("/feed.xml", Reply(500))
    source = make_source()
    for _ in range(3):
        ingest(source)
    source.refresh_from_db()
    assert (source.active, source.consecutive_errors) == (False, 3)
    assert source.disabled_automatically_at is not None
    assert not FeedSource.objects.due().filter(pk=source.pk).exists()
    reenable_sources(sources=[source])
    source.refresh_from_db()
    assert (source.active, source.consecutive_errors, source.next_fetch_after) == (True, 0, None)
    assert source.disabled_automatically_at is None
    assert source.history.first().active is True  # the re-enabling is in the source's history


def test_success_resets_the_error_counter(feed_server, make_source):
    feed_server.serve("/feed.xml", Reply(503))
    source = make_source()
    ingest(source)
    feed_server.serve_feed("/feed.xml", "rss20.xml")
    ingest(source)
    source.refresh_from_db()
    assert (source.consecutive_errors, source.next_fetch_after, source.is_failing) == (
        0,
        None,
        False,
    )


def test_410_gone_disables_at_once(feed_server, make_source):
    feed_server.serve("/feed.xml", Reply(410))
    source = make_source()
    ingest(source)
    source.refresh_from_db()
    assert not source.active


def test_retry_after_is_respected(feed_server, make_source):
    feed_server.serve("/feed.xml", Reply(429, headers={"Retry-After": "86400"}))
    source = make_source()
    result = ingest(source)
    assert result.transient
    source.refresh_from_db()
    assert source.next_fetch_after > timezone.now() + timedelta(hours=23)


def test_a_permanent_redirect_moves_the_source(feed_server, make_source):
    feed_server.serve("/old.xml", Reply(301, headers={"Location": "/new.xml"}))
    feed_server.serve_feed("/new.xml", "rss20.xml")
    source = make_source("/old.xml")
    ingest(source)
    source.refresh_from_db()
    assert source.url == feed_server.url("/new.xml")


def test_a_leased_source_is_not_fetched_twice(feed_server, make_source):
    feed_server.serve_feed("/feed.xml", "rss20.xml")
    source = make_source()
    FeedSource.objects.filter(pk=source.pk).update(
        lease_expires_at=timezone.now() + timedelta(minutes=5)
    )
    assert ingest(source).status == "busy"
    assert feed_server.requests == []
    FeedSource.objects.filter(pk=source.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert ingest(source).status == "ok"  # an expired lease (a crashed worker) is taken over
    assert FeedSource.objects.get(pk=source.pk).lease_expires_at is None


def test_xss_payloads_are_stored_sanitised(feed_server, make_source):
    feed_server.serve_feed("/feed.xml", "xss.xml")
    result = ingest(make_source())
    assert result.new == 2
    assert len(result.errors) == 1  # the javascript: link
    for item in FeedItem.objects.all():
        for text in (item.title, item.summary):
            assert "<script" not in text
            assert "javascript:" not in text
            assert "onerror" not in text
            assert "alert(" not in text
    assert not FeedItem.objects.filter(original_url__startswith="javascript").exists()


# --- Promotion and dismissal ----------------------------------------------------------------


def queued_item(**fields) -> FeedItem:
    source = FeedSource.objects.get_or_create(name="Wire", url="https://wire.example.com/feed")[0]
    defaults = {
        "source": source,
        "original_url": "https://wire.example.com/story",
        "title": "US citizen detained by an ICE agent in Houston",
        "summary": "<p>The man was held for two days. <em>Officials</em> declined to comment.</p>",
        "published_at": timezone.make_aware(timezone.datetime(2025, 6, 2, 15, 0)),
        "matched_keywords": ["ice agent"],
    }
    return FeedItem.objects.create(**{**defaults, **fields})


def test_promote_creates_a_non_public_draft_with_evidence(editor):
    item = queued_item()
    incident = promote_feed_item(item=item, editor=editor)
    assert incident.is_public is False
    assert incident.created_by == CreatedBy.RSS_IMPORT
    assert incident.headline == item.title
    assert incident.summary == "The man was held for two days. Officials declined to comment."
    assert incident.incident_date == date(2025, 6, 2)
    assert incident.incident_type == IncidentType.CITIZEN_DETAINED
    [evidence] = incident.evidence.all()
    assert evidence.evidence_type == EvidenceType.NEWS_ARTICLE
    assert evidence.url == item.original_url
    assert evidence.source_name == "Wire"
    assert evidence.is_primary
    item.refresh_from_db()
    assert item.status == ReviewStatus.PROMOTED
    assert item.promoted_incident == incident
    assert item.reviewed_by == editor
    assert item.reviewed_at is not None
    assert not Incident.objects.published().exists()
    assert incident.history.first().history_user == editor


def test_promoting_twice_yields_one_incident(editor):
    item = queued_item()
    first = promote_feed_item(item=item, editor=editor)
    second = promote_feed_item(item=item, editor=editor)
    assert first == second
    assert Incident.objects.count() == 1


def test_a_draft_never_stores_contact_details_or_addresses(editor):
    item = queued_item(
        title="ICE raid at 1234 Elm Street, call (555) 123-4567",
        summary="<p>Neighbours wrote to help@example.org or @helpline_tx. Apt 4 was searched.</p>",
    )
    incident = promote_feed_item(item=item, editor=editor)
    text = f"{incident.headline} {incident.summary}"
    for leaked in ("1234 Elm Street", "555", "help@example.org", "@helpline_tx", "Apt 4"):
        assert leaked not in text
    assert "[removed]" in incident.headline
    incident.full_clean()


def test_scrub_personal_data():
    assert scrub_personal_data("Call 555-123-4567 now") == "Call [removed] now"


def test_an_undated_item_is_dated_today(editor):
    incident = promote_feed_item(item=queued_item(published_at=None), editor=editor)
    assert incident.incident_date == timezone.localdate()


def test_dismiss_with_a_reason(editor):
    one = queued_item()
    two = queued_item(original_url="https://wire.example.com/other")
    promoted = queued_item(original_url="https://wire.example.com/third")
    promote_feed_item(item=promoted, editor=editor)
    count = dismiss_feed_items(items=[one, two, promoted], editor=editor, reason="Not enforcement")
    assert count == 2
    one.refresh_from_db()
    assert (one.status, one.dismiss_reason, one.reviewed_by) == (
        ReviewStatus.DISMISSED,
        "Not enforcement",
        editor,
    )
    promoted.refresh_from_db()
    assert promoted.status == ReviewStatus.PROMOTED


def test_dismiss_needs_a_reason(editor):
    item = queued_item()
    with pytest.raises(ValidationError):
        dismiss_feed_items(items=[item], editor=editor, reason="  ")
    item.refresh_from_db()
    assert item.status == ReviewStatus.PENDING


def test_a_dismissed_item_can_still_be_promoted(editor):
    item = queued_item()
    dismiss_feed_items(items=[item], editor=editor, reason="Too early")
    incident = promote_feed_item(item=item, editor=editor)
    item.refresh_from_db()
    assert (item.status, item.dismiss_reason, item.promoted_incident) == (
        ReviewStatus.PROMOTED,
        "",
        incident,
    )


def test_a_lenient_parse_is_accepted_and_noted_on_the_source(feed_server, make_source):
    feed_server.serve_feed("/feed.xml", "malformed.xml")
    source = make_source()
    result = ingest(source)
    assert (result.status, result.new) == ("ok", 1)
    source.refresh_from_db()
    assert source.last_warning.startswith("parsed leniently")
    assert not source.is_failing
