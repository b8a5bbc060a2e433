import datetime

import factory
from django.utils import timezone

from rapidresponse.models import DatePrecision, NationalResource, RapidResponseNetwork, ResourceKind


def recent() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=10)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RapidResponseNetwork

    state = "TX"
    region = "Statewide"
    organization_name = factory.Sequence(lambda n: f"Rapid Response Network {n}")
    hotline_phone = factory.Sequence(lambda n: f"(512) 555-{n % 10000:04d}")
    hotline_hours = "24/7"
    website_url = factory.Sequence(lambda n: f"https://network{n}.example.org")
    provides_rapid_response = True
    languages = factory.LazyFunction(lambda: ["en", "es"])
    source_url = "https://news.example.org/hotline"
    last_verified = factory.LazyFunction(recent)
    last_verified_precision = DatePrecision.DAY


class NationalResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NationalResource

    key = factory.Sequence(lambda n: f"resource-{n}")
    kind = ResourceKind.KNOW_YOUR_RIGHTS
    title = factory.Sequence(lambda n: f"Resource {n}")
    url = factory.Sequence(lambda n: f"https://resource{n}.example.org/")
    source_url = "https://news.example.org/resource"
    last_verified = factory.LazyFunction(recent)
    last_verified_precision = DatePrecision.DAY
