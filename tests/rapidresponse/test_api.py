import pytest

from rapidresponse.models import NationalResource
from tests.rapidresponse.factories import NetworkFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/rapid-response"
SPEC_NETWORK_FIELDS = {
    "organization_name": str,
    "region": str,
    "hotline_phone": str,
    "hotline_hours": str,
    "website_url": str,
    "provides_legal_aid": bool,
    "provides_rapid_response": bool,
    "languages": list,
}


def get(client, **params):
    return client.get(URL, params)


def test_the_spec_shape_for_a_covered_state(client, real_data):
    response = get(client, state="IL")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "IL"
    assert body["state_name"] == "Illinois"
    assert len(body["networks"]) == 4
    for network in body["networks"]:
        for name, kind in SPEC_NETWORK_FIELDS.items():
            assert isinstance(network[name], kind), name
    assert body["know_your_rights_url"] == "https://www.ilrc.org/red-cards"
    assert body["ice_locator_url"] == "https://locator.ice.gov/odls/"
    icirr = next(
        n for n in body["networks"] if n["organization_name"].startswith("Illinois Coalition")
    )
    assert icirr["hotline_phone"] == "1-855-435-7693 (1-855-HELP-MY-FAMILY)"
    assert icirr["call_links"] == ["tel:+18554357693"]
    assert icirr["languages"] == ["en", "es", "ko", "pt"]
    assert icirr["languages_note"] == "English; Spanish; Korean; Portuguese (as of 2011)"
    assert (icirr["last_verified"], icirr["last_verified_precision"]) == ("2025-10", "month")
    assert icirr["needs_reverification"] is True
    assert icirr["source_url"].startswith("https://www.friendofamom.com/")


def test_national_entries_come_with_every_state_without_duplicating_resources(client, real_data):
    body = get(client, state="tx").json()
    national = [n["organization_name"] for n in body["national_networks"]]
    assert len(national) == 2
    assert any(name.startswith("United We Dream") for name in national)
    assert {r["key"] for r in body["national_resources"]} == {
        "ice-detainee-locator",
        "ice-detention-line",
        "ilrc-red-cards",
        "ian-legal-directory",
    }
    assert body["nearby_networks"] == []


def test_us_returns_the_national_networks(client, real_data):
    body = get(client, state="US").json()
    assert len(body["networks"]) == 2
    assert body["national_networks"] == []


def test_an_uncovered_state_gets_its_neighbours(client, real_data):
    body = get(client, state="OK").json()
    assert body["networks"] == []
    assert {n["state"] for n in body["nearby_networks"]} == {"CO", "NM", "TX"}


def test_the_urls_come_from_the_editable_resources(client, real_data):
    NationalResource.objects.filter(key="ilrc-red-cards").update(
        url="https://www.ilrc.org/red-cards-tarjetas-rojas"
    )
    NationalResource.objects.filter(key="ice-detainee-locator").update(is_active=False)
    body = get(client, state="TX").json()
    assert body["know_your_rights_url"] == "https://www.ilrc.org/red-cards-tarjetas-rojas"
    assert body["ice_locator_url"] is None


@pytest.mark.parametrize("params", [{}, {"state": ""}, {"state": "ZZ"}, {"state": "Texas"}])
def test_a_missing_or_invalid_state_is_a_400_with_a_json_error(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["code"] == "invalid"
    assert "state" in error["fields"]


def test_a_network_without_a_phone_has_no_call_links(client):
    NetworkFactory(state="NJ", hotline_phone="")
    network = get(client, state="NJ").json()["networks"][0]
    assert (network["hotline_phone"], network["call_links"]) == ("", [])


def test_query_count_is_pinned(client, real_data, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert get(client, state="CA").status_code == 200


def test_it_is_in_the_openapi_schema(client):
    response = client.get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/rapid-response" in text
    assert "RapidResponse" in text
    assert "know_your_rights_url" in text
    assert "ice_locator_url" in text
