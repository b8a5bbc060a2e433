"""The published incidents that hold each search term, per state and type, kept by PostgreSQL:
one sorted list of ids (int4[], for the intarray extension's & and icount) per lexeme, state and
type, updated by statement-level triggers in the same transaction as each change to incidents.

A search of several words matches the incidents in all its terms' lists, so its facet counts for
a state and a type come from intersecting a few lists, in C, instead of reading every incident
that holds the words and passes all but one of the chosen facets (6,560 rows for "court order"
in Texas with a type, at 100,000 incidents; 7 to 15 ms).

Each statement's changes reach a list in one upsert, in key order (so concurrent edits lock
lists in the same order): the ids it adds, and the ids it removes written negative, which the
update takes out (intarray's -) before it adds the others (|). An update that changes none of
is_public, search_vector, state and type does nothing. Ids must stay below 2**31 (int4): a
larger one makes the write fail rather than go uncounted.

PostgreSQL only: on SQLite the table is not created (required_db_features), nor the extension.
"""

import django.contrib.postgres.fields
from django.contrib.postgres.operations import CreateExtension
from django.db import migrations, models

from incidents.migrations._postgres import run_on_postgres, statement_triggers, unchanged_in

TABLE = "incidents_searchtermids"
KEY = "lexeme, state, incident_type"
TRACKED = "is_public, search_vector, state, incident_type"


def ids_of(rows: str, sign: str, where: str = "") -> str:
    """(key, ±id) for each term of each published row of `rows`."""
    return f"""
    SELECT lexeme, r.state, r.incident_type, {sign}r.id::int AS id
    FROM {rows} AS r, unnest(tsvector_to_array(r.search_vector)) AS lexeme
    WHERE r.is_public {where}"""


def upsert(changes: str) -> str:
    return f"""
    INSERT INTO {TABLE} ({KEY}, ids)
    SELECT {KEY}, array_agg(id ORDER BY id) FROM ({changes}) AS changes
    GROUP BY {KEY} ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET ids =
      ({TABLE}.ids - ARRAY(SELECT -id FROM unnest(EXCLUDED.ids) AS id WHERE id < 0))
      | ARRAY(SELECT id FROM unnest(EXCLUDED.ids) AS id WHERE id > 0);"""


CREATE_TRIGGERS, DROP_TRIGGERS = statement_triggers(
    "incidents_searchtermids",
    on_insert=upsert(ids_of("new_rows", "")),
    on_delete=upsert(ids_of("old_rows", "-")),
    on_update=upsert(
        ids_of("old_rows", "-", unchanged_in("new_rows", TRACKED))
        + " UNION ALL "
        + ids_of("new_rows", "", unchanged_in("old_rows", TRACKED))
    ),
)

CREATE = f"""
{CREATE_TRIGGERS}

-- The incidents that already exist.
INSERT INTO {TABLE} ({KEY}, ids)
SELECT {KEY}, array_agg(id ORDER BY id) FROM ({ids_of("incidents_incident", "")}) AS existing
GROUP BY {KEY};
ANALYZE {TABLE};
"""

DROP = f"""
{DROP_TRIGGERS}
DELETE FROM {TABLE};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0010_search_postings"),
    ]

    operations = [
        CreateExtension("intarray"),
        migrations.CreateModel(
            name="SearchTermIds",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "lexeme",
                        "state",
                        "incident_type",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("lexeme", models.TextField()),
                ("state", models.CharField(max_length=2)),
                ("incident_type", models.CharField(max_length=30)),
                (
                    "ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.IntegerField(), size=None
                    ),
                ),
            ],
            options={
                "required_db_features": {"supports_covering_indexes"},
            },
        ),
        run_on_postgres(CREATE, DROP),
    ]
