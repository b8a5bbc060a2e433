import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rapidresponse.models import RapidResponseNetwork
from tests.rapidresponse.factories import NationalResourceFactory, NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "ZZ"},
        {"state": "tx"},
        {"website_url": "ftp://files.example.org"},
        {"source_url": "javascript:alert(1)"},
        {"organization_name": ""},
        {"last_verified": None, "last_verified_precision": "day"},
        {"last_verified": datetime.date(2025, 1, 1), "last_verified_precision": ""},
    ],
)
def test_database_constraints(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkFactory(**fields)


def test_one_entry_per_organisation_and_state():
    NetworkFactory(state="TX", organization_name="Same")
    NetworkFactory(state="CA", organization_name="Same")
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkFactory(state="TX", organization_name="Same")


def test_a_resource_needs_a_url_or_a_phone():
    with pytest.raises(IntegrityError), transaction.atomic():
        NationalResourceFactory(url="", phone="")


def test_clean_refuses_invented_days_and_unknown_languages():
    network = NetworkFactory.build(
        last_verified=datetime.date(2025, 10, 15), last_verified_precision="month"
    )
    with pytest.raises(ValidationError, match="first day"):
        network.full_clean()
    network = NetworkFactory.build(languages=["english"])
    with pytest.raises(ValidationError, match="language codes"):
        network.full_clean()


def test_history_is_kept():
    network = NetworkFactory(hotline_phone="(844) 363-1423")
    network.hotline_phone = "(844) 363-1424"
    network.save()
    assert [h.hotline_phone for h in network.history.all()] == ["(844) 363-1424", "(844) 363-1423"]


def test_reverification_queryset():
    today = datetime.date(2026, 6, 30)
    NetworkFactory(organization_name="a", last_verified=datetime.date(2026, 1, 1))  # 180 days
    NetworkFactory(organization_name="b", last_verified=datetime.date(2025, 12, 31))  # 181 days
    NetworkFactory(organization_name="c", last_verified=None, last_verified_precision="")
    stale = RapidResponseNetwork.objects.needs_reverification(today)
    assert set(stale.values_list("organization_name", flat=True)) == {"b", "c"}
