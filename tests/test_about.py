import pytest

pytestmark = pytest.mark.django_db


def test_about_page_explains_sources_verification_citation_corrections_and_licence(client):
    response = client.get("/about/")
    assert response.status_code == 200
    text = response.content.decode()
    for anchor in (
        "data-sources",
        "verification",
        "data-dictionary",
        "cite",
        "corrections",
        "licence",
    ):
        assert f'id="{anchor}"' in text
    for phrase in ("Verified", "Reported", "Disputed", "deportationdata.org", "CC BY 4.0"):
        assert phrase in text
    assert 'href="/about/data/"' in text


def test_corrections_contact_is_linked_when_configured(client, settings):
    settings.CORRECTIONS_CONTACT = "corrections@tracker.example.org"
    text = client.get("/about/").content.decode()
    assert 'href="mailto:corrections@tracker.example.org"' in text


def test_an_https_corrections_page_is_linked_and_other_schemes_are_not(client, settings):
    settings.CORRECTIONS_CONTACT = "https://tracker.example.org/corrections"
    assert (
        'href="https://tracker.example.org/corrections"' in client.get("/about/").content.decode()
    )
    settings.CORRECTIONS_CONTACT = "javascript:alert(1)"
    text = client.get("/about/").content.decode()
    assert "javascript:" not in text
    assert "has not published a corrections contact" in text
