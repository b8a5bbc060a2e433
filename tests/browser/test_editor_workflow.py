"""An editor's day in a browser: sign in to the admin, work the review queue, promote an item,
edit and publish the draft, and find it on the public timeline, in the API and in the CSV. A
dismissed item never appears anywhere public."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from feeds.models import FeedItem, FeedSource, KeywordMode, ReviewStatus
from feeds.parse import Entry
from feeds.services import store_entries
from incidents.models import Incident
from staff.roles import EDITOR

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("preserved_database"),
]

PASSWORD = "a-long-editor-passphrase-42"
STORY = "Immigration agents detain a US citizen at a Denver bus stop"
OPINION = "Opinion: immigration agents and the budget debate"
PUBLISHED_HEADLINE = "US citizen detained by immigration agents at a Denver bus stop"
VIDEO_ID = "M7lc1UVf-VE"


@pytest.fixture
def editor(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = get_user_model().objects.create_user(
        "editor", email="", password=PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=EDITOR))
    return user


@pytest.fixture
def queue() -> dict[str, FeedItem]:
    """Two stories queued by the feeds app's own ingestion service."""
    source = FeedSource.objects.create(
        name="Example Tribune",
        url="https://news.example.org/feed.xml",
        keyword_mode=KeywordMode.REPLACE,
        keywords="immigration agents",
    )
    published = datetime(2025, 5, 6, 14, 0, tzinfo=UTC)

    def entry(slug: str, title: str, text: str) -> Entry:
        return Entry(
            link=f"https://news.example.org/2025/{slug}",
            guid=slug,
            title=title,
            summary=f"<p>{text}</p>",
            text=f"{title}\n{text}",
            raw_text=f"{title}\n{text}",
            published_at=published,
        )

    counts = store_entries(
        source=source,
        entries=[
            entry("denver-bus-stop", STORY, "A US citizen was held for a day in Denver."),
            entry("budget-opinion", OPINION, "What the budget means for enforcement."),
        ],
    )
    assert counts.new == 2
    return {item.title: item for item in FeedItem.objects.all()}


def sign_in(page, *, code: str | None = None) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    if code is not None:
        page.fill("#id_otp_token", code)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Editorial desk").is_visible()


def public_rows(anonymous, query: str) -> dict[str, object]:
    """What an anonymous visitor finds for `query` on the timeline, in the API and the CSV."""
    anonymous.goto(f"/incidents/?{query}")
    timeline = anonymous.locator(".incident-list h3").all_inner_texts()
    api = anonymous.request.get(f"/api/v1/ice-incidents?{query}")
    assert api.ok
    export = anonymous.request.get(f"/incidents/export.csv?{query}")
    assert export.ok
    rows = list(csv.DictReader(io.StringIO(export.text())))
    return {
        "timeline": [headline.strip() for headline in timeline],
        "api": [incident["headline"] for incident in api.json()["incidents"]],
        "csv": [row["headline"] for row in rows],
        "csv_text": export.text(),
        "api_text": api.text(),
    }


@pytest.mark.parametrize("two_factor", [False, True], ids=["password", "password+totp"])
def test_promote_edit_publish_and_dismiss(
    browser_session, live_server, settings, editor, queue, two_factor
):
    settings.REQUIRE_2FA = two_factor
    code = None
    if two_factor:
        device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    admin = browser_session.new_page()
    anonymous = browser_session.new_page()

    sign_in(admin, code=code)
    admin.get_by_role("link", name="Feed items").click()
    admin.wait_for_url("**/admin/feeds/feeditem/")
    queued = admin.locator("#result_list tbody tr")
    assert queued.count() == 2

    # Promote: a draft incident that nobody outside the admin can see.
    admin.get_by_role("link", name=STORY).click()
    admin.get_by_role("button", name="Promote to a draft incident").click()
    admin.wait_for_url("**/admin/incidents/incident/*/change/")
    assert "Draft incident created (not public)" in admin.locator(".messagelist").inner_text()
    draft = Incident.objects.get(feed_items=queue[STORY])
    assert not draft.is_public
    before = public_rows(anonymous, "state=CO")
    for where in ("timeline", "api", "csv"):
        assert STORY not in before[where]
    assert anonymous.request.get(draft.get_absolute_url()).status == 404

    # Edit and publish.
    assert admin.locator("#id_headline").input_value() == STORY
    admin.fill("#id_headline", PUBLISHED_HEADLINE)
    admin.select_option("#id_incident_type", "citizen_detained")
    admin.fill("#id_city", "Denver")
    admin.select_option("#id_state", "CO")
    admin.select_option("#id_evidence-1-evidence_type", "video_youtube")
    admin.fill("#id_evidence-1-url", f"https://www.youtube.com/watch?v={VIDEO_ID}")
    admin.fill("#id_evidence-1-title", "Bystander video")
    admin.fill("#id_evidence-1-source_name", "YouTube")
    admin.check("#id_is_public")
    admin.locator("input[name=_save]").click()
    admin.wait_for_url("**/admin/incidents/incident/")
    assert "was changed successfully" in admin.locator(".messagelist").inner_text()
    draft.refresh_from_db()
    assert draft.is_public
    assert draft.first_published_at is not None

    after = public_rows(anonymous, "state=CO")
    for where in ("timeline", "api", "csv"):
        assert sorted(after[where]) == sorted([*before[where], PUBLISHED_HEADLINE]), where
    anonymous.goto("/incidents/?state=CO")
    anonymous.get_by_role("link", name=PUBLISHED_HEADLINE).click()
    anonymous.wait_for_url(f"**{draft.get_absolute_url()}")
    frame = anonymous.locator(".evidence iframe")
    assert frame.get_attribute("src") == f"https://www.youtube-nocookie.com/embed/{VIDEO_ID}"
    article = anonymous.locator('a[href="https://news.example.org/2025/denver-bus-stop"]')
    assert article.count() == 1
    assert "Reported" in anonymous.locator(".badges").first.inner_text()

    # Dismiss the other item from the queue, with a reason.
    admin.goto("/admin/feeds/feeditem/")
    opinion = queue[OPINION]
    admin.check(f"input.action-select[value='{opinion.pk}']")
    admin.select_option("select[name=action]", "dismiss")
    admin.locator("button[name=index]").click()
    admin.select_option("#id_reason", "no_incident")
    admin.get_by_role("button", name="Dismiss").click()
    admin.wait_for_url("**/admin/feeds/feeditem/")
    assert "1 item dismissed." in admin.locator(".messagelist").inner_text()
    opinion.refresh_from_db()
    assert opinion.status == ReviewStatus.DISMISSED
    assert opinion.promoted_incident is None

    searched = public_rows(anonymous, "q=budget")
    everything = public_rows(anonymous, "")
    for where in ("timeline", "api", "csv"):
        assert OPINION not in searched[where]
        assert OPINION not in everything[where]
    dismissed_url = "news.example.org/2025/budget-opinion"
    assert dismissed_url not in everything["csv_text"]  # every published incident, all pages
    assert dismissed_url not in searched["api_text"]
    feed = anonymous.request.get("/incidents/feed/")
    assert feed.ok
    assert PUBLISHED_HEADLINE in feed.text()
    assert OPINION not in feed.text()
    sitemap = anonymous.request.get("/sitemap-incidents.xml")
    assert sitemap.ok
    assert draft.get_absolute_url() in sitemap.text()
    assert "budget" not in sitemap.text()
