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
from tests.security.urlwalk import Route, public_routes


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
    return World(incident=incident, draft=draft, facility=facility)


SampleMaker = Callable[[World, Route], list[Sample]]

SAMPLES: dict[str, SampleMaker] = {
    "incidents:detail": lambda w, r: [
        Sample(w.incident.get_absolute_url()),
        Sample(reverse("incidents:detail", kwargs={"pk": w.draft.pk, "slug": w.draft.slug}), 404),
    ],
    "incidents:detail-short": lambda w, r: [
        Sample(reverse("incidents:detail-short", kwargs={"pk": w.incident.pk}), 301),
    ],
    "stats:facility": lambda w, r: [Sample(w.facility.get_absolute_url())],
    "stats:facility-csv": lambda w, r: [
        Sample(reverse(r.name, kwargs={"pk": w.facility.pk, "slug": w.facility.slug}))
    ],
    "rapidresponse:state": lambda w, r: [
        Sample(reverse("rapidresponse:state", kwargs={"state": "tx"})),
        Sample(reverse("rapidresponse:state", kwargs={"state": "zz"}), 404),
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
