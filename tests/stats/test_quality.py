from datetime import date

from stats.quality import Release, ReleaseContent, find_problems


def release(fy, file_date, pull_date):
    return Release(fy, date.fromisoformat(file_date), date.fromisoformat(pull_date))


def test_a_release_pulled_outside_its_fiscal_year_is_flagged():
    bad = release(2023, "2022-01-19", "2022-01-09")
    good = release(2023, "2023-01-09", "2022-12-27")
    year_end = release(2019, "2019-12-31", "2019-10-07")  # pulled just after the year's end
    problems = find_problems([ReleaseContent(r, (i,)) for i, r in enumerate([bad, good, year_end])])
    assert list(problems) == [bad]
    assert "labelled FY2023 but pulled on 2022-01-09" in problems[bad][0]


def test_the_fy2024_file_holding_fy2025_data_is_flagged_not_the_fy2025_one():
    mislabelled = release(2024, "2024-11-15", "2024-10-28")
    right = release(2025, "2024-11-21", "2024-10-28")
    year_end = release(2024, "2024-12-31", "2024-10-07")
    problems = find_problems(
        [
            ReleaseContent(mislabelled, ("29817",)),
            ReleaseContent(right, ("29817",)),
            ReleaseContent(year_end, ("271484",)),
        ]
    )
    assert list(problems) == [mislabelled]
    assert "probably FY2025 data labelled FY2024" in problems[mislabelled][0]


def test_the_fy21_file_holding_fy20_data_is_flagged():
    fy20 = release(2020, "2020-12-31", "2020-09-30")
    fy21 = release(2021, "2021-10-28", "2021-09-27")
    problems = find_problems([ReleaseContent(fy20, ("a", 1)), ReleaseContent(fy21, ("a", 1))])
    assert list(problems) == [fy21]
    assert "FY2020 release dated 2020-12-31" in problems[fy21][0]


def test_republished_identical_releases_of_one_year_are_fine():
    a = release(2022, "2022-06-09", "2022-05-31")
    b = release(2022, "2022-06-16", "2022-05-31")
    assert find_problems([ReleaseContent(a, ("x",), 40685), ReleaseContent(b, ("x",), 40685)]) == {}


def test_a_year_to_date_figure_that_falls_later_is_flagged():
    series = [
        ("2021-05-13", "2021-05-03", 38563),
        ("2021-06-09", "2021-05-31", 160024),  # the outlier
        ("2021-06-24", "2021-06-14", 43619),
        ("2021-07-08", "2021-06-28", 45626),
    ]
    contents = [ReleaseContent(release(2021, f, p), (v,), v) for f, p, v in series]
    problems = find_problems(contents)
    outlier = release(2021, "2021-06-09", "2021-05-31")
    assert list(problems) == [outlier]
    assert (
        "160024 is higher than that of a later pull (43619 on 2021-06-14)" in problems[outlier][0]
    )


def test_a_year_to_date_figure_lower_than_an_earlier_one_is_flagged():
    series = [
        ("2024-01-04", "2023-12-26", 57129),
        ("2024-01-18", "2024-01-12", 69741),
        ("2024-02-01", "2024-01-22", 79928),
        ("2024-02-15", "2024-02-05", 12),  # the outlier, last in the year
    ]
    contents = [ReleaseContent(release(2024, f, p), (v,), v) for f, p, v in series]
    problems = find_problems(contents)
    outlier = release(2024, "2024-02-15", "2024-02-05")
    assert list(problems) == [outlier]
    assert "lower than that of an earlier pull" in problems[outlier][0]


def test_releases_of_the_same_day_that_disagree_are_both_flagged():
    a = release(2025, "2025-02-27", "2025-02-18")
    b = release(2025, "2025-03-05", "2025-02-18")
    problems = find_problems([ReleaseContent(a, ("1",)), ReleaseContent(b, ("2",))])
    assert set(problems) == {a, b}
    assert "conflicting figures" in problems[a][0]


def test_extra_problems_are_kept_and_empty_ones_ignored():
    a = release(2025, "2025-02-27", "2025-02-18")
    b = release(2025, "2025-03-14", "2025-03-03")
    problems = find_problems(
        [ReleaseContent(a, ("1",), 1), ReleaseContent(b, ("2",), 2)],
        extra={a: ["labelled FY2025 but has months of FY2024"], b: []},
    )
    assert problems == {a: ["labelled FY2025 but has months of FY2024"]}
