"""US federal fiscal years and presidential administrations.

Fiscal year N runs from October 1 of N-1 to September 30 of N. Administrations change on
January 20, which falls inside a fiscal year: a figure known by date is attributed by date; an
annual figure of a fiscal year that straddles a change is attributed to the administration in
office for most of that year, and `FiscalYear.straddles` says so.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

FISCAL_YEAR_START_MONTH = 10


class Administration(models.TextChoices):
    OBAMA_1 = "obama_1", _("Obama (1st term)")
    OBAMA_2 = "obama_2", _("Obama (2nd term)")
    TRUMP_1 = "trump_1", _("Trump (1st term)")
    BIDEN = "biden", _("Biden")
    TRUMP_2 = "trump_2", _("Trump (2nd term)")


# First day in office; each term ends the day before the next one starts.
TERM_STARTS: tuple[tuple[date, Administration], ...] = (
    (date(2009, 1, 20), Administration.OBAMA_1),
    (date(2013, 1, 20), Administration.OBAMA_2),
    (date(2017, 1, 20), Administration.TRUMP_1),
    (date(2021, 1, 20), Administration.BIDEN),
    (date(2025, 1, 20), Administration.TRUMP_2),
)
BEFORE_TRACKED_LABEL = _("G. W. Bush")


def fiscal_year_of(day: date) -> int:
    return day.year + 1 if day.month >= FISCAL_YEAR_START_MONTH else day.year


def fiscal_year_start(fiscal_year: int) -> date:
    return date(fiscal_year - 1, FISCAL_YEAR_START_MONTH, 1)


def fiscal_year_end(fiscal_year: int) -> date:
    return date(fiscal_year, FISCAL_YEAR_START_MONTH - 1, 30)


def administration_of(day: date) -> Administration | None:
    """The administration in office on `day`; None before 2009-01-20 (not tracked)."""
    current = None
    for start, administration in TERM_STARTS:
        if day >= start:
            current = administration
    return current


def term_of(administration: Administration | str) -> tuple[date, date | None]:
    """First and last day in office (the last is None for the administration in office)."""
    starts = [start for start, _admin in TERM_STARTS]
    index = [admin for _start, admin in TERM_STARTS].index(Administration(administration))
    last = starts[index + 1] - timedelta(days=1) if index + 1 < len(starts) else None
    return starts[index], last


def administrations_between(first: date, last: date) -> list[Administration | None]:
    """Every administration in office at some point from `first` to `last`, in order."""
    found = [administration_of(first)]
    for start, administration in TERM_STARTS:
        if first < start <= last:
            found.append(administration)
    return found


def administration_label(administration: str | None) -> str:
    if not administration:
        return str(BEFORE_TRACKED_LABEL)
    return str(Administration(administration).label)


@dataclass(frozen=True)
class FiscalYear:
    year: int

    @property
    def start(self) -> date:
        return fiscal_year_start(self.year)

    @property
    def end(self) -> date:
        return fiscal_year_end(self.year)

    @property
    def administrations(self) -> list[Administration | None]:
        return administrations_between(self.start, self.end)

    @property
    def straddles(self) -> bool:
        return len(self.administrations) > 1

    @property
    def administration(self) -> Administration | None:
        """The administration in office for most of the year (the later one when it changes:
        January 20 is less than four months into the fiscal year)."""
        return self.administrations[-1]

    @property
    def change_day(self) -> date | None:
        for start, _admin in TERM_STARTS:
            if self.start < start <= self.end:
                return start
        return None

    def attribution(self) -> str:
        """How an annual figure of this year is attributed, in words."""
        if not self.straddles:
            return administration_label(self.administration)
        before, after = self.administrations[0], self.administrations[-1]
        return str(
            _("%(after)s for most of the year (%(before)s until %(day)s); annual figure, not split")
            % {
                "after": administration_label(after),
                "before": administration_label(before),
                "day": (self.change_day - timedelta(days=1)).isoformat(),
            }
        )

    def __str__(self) -> str:
        return f"FY{self.year}"
