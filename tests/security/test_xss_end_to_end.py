"""Hostile feed content, end to end: a feed served on 127.0.0.1 -> ingest_source -> the review
queue in the admin -> promote -> an editor edits and publishes through the admin -> every
public output (pages, Atom feed, sitemaps, API, CSV). Nothing executable comes out anywhere,
and every CSV cell a spreadsheet would read as a formula is neutralised.

Each payload must also be *seen* escaped on the pages (or neutralised in the CSV), so the test
proves the hostile text really travelled the whole way rather than being lost on the way.
"""

import csv
import html
import io
import json
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from django.db import IntegrityError, transaction
from django.utils.html import escape

from feeds.models import FeedItem, FeedSource, ReviewStatus
from feeds.services import ingest_source
from icetracker.pagecache import bump
from incidents import embeds
from incidents.models import Evidence, EvidenceType, Incident
from tests.feeds.conftest import RSS, FeedServer, Reply, ensure_keywords
from tests.incidents.factories import EvidenceFactory, IncidentFactory
from tests.rapidresponse.factories import NationalResourceFactory, NetworkFactory
from tests.security.adminforms import resubmit_admin_form
from tests.security.conftest import sign_in_verified
from tests.security.htmlcheck import executable_html_problems, feed_html_problems
from tests.security.payloads import CSV_FORMULA_PAYLOADS, XSS_PAYLOADS, csv_cell_is_inert
from tests.stats.factories import DetentionFacilityFactory, FacilityPopulationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cheap_hashing")]

# Payloads whose hostile part survives the privacy scrubbing and form whitespace stripping,
# so they can be followed all the way to the public pages.
FORMULAS_IN_HEADLINES = [p for p in CSV_FORMULA_PAYLOADS if p.startswith(("=", "+", "-"))]
# Fields an editor types into on the change form before publishing (pasted from the article).
EDITOR_FIELDS = ("why_it_matters", "outcome_notes", "corrections_note", "spicy_summary")
SHORT_EDITOR_FIELDS = ("headline", "location_detail", "victim_name")
ALL_XSS = " ".join(XSS_PAYLOADS)
EDITED_DRAFTS = 3
# Short fields get a third of the payloads each (in the three drafts edited by hand).
XSS_THIRDS = [" ".join(XSS_PAYLOADS[i::EDITED_DRAFTS]) for i in range(EDITED_DRAFTS)]
# The source names reach the public page, the API and the CSV through the promoted evidence.
XSS_SOURCE_NAME = "<img src=x onerror=alert('source')> Wire"
FORMULA_SOURCE_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
STORED_EMBED_HOST = "stored-embed.example"
HOSTILE_EMBED_HTML = (
    f'<script>alert(1)</script><iframe src="https://{STORED_EMBED_HOST}/"></iframe>'
)


def xml_text(value: str) -> str:
    return html.escape(value, quote=False)


def rss(items: list[str]) -> Reply:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{xml_text(XSS_PAYLOADS[0])} wire</title><link>https://news.example.org/</link>"
        + "".join(items)
        + "</channel></rss>"
    )
    return Reply(body=body.encode(), headers={"Content-Type": RSS})


def xss_item(n: int, payload: str) -> str:
    """The payload as markup and as escaped text in the summary, and in the title, link, GUID."""
    summary = f"<p>Deportation case {n}.</p>{payload}<p>{html.escape(payload)}</p>"
    return (
        f"<item><title>ICE raid {n}: {xml_text(payload)}</title>"
        f"<link>https://news.example.org/story/{n}?q={quote(payload)}</link>"
        f'<guid isPermaLink="false">{xml_text(payload)}</guid>'
        f"<description>{xml_text(summary)}</description></item>"
    )


def formula_item(n: int, payload: str) -> str:
    return (
        f"<item><title>{xml_text(payload)} ICE raid {n}</title>"
        f"<link>https://wire.example.org/story/{n}</link>"
        f'<guid isPermaLink="false">{xml_text(payload)}</guid>'
        f"<description>{xml_text(payload)} deportation case {n}</description></item>"
    )


# Items a fetch must refuse or store harmlessly: links that are not http(s), markup in CDATA.
REFUSED_ITEMS = [
    "<item><title>ICE raid javascript link</title><link>javascript:alert(1)</link></item>",
    "<item><title>ICE raid data link</title><link>data:text/html,&lt;script&gt;</link></item>",
    "<item><title>ICE raid tab link</title><link>java&#x09;script:alert(1)</link></item>",
]
CDATA_ITEM = (
    "<item><title><![CDATA[<script>alert(1)</script>ICE raid cdata]]></title>"
    "<link>https://news.example.org/cdata</link>"
    '<description><![CDATA[<p onclick="alert(1)">Deportation <a href="javascript:alert(1)">x</a>'
    '<a href="https://ok.example.org/">ok</a><script>alert(1)</script></p>]]></description></item>'
)


@pytest.fixture(scope="module")
def server():
    running = FeedServer()
    yield running
    running.close()


@pytest.fixture
def editor(make_staff, make_device, client, settings):
    """An Editor (publish permission included) signed in with both factors."""
    settings.REQUIRE_2FA = True
    user = make_staff("desk-editor", role="Editor")
    sign_in_verified(client, user, make_device(user))
    return user


@pytest.fixture
def queued(server, settings) -> dict[str, FeedSource]:
    settings.FEEDS_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]
    ensure_keywords()
    server.serve(
        "/xss.xml",
        rss([xss_item(n, p) for n, p in enumerate(XSS_PAYLOADS)] + REFUSED_ITEMS + [CDATA_ITEM]),
    )
    server.serve(
        "/formula.xml", rss([formula_item(n, p) for n, p in enumerate(FORMULAS_IN_HEADLINES)])
    )
    sources = {
        "xss": FeedSource.objects.create(name=XSS_SOURCE_NAME, url=server.url("/xss.xml")),
        "formula": FeedSource.objects.create(
            name=FORMULA_SOURCE_NAME, url=server.url("/formula.xml")
        ),
    }
    for source in sources.values():
        result = ingest_source(source=source)
        assert result.status == "ok", result.errors
    assert FeedItem.objects.filter(source=sources["xss"]).count() == len(XSS_PAYLOADS) + 1
    assert FeedItem.objects.filter(source=sources["formula"]).count() == len(FORMULAS_IN_HEADLINES)
    return sources


def assert_clean(response, where: str) -> str:
    assert response.status_code == 200, where
    page = response.content.decode()
    problems = executable_html_problems(page)
    assert not problems, f"{where}: {problems}"
    return page


def promote(client, item: FeedItem) -> Incident:
    """The editor promotes a queued item with the admin action: a draft incident."""
    response = client.post(
        "/admin/feeds/feeditem/", {"action": "promote", "_selected_action": [item.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    item.refresh_from_db()
    assert item.promoted_incident is not None
    assert not item.promoted_incident.is_public
    return item.promoted_incident


def edit_and_publish(client, incident: Incident, text: str, short_text: str) -> None:
    """The editor pastes text into the draft's fields and ticks "public"."""
    url = f"/admin/incidents/incident/{incident.pk}/change/"
    form_page = client.get(url)
    assert_clean(form_page, f"draft {url}")
    changes = dict.fromkeys(EDITOR_FIELDS, text) | dict.fromkeys(SHORT_EDITOR_FIELDS, short_text)
    changes["city"] = XSS_PAYLOADS[1]
    response = client.post(url, resubmit_admin_form(form_page, is_public="on", **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_hostile_feed_content_comes_out_inert_everywhere(client, queued, editor):
    items = list(FeedItem.objects.order_by("pk"))

    # The review queue, each item's page (its sanitised summary is rendered as HTML there), the
    # sources with their fetch reports, and the dismiss confirmation page.
    for path in ("/admin/feeds/feeditem/", "/admin/feeds/feedsource/"):
        assert_clean(client.get(path), path)
    for item in items:
        assert_clean(client.get(f"/admin/feeds/feeditem/{item.pk}/change/"), f"item {item.pk}")
        assert not executable_html_problems(item.summary), item.summary
    for source in queued.values():
        assert_clean(client.get(f"/admin/feeds/feedsource/{source.pk}/change/"), source.name)
    dismiss_page = client.post(
        "/admin/feeds/feeditem/",
        {"action": "dismiss", "_selected_action": [item.pk for item in items]},
    )
    assert_clean(dismiss_page, "dismiss confirmation")
    assert escape(XSS_SOURCE_NAME) in dismiss_page.content.decode()

    drafts = [promote(client, item) for item in items]
    # Every payload at once in the editorial fields of a few drafts (each admin form costs
    # ~0.2 s); the other drafts are published with the list action.
    for draft, third in zip(drafts, XSS_THIRDS, strict=False):
        edit_and_publish(client, draft, ALL_XSS, third)
    response = client.post(
        "/admin/incidents/incident/",
        {"action": "publish_selected", "_selected_action": [d.pk for d in drafts]},
    )
    assert response.status_code == 302
    published = list(Incident.objects.filter(pk__in=[d.pk for d in drafts], is_public=True))
    assert len(published) == len(items)
    assert not FeedItem.objects.filter(status=ReviewStatus.PENDING).exists()
    client.logout()  # from here on, an anonymous visitor

    check_pages(client, published)
    check_feeds_and_sitemaps(client)
    check_api(client, published)
    check_export(client, published)


def check_pages(client, published: list[Incident]) -> None:
    for incident in published:
        page = assert_clean(client.get(incident.get_absolute_url()), incident.headline)
        assert escape(incident.headline) in page
        assert escape(incident.summary) in page
        if incident.why_it_matters:
            assert incident.why_it_matters == ALL_XSS
            assert page.count(escape(ALL_XSS)) == len(EDITOR_FIELDS)
            for name in SHORT_EDITOR_FIELDS:
                assert escape(getattr(incident, name)) in page, name
            assert escape(XSS_PAYLOADS[1]) in page
    assert sorted(i.headline for i in published if i.why_it_matters) == sorted(XSS_THIRDS)
    timeline = assert_clean(client.get("/incidents/", {"limit": 100}), "timeline")
    for incident in published:
        assert escape(incident.headline) in timeline
    assert_clean(client.get("/incidents/", {"q": "raid"}), "search")
    assert_clean(client.get("/"), "dashboard")
    # The payloads did arrive as text: the summaries hold them literally, escaped on the page.
    literal = [i for i in published if any(p in i.summary for p in XSS_PAYLOADS)]
    assert len(literal) >= len(XSS_PAYLOADS) - 1, [i.summary for i in published]


def check_feeds_and_sitemaps(client) -> None:
    atom = client.get("/incidents/feed/")
    assert atom.status_code == 200
    problems = feed_html_problems(atom.content.decode())
    assert not problems, f"Atom feed: {problems}"
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locations = [element.text or "" for element in index.iter() if element.tag.endswith("loc")]
    assert locations
    for location in locations:
        section = client.get(location.removeprefix("http://testserver"))
        assert section.status_code == 200, location
        for element in ElementTree.fromstring(section.content).iter():
            if element.tag.endswith("loc"):
                assert (element.text or "").startswith("http://testserver/"), element.text


def strings_in(value, key: str = ""):
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from strings_in(inner, name)
    elif isinstance(value, list):
        for inner in value:
            yield from strings_in(inner, key)
    elif isinstance(value, str):
        yield key, value


def check_api(client, published: list[Incident]) -> None:
    response = client.get("/api/v1/ice-incidents", {"limit": 100})
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    rows = {row["id"]: row for row in response.json()["incidents"]}
    for incident in published:
        # Data, exactly as stored: not HTML-escaped, not rendered, not sanitised into markup.
        assert rows[incident.pk]["headline"] == incident.headline
        assert rows[incident.pk]["summary"] == incident.summary
    Evidence.objects.update(embed_html=HOSTILE_EMBED_HTML)
    bump("incidents")  # a queryset update sends no signal: drop the cached pages ourselves
    for incident in published:
        body = client.get("/api/v1/ice-incident", {"id": incident.pk}).json()
        assert body["incident"]["why_it_matters"] == incident.why_it_matters
        for key, value in strings_in(body):
            if key == "url":
                assert value.startswith(("/", "https://", "http://")), value
        for evidence in body["evidence"]:
            assert evidence["embed_html"] == "", "a news article has no embed"
            assert evidence["source_name"] in (XSS_SOURCE_NAME, FORMULA_SOURCE_NAME)
        assert STORED_EMBED_HOST not in client.get(incident.get_absolute_url()).content.decode()


def check_export(client, published: list[Incident]) -> None:
    response = client.get("/incidents/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(published) + 1
    cells = [cell for row in rows for cell in row]
    live = [cell for cell in cells if not csv_cell_is_inert(cell)]
    assert not live, f"formula cells in the export: {live}"
    headlines = {row[rows[0].index("headline")] for row in rows[1:]}
    for payload in FORMULAS_IN_HEADLINES:
        assert any(h.startswith("'" + payload) for h in headlines), payload
    assert "'" + FORMULA_SOURCE_NAME in cells


def test_every_formula_start_is_neutralised_in_the_export(client):
    """Tab and carriage return never survive a form, but an importer or a script could store
    them: the export neutralises every cell, whatever wrote the row."""
    for payload in CSV_FORMULA_PAYLOADS:
        incident = IncidentFactory(
            headline=payload,
            summary=payload,
            city=payload,
            location_detail=payload,
            outcome_notes=payload,
            why_it_matters=payload,
            corrections_note=payload,
        )
        EvidenceFactory(incident=incident, source_name=payload, is_primary=True)
    text = b"".join(client.get("/incidents/export.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == len(CSV_FORMULA_PAYLOADS) + 1
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if not csv_cell_is_inert(cell)]
    for payload in CSV_FORMULA_PAYLOADS:
        assert cells.count("'" + payload) >= 8, payload


# --- Evidence links ---------------------------------------------------------------------------

EXECUTABLE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
]
LOOK_ALIKE_VIDEO_URLS = [
    "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    "https://youtube.com@evil.example/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
    "https://wwwyoutube.com/watch?v=dQw4w9WgXcQ",
    "https://evil.example/www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube-nocookie.com.evil.example/embed/dQw4w9WgXcQ",
    "https://youtu.be.evil.example/dQw4w9WgXcQ",
    "https://xn--yutube-wqf.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&v=AAAAAAAAAAA",
    'https://www.youtube.com/watch?v=dQw4w9WgXcQ"><script>alert(1)</script>',
    "https://www.tiktok.com.evil.example/@user/video/7301234567890123456",
    "https://tiktok.com@evil.example/@user/video/7301234567890123456",
]


@pytest.mark.parametrize("url", EXECUTABLE_URLS)
def test_an_executable_evidence_url_is_refused_by_the_admin(url, client, editor):
    incident = IncidentFactory()
    page = client.get(f"/admin/incidents/incident/{incident.pk}/change/")
    data = resubmit_admin_form(
        page,
        **{
            "evidence-0-evidence_type": EvidenceType.NEWS_ARTICLE,
            "evidence-0-url": url,
            "evidence-0-title": "A link",
        },
    )
    response = client.post(f"/admin/incidents/incident/{incident.pk}/change/", data)
    assert response.status_code == 200, "the form must be shown again with an error"
    assert not Evidence.objects.filter(incident=incident).exists()


@pytest.mark.parametrize("url", EXECUTABLE_URLS)
def test_the_database_refuses_an_executable_evidence_url(url):
    incident = IncidentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(incident=incident, evidence_type=EvidenceType.NEWS_ARTICLE, url=url)


@pytest.mark.parametrize("url", LOOK_ALIKE_VIDEO_URLS)
@pytest.mark.parametrize(
    "evidence_type",
    [EvidenceType.VIDEO_YOUTUBE, EvidenceType.VIDEO_TIKTOK, EvidenceType.VIDEO_OTHER],
)
def test_a_look_alike_video_url_is_a_plain_link_never_an_iframe(url, evidence_type, client):
    """Written past validation (as an importer or a script could): still never embedded."""
    incident = IncidentFactory()
    Evidence.objects.create(
        incident=incident,
        evidence_type=evidence_type,
        url=url,
        title="Video",
        embed_html=f'<iframe src="{url}"></iframe>',
    )
    page = assert_clean(client.get(incident.get_absolute_url()), url)
    assert "<iframe" not in page
    assert f'href="{escape(url)}"' in page
    body = client.get("/api/v1/ice-incident", {"id": incident.pk}).json()
    assert [e["embed_html"] for e in body["evidence"]] == [""]


def test_a_real_video_is_embedded_from_its_id_only(client):
    incident = IncidentFactory()
    url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    Evidence.objects.create(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url=url,
        title='"><script>alert(1)</script>',
        embed_html=HOSTILE_EMBED_HTML,
    )
    page = assert_clean(client.get(incident.get_absolute_url()), url)
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    embed_html = client.get("/api/v1/ice-incident", {"id": incident.pk}).json()["evidence"][0][
        "embed_html"
    ]
    assert embed_html == str(embeds.render(url, '"><script>alert(1)</script>'))
    assert not executable_html_problems(embed_html)
    assert STORED_EMBED_HOST not in page + embed_html


def test_the_atom_feed_escapes_what_readers_render_as_html(client):
    """Atom's <summary type="html"> is rendered as HTML by feed readers: text must be escaped."""
    IncidentFactory(summary=" ".join(XSS_PAYLOADS), headline=XSS_PAYLOADS[0])
    feed = client.get("/incidents/feed/").content.decode()
    assert not feed_html_problems(feed)
    summaries = [
        element.text or ""
        for element in ElementTree.fromstring(feed).iter()
        if element.tag.endswith("summary")
    ]
    assert escape(" ".join(XSS_PAYLOADS)) in summaries[0], "the summary is shown as text"


def test_imported_statistics_and_directory_text_is_inert(client):
    """Facility names and directory entries come from files others publish: same rules."""
    facility = DetentionFacilityFactory(
        name=XSS_PAYLOADS[1], city=XSS_PAYLOADS[2], state="TX", slug="hostile-facility"
    )
    FacilityPopulationFactory(facility=facility, name=facility.name, city=facility.city)
    NetworkFactory(
        state="TX",
        organization_name=XSS_PAYLOADS[0],
        region=XSS_PAYLOADS[3],
        hotline_hours=XSS_PAYLOADS[9],
        notes=" ".join(XSS_PAYLOADS),
    )
    NationalResourceFactory(title=XSS_PAYLOADS[4], description=XSS_PAYLOADS[5])
    pages = {
        "/detention/": [facility.name],
        "/detention/?state=TX": [facility.name],
        facility.get_absolute_url(): [facility.name],
        "/rapid-response/tx/": [XSS_PAYLOADS[0], " ".join(XSS_PAYLOADS)],
        "/rapid-response/": [XSS_PAYLOADS[4]],
    }
    for path, texts in pages.items():
        page = assert_clean(client.get(path), path)
        for text in texts:
            assert escape(text) in page, f"{path}: {text!r} is not shown (escaped)"
    body = client.get("/api/v1/rapid-response", {"state": "TX"}).content.decode()
    assert XSS_PAYLOADS[0] in json.loads(body)["networks"][0].values()
