from django.conf import settings


def corrections_url(contact: str) -> str:
    """A link for the corrections contact: mailto: for an address, the page itself for a URL."""
    if contact.startswith("https://"):
        return contact
    if "@" in contact and " " not in contact:
        return f"mailto:{contact}"
    return ""


def site(request):
    return {
        "APP_VERSION": settings.APP_VERSION,
        "CORRECTIONS_URL": corrections_url(settings.CORRECTIONS_CONTACT),
        "CORRECTIONS_CONTACT": settings.CORRECTIONS_CONTACT,
    }
