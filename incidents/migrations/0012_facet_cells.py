"""How many published incidents each pair of a type and a state has, kept by PostgreSQL: one row
per pair, updated by statement-level triggers in the same transaction as each change to
incidents (models.FacetCell).

With a state and a type chosen, the timeline's type facet counts the types in the state, and
its state facet the states of the type. From FacetCount, that read every row of the state and
of the type (2,526 for Texas and one type at 100,000 incidents: 0.65-0.73 ms of PostgreSQL's
CPU for the facet counts); from the pairs, 12 and 56 rows (0.10-0.12 ms), measured with
pgbench on the benchmark's database. The API's total for a state reads 12 rows, not 778.

Each statement's changes reach the pairs in one upsert, in key order (so concurrent edits lock
them in the same order). An update that changes none of is_public, type and state does
nothing. autovacuum visits the table after 200 changed rows: it has a few hundred, each
updated by every incident of its pair.

PostgreSQL only: on SQLite the table is not created (required_db_features), as for FacetCount's
other running counts there.
"""

from django.db import migrations, models

from incidents.migrations._postgres import run_on_postgres, running_count_table

TABLE = "incidents_facetcell"
KEY = "incident_type, state"
TRACKED = "is_public, incident_type, state"


def pairs_of(rows: str, sign: str, where: str = "") -> str:
    """(key, ±1) for each published row of `rows`."""
    return f"""
    SELECT r.incident_type, r.state, {sign}1 AS n FROM {rows} AS r WHERE r.is_public {where}"""


CREATE, DROP = running_count_table(
    TABLE,
    KEY,
    pairs_of,
    TRACKED,
    vacuum_threshold=200,
    fill=f"SELECT {KEY}, COUNT(*) FROM incidents_incident WHERE is_public GROUP BY {KEY}",
)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0011_search_term_ids"),
    ]

    operations = [
        migrations.CreateModel(
            name="FacetCell",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "incident_type",
                        "state",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("incident_type", models.CharField(max_length=30)),
                ("state", models.CharField(max_length=2)),
                ("n", models.IntegerField()),
            ],
            options={
                "required_db_features": {"supports_covering_indexes"},
                "indexes": [
                    models.Index(
                        fields=["state", "incident_type"],
                        include=("n",),
                        name="facetcell_state_idx",
                    )
                ],
            },
        ),
        run_on_postgres(CREATE, DROP),
    ]
