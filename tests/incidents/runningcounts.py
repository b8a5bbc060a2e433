"""For the tests of PostgreSQL's running counts (FacetCount, SearchTermCount): random changes
to incidents, and how the counting statements read the table."""

import random
from collections.abc import Callable

from django.db import connection

from incidents.filters import IncidentFilter
from incidents.models import Incident, Outcome
from tests.incidents.factories import IncidentFactory


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


def counting_scans(filterset: IncidentFilter, table: str) -> list[str]:
    """How the filterset's facet-count and total statements read `table`, one plan line per
    scan of it, with sequential and bitmap scans turned off (an index-only scan is possible
    when an index carries every column a statement reads)."""
    statements = [filterset._facet_counts_sql(), filterset._counted_rows_sql(exclude=())]
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
