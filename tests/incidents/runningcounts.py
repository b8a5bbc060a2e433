"""For the tests of what PostgreSQL keeps from the incidents by triggers (FacetCount,
SearchTermCount, SearchPosting, SearchTermIds): random changes to incidents, checks that the
kept rows always equal a recount, and how the counting statements read the table."""

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.db import connection

from incidents.filters import IncidentFilter
from incidents.models import Incident, IncidentType, Outcome, Verification
from tests.incidents.factories import IncidentFactory

WORDS = ["agents", "courthouse", "school", "raid", "detained", "judge", "hospital", "church"]
STATES = ["TX", "CA", "IL", ""]
TYPES = [IncidentType.DEATH_DETENTION, IncidentType.CITIZEN_DETAINED, IncidentType.ICE_KILLING]


def searchable_values(rng: random.Random) -> dict:
    """An incident's fields: words of WORDS (some repeated, so that ranks differ), a place, a
    date among few (ties), facet values, and published seven times in ten."""

    def text() -> str:
        return " ".join(rng.choices(WORDS, k=rng.randint(1, 5)))

    return {
        "headline": text(),
        "summary": text(),
        "city": rng.choice(["Houston", "El Paso", ""]),
        "state": rng.choice(STATES),
        "incident_type": rng.choice(TYPES),
        "incident_date": datetime.date(2025, rng.randint(1, 3), rng.randint(1, 3)),
        "outcome": rng.choice([Outcome.RELEASED, Outcome.DIED, Outcome.DEPORTED]),
        "verification_status": rng.choice(Verification.values),
        "victim_is_citizen": rng.choice([True, False, None]),
        "is_public": rng.random() < 0.7,
    }


def searchable_incidents(seed: int, count: int) -> None:
    """`count` incidents of searchable_values() in Texas or California, for the searches'
    tests."""
    rng = random.Random(seed)
    for _ in range(count):
        values = searchable_values(rng)
        values["state"] = rng.choice(["TX", "CA"])
        IncidentFactory(**values)


def change_outcome(incident: Incident, step: int) -> None:
    """An edit of nothing the search's tables hold (the outcome is a facet only FacetCount and
    SearchTermCount count)."""
    incident.outcome = [Outcome.RELEASED, Outcome.DIED][step % 2]


def follows_every_change(
    seed: int,
    kept: Callable[[], Any],
    recount: Callable[[], Any],
    values: Callable[[random.Random], dict],
    unrelated_edit: Callable[[Incident, int], None],
    start: int = 25,
) -> None:
    """`kept()` (the table) equals `recount()` (from the incidents) after `start` incidents and
    after each batch of random edits (edit_at_random)."""
    rng = random.Random(seed)
    incidents = [IncidentFactory(**values(rng)) for _ in range(start)]
    assert kept() == recount()
    assert kept()  # the test has something to compare

    def check(step: int) -> None:
        assert kept() == recount(), step

    edit_at_random(rng, incidents, values, unrelated_edit, check)


def follows_bulk_statements(
    seed: int,
    kept: Callable[[], Any],
    recount: Callable[[], Any],
    values: Callable[[random.Random], dict],
) -> None:
    """`kept()` equals `recount()` after each of bulk_statements()."""

    def check(what: str) -> None:
        assert kept() == recount(), what

    bulk_statements(random.Random(seed), values, check)


def edit_at_random(
    rng: random.Random,
    incidents: list[Incident],
    values: Callable[[random.Random], dict],
    unrelated_edit: Callable[[Incident, int], None],
    check: Callable[[int], None],
    steps: int = 120,
) -> None:
    """Edit, re-save unchanged, delete and create incidents at random, `steps` times, with
    `check(step)` every 20 steps and at the end. `values(rng)` gives an incident's fields (some
    of them are set on an edit); `unrelated_edit` changes a field the counts do not depend on."""
    for step in range(steps):
        incident = rng.choice(incidents)
        action = rng.random()
        if action < 0.5:  # some of the values at once, publishing or unpublishing among them
            for field, value in values(rng).items():
                if rng.random() < 0.5:
                    setattr(incident, field, value)
            incident.save()
        elif action < 0.6:
            unrelated_edit(incident, step)
            incident.save()
        elif action < 0.7 and len(incidents) > 5:
            incident.delete()
            incidents.remove(incident)
        else:
            incidents.append(IncidentFactory(**values(rng)))
        if step % 20 == 0:
            check(step)
    check(steps)


def counting_scans(filterset: IncidentFilter, table: str, *, cells: bool = False) -> list[str]:
    """How the filterset's facet-count and total statements read `table`, one plan line per
    scan of it, with sequential and bitmap scans turned off (an index-only scan is possible
    when an index carries every column a statement reads); the total from the pairs of a type
    and a state with `cells`."""
    statements = [
        filterset._facet_counts_sql(),
        filterset._counted_rows_sql(exclude=(), cells=cells),
    ]
    scans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for sql, params in statements:
            cursor.execute("EXPLAIN " + sql, params)
            found = [
                row[0].strip().removeprefix("->").strip()
                for row in cursor.fetchall()
                if f"on {table}" in row[0]
            ]
            assert found, sql
            scans += found
    return scans


def bulk_statements(
    rng: random.Random, values: Callable[[random.Random], dict], check: Callable[[str], None]
) -> None:
    """A bulk insert, then queryset updates and deletes and straight SQL (which goes through
    the triggers too), each followed by `check(what)`. `values(rng)` gives an incident's fields;
    some have the state "", TX, CA or IL."""
    Incident.objects.bulk_create([IncidentFactory.build(**values(rng)) for _ in range(40)])
    check("bulk insert")
    Incident.objects.filter(state="TX").update(is_public=True, outcome=Outcome.DIED)
    check("publish and change a facet")
    Incident.objects.filter(state="CA").update(headline="Hospital vigil")
    check("change the words")
    Incident.objects.filter(state="IL").update(is_public=False)
    check("unpublish")
    Incident.objects.filter(state="").delete()
    check("delete")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_incident SET victim_is_citizen = NULL")
        check("SQL update")
        cursor.execute("UPDATE incidents_incident SET summary = summary")
        check("SQL update that changes nothing")
        cursor.execute("DELETE FROM incidents_incident WHERE state = 'TX'")
        check("SQL delete")
