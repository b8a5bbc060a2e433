"""The browser checks themselves: each one fails on the problem it is there to catch."""

import csv
import io

import pytest

from tests.browser.checks import axe_violations, horizontal_overflow, walk_with_tab
from tests.browser.conftest import PHONE
from tests.browser.test_dashboard import (
    CHART_STATE,
    CHARTS_DRAWN,
    TABLE,
    check_chart_matches_csv,
    check_table_matches_csv,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# CSSOM edits are not inline styles, so the page's CSP lets a test make them.
ADD_RULE = """(rule) => {
  const sheet = document.styleSheets[0];
  sheet.insertRule(rule, sheet.cssRules.length);
}"""


@pytest.mark.parametrize(
    "rule",
    [
        "*:focus-visible { outline: none !important; }",
        "*:focus-visible { outline-color: #dddddd !important; }",  # 1.4:1 on white
    ],
    ids=["no-ring", "faint-ring"],
)
def test_a_missing_or_faint_focus_ring_is_caught(page, site, rule):
    page.goto("/about/")
    page.evaluate(ADD_RULE, rule)
    walk = walk_with_tab(page)
    assert not walk.unreached
    if rule.endswith("outline: none !important; }"):
        assert len(walk.without_indicator) == len(walk.reached)
    else:
        # Links on white are caught; the header's dark background gives #ddd enough contrast.
        assert any("Sources and methodology" in name for name in walk.without_indicator)


def test_a_chart_or_table_that_differs_from_the_csv_is_caught(page, site):
    page.goto("/")
    page.wait_for_function(CHARTS_DRAWN)
    section = page.locator("section.chart-section").first
    response = page.request.get(section.locator("a[download]").get_attribute("href"))
    header, *rows = list(csv.reader(io.StringIO(response.text())))
    canvas = section.locator("canvas")
    canvas.evaluate("c => { window.Chart.getChart(c).data.datasets[0].data[0] += 1; }")
    with pytest.raises(AssertionError, match="matches no CSV column"):
        check_chart_matches_csv(canvas.evaluate(CHART_STATE), header, rows)
    section.locator("summary").click()
    section.locator("tbody td.num").first.evaluate("cell => { cell.textContent = '1'; }")
    with pytest.raises(AssertionError, match="CSV line 2"):
        check_table_matches_csv(section.locator("table").evaluate(TABLE), header, rows)


def test_overflow_csp_violations_and_axe_failures_are_caught(browser_session, site):
    page = browser_session.new_page(viewport=PHONE)
    page.goto("/about/")
    page.evaluate(
        """() => {
          const main = document.querySelector("main");
          main.insertAdjacentHTML("beforeend", "<p><img src='/static/favicon.svg'></p>");
          const wide = document.createElement("div");
          wide.className = "too-wide";  // no inline style allowed: widen it through CSSOM
          wide.textContent = "x";
          main.append(wide);
          const sheet = document.styleSheets[0];
          sheet.insertRule(".too-wide { width: 900px; }", sheet.cssRules.length);
          const script = document.createElement("script");
          script.textContent = "window.injected = true;";
          document.body.append(script);
        }"""
    )
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] > overflow["clientWidth"]
    assert "div.too-wide right=916" in overflow["culprits"]
    assert "image-alt" in {violation["id"] for violation in axe_violations(page)}
    # The violation event is dispatched asynchronously: give it a moment.
    for _ in range(20):
        if any("CSP violation: script-src-elem" in p for p in browser_session.problems()):
            break
        page.wait_for_timeout(100)
    problems = browser_session.take_problems()
    assert any("CSP violation: script-src-elem" in problem for problem in problems), problems
    assert not page.evaluate("window.injected === true")
