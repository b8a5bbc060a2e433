from datetime import date

import pytest

from stats.fiscal import (
    Administration,
    FiscalYear,
    administration_label,
    administration_of,
    administrations_between,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
    term_of,
)


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2024, 9, 30), 2024),
        (date(2024, 10, 1), 2025),
        (date(2025, 1, 1), 2025),
        (date(2025, 9, 30), 2025),
        (date(2026, 11, 21), 2027),
        (date(2000, 12, 31), 2001),
    ],
)
def test_fiscal_year_starts_on_october_first(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_bounds():
    assert fiscal_year_start(2026) == date(2025, 10, 1)
    assert fiscal_year_end(2026) == date(2026, 9, 30)
    assert fiscal_year_of(fiscal_year_start(2026)) == fiscal_year_of(fiscal_year_end(2026)) == 2026


@pytest.mark.parametrize(
    ("year", "before", "after"),
    [
        (2009, None, Administration.OBAMA_1),
        (2013, Administration.OBAMA_1, Administration.OBAMA_2),
        (2017, Administration.OBAMA_2, Administration.TRUMP_1),
        (2021, Administration.TRUMP_1, Administration.BIDEN),
        (2025, Administration.BIDEN, Administration.TRUMP_2),
    ],
)
def test_administration_changes_on_january_20(year, before, after):
    assert administration_of(date(year, 1, 19)) == before
    assert administration_of(date(year, 1, 20)) == after


def test_administration_before_2009_is_not_tracked():
    assert administration_of(date(2008, 6, 1)) is None
    assert administration_label(None) == "G. W. Bush"
    assert administration_label("trump_2") == "Trump (2nd term)"


def test_terms():
    assert term_of("biden") == (date(2021, 1, 20), date(2025, 1, 19))
    assert term_of(Administration.TRUMP_2) == (date(2025, 1, 20), None)
    assert administrations_between(date(2024, 10, 1), date(2025, 9, 30)) == [
        Administration.BIDEN,
        Administration.TRUMP_2,
    ]
    assert administrations_between(date(2025, 1, 20), date(2025, 9, 30)) == [Administration.TRUMP_2]


@pytest.mark.parametrize("year", [2009, 2013, 2017, 2021, 2025])
def test_fiscal_years_that_straddle_a_change_say_so(year):
    fiscal = FiscalYear(year)
    assert fiscal.straddles
    assert fiscal.change_day == date(year, 1, 20)
    assert fiscal.administration == administration_of(date(year, 1, 20))
    assert "not split" in fiscal.attribution()


def test_an_ordinary_fiscal_year():
    fiscal = FiscalYear(2018)
    assert not fiscal.straddles
    assert fiscal.administration == Administration.TRUMP_1
    assert fiscal.attribution() == "Trump (1st term)"
    assert str(fiscal) == "FY2018"


def test_attribution_names_both_administrations_in_text():
    text = FiscalYear(2017).attribution()
    assert "Trump (1st term)" in text
    assert "Obama (2nd term)" in text
    assert "2017-01-19" in text
