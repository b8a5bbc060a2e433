"""Data-quality checks on ICE detention-statistics releases.

ICE republishes its spreadsheet every few weeks; a release is identified by the fiscal year it
is labelled with, the date in its file name and the "data pulled on" date inside it. Some
releases are wrong: a fiscal-year label that does not match the pull date, a release that
repeats another year's figures, a year-to-date figure that later falls, two releases pulled on
the same day that disagree. These checks find such releases so that the importer reports them
and stores them flagged (kept, never merged silently into the series the site shows).
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from stats.fiscal import fiscal_year_end, fiscal_year_of, fiscal_year_start

# A year-end release is pulled a few days or weeks after September 30.
YEAR_END_GRACE = timedelta(days=92)


@dataclass(frozen=True, order=True)
class Release:
    fiscal_year: int
    file_date: date
    pull_date: date

    def __str__(self) -> str:
        return (
            f"FY{self.fiscal_year} release dated {self.file_date.isoformat()} "
            f"(pulled {self.pull_date.isoformat()})"
        )

    @property
    def pulled_in_window(self) -> bool:
        start = fiscal_year_start(self.fiscal_year)
        return start <= self.pull_date <= fiscal_year_end(self.fiscal_year) + YEAR_END_GRACE

    @property
    def label_matches_pull(self) -> bool:
        return fiscal_year_of(self.pull_date) == self.fiscal_year


@dataclass
class ReleaseContent:
    """What one file holds for one release: a comparable signature of all its values, and an
    optional year-to-date total that may only grow from one pull to the next."""

    release: Release
    signature: Hashable
    year_to_date: float | None = None


def find_problems(
    contents: Iterable[ReleaseContent], *, extra: dict[Release, list[str]] | None = None
) -> dict[Release, list[str]]:
    """Every problem found, by release. `extra` adds problems the caller found in the values."""
    items = list(contents)
    problems: dict[Release, list[str]] = defaultdict(list)
    for release, messages in (extra or {}).items():
        if messages:
            problems[release].extend(messages)
    for item in items:
        if not item.release.pulled_in_window:
            problems[item.release].append(_outside_window(item.release))
        if item.release.pull_date > item.release.file_date:
            problems[item.release].append("pulled after the date in its file name")
    _same_figures_other_year(items, problems)
    _falling_year_to_date([i for i in items if i.release not in problems], problems)
    _same_day_conflicts([i for i in items if i.release not in problems], problems)
    return dict(problems)


def _outside_window(release: Release) -> str:
    return (
        f"labelled FY{release.fiscal_year} but pulled on {release.pull_date.isoformat()}, "
        f"outside FY{release.fiscal_year} (and the three months after it, for year-end releases)"
    )


def _owner_order(item: ReleaseContent) -> tuple:
    release = item.release
    return (not release.pulled_in_window, release.pull_date, not release.label_matches_pull)


def _same_figures_other_year(
    items: list[ReleaseContent], problems: dict[Release, list[str]]
) -> None:
    groups: dict[Hashable, list[ReleaseContent]] = defaultdict(list)
    for item in items:
        groups[item.signature].append(item)
    for group in groups.values():
        if len({item.release.fiscal_year for item in group}) < 2:
            continue
        owner = min(group, key=_owner_order).release
        for item in group:
            if item.release.fiscal_year != owner.fiscal_year:
                problems[item.release].append(
                    f"holds exactly the same figures as the {owner}: probably "
                    f"FY{owner.fiscal_year} data labelled FY{item.release.fiscal_year}"
                )


def _falling_year_to_date(items: list[ReleaseContent], problems: dict[Release, list[str]]) -> None:
    by_year: dict[int, list[ReleaseContent]] = defaultdict(list)
    for item in items:
        if item.year_to_date is not None:
            by_year[item.release.fiscal_year].append(item)
    for series in by_year.values():
        series.sort(key=lambda i: (i.release.pull_date, i.year_to_date, i.release.file_date))
        kept = _longest_non_decreasing(series)
        for index, item in enumerate(series):
            if index in kept:
                continue
            problems[item.release].append(_out_of_sequence(item, [series[k] for k in sorted(kept)]))


def _out_of_sequence(item: ReleaseContent, kept: list[ReleaseContent]) -> str:
    value = item.year_to_date
    for other in kept:
        later = other.release.pull_date > item.release.pull_date
        if later and other.year_to_date < value:
            relation = f"higher than that of a later pull ({other.year_to_date:g}"
            break
        if not later and other.year_to_date > value:
            relation = f"lower than that of an earlier pull ({other.year_to_date:g}"
            break
    else:
        other = kept[-1]
        relation = f"out of sequence with the other pulls of its year ({other.year_to_date:g}"
    return (
        f"its year-to-date figure {value:g} is {relation} on "
        f"{other.release.pull_date.isoformat()}): its pull date or its figures are wrong"
    )


def _longest_non_decreasing(series: list[ReleaseContent]) -> set[int]:
    """Indexes of a longest non-decreasing run (not necessarily contiguous) of year_to_date."""
    best_length = [1] * len(series)
    previous = [-1] * len(series)
    for i, item in enumerate(series):
        for j in range(i):
            if series[j].year_to_date <= item.year_to_date and best_length[j] + 1 > best_length[i]:
                best_length[i], previous[i] = best_length[j] + 1, j
    if not series:
        return set()
    index = max(range(len(series)), key=lambda i: (best_length[i], i))
    kept = set()
    while index != -1:
        kept.add(index)
        index = previous[index]
    return kept


def _same_day_conflicts(items: list[ReleaseContent], problems: dict[Release, list[str]]) -> None:
    groups: dict[tuple[int, date], list[ReleaseContent]] = defaultdict(list)
    for item in items:
        groups[(item.release.fiscal_year, item.release.pull_date)].append(item)
    for (fiscal_year, pull_date), group in groups.items():
        if len({item.signature for item in group}) < 2:
            continue
        dated = ", ".join(sorted(item.release.file_date.isoformat() for item in group))
        for item in group:
            problems[item.release].append(
                f"conflicting figures: the FY{fiscal_year} releases pulled on "
                f"{pull_date.isoformat()} (dated {dated}) disagree"
            )
