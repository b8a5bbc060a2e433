"""Turn a hotline number exactly as published into `tel:` links, without ever changing the text.

Published numbers come in many shapes: "(844) 363-1423", "336.543.0353", "1-800-515-1935",
vanity numbers ("833-HOU-IMMI", "1-855-HELP-MY-FAMILY", where letters past the seventh are not
dialled), and a number followed by its vanity form ("888-624-4752 (888-6-CHIRLA)"). Only complete
US numbers (area code + seven digits) are linked; nothing is ever completed or guessed, so a
fragment stays plain text.
"""

import re
from dataclasses import dataclass

KEYPAD = {
    **dict.fromkeys("ABC", "2"),
    **dict.fromkeys("DEF", "3"),
    **dict.fromkeys("GHI", "4"),
    **dict.fromkeys("JKL", "5"),
    **dict.fromkeys("MNO", "6"),
    **dict.fromkeys("PQRS", "7"),
    **dict.fromkeys("TUV", "8"),
    **dict.fromkeys("WXYZ", "9"),
}

# Optional country code 1, a three-digit area code (first digit 2-9), then exactly seven
# digits or capital letters, each optionally followed by one separator; extra capital letters
# right after the seventh (vanity spelling longer than the number) are allowed and not dialled.
PHONE = re.compile(
    r"(?<![0-9A-Za-z])"
    r"(?P<country>\+?1[\s.\-]?)?"
    r"(?:\((?P<area_paren>[2-9]\d{2})\)\s?|(?P<area>[2-9]\d{2})[\s.\-]?)"
    r"(?P<local>(?:[0-9A-Z][.\-\s]?){6}[0-9A-Z])"
    r"(?:-?[A-Z]+)*"
    r"(?![0-9A-Za-z])"
)


@dataclass(frozen=True)
class PhoneSegment:
    """A piece of the published text; `href` is set when the piece is a dialable number."""

    text: str
    href: str = ""


def _digits(match: re.Match) -> str:
    area = match.group("area") or match.group("area_paren")
    local = "".join(KEYPAD.get(char, char) for char in match.group("local") if char.isalnum())
    return area + local


def dial_numbers(published: str) -> list[str]:
    """The distinct numbers in the text as E.164 strings ("+18443631423"), in order."""
    numbers: list[str] = []
    for match in PHONE.finditer(published or ""):
        number = "+1" + _digits(match)
        if number not in numbers:
            numbers.append(number)
    return numbers


def phone_segments(published: str) -> list[PhoneSegment]:
    """Split the published text into segments whose texts join back to it exactly.

    One number (even written twice, as digits and as its vanity form) gives one link over the
    whole text; different numbers each get their own link; no number gives plain text.
    """
    if not published:
        return []
    matches = list(PHONE.finditer(published))
    numbers = {"+1" + _digits(match) for match in matches}
    if not matches:
        return [PhoneSegment(published)]
    if len(numbers) == 1:
        return [PhoneSegment(published, "tel:" + numbers.pop())]
    segments: list[PhoneSegment] = []
    position = 0
    for match in matches:
        if match.start() > position:
            segments.append(PhoneSegment(published[position : match.start()]))
        segments.append(PhoneSegment(match.group(0), "tel:+1" + _digits(match)))
        position = match.end()
    if position < len(published):
        segments.append(PhoneSegment(published[position:]))
    return segments
