"""Factories for statistics rows. Release rows default to one usable FY2026 release."""

from datetime import date

import factory

from stats.fiscal import fiscal_year_start
from stats.models import (
    ICE_DETENTION_SOURCE,
    ICE_DETENTION_URL,
    BookIns,
    DetainedByCriminality,
    DetentionFacility,
    FacilityPopulation,
    IceStat,
    PeriodType,
    RemovalsToDate,
)


class IceStatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IceStat

    fiscal_year = 2024
    stat_date = factory.LazyAttribute(lambda o: fiscal_year_start(o.fiscal_year))
    period_type = PeriodType.FISCAL_YEAR
    administration = "biden"
    source_name = factory.Sequence(lambda n: f"ICE annual report {n}")
    source_url = "https://www.ice.gov/statistics"
    as_of = factory.LazyAttribute(lambda o: date(o.fiscal_year, 9, 30))


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    fiscal_year = 2026
    file_date = date(2026, 4, 9)
    pull_date = date(2026, 4, 2)
    source_name = ICE_DETENTION_SOURCE
    source_url = ICE_DETENTION_URL


class RemovalsFactory(ReleaseFactory):
    class Meta:
        model = RemovalsToDate

    removals = 234236


class DetainedFactory(ReleaseFactory):
    class Meta:
        model = DetainedByCriminality

    criminality = "Total"
    ice = 60000
    cbp = 311
    total = factory.LazyAttribute(lambda o: o.ice + o.cbp)


class BookInsFactory(ReleaseFactory):
    class Meta:
        model = BookIns

    arresting_agency = "ICE"
    month = date(2026, 3, 1)
    book_ins = 30000
    book_ins_ytd = 150000


class DetentionFacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DetentionFacility

    name = factory.Sequence(lambda n: f"DETENTION CENTER {n}")
    city = "LUMPKIN"
    key = factory.LazyAttribute(lambda o: f"{o.name}|{o.city}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    state = "GA"
    address = "146 CCA ROAD"
    zip_code = "31815"
    aor = "ATL"
    facility_type = "DIGSA"
    first_pull_date = date(2019, 10, 7)
    last_pull_date = date(2026, 4, 2)


class FacilityPopulationFactory(ReleaseFactory):
    class Meta:
        model = FacilityPopulation

    facility = factory.SubFactory(DetentionFacilityFactory)
    name = factory.LazyAttribute(lambda o: o.facility.name)
    city = factory.LazyAttribute(lambda o: o.facility.city)
    state = factory.LazyAttribute(lambda o: o.facility.state)
    type_detailed = "DIGSA"
    aor = "ATL"
    level_a = 100.0
    level_b = 50.0
    level_c = 25.0
    level_d = 25.0
    population = 200.0
