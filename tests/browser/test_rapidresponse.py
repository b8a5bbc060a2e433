"""Rapid response in a browser: someone picks their state and gets a hotline they can tap,
with or without JavaScript."""

import re

import pytest

from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TEL = re.compile(r"^tel:\+1[2-9]\d{9}$")


VARIANTS = {
    "js": {"javascript": True, "locale": "en-US", "heading": "Rapid response in California"},
    "no-js": {"javascript": False, "locale": "en-US", "heading": "Rapid response in California"},
    "no-js-spanish": {
        "javascript": False,
        "locale": "es-US",
        "heading": "Respuesta rápida en California",
    },
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_pick_a_state_and_call_its_hotline(browser_session, site, variant):
    options = VARIANTS[variant]
    page = browser_session.new_page(
        viewport=PHONE, javascript=options["javascript"], locale=options["locale"]
    )
    page.goto("/rapid-response/")
    assert page.locator("html").get_attribute("lang") == options["locale"][:2]
    picker = page.locator("form.rr-picker")
    page.select_option("#rr-state", "CA")
    assert page.locator("label[for=rr-state]").is_visible()
    picker.locator("button[type=submit]").click()
    page.wait_for_url("**/rapid-response/ca/")

    assert page.locator("h1").inner_text() == options["heading"]
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
    assert san_diego.locator(".rr-source a").count() == 1
    # A tap target big enough for a thumb on a 360 px screen.
    box = calls.first.bounding_box()
    assert box["height"] >= 24, box

    # The national hotlines are on the state page too.
    assert page.locator("#national a[href^='tel:']").count() >= 1
