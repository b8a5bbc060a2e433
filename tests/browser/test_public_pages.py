"""Every public page type, as a phone user, a screen-reader user and a keyboard user meets it."""

import json
import os

import pytest

from tests.browser.checks import (
    BLOCKING_IMPACTS,
    axe_violations,
    describe_violations,
    horizontal_overflow,
    walk_with_tab,
)
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGES = [
    "dashboard",
    "timeline",
    "incident",
    "detention",
    "facility",
    "rapid-response",
    "rapid-response-state",
    "about",
    "data-dictionary",
    "not-found",
]
NOT_FOUND = "/incidents/999999-no-such-incident/"
# BROWSER_SCREENSHOTS=1 also saves a full-page screenshot of each page at both widths.
SCREENSHOTS = os.environ.get("BROWSER_SCREENSHOTS") == "1"


def open_page(session, site, name: str, viewport: dict):
    page = session.new_page(viewport=viewport)
    if name == "not-found":
        response = page.goto(NOT_FOUND, wait_until="load")
        assert response.status == 404
        # The browser logs the page's own 404 as an error; that one is expected.
        problems = session.take_problems()
        assert len(problems) == 1, problems
        assert "status of 404" in problems[0]
        return page
    response = page.goto(site.public_pages()[name], wait_until="load")
    assert response is not None
    assert response.status == 200, f"{name}: HTTP {response.status}"
    return page


def save_screenshot(page, name: str, label: str) -> None:
    if SCREENSHOTS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"page-{name}-{label}.png"), full_page=True)


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scrolling_on_a_phone(browser_session, site, name):
    page = open_page(browser_session, site, name, PHONE)
    overflow = horizontal_overflow(page)
    save_screenshot(page, name, "360")
    assert overflow["scrollWidth"] <= overflow["clientWidth"], (
        f"{name} scrolls sideways at 360 px: {overflow}"
    )


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(browser_session, site, name):
    page = open_page(browser_session, site, name, DESKTOP)
    save_screenshot(page, name, "desktop")
    violations = axe_violations(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary = [
        {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"]}
        for v in violations
    ]
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(summary, indent=2) + "\n")
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe on {name}:\n{describe_violations(blocking)}"
    # Colour is never the only carrier of meaning: every badge says what it means in words.
    badges = page.locator("[class*=badge]").all_inner_texts()
    assert all(text.strip() for text in badges), f"{name}: a badge without text: {badges}"


@pytest.mark.parametrize("name", PAGES)
def test_every_control_is_reachable_by_keyboard_with_a_visible_focus(browser_session, site, name):
    page = open_page(browser_session, site, name, DESKTOP)
    walk = walk_with_tab(page)
    assert walk.expected, f"{name} has nothing to focus?"
    assert not walk.unreached, f"{name}: not reachable with Tab: {walk.unreached}"
    assert not walk.without_indicator, f"{name}: no visible focus on: {walk.without_indicator}"


@pytest.mark.parametrize("name", ["dashboard", "incident", "rapid-response-state"])
def test_the_skip_link_moves_focus_to_the_main_content(browser_session, site, name):
    page = open_page(browser_session, site, name, PHONE)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0, f"skip link off screen: {box}"
    assert box["y"] >= 0, f"skip link off screen: {box}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    # The next Tab starts inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")
