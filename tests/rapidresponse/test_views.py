import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from rapidresponse.models import DatePrecision
from tests.rapidresponse.factories import NationalResourceFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return response.content.decode()


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert match, section_id
    return match.group(0)


def test_incident_pages_can_link_to_a_state_page():
    assert reverse("rapidresponse:state", kwargs={"state": "tx"}) == "/rapid-response/tx/"


def test_a_covered_state_lists_its_hotlines_with_call_links(client, real_data):
    html = page(client, "/rapid-response/tx/")
    local = section(html, "local")
    assert "Immigrant and Refugee Hotline" in local
    assert "Houston region" in local
    # Vanity number: dialled as digits, shown exactly as published.
    assert '<a class="rr-call" href="tel:+18334684664">833-HOU-IMMI</a>' in local
    assert "Mon-Fri 9am-5pm" in local
    assert "Legal aid, Know-your-rights information" in local
    assert "Spanish, English, Vietnamese" in local
    assert "Last verified: date unknown" in local
    assert "Confirm before relying on it" in local
    assert 'href="https://aclutx.org/en/node/2793"' in local


def test_every_page_has_the_national_resources_and_what_to_do_if_detained(client, real_data):
    html = page(client, "/rapid-response/tx/")
    detained = section(html, "detained")
    assert 'href="https://locator.ice.gov/odls/"' in detained
    for needed in ("full name", "date of birth", "country of birth", "A-number"):
        assert needed in detained
    assert "Do not sign anything without a lawyer." in detained
    assert '<a class="rr-call" href="tel:+18883514024">1-888-351-4024</a>' in detained
    rights = section(html, "rights")
    assert 'href="https://www.ilrc.org/red-cards"' in rights
    assert 'href="https://www.immigrationadvocates.org/legaldirectory/"' in rights


def test_national_rows_that_are_resources_are_shown_once(client, real_data):
    html = page(client, "/rapid-response/tx/")
    national = section(html, "national")
    assert "United We Dream - MigraWatch hotline" in national
    assert "CHIRLA" in national
    assert "ICE ERO Detention Reporting" not in national
    assert "ODLS" not in national
    assert "Red Cards" not in national
    assert html.count("tel:+18883514024") == 1
    assert html.count("Know-your-rights red cards (Immigrant Legal Resource Center)") == 1


def test_a_state_with_no_entries_says_so_and_points_to_neighbours(client, real_data):
    html = page(client, "/rapid-response/ok/")
    local = section(html, "local")
    assert "We have no local entries for Oklahoma yet." in local
    assert "Nearby: Colorado" in local
    assert "Nearby: Texas" in local
    assert "tel:+18448648341" in local  # Colorado Rapid Response Network
    assert "United We Dream" in section(html, "national")
    assert "locator.ice.gov" in section(html, "detained")


def test_a_state_without_neighbours_still_gets_national_hotlines(client, real_data):
    html = page(client, "/rapid-response/hi/")
    assert "We have no local entries for Hawaii yet. Call a national hotline below." in html
    assert "tel:+18443631423" in section(html, "national")


def test_the_state_picker_is_a_plain_get_form(client, real_data):
    html = page(client, "/rapid-response/tx/")
    form = re.search(
        r'<form class="rr-picker" id="picker" method="get" action="/rapid-response/">.*?</form>',
        html,
        re.S,
    )
    assert form
    options = re.findall(r'<option value="([A-Z]*)"', form.group(0))
    assert len(options) == 1 + 50 + 1 + 5  # prompt, states, DC, territories
    assert '<option value="TX" selected>Texas</option>' in form.group(0)
    assert '<button type="submit">' in form.group(0)


@pytest.mark.parametrize("value", ["TX", "tx", " Tx "])
def test_the_form_submission_redirects_to_the_state_page(client, value):
    response = client.get("/rapid-response/", {"state": value})
    assert (response.status_code, response["Location"]) == (302, "/rapid-response/tx/")


def test_upper_case_addresses_redirect_to_the_canonical_lower_case(client):
    response = client.get("/rapid-response/TX/")
    assert (response.status_code, response["Location"]) == (301, "/rapid-response/tx/")
    response = client.get("/rapid-response/us/")
    assert (response.status_code, response["Location"]) == (301, "/rapid-response/")


@pytest.mark.parametrize(
    "url", ["/rapid-response/zz/", "/rapid-response/texas/", "/rapid-response/?state=ZZ"]
)
def test_an_unknown_state_is_a_404_that_still_helps(client, real_data, url):
    html = page(client, url, status=404)
    assert "is not a US state, DC or territory code" in html
    assert '<select id="rr-state" name="state"' in html
    assert "locator.ice.gov" in html
    assert "tel:+18443631423" in html


def test_the_index_lists_covered_states_and_national_help(client, real_data):
    html = page(client, "/rapid-response/")
    assert 'href="/rapid-response/tx/">Texas</a>' in html
    assert 'href="/rapid-response/ok/"' not in html
    assert "United We Dream" in section(html, "national")


def test_the_page_is_light_no_scripts_no_inline_styles(client, real_data):
    html = page(client, "/rapid-response/tx/")
    assert "<script" not in html
    assert "chart" not in html.lower()
    assert "<img" not in html
    assert "style=" not in html
    assert "<style" not in html
    assert "/static/css/rapidresponse.css" in html


def test_an_entry_without_a_phone_shows_its_website(client):
    NetworkFactory(state="GA", hotline_phone="", website_url="https://glahr.example.org/defense/")
    html = page(client, "/rapid-response/ga/")
    assert "No verified phone number: use their website." in html
    assert (
        '<a href="https://glahr.example.org/defense/" rel="noopener noreferrer">'
        "glahr.example.org/defense</a>" in html
    )
    assert "tel:" not in section(html, "local")


def test_an_entry_with_two_numbers_gets_two_links(client):
    NetworkFactory(state="MN", hotline_phone="612-441-2881 / 612-255-3112")
    local = section(page(client, "/rapid-response/mn/"), "local")
    assert (
        '<a class="rr-call" href="tel:+16124412881">612-441-2881</a> / '
        '<a class="rr-call" href="tel:+16122553112">612-255-3112</a>'
    ) in local


def test_recent_entries_do_not_ask_for_confirmation_and_old_ones_do(client):
    NetworkFactory(state="NV", organization_name="Fresh")
    NetworkFactory(
        state="NV",
        organization_name="Old",
        last_verified=datetime.date(2025, 10, 1),
        last_verified_precision=DatePrecision.MONTH,
    )
    local = section(page(client, "/rapid-response/nv/"), "local")
    fresh, old = local.split("Old</h3>")
    assert "Confirm before relying on it" not in fresh
    assert '<time datetime="2025-10">October 2025</time>' in old
    assert "last verified more than six months ago" in old


def test_inactive_entries_are_not_shown(client):
    NetworkFactory(state="NV", organization_name="Closed line", is_active=False)
    html = page(client, "/rapid-response/nv/")
    assert "Closed line" not in html
    assert "We have no local entries for Nevada yet." in html


def test_callable_hotlines_come_first(client):
    NetworkFactory(state="NV", organization_name="Website only", hotline_phone="", region="A")
    NetworkFactory(state="NV", organization_name="Has a number", region="Z")
    local = section(page(client, "/rapid-response/nv/"), "local")
    assert local.index("Has a number") < local.index("Website only")


def test_query_counts_are_pinned(client, real_data, django_assert_num_queries):
    with django_assert_num_queries(2):  # networks (state + national + neighbours), resources
        page(client, "/rapid-response/tx/")
    with django_assert_num_queries(2):
        page(client, "/rapid-response/ok/")
    with django_assert_num_queries(3):  # + the list of covered states
        page(client, "/rapid-response/")
    with django_assert_num_queries(0):  # cached
        page(client, "/rapid-response/tx/")


def test_an_admin_edit_refreshes_the_cached_page(client):
    network = NetworkFactory(state="NV", hotline_hours="24/7")
    assert client.get("/rapid-response/nv/")["X-Page-Cache"] == "miss"
    assert client.get("/rapid-response/nv/")["X-Page-Cache"] == "hit"
    network.hotline_hours = "Mon-Fri 9am-5pm"
    network.save()
    assert "Mon-Fri 9am-5pm" in page(client, "/rapid-response/nv/")
    resource = NationalResourceFactory(title="A new national resource")
    assert "A new national resource" in page(client, "/rapid-response/nv/")
    resource.delete()
    assert "A new national resource" not in page(client, "/rapid-response/nv/")


def test_the_last_verified_date_is_never_more_precise_than_the_source(client):
    NetworkFactory(
        state="WA", last_verified=datetime.date(2017, 1, 1), last_verified_precision="year"
    )
    NetworkFactory(state="WA", last_verified=None, last_verified_precision="")
    local = section(page(client, "/rapid-response/wa/"), "local")
    assert '<time datetime="2017">2017</time>' in local
    assert "Last verified: date unknown" in local
    assert "we do not know when this entry was last verified" in local
    assert timezone.localdate().isoformat() not in local


def test_the_page_follows_a_spanish_phone(client, real_data):
    english = page(client, "/rapid-response/tx/")
    response = client.get("/rapid-response/tx/", HTTP_ACCEPT_LANGUAGE="es")
    spanish = response.content.decode()
    assert "If someone is detained" in english
    assert "Si detienen a alguien" in spanish
    assert "No firme nada sin un abogado." in spanish
    assert "su país de nacimiento;" in spanish
    assert "Ayuda legal" in spanish
    # Published data stays as published; only the page around it is translated.
    assert '<a class="rr-call" href="tel:+18334684664">833-HOU-IMMI</a>' in spanish
    assert "Accept-Language" in response["Vary"]
    assert "If someone is detained" in page(client, "/rapid-response/tx/")  # cache kept apart
