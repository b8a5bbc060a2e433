"""Deterministic, realistic scale data for benchmarks.

`generate_incidents(public=100_000, drafts=5_000)` bulk-inserts incidents spread over every
type, outcome and verification status, weighted towards the states with the most enforcement,
dated 2017-01-01 to 2026-03-31, each with evidence (a primary news article, sometimes a court
document or a YouTube video). The same arguments always produce the same rows (a seeded
`random.Random`), apart from database ids and created/updated timestamps.

Synthetic rows are marked (headline suffix and evidence host), skip history, and can be removed
with `delete_generated()`. Nothing here is used by the app itself.
"""

import datetime
import random
import string
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from icetracker.pagecache import bump
from incidents.models import (
    SLUG_MAX_LENGTH,
    CreatedBy,
    Evidence,
    EvidenceType,
    Incident,
    IncidentType,
    Outcome,
    Verification,
)

BATCH_SIZE = 2000
MARKER = "[synthetic]"
EVIDENCE_HOST = "bench.example.org"
START = datetime.date(2017, 1, 1)
END = datetime.date(2026, 3, 31)

STATE_WEIGHTS = {
    "TX": 18, "CA": 16, "FL": 10, "IL": 7, "NY": 7, "AZ": 6, "GA": 5, "NJ": 4, "LA": 4,
    "WA": 3, "MN": 3, "CO": 3, "NC": 3, "PA": 3, "MA": 2, "MI": 2, "VA": 2, "NM": 2,
    "OR": 2, "NV": 2, "MD": 2, "TN": 1, "AL": 1, "MS": 1, "OH": 1, "MO": 1, "UT": 1,
    "PR": 1, "DC": 1,
}  # fmt: skip
CITIES = {
    "TX": ["Houston", "Dallas", "San Antonio", "El Paso", "Laredo", "Conroe", "Pearsall"],
    "CA": ["Los Angeles", "San Diego", "Adelanto", "Fresno", "Oakland", "Camarillo"],
    "FL": ["Miami", "Orlando", "Tampa", "Pompano Beach", "Tallahassee"],
    "IL": ["Chicago", "Broadview", "Berwyn", "Franklin Park", "Aurora"],
    "NY": ["New York", "Buffalo", "Batavia", "Yonkers"],
    "AZ": ["Phoenix", "Tucson", "Eloy", "Florence"],
    "GA": ["Atlanta", "Lumpkin", "Folkston", "Savannah"],
}
TYPE_WEIGHTS = {
    IncidentType.CITIZEN_DETAINED: 14,
    IncidentType.RIGHTS_VIOLATION: 14,
    IncidentType.AGENT_VIOLENCE: 12,
    IncidentType.SENSITIVE_LOCATION: 10,
    IncidentType.FAMILY_SEPARATION: 10,
    IncidentType.MEDICAL_NEGLECT: 9,
    IncidentType.DEATH_DETENTION: 8,
    IncidentType.COURT_ORDER_VIOLATED: 6,
    IncidentType.VEHICLE_INCIDENT: 5,
    IncidentType.CITIZEN_DEPORTED: 4,
    IncidentType.ICE_KILLING: 4,
    IncidentType.AGENT_ARRESTED: 4,
}
HEADLINES = {
    IncidentType.DEATH_DETENTION: "{person}, {age}, dies in ICE custody at {facility}",
    IncidentType.ICE_KILLING: "{person} killed during an enforcement operation in {city}",
    IncidentType.CITIZEN_DETAINED: "US citizen detained {where} in {city}",
    IncidentType.CITIZEN_DEPORTED: "US citizen deported after being detained {where}",
    IncidentType.COURT_ORDER_VIOLATED: "Transfer in {city} despite a federal court order",
    IncidentType.SENSITIVE_LOCATION: "Agents make arrests {where} in {city}",
    IncidentType.RIGHTS_VIOLATION: "Warrantless arrest {where} in {city}",
    IncidentType.AGENT_VIOLENCE: "Bystander injured by agents {where} in {city}",
    IncidentType.VEHICLE_INCIDENT: "Man struck by a vehicle while fleeing a traffic stop in {city}",
    IncidentType.FAMILY_SEPARATION: "Parent detained {where}; children left alone in {city}",
    IncidentType.MEDICAL_NEGLECT: "Detainee denied {care} at {facility}",
    IncidentType.AGENT_ARRESTED: "Immigration agent charged after an arrest in {city}",
}
WHERE = [
    "outside a courthouse", "at a school gate", "at a church", "at a hospital",
    "at a car wash", "at a construction site", "at a bus stop", "outside a Home Depot",
    "during a traffic stop", "at a farm", "at a check-in appointment", "at a restaurant",
]  # fmt: skip
FACILITIES = [
    "Port Isabel Detention Center", "Krome Service Processing Center", "Stewart Detention Center",
    "Adelanto ICE Processing Center", "Eloy Detention Center", "Otero County Processing Center",
    "Karnes County Processing Center", "Northwest ICE Processing Center", "Delaney Hall",
    "Camp East Montana", "Moshannon Valley Processing Center", "Prairieland Detention Center",
]  # fmt: skip
CARE = ["insulin", "dialysis", "mental health care", "surgery", "prenatal care", "medication"]
FIRST = ["Maria", "Jose", "Ana", "Luis", "Carmen", "Juan", "Rosa", "Carlos", "Elena", "Miguel"]
LAST = ["Garcia", "Hernandez", "Lopez", "Martinez", "Gonzalez", "Perez", "Sanchez", "Ramirez"]
SENTENCES = [
    "Witnesses recorded the arrest on their phones.",
    "Family members said they were not told where {pronoun} was taken.",
    "A lawyer said the detention violated a court order.",
    "Local officials asked for an investigation.",
    "DHS said the agents followed policy.",
    "The person had no criminal record, according to relatives.",
    "Advocates organised a vigil outside the facility.",
    "A federal judge later ordered a hearing on the case.",
    "The arrest happened in front of children on their way to school.",
    "Neighbours described unmarked vehicles and masked agents.",
    "The consulate was notified several days later.",
    "A complaint was filed with the DHS Office for Civil Rights and Civil Liberties.",
]
OUTCOME_WEIGHTS = {
    Outcome.RELEASED: 25, Outcome.ONGOING: 20, Outcome.DEPORTED: 15, Outcome.UNKNOWN: 15,
    Outcome.DIED: 8, Outcome.CHARGES_FILED: 7, Outcome.CHARGES_DROPPED: 5, Outcome.SETTLEMENT: 5,
}  # fmt: skip
VERIFICATION_WEIGHTS = {
    Verification.REPORTED: 55,
    Verification.VERIFIED: 35,
    Verification.DISPUTED: 10,
}
SOURCES = ["Houston Chronicle", "Los Angeles Times", "Miami Herald", "ProPublica", "AP", "Reuters"]


@dataclass
class Generated:
    incidents: int
    evidence: int


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _incident(rng: random.Random, public: bool) -> Incident:
    incident_type = _weighted(rng, TYPE_WEIGHTS)
    state = _weighted(rng, STATE_WEIGHTS)
    city = rng.choice(CITIES.get(state, [f"{state} County"]))
    day = START + datetime.timedelta(days=rng.randrange((END - START).days + 1))
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    age = rng.randint(16, 78)
    headline = HEADLINES[incident_type].format(
        person=person,
        age=age,
        city=city,
        where=rng.choice(WHERE),
        facility=rng.choice(FACILITIES),
        care=rng.choice(CARE),
    )
    sentences = rng.sample(SENTENCES, 3)
    summary = " ".join(s.format(pronoun=rng.choice(["he", "she"])) for s in sentences)
    outcome = (
        Outcome.DIED
        if incident_type == IncidentType.DEATH_DETENTION
        else _weighted(rng, OUTCOME_WEIGHTS)
    )
    headline = f"{headline} {MARKER}"
    return Incident(
        headline=headline,
        slug=slugify(headline)[:SLUG_MAX_LENGTH].strip("-"),
        summary=summary,
        incident_type=incident_type,
        incident_date=day,
        city=city,
        state=state,
        victim_name=person if rng.random() < 0.4 else "",
        victim_age=age if rng.random() < 0.6 else None,
        victim_is_citizen=rng.choice([True, False, None]),
        victim_count=1 if rng.random() < 0.9 else rng.randint(2, 40),
        agent_name=f"Agent {rng.choice(LAST)}"
        if incident_type == IncidentType.AGENT_ARRESTED
        else "",
        outcome=outcome,
        outcome_date=day + datetime.timedelta(days=rng.randrange(1, 60))
        if rng.random() < 0.3
        else None,
        verification_status=_weighted(rng, VERIFICATION_WEIGHTS),
        is_public=public,
        first_published_at=datetime.datetime.combine(
            day + datetime.timedelta(days=rng.randrange(0, 30)), datetime.time(12), datetime.UTC
        )
        if public
        else None,
        created_by=CreatedBy.DATA_IMPORT,
    )


def _video_id(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=11))


def _evidence(rng: random.Random, incident: Incident, count: int) -> list[Evidence]:
    items = []
    for k in range(count):
        captured = incident.incident_date + datetime.timedelta(days=rng.randrange(0, 20))
        if k == 0:
            kind, url = EvidenceType.NEWS_ARTICLE, f"https://{EVIDENCE_HOST}/{incident.pk}/story"
        elif rng.random() < 0.35:
            kind, url = EvidenceType.VIDEO_YOUTUBE, f"https://youtu.be/{_video_id(rng)}"
        elif rng.random() < 0.5:
            kind, url = (
                EvidenceType.COURT_DOCUMENT,
                f"https://{EVIDENCE_HOST}/{incident.pk}/filing-{k}",
            )
        else:
            kind, url = (
                EvidenceType.NEWS_ARTICLE,
                f"https://{EVIDENCE_HOST}/{incident.pk}/follow-up-{k}",
            )
        items.append(
            Evidence(
                incident=incident,
                evidence_type=kind,
                url=url,
                title=f"Source {k + 1}",
                source_name=rng.choice(SOURCES),
                captured_date=captured,
                is_primary=k == 0,
                is_removed=kind == EvidenceType.VIDEO_YOUTUBE and rng.random() < 0.1,
            )
        )
    return items


def generate_incidents(
    *, public: int, drafts: int, evidence_per_incident: int = 3, seed: int = 1
) -> Generated:
    """Bulk-insert `public` published incidents and `drafts` drafts (no history rows)."""
    rng = random.Random(seed)
    flags = [True] * public + [False] * drafts
    rng.shuffle(flags)
    created = Generated(0, 0)
    for start in range(0, len(flags), BATCH_SIZE):
        batch = [_incident(rng, flag) for flag in flags[start : start + BATCH_SIZE]]
        with transaction.atomic():
            Incident.objects.bulk_create(batch)
            evidence = [
                e for incident in batch for e in _evidence(rng, incident, evidence_per_incident)
            ]
            Evidence.objects.bulk_create(evidence)
        created.incidents += len(batch)
        created.evidence += len(evidence)
    bump("incidents")
    return created


def delete_generated() -> int:
    """Remove every synthetic incident and its evidence; returns the number of incidents."""
    synthetic = Incident.objects.filter(headline__endswith=MARKER)
    with transaction.atomic():
        Evidence.objects.filter(incident__in=synthetic).delete()
        _, per_model = synthetic.delete()
    bump("incidents")
    return per_model.get("incidents.Incident", 0)
