import pytest

from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_atom_feed_lists_recent_public_incidents_only(client):
    IncidentFactory(headline="Published incident", state="TX")
    IncidentFactory(headline="Hidden draft", is_public=False)
    response = client.get("/incidents/feed/")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<title>Published incident</title>" in body
    assert "Hidden draft" not in body
    assert "Verification: Reported." in body


def test_sitemap_index_and_incident_section_public_only(client):
    public = IncidentFactory()
    draft = IncidentFactory(is_public=False)
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-incidents.xml" in index
    body = client.get("/sitemap-incidents.xml").content.decode()
    assert public.get_absolute_url() in body
    assert f"/incidents/{draft.pk}-" not in body
    assert "<lastmod>" in body
    assert "/incidents/</loc>" in client.get("/sitemap-incident-pages.xml").content.decode()


def test_list_page_links_the_feed(client):
    assert 'type="application/atom+xml"' in client.get("/incidents/").content.decode()
