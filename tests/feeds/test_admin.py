"""The review queue and feed health in the admin."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from feeds.models import FeedItem, FeedSource, ReviewStatus
from incidents.models import Incident

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/feeds/feeditem/"


@pytest.fixture
def source():
    return FeedSource.objects.create(name="Wire", url="https://wire.example.com/feed")


def make_item(source, n, **fields):
    defaults = {
        "source": source,
        "original_url": f"https://wire.example.com/story/{n}",
        "title": f"Deportation story {n}",
        "summary": "<p>Summary.</p>",
        "published_at": timezone.now() - timezone.timedelta(days=n),
        "matched_keywords": ["deportation"],
    }
    return FeedItem.objects.create(**{**defaults, **fields})


@pytest.fixture
def signed_in(client, editor, settings):
    settings.REQUIRE_2FA = False
    client.force_login(editor)
    return client


def test_pending_items_come_first_with_the_review_columns(signed_in, source, editor):
    dismissed = make_item(source, 0, status=ReviewStatus.DISMISSED, dismiss_reason="no")
    older = make_item(source, 5)
    newer = make_item(source, 1)
    response = signed_in.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    order = [html.index(item.title) for item in (newer, older, dismissed)]
    assert order == sorted(order), "pending first (newest first), then reviewed items"
    assert (
        f'<a href="{newer.original_url}" target="_blank" rel="noopener noreferrer nofollow">'
        in html
    )
    assert "Wire" in html
    assert "deportation" in html


def test_changelist_query_count_does_not_grow_with_items(
    signed_in, source, django_assert_num_queries
):
    for n in range(30):
        make_item(source, n)
    # session, user, 2x permissions, sources for the filter, 2x counts, the page of items
    with django_assert_num_queries(8):
        assert signed_in.get(CHANGELIST).status_code == 200
    with django_assert_num_queries(8):
        assert signed_in.get(CHANGELIST + "?status__exact=pending&q=story").status_code == 200
    with django_assert_num_queries(7):  # session, user, permissions, counts, annotated page
        assert signed_in.get("/admin/feeds/feedsource/").status_code == 200


def test_filters_by_source_and_status(signed_in, source):
    other = FeedSource.objects.create(name="Other", url="https://other.example.com/feed")
    make_item(source, 1)
    make_item(other, 2, title="Other deportation item")
    response = signed_in.get(f"{CHANGELIST}?source__id__exact={other.pk}&status__exact=pending")
    assert b"Other deportation item" in response.content
    assert b"Deportation story 1" not in response.content


def test_raw_text_is_never_rendered(signed_in, source):
    item = make_item(
        source,
        1,
        title="ICE raid downtown",
        summary=(
            '<p>Safe <a href="https://ok.example.org/" rel="noopener noreferrer nofollow">'
            "link</a></p>"
        ),
        raw_text="<script>alert('raw')</script><img src=x onerror=alert(1)>",
    )
    for url in (CHANGELIST, f"{CHANGELIST}{item.pk}/change/"):
        html = signed_in.get(url).content.decode()
        assert "alert(" not in html
        assert "onerror" not in html
    change = signed_in.get(f"{CHANGELIST}{item.pk}/change/").content.decode()
    assert '<a href="https://ok.example.org/" rel="noopener noreferrer nofollow">link</a>' in change


def test_a_summary_written_by_other_means_is_cleaned_again_when_shown(signed_in, source):
    item = make_item(source, 1, summary='<p onclick="alert(1)">x</p><script>alert(2)</script>')
    html = signed_in.get(f"{CHANGELIST}{item.pk}/change/").content.decode()
    assert "alert(" not in html


def test_promote_action_opens_the_draft_incident(signed_in, source):
    item = make_item(source, 1, title="US citizen detained by ICE agents")
    response = signed_in.post(CHANGELIST, {"action": "promote", ACTION_CHECKBOX_NAME: [item.pk]})
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:incidents_incident_change", args=[incident.pk])
    assert not incident.is_public
    item.refresh_from_db()
    assert item.promoted_incident == incident
    # Promoting again (a double click) does not create a second incident.
    signed_in.post(CHANGELIST, {"action": "promote", ACTION_CHECKBOX_NAME: [item.pk]})
    assert Incident.objects.count() == 1


def test_promote_is_one_item_at_a_time(signed_in, source):
    items = [make_item(source, n) for n in range(2)]
    response = signed_in.post(
        CHANGELIST,
        {"action": "promote", ACTION_CHECKBOX_NAME: [i.pk for i in items]},
        follow=True,
    )
    assert b"one item at a time" in response.content
    assert not Incident.objects.exists()


def test_promote_needs_permission_to_add_incidents(client, source, editor, settings):
    settings.REQUIRE_2FA = False
    editor.user_permissions.remove(*editor.user_permissions.filter(codename="add_incident"))
    client.force_login(editor)
    item = make_item(source, 1)
    client.post(CHANGELIST, {"action": "promote", ACTION_CHECKBOX_NAME: [item.pk]})
    assert not Incident.objects.exists()


def test_dismiss_asks_for_a_reason_then_dismisses_in_bulk(signed_in, source, editor):
    items = [make_item(source, n) for n in range(3)]
    pks = [item.pk for item in items[:2]]
    form = signed_in.post(CHANGELIST, {"action": "dismiss", ACTION_CHECKBOX_NAME: pks})
    assert form.status_code == 200
    html = form.content.decode()
    assert "Dismiss feed items" in html
    assert len(re.findall(rf'name="{ACTION_CHECKBOX_NAME}"', html)) == 2
    assert FeedItem.objects.pending().count() == 3

    missing = signed_in.post(
        CHANGELIST,
        {"action": "dismiss", ACTION_CHECKBOX_NAME: pks, "apply": "1", "reason": "other"},
    )
    assert missing.status_code == 200  # "other" needs details: the form is shown again
    assert FeedItem.objects.pending().count() == 3

    done = signed_in.post(
        CHANGELIST,
        {
            "action": "dismiss",
            ACTION_CHECKBOX_NAME: pks,
            "apply": "1",
            "reason": "no_incident",
            "details": "opinion piece",
        },
    )
    assert done.status_code == 302
    dismissed = FeedItem.objects.filter(status=ReviewStatus.DISMISSED)
    assert set(dismissed.values_list("pk", flat=True)) == set(pks)
    assert dismissed.first().dismiss_reason.endswith(": opinion piece")
    assert dismissed.first().reviewed_by == editor


def test_items_cannot_be_added_or_deleted_in_the_admin(signed_in, source):
    item = make_item(source, 1)
    assert signed_in.get(f"{CHANGELIST}add/").status_code == 403
    assert signed_in.get(f"{CHANGELIST}{item.pk}/delete/").status_code == 403


def test_feed_health_is_visible_per_source(signed_in, source):
    now = timezone.now()
    FeedSource.objects.filter(pk=source.pk).update(
        last_success_at=now - timezone.timedelta(hours=2),
        last_error_at=now,
        last_error="HTTP 500",
        consecutive_errors=4,
    )
    FeedSource.objects.create(
        name="Dead",
        url="https://dead.example.com/feed",
        active=False,
        disabled_automatically_at=now,
        consecutive_errors=10,
        last_error="cannot resolve dead.example.com",
        last_error_at=now,
    )
    html = signed_in.get("/admin/feeds/feedsource/").content.decode()
    assert "Failing" in html
    assert "HTTP 500" in html
    assert "Disabled after repeated errors" in html
    assert "cannot resolve dead.example.com" in html
    failing = signed_in.get("/admin/feeds/feedsource/?health=failing").content.decode()
    assert "Wire" in failing


def test_reenable_action_resets_the_counter(signed_in):
    dead = FeedSource.objects.create(
        name="Dead",
        url="https://dead.example.com/feed",
        active=False,
        disabled_automatically_at=timezone.now(),
        consecutive_errors=10,
    )
    signed_in.post(
        "/admin/feeds/feedsource/", {"action": "reenable", ACTION_CHECKBOX_NAME: [dead.pk]}
    )
    dead.refresh_from_db()
    assert (dead.active, dead.consecutive_errors, dead.disabled_automatically_at) == (True, 0, None)


def test_keywords_are_editable_in_the_admin(signed_in, editor):
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="feeds", codename__endswith="keyword")
    )
    response = signed_in.post(
        "/admin/feeds/keyword/add/", {"term": "  Border   Patrol ", "active": "on", "note": ""}
    )
    assert response.status_code == 302
    from feeds.models import Keyword

    assert Keyword.objects.filter(term="border patrol").exists()


def test_the_item_page_offers_promote_and_dismiss(signed_in, source):
    item = make_item(source, 1)
    html = signed_in.get(f"{CHANGELIST}{item.pk}/change/").content.decode()
    assert 'value="promote"' in html
    assert 'value="dismiss"' in html
    assert f'name="_selected_action" value="{item.pk}"' in html
    response = signed_in.post(CHANGELIST, {"action": "promote", "_selected_action": item.pk})
    assert response.status_code == 302
    html = signed_in.get(f"{CHANGELIST}{item.pk}/change/").content.decode()
    assert 'value="promote"' not in html
