"""Playwright (sync API) driving Debian's /usr/bin/chromium against a live Django server.

Two kinds of browser test:

- Read-only tests of the public pages take the `site` fixture: the real bundled data
  (`load_bundled_data`: statistics, incidents, rapid-response directory) plus a few factory
  incidents, loaded ONCE for this package and committed, served by a live server of the package.
  Loading takes 10-20 s on PostgreSQL, far too slow for a transactional database per test, so
  these tests are marked plain `django_db` and write nothing; at the end of the package the
  tables are flushed and the rows that were there before restored, as a TransactionTestCase with
  serialized_rollback leaves the database.
- Tests that write (the editor workflow) use pytest-django's `live_server` with
  `@pytest.mark.django_db(transaction=True)`. pytest-django runs them after the others, and their
  teardown empties the tables, so they must not assume an empty database (the committed data may
  still be there) and no read-only test may follow them (`site` fails loudly if one does).

Every page a test opens is watched: a console error, an uncaught exception, a Content Security
Policy violation or a request to another host fails the test. On failure a full-page screenshot
of each open page goes to var/test-artifacts/<test name>.png.
"""

import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling home, which the closed test network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
# Frames of other hosts (the video embeds) get this instead: the tests never leave 127.0.0.1.
# Like a real player it has a control, so keyboard focus can enter the frame.
STUB_HTML = (
    '<!doctype html><html lang="en"><head><title>Stub player</title></head>'
    '<body><button type="button">Play</button></body></html>'
)
# Runs in every page and frame before its own scripts. The browser reports CSP violations as
# events; console.error makes them visible to the console watcher below.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " blocked "
    + (event.blockedURI || "inline code") + " (" + event.sourceFile + ":" + event.lineNumber + ")");
}, true);
"""

phase_reports = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(phase_reports, {})[report.when] = report
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test that passed still fails if any page it opened logged an error."""
    result = yield
    session = item.funcargs.get("browser_session")
    if session is not None:
        session.assert_clean()
    return result


# --- The browser ------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (scripts/ensure-browser.sh)")
    # Playwright's sync API keeps an event loop in this thread, which trips Django's guard
    # against synchronous database calls from async code; the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    # While Playwright's loop runs, asgiref gives this thread a separate set of database
    # connections; close them, or they outlive the tests and block dropping the test database.
    connections.close_all()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Watched:
    page: Page
    problems: list[str] = field(default_factory=list)


class BrowserSession:
    """Opens pages in fresh contexts and records everything that went wrong in them."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []
        self.watched: list[Watched] = []

    def new_page(
        self,
        *,
        viewport: dict | None = None,
        javascript: bool = True,
        base_url: str = "",
        locale: str = "en-US",
    ) -> Page:
        context = self.browser.new_context(
            viewport=viewport or DESKTOP,
            java_script_enabled=javascript,
            base_url=base_url or self.base_url,
            reduced_motion="reduce",
            locale=locale,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        watched = Watched(page)
        self.watched.append(watched)
        local = re.escape(base_url or self.base_url)
        context.route(re.compile(rf"^(?!{local}(/|$))"), self._stub_other_hosts(watched))
        context.add_init_script(CSP_WATCH)
        page.on("console", self._on_console(watched))
        page.on("pageerror", lambda error: watched.problems.append(f"uncaught: {error}"))
        return page

    @staticmethod
    def _stub_other_hosts(watched: Watched):
        def handle(route: Route) -> None:
            request = route.request
            if request.resource_type == "document" and request.frame.parent_frame is not None:
                route.fulfill(status=200, content_type="text/html", body=STUB_HTML)
                return
            watched.problems.append(f"request to another host: {request.url}")
            route.abort()

        return handle

    @staticmethod
    def _on_console(watched: Watched):
        def handle(message: ConsoleMessage) -> None:
            if message.type in ("error", "assert"):
                where = message.location.get("url", "")
                watched.problems.append(f"console {message.type}: {message.text} ({where})")

        return handle

    def problems(self) -> list[str]:
        return [problem for watched in self.watched for problem in watched.problems]

    def take_problems(self) -> list[str]:
        """The problems so far, forgotten (for tests that cause them on purpose)."""
        problems = self.problems()
        for watched in self.watched:
            watched.problems.clear()
        return problems

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "the browser reported problems:\n" + "\n".join(problems)

    def screenshot_all(self, name: str) -> list[Path]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        saved = []
        for number, watched in enumerate(self.watched):
            if watched.page.is_closed():
                continue
            path = ARTIFACTS / (f"{name}.png" if number == 0 else f"{name}-{number + 1}.png")
            try:
                watched.page.screenshot(path=str(path), full_page=True)
            except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide the failure
                print(f"no screenshot of {watched.page.url}: {error}")
                continue
            saved.append(path)
        return saved

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def artifact_name(item: pytest.Item) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name).strip("_")


@pytest.fixture
def browser_session(request, chromium: Browser, base_url: str) -> Iterator[BrowserSession]:
    session = BrowserSession(chromium, base_url)
    yield session
    reports = request.node.stash.get(phase_reports, {})
    if any(report.failed for report in reports.values()):
        for path in session.screenshot_all(artifact_name(request.node)):
            print(f"screenshot: {path}")
    session.close()


@pytest.fixture
def page(browser_session: BrowserSession) -> Page:
    """A page in a fresh desktop-sized context."""
    return browser_session.new_page()


# --- The site under test ----------------------------------------------------------------------


@dataclass
class SiteData:
    video_incident: object
    video_id: str
    article_url: str
    facility: object
    draft: object


def _load_site_data() -> SiteData:
    from incidents.models import EvidenceType, IncidentType, Outcome, Verification
    from stats.models import DetentionFacility
    from tests.incidents.factories import EvidenceFactory, IncidentFactory

    call_command("load_bundled_data", stdout=io.StringIO(), stderr=io.StringIO())
    common = {"city": "Chicago", "state": "IL", "outcome": Outcome.RELEASED}
    video = IncidentFactory(
        headline="Bystanders film agents detaining a US citizen outside a Chicago courthouse",
        summary="A US citizen was held for six hours after agents detained him outside the "
        "courthouse; bystanders filmed the arrest.",
        incident_type=IncidentType.CITIZEN_DETAINED,
        verification_status=Verification.VERIFIED,
        victim_is_citizen=True,
        **common,
    )
    video_id = "M7lc1UVf-VE"
    EvidenceFactory(
        incident=video,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url=f"https://www.youtube.com/watch?v={video_id}",
        title="Bystander video of the arrest",
        source_name="YouTube",
        is_primary=True,
    )
    article = EvidenceFactory(
        incident=video,
        url="https://news.example.org/2025/chicago-citizen-detained",
        title="US citizen detained outside Chicago courthouse",
        source_name="Example Tribune",
        captured_date="2025-03-04",
    )
    # Each of these misses exactly one of the timeline flow's filters (search, type, state).
    IncidentFactory(
        headline="US citizen held for two days after a traffic stop in Chicago",
        summary="Agents held a US citizen for two days after a traffic stop.",
        incident_type=IncidentType.CITIZEN_DETAINED,
        **common,
    )
    IncidentFactory(
        headline="Agents arrest a man inside the Cook County courthouse",
        summary="Agents arrested a man inside the courthouse during a hearing.",
        incident_type=IncidentType.SENSITIVE_LOCATION,
        **common,
    )
    IncidentFactory(
        headline="US citizen detained at a courthouse in Houston",
        summary="A US citizen was detained at the courthouse.",
        incident_type=IncidentType.CITIZEN_DETAINED,
        state="TX",
        city="Houston",
    )
    draft = IncidentFactory(
        headline="Unpublished draft about a courthouse detention in Chicago",
        summary="A draft at the courthouse that must never be public.",
        incident_type=IncidentType.CITIZEN_DETAINED,
        is_public=False,
        **common,
    )
    facility = (
        DetentionFacility.objects.filter(populations__isnull=False)
        .order_by("-last_pull_date", "name")
        .first()
    )
    assert facility is not None, "the bundled data has no detention facility"
    return SiteData(video, video_id, article.url, facility, draft)


def _assert_test_database() -> None:
    """pytest-django sets up the test database only if some selected test asks for the
    database: without that this would load (and flush) the development database."""
    name = str(connection.settings_dict["NAME"])
    if not (name.startswith("test") or "memorydb" in name):
        pytest.fail(f"not a test database: {name!r}; mark the test @pytest.mark.django_db")


def _still_there(data: SiteData) -> SiteData:
    from incidents.models import Incident

    if not Incident.objects.filter(pk=data.draft.pk).exists():
        pytest.fail(
            "the site's committed data is gone: a transactional test (whose teardown empties the "
            "tables) ran before this one; pytest-django normally runs those last"
        )
    return data


def _restore(snapshot: str) -> None:
    """Empty every table, then put back the rows of the snapshot: the database is exactly as it
    was (staff roles, seed keywords, ...), as a TransactionTestCase with serialized_rollback
    would leave it. Tests elsewhere may count on those rows."""
    call_command(
        "flush", interactive=False, verbosity=0, reset_sequences=False, inhibit_post_migrate=True
    )
    connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture(scope="package")
def preserved_database(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The database as it was before this package, put back when the package is done: the
    committed site data goes, and so does the damage of transactional tests, whose teardown
    empties every table, including rows the migrations created that later tests rely on."""
    with django_db_blocker.unblock():
        _assert_test_database()
        snapshot = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        _restore(snapshot)


@pytest.fixture(scope="package")
def site_data(preserved_database, django_db_blocker) -> SiteData:
    with django_db_blocker.unblock():
        return _load_site_data()


@pytest.fixture(scope="package")
def site_server(site_data: SiteData) -> Iterator[LiveServer]:
    server = LiveServer("127.0.0.1:0")
    server._live_server_modified_settings.enable()
    yield server
    server._live_server_modified_settings.disable()
    server.stop()


@dataclass
class Site:
    url: str
    data: SiteData

    def public_pages(self) -> dict[str, str]:
        """One address per public page type."""
        facility = self.data.facility
        return {
            "dashboard": "/",
            "timeline": "/incidents/",
            "incident": self.data.video_incident.get_absolute_url(),
            "detention": "/detention/",
            "facility": facility.get_absolute_url(),
            "rapid-response": "/rapid-response/",
            "rapid-response-state": "/rapid-response/ca/",
            "about": "/about/",
            "data-dictionary": "/about/data/",
        }


@pytest.fixture
def site(site_data: SiteData, site_server: LiveServer) -> Site:
    """The committed bundled data behind a live server, for tests that write nothing. Mark them
    `@pytest.mark.django_db` (not transaction=True, whose flush would empty the tables): the
    marker opens the database to the server's threads for the test's duration."""
    return Site(site_server.url, _still_there(site_data))


@pytest.fixture
def base_url(request) -> str:
    """The server the test's pages talk to: the shared site, or pytest-django's live_server."""
    if "site" in request.fixturenames:
        return request.getfixturevalue("site").url
    return request.getfixturevalue("live_server").url
