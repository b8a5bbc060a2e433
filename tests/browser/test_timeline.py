"""The incident timeline in a browser: filter through the form, open an incident, see its
evidence (an allowlisted embed) and its sources."""

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def card_headlines(page) -> list[str]:
    return [text.strip() for text in page.locator(".incident-list h3").all_inner_texts()]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_filter_the_timeline_and_open_an_incident(browser_session, site, javascript):
    page = browser_session.new_page(javascript=javascript)
    incident = site.data.video_incident
    page.goto("/incidents/")
    everything = card_headlines(page)
    assert len(everything) == 20  # the first page of the real incidents plus the test ones

    page.select_option("#id_type", "citizen_detained")
    page.select_option("#id_state", "IL")
    page.get_by_role("button", name="Show incidents").click()
    page.wait_for_url("**/incidents/?*")
    by_type_and_state = card_headlines(page)
    assert incident.headline in by_type_and_state
    assert "US citizen held for two days after a traffic stop in Chicago" in by_type_and_state
    assert "Agents arrest a man inside the Cook County courthouse" not in by_type_and_state
    assert "US citizen detained at a courthouse in Houston" not in by_type_and_state
    # The form keeps what was chosen.
    assert page.locator("#id_type").input_value() == "citizen_detained"
    assert page.locator("#id_state").input_value() == "IL"

    page.fill("#id_q", "courthouse")
    page.get_by_role("button", name="Show incidents").click()
    page.wait_for_url("**q=courthouse*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["type"] == ["citizen_detained"]
    assert query["state"] == ["IL"]
    assert query["q"] == ["courthouse"]
    assert card_headlines(page) == [incident.headline]
    assert page.locator("#results-heading").inner_text().startswith("1 incident")
    assert site.data.draft.headline not in page.content()

    card = page.locator(".incident-card")
    assert card.locator(".badge-verified").inner_text() == "Verified"  # text, not only colour
    card.get_by_role("link", name=incident.headline).click()
    page.wait_for_url(f"**{incident.get_absolute_url()}")

    assert page.locator("h1").inner_text() == incident.headline
    frame = page.locator(".evidence iframe")
    assert frame.count() == 1
    assert frame.get_attribute("src") == (
        f"https://www.youtube-nocookie.com/embed/{site.data.video_id}"
    )
    assert frame.get_attribute("title")
    assert "allow-scripts" in frame.get_attribute("sandbox")
    sources = page.locator(".evidence-list .evidence")
    assert sources.count() == 2
    article = page.locator(f'a[href="{site.data.article_url}"]')
    assert article.inner_text() == "US citizen detained outside Chicago courthouse"
    article_item = page.locator(".evidence", has=article)
    assert "Example Tribune" in article_item.inner_text()
    assert article_item.locator("time").get_attribute("datetime") == "2025-03-04"
    verification = page.locator('section[aria-labelledby="verification-heading"]')
    assert verification.locator(".badge").inner_text() == "Verified"
