"""The statistics pages in a browser: every chart draws, and its table and CSV say the same."""

import csv
import io
import math

import pytest
from playwright.sync_api import Locator, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CHARTS_DRAWN = """() => {
  const canvases = [...document.querySelectorAll("canvas[data-chart]")];
  return canvases.length > 0 && !!window.Chart && canvases.every((c) => window.Chart.getChart(c));
}"""
# What Chart.js itself holds (not the JSON it was given), and how much of the canvas is painted.
CHART_STATE = """(canvas) => {
  const chart = window.Chart.getChart(canvas);
  const context = canvas.getContext("2d");
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted += 1; }
  return {
    labels: chart.data.labels.map(String),
    datasets: chart.data.datasets.map((d) => ({label: d.label, data: d.data})),
    painted: painted / (canvas.width * canvas.height),
  };
}"""
TABLE = """(table) => ({
  numeric: [...table.tHead.rows[0].cells].map((cell) => cell.classList.contains("num")),
  headers: [...table.tHead.rows[0].cells].map((cell) => cell.textContent.trim()),
  rows: [...table.tBodies[0].rows].map((row) => [...row.cells].map((cell) => {
    const link = cell.querySelector("a");
    return {text: cell.textContent.trim(), href: link ? link.getAttribute("href") : null};
  })),
})"""


def table_number(text: str) -> float | None:
    if text == "no figure":
        return None
    return float(text.replace(",", "").rstrip("%"))


def csv_number(text: str) -> float | None:
    return None if text == "" else float(text)


def same_number(a: float | None, b: float | None, tolerance: float = 0.0) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, abs_tol=tolerance)


def check_table_matches_csv(table: dict, header: list[str], rows: list[list[str]]) -> None:
    assert len(table["headers"]) == len(header), (table["headers"], header)
    assert len(table["rows"]) == len(rows) > 0
    for line, (cells, values) in enumerate(zip(table["rows"], rows, strict=True), start=2):
        assert len(cells) == len(values), f"CSV line {line}: {values} vs {cells}"
        for numeric, key, cell, value in zip(table["numeric"], header, cells, values, strict=True):
            where = f"CSV line {line}, column {key}"
            if numeric:
                # The table rounds averages and shares to one decimal.
                shown, exact = table_number(cell["text"]), csv_number(value)
                assert same_number(shown, exact, tolerance=0.051), f"{where}: {cell} vs {value}"
            elif cell["href"] is not None and cell["text"] != value:
                assert cell["href"] == value, f"{where}: link {cell['href']} vs {value}"
            else:
                assert cell["text"] == value.lstrip("'"), f"{where}: {cell['text']!r} vs {value!r}"


def check_chart_matches_csv(chart: dict, header: list[str], rows: list[list[str]]) -> None:
    """Every plotted point is a CSV value of its row, and every value of a plotted column is
    plotted exactly once (a stacked series split by administration covers its column)."""
    assert len(chart["labels"]) == len(rows)
    for label, row in zip(chart["labels"], rows, strict=True):
        assert row[0] in label, f"x label {label!r} is not row {row[0]!r}"
    columns = {key: [csv_number_or_text(row[i]) for row in rows] for i, key in enumerate(header)}
    covered: dict[str, list[int]] = {}
    for dataset in chart["datasets"]:
        points = {i: value for i, value in enumerate(dataset["data"]) if value is not None}
        assert points, f"dataset {dataset['label']!r} is empty"
        matches = [
            key
            for key, values in columns.items()
            if all(
                isinstance(values[i], float) and same_number(v, values[i])
                for i, v in points.items()
            )
        ]
        assert matches, f"dataset {dataset['label']!r} matches no CSV column"
        covered.setdefault(matches[0], []).extend(points)
    for key, positions in covered.items():
        filled = [i for i, value in enumerate(columns[key]) if value is not None]
        assert sorted(positions) == filled, f"column {key}: plotted rows differ from the CSV"


def csv_number_or_text(text: str):
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def check_chart_section(page: Page, section: Locator) -> dict:
    canvas = section.locator("canvas[data-chart]")
    state = canvas.evaluate(CHART_STATE)
    assert state["datasets"], "the chart has no dataset"
    assert state["painted"] > 0.02, f"the canvas is almost blank ({state['painted']:.1%} painted)"
    # The text alternative: the canvas is an image that points to the table.
    assert canvas.get_attribute("role") == "img"
    assert "table" in (canvas.get_attribute("aria-label") or "")
    caption = section.locator("figcaption").inner_text()
    assert "Source:" in caption, caption
    assert "As of:" in caption, caption

    section.locator("details.chart-table summary").click()
    table_element = section.locator("details.chart-table table")
    assert table_element.is_visible()
    table = table_element.evaluate(TABLE)

    link = section.locator("a[download]")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(response.text())))
    check_table_matches_csv(table, header, rows)
    check_chart_matches_csv(state, header, rows)
    return {"rows": len(rows), "datasets": len(state["datasets"])}


def test_dashboard_charts_draw_the_numbers_of_their_table_and_csv(page, site):
    response = page.goto("/")
    assert response.status == 200
    page.wait_for_function(CHARTS_DRAWN)
    sections = page.locator("section.chart-section").all()
    assert len(sections) == 4
    for section in sections:
        title = section.locator("h2").inner_text()
        result = check_chart_section(page, section)
        assert result["rows"] > 3, f"{title}: {result}"

    # Every key figure says where it comes from and when; a missing one says "No data".
    cards = page.locator(".stat-card").all()
    assert cards
    for card in cards:
        text = card.inner_text()
        assert card.locator(".stat-period").inner_text().strip(), text
        if card.locator(".stat-value.no-data").count():
            assert "No data" in text
        else:
            assert card.locator(".source").count() == 1, text


def test_a_facility_chart_draws_the_numbers_of_its_table_and_csv(page, site):
    page.goto(site.data.facility.get_absolute_url())
    page.wait_for_function(CHARTS_DRAWN)
    section = page.locator("section.chart-section")
    assert section.count() == 1
    assert check_chart_section(page, section)["rows"] > 3
