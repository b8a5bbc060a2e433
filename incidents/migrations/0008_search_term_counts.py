"""Facet counts per search term, kept by PostgreSQL: for each lexeme of the published
incidents' search_vector, one row per combination of facet values, updated by statement-level
triggers in the same transaction as each change to incidents.

A one-word search's facet counts used to read every published incident holding the word (at
100,000 incidents, "agents" is in 60,000 of them, and a search with a state and a type read
15,000 rows: 27 ms); from this table they read a few hundred rows. The triggers see each
statement's rows at once (transition tables), so a bulk insert of incidents adds its terms in
one grouped statement rather than one upsert per term of each row; the rows a statement
touches are upserted in key order, so concurrent edits take their locks in the same order.

Both indexes carry the columns they do not key on (INCLUDE), for index-only scans (Django
declares the primary key without them, so the migration rebuilds it), and
autovacuum visits the table after 2,000 changed rows rather than a fifth of it, as for
FacetCount (migration 0007).

PostgreSQL only: on SQLite, which has no covering indexes, the table is not created
(required_db_features) and the app counts the incidents.
"""

from django.db import migrations, models

from incidents.migrations._postgres import run_on_postgres, running_count_table

TABLE = "incidents_searchtermcount"
KEY = "lexeme, incident_type, state, outcome, verification_status, citizen"
CITIZEN = (
    "CASE WHEN {row}.victim_is_citizen THEN 'yes' WHEN NOT {row}.victim_is_citizen THEN 'no' "
    "ELSE 'unknown' END"
)
# The columns a row's terms and facet values come from.
TRACKED = (
    "is_public, search_vector, incident_type, state, outcome, verification_status, "
    "victim_is_citizen"
)


def terms_of(rows: str, sign: str, where: str = "") -> str:
    """(key, ±1) for each term of each published row of `rows`."""
    return f"""
    SELECT lexeme, r.incident_type, r.state, r.outcome, r.verification_status,
           {CITIZEN.format(row="r")} AS citizen, {sign}1 AS n
    FROM {rows} AS r, unnest(tsvector_to_array(r.search_vector)) AS lexeme
    WHERE r.is_public {where}"""


CREATE, DROP = running_count_table(
    TABLE,
    KEY,
    terms_of,
    TRACKED,
    vacuum_threshold=2000,
    fill=f"""SELECT lexeme, i.incident_type, i.state, i.outcome, i.verification_status,
       {CITIZEN.format(row="i")}, COUNT(*)
FROM incidents_incident AS i, unnest(tsvector_to_array(i.search_vector)) AS lexeme
WHERE i.is_public GROUP BY 1, 2, 3, 4, 5, 6""",
)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0007_facetcount_covering_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTermCount",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "lexeme",
                        "incident_type",
                        "state",
                        "outcome",
                        "verification_status",
                        "citizen",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("lexeme", models.TextField()),
                ("incident_type", models.CharField(max_length=30)),
                ("state", models.CharField(max_length=2)),
                ("outcome", models.CharField(max_length=20)),
                ("verification_status", models.CharField(max_length=10)),
                ("citizen", models.CharField(max_length=7)),
                ("n", models.IntegerField()),
            ],
            options={
                "required_db_features": {"supports_covering_indexes"},
                "indexes": [
                    models.Index(
                        fields=["lexeme", "state", "incident_type"],
                        include=["outcome", "verification_status", "citizen", "n"],
                        name="searchterm_state_idx",
                    )
                ],
            },
        ),
        run_on_postgres(CREATE, DROP),
    ]
