import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rapidresponse.models import RapidResponseNetwork
from tests.rapidresponse.factories import NationalResourceFactory, NetworkFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:rapidresponse_rapidresponsenetwork_changelist")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def entries():
    return {
        "fresh": NetworkFactory(organization_name="Fresh", last_verified=days_ago(30)),
        "edge": NetworkFactory(organization_name="Edge", last_verified=days_ago(180)),
        "old": NetworkFactory(organization_name="Old", last_verified=days_ago(181)),
        "unknown": NetworkFactory(
            organization_name="Unknown", last_verified=None, last_verified_precision=""
        ),
    }


def names(response) -> set[str]:
    return {obj.organization_name for obj in response.context["cl"].result_list}


def test_needs_reverification_filter(admin_client, entries):
    assert names(admin_client.get(CHANGELIST, {"reverify": "yes"})) == {"Old", "Unknown"}
    assert names(admin_client.get(CHANGELIST, {"reverify": "no"})) == {"Fresh", "Edge"}
    assert len(names(admin_client.get(CHANGELIST))) == 4


def test_state_and_active_filters_and_search(admin_client, entries):
    NetworkFactory(state="CA", organization_name="Inactive CA", is_active=False)
    assert names(admin_client.get(CHANGELIST, {"state": "CA"})) == {"Inactive CA"}
    assert names(admin_client.get(CHANGELIST, {"is_active__exact": "0"})) == {"Inactive CA"}
    assert names(admin_client.get(CHANGELIST, {"q": "Fresh"})) == {"Fresh"}


def test_changelist_query_count_is_pinned(admin_client, entries, django_assert_num_queries):
    admin_client.get(CHANGELIST)  # warm the session and content types
    NetworkFactory.create_batch(20)
    # session, user, count, filtered count, page of rows: independent of the number of rows
    with django_assert_num_queries(5):
        response = admin_client.get(CHANGELIST, {"reverify": "yes"})
    assert response.status_code == 200


def test_history_is_visible(admin_client, entries):
    network = entries["fresh"]
    network.hotline_hours = "Changed"
    network.save()
    url = reverse("admin:rapidresponse_rapidresponsenetwork_history", args=[network.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert network.history.count() == 2


def test_mark_verified_today_action(admin_client, entries):
    old = entries["old"]
    response = admin_client.post(
        CHANGELIST, {"action": "mark_verified_today", "_selected_action": [old.pk]}, follow=True
    )
    assert response.status_code == 200
    old.refresh_from_db()
    assert (old.last_verified, old.last_verified_precision) == (timezone.localdate(), "day")
    assert old.history.first().history_type == "~"


def test_editors_can_add_a_network_with_languages(admin_client):
    url = reverse("admin:rapidresponse_rapidresponsenetwork_add")
    assert admin_client.get(url).status_code == 200
    data = {
        "state": "TX",
        "region": "El Paso",
        "organization_name": "Border Hotline",
        "is_active": "on",
        "hotline_phone": "915-555-0199",
        "languages": ["en", "es"],
        "source_url": "https://news.example.org/el-paso",
        "last_verified": timezone.localdate().isoformat(),
        "last_verified_precision": "day",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    network = RapidResponseNetwork.objects.get(organization_name="Border Hotline")
    assert network.languages == ["en", "es"]


def test_the_admin_rejects_non_http_websites_and_half_dates(admin_client):
    url = reverse("admin:rapidresponse_rapidresponsenetwork_add")
    data = {
        "state": "TX",
        "organization_name": "Bad entry",
        "website_url": "ftp://files.example.org/",
        "last_verified": "2025-10-15",
        "last_verified_precision": "month",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "website_url" in errors or "__all__" in errors
    assert "last_verified" in errors
    assert not RapidResponseNetwork.objects.exists()


def test_national_resources_are_editable(admin_client):
    resource = NationalResourceFactory()
    url = reverse("admin:rapidresponse_nationalresource_change", args=[resource.pk])
    assert admin_client.get(url).status_code == 200
    listing = admin_client.get(
        reverse("admin:rapidresponse_nationalresource_changelist"), {"reverify": "no"}
    )
    assert resource in listing.context["cl"].result_list
