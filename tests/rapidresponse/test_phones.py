import pytest

from rapidresponse.phones import dial_numbers, phone_segments


def joined(published: str) -> str:
    return "".join(segment.text for segment in phone_segments(published))


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("(844) 363-1423", ["+18443631423"]),
        ("1-888-351-4024", ["+18883514024"]),
        ("336.543.0353", ["+13365430353"]),
        ("(203) 666-4472", ["+12036664472"]),  # out-of-state area code, as published
        ("833-HOU-IMMI", ["+18334684664"]),
        ("833-LATINO1 (833-528-4661)", ["+18335284661"]),
        ("844-RAID-REP (844-724-3737)", ["+18447243737"]),
        ("1-844-864-8341 (1-844-UNITE-41)", ["+18448648341"]),
        ("888-624-4752 (888-6-CHIRLA)", ["+18886244752"]),
        ("(971) 412-ACLU / (971) 412-2258", ["+19714122258"]),
        # Letters past the seventh are not dialled.
        ("1-855-435-7693 (1-855-HELP-MY-FAMILY)", ["+18554357693"]),
        ("612-441-2881 / 612-255-3112", ["+16124412881", "+16122553112"]),
    ],
)
def test_numbers_are_dialled_from_the_published_text(published, expected):
    assert dial_numbers(published) == expected


@pytest.mark.parametrize("published", ["363-1423", "call 311", "see website", "12345678901234"])
def test_incomplete_numbers_are_never_completed(published):
    assert dial_numbers(published) == []
    assert [(s.text, s.href) for s in phone_segments(published)] == [(published, "")]


def test_one_number_written_twice_is_one_link_over_the_whole_text():
    published = "888-624-4752 (888-6-CHIRLA)"
    segments = phone_segments(published)
    assert [(s.text, s.href) for s in segments] == [(published, "tel:+18886244752")]


def test_two_different_numbers_are_two_links_and_the_text_is_unchanged():
    published = "612-441-2881 or 612-255-3112 (text only)"
    segments = phone_segments(published)
    assert [s.href for s in segments if s.href] == ["tel:+16124412881", "tel:+16122553112"]
    assert joined(published) == published


def test_empty_phone_has_no_segments():
    assert phone_segments("") == []
