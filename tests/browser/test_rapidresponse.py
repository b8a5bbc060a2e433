"""Rapid response in a browser: someone picks their state and gets a hotline they can tap,
with or without JavaScript."""

import re

import pytest

from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TEL = re.compile(r"^tel:\+1[2-9]\d{9}$")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_pick_a_state_and_call_its_hotline(browser_session, site, javascript):
    page = browser_session.new_page(viewport=PHONE, javascript=javascript)
    page.goto("/rapid-response/")
    page.get_by_label("Your state or territory").select_option("CA")
    page.get_by_role("button", name="Show hotlines").click()
    page.wait_for_url("**/rapid-response/ca/")

    assert page.locator("h1").inner_text() == "Rapid response in California"
    local = page.locator("#local")
    calls = local.locator("a.rr-call")
    assert calls.count() >= 3
    for href, text in zip(
        calls.evaluate_all("links => links.map(a => a.getAttribute('href'))"),
        calls.all_inner_texts(),
        strict=True,
    ):
        assert TEL.match(href), href
        # The link dials exactly the number it shows.
        assert re.sub(r"\D", "", text)[-10:] == href[-10:], (text, href)
    san_diego = local.locator(
        "article", has=page.get_by_role("heading", name="San Diego Rapid Response Network")
    )
    assert san_diego.locator("a.rr-call").get_attribute("href") == "tel:+16195360823"
    assert "Source:" in san_diego.locator(".rr-source").inner_text()
    # A tap target big enough for a thumb on a 360 px screen.
    box = calls.first.bounding_box()
    assert box["height"] >= 24, box

    # The national hotlines are on the state page too.
    assert page.locator("#national a[href^='tel:']").count() >= 1
