"""Concrete paths for every public URL pattern, built from a small world of real rows.

When you add a public URL with path parameters (or one that needs a query string), add an
entry to SAMPLES: the security tests walk every public pattern and fail on one they cannot fill.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from incidents.models import EvidenceType, Incident
from stats.models import DetentionFacility
from tests.incidents.factories import EvidenceFactory, IncidentFactory
from tests.rapidresponse.factories import NationalResourceFactory, NetworkFactory
from tests.security.urlwalk import Route, public_routes
from tests.stats.conftest import build_world as build_statistics
from tests.stats.factories import FacilityPopulationFactory


@dataclass
class World:
    incident: Incident  # published, with a video and an article
    draft: Incident  # never public
    facility: DetentionFacility


@dataclass(frozen=True)
class Sample:
    path: str
    status: int = 200


def build_world() -> World:
    incident = IncidentFactory(headline="Man detained outside a courthouse", state="TX")
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        is_primary=True,
    )
    EvidenceFactory(incident=incident)
    draft = IncidentFactory(headline="Unverified draft", is_public=False)
    facility = DetentionFacility.objects.create(
        key="EXAMPLE PROCESSING CENTER|LAREDO",
        name="Example Processing Center",
        slug="example-processing-center",
        city="LAREDO",
        state="TX",
        first_pull_date=datetime.date(2025, 1, 6),
        last_pull_date=datetime.date(2025, 6, 2),
    )
    FacilityPopulationFactory(facility=facility, state="TX", population=120.0)
    # Statistics for every dashboard chart, and directory entries, so that the pages render
    # their tables, charts (json_script data) and links, not only their empty states.
    build_statistics()
    NetworkFactory(state="TX")
    NationalResourceFactory()
    return World(incident=incident, draft=draft, facility=facility)


SampleMaker = Callable[[World, Route], list[Sample]]

SAMPLES: dict[str, SampleMaker] = {
    # Pages with query strings: filters, errors shown on the page, redirects and 400s.
    "incidents:list": lambda w, r: [
        Sample("/incidents/"),
        Sample("/incidents/?q=courthouse&state=TX&sort=relevance"),
        Sample("/incidents/?date_after=not-a-date&type=nope"),
        Sample("/incidents/?page=2&limit=1"),
    ],
    "incidents:export": lambda w, r: [
        Sample("/incidents/export.csv"),
        Sample("/incidents/export.csv?state=TX&q=courthouse"),
        Sample("/incidents/export.csv?state=ZZ", 400),
    ],
    "stats:detention": lambda w, r: [
        Sample("/detention/"),
        Sample("/detention/?state=TX&sort=name"),
        Sample("/detention/?sort=bogus"),
    ],
    "rapidresponse:index": lambda w, r: [
        Sample("/rapid-response/"),
        Sample("/rapid-response/?state=tx", 302),
        Sample("/rapid-response/?state=zz", 404),
    ],
    "stats-api:ice-stats": lambda w, r: [
        Sample("/api/v1/ice-stats"),
        Sample("/api/v1/ice-stats?period=calendar_year&admin=trump_2"),
        Sample("/api/v1/ice-stats?period=decade", 400),
    ],
    "incidents-api:ice-incidents": lambda w, r: [
        Sample("/api/v1/ice-incidents"),
        Sample("/api/v1/ice-incidents?q=courthouse&state=TX"),
        Sample("/api/v1/ice-incidents?limit=0", 400),
    ],
    "incidents:detail": lambda w, r: [
        Sample(w.incident.get_absolute_url()),
        Sample(reverse("incidents:detail", kwargs={"pk": w.draft.pk, "slug": w.draft.slug}), 404),
    ],
    "incidents:detail-short": lambda w, r: [
        Sample(reverse("incidents:detail-short", kwargs={"pk": w.incident.pk}), 301),
    ],
    "stats:facility": lambda w, r: [
        Sample(w.facility.get_absolute_url()),
        Sample(reverse(r.name, kwargs={"pk": w.facility.pk, "slug": "old-name"}), 301),
        Sample(reverse(r.name, kwargs={"pk": w.facility.pk + 1000, "slug": "x"}), 404),
    ],
    "stats:facility-csv": lambda w, r: [
        Sample(reverse(r.name, kwargs={"pk": w.facility.pk, "slug": w.facility.slug})),
        Sample(reverse(r.name, kwargs={"pk": w.facility.pk, "slug": "old-name"}), 301),
    ],
    "rapidresponse:state": lambda w, r: [
        Sample(reverse("rapidresponse:state", kwargs={"state": "tx"})),
        Sample(reverse("rapidresponse:state", kwargs={"state": "zz"}), 404),
        Sample(reverse("rapidresponse:state", kwargs={"state": "TX"}), 301),
    ],
    "django.contrib.sitemaps.views.sitemap": lambda w, r: [
        Sample(reverse(r.name, kwargs={"section": section}))
        for section in r.default_args["sitemaps"]
    ],
    "rapidresponse-api:rapid-response": lambda w, r: [
        Sample(f"{reverse(r.name)}?state=TX"),
        Sample(reverse(r.name), 400),
    ],
    "incidents-api:ice-incident": lambda w, r: [
        Sample(f"{reverse(r.name)}?id={w.incident.pk}"),
        Sample(f"{reverse(r.name)}?id={w.draft.pk}", 404),
    ],
}


class UnfilledRoute(AssertionError):
    pass


def samples_for(route: Route, world: World) -> list[Sample]:
    if route.name in SAMPLES:
        samples = SAMPLES[route.name](world, route)
    elif not route.params:
        path = route.fill({})
        if path is None:
            raise UnfilledRoute(f"{route}: cannot build a path from its pattern.")
        samples = [Sample(path)]
    else:
        raise UnfilledRoute(
            f"{route} takes parameters {route.params} and has no sample. Add an entry for "
            f"{route.name or 'it (name the URL first)'} to SAMPLES in "
            "tests/security/public_urls.py so the security tests can check its headers, "
            "cookies and HTML."
        )
    for sample in samples:
        assert route.resolves_to_me(sample.path.split("?")[0]), f"{sample.path} is not {route}"
    return samples


def public_route_ids() -> list[tuple[str, Route]]:
    return [(str(route), route) for route in public_routes()]
