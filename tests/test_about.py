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
