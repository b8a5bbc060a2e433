"""Detecting personal data that must never be stored about victims: contact details and home
addresses. Used by model validation; the spec allows names, ages and city/state, nothing more."""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A North American phone number: (555) 123-4567, 555-123-4567, +1 555 123 4567, 555.123.4567.
PHONE = re.compile(r"(?<![\w])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?![\w])")
SOCIAL_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,30}\b")
STREET_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl|"
    r"terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl)"
)
# "1234 Elm Street", "12 N. Oak Ave", "4410 W Maple Dr Apt 3": a house number, a name, a suffix.
STREET_ADDRESS = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Za-z0-9'.-]+\s+){{1,4}}{STREET_SUFFIX}\b\.?",
    re.IGNORECASE,
)
UNIT = re.compile(r"\b(?:apt|apartment|unit|suite)\.?\s*#?\s*\d+\w?\b", re.IGNORECASE)


def contact_details(text: str) -> list[str]:
    """Email addresses, phone numbers and social handles found in the text."""
    found: list[str] = []
    for pattern in (EMAIL, PHONE, SOCIAL_HANDLE):
        found.extend(match.group(0) for match in pattern.finditer(text or ""))
    return found


def street_addresses(text: str) -> list[str]:
    """Things that look like a street address with a house number, or a unit number."""
    found = [match.group(0) for match in STREET_ADDRESS.finditer(text or "")]
    found.extend(match.group(0) for match in UNIT.finditer(text or ""))
    return found
