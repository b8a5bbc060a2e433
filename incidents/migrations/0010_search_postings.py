"""A one-word search's order kept ahead, by PostgreSQL: for each lexeme of each published
incident's search_vector, one row with the incident's ts_rank for that lexeme alone, its state,
type and date, kept by statement-level triggers in the same transaction as each change to
incidents.

A search ranked by relevance used to read every published incident in its state and type that
holds the word, to work out ts_rank for each and keep the best 20 (at 100,000 incidents,
"agents" in Texas with a type is a thousand rows, 3 to 4 ms). The primary key, walked
backwards, now gives those 20 in order (0.6 ms for the page with its evidence counts).

`rank` is ts_rank(search_vector, the lexeme as a tsquery), the very value the search computes
when websearch_to_tsquery makes the query into that one lexeme. The lexeme is quoted as
PostgreSQL writes a tsquery out (' and \\ doubled), so any lexeme reads back as itself.

The triggers see each statement's rows at once (transition tables): a row's postings are
removed by their whole key (recomputed from the old row, through the primary key) and added
again when a tracked column changes (is_public, search_vector, state, type or date); an update
that changes none of them does nothing. autovacuum visits the table after 2,000 changed or
inserted rows, so that the index-only scans stay index-only.

PostgreSQL only: on SQLite, which has no covering indexes, the table is not created
(required_db_features) and a search is ranked as before.
"""

from django.db import migrations, models

from incidents.migrations._postgres import run_on_postgres, statement_triggers, unchanged_in

TABLE = "incidents_searchposting"
KEY = "lexeme, state, incident_type, rank, incident_date, incident_id"
# The lexeme as a one-term tsquery: quoted, with \ and ' doubled (tsquery's own output form).
LEXEME_QUERY = r"""('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''')::tsquery"""
# The columns a row's postings come from.
TRACKED = "is_public, search_vector, state, incident_type, incident_date"


def postings_of(rows: str, where: str = "") -> str:
    """The postings of each published row of `rows`."""
    return f"""
    SELECT lexeme, r.state, r.incident_type, ts_rank(r.search_vector, {LEXEME_QUERY}) AS rank,
           r.incident_date, r.id AS incident_id
    FROM {rows} AS r, unnest(tsvector_to_array(r.search_vector)) AS lexeme
    WHERE r.is_public {where}"""


def remove(postings: str) -> str:
    return f"""
    DELETE FROM {TABLE} AS p USING ({postings}) AS gone
    WHERE (p.lexeme, p.state, p.incident_type, p.rank, p.incident_date, p.incident_id)
        = (gone.lexeme, gone.state, gone.incident_type, gone.rank, gone.incident_date,
           gone.incident_id);"""


def add(postings: str) -> str:
    return f"INSERT INTO {TABLE} ({KEY}) {postings};"


CREATE_TRIGGERS, DROP_TRIGGERS = statement_triggers(
    "incidents_searchposting",
    on_insert=add(postings_of("new_rows")),
    on_delete=remove(postings_of("old_rows")),
    on_update=remove(postings_of("old_rows", unchanged_in("new_rows", TRACKED)))
    + "\n    "
    + add(postings_of("new_rows", unchanged_in("old_rows", TRACKED))),
)

CREATE = f"""
ALTER TABLE {TABLE} SET (
  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
  autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000);

{CREATE_TRIGGERS}

-- The incidents that already exist, in key order (the primary key's index fills in order).
INSERT INTO {TABLE} ({KEY})
SELECT * FROM ({postings_of("incidents_incident")}) AS existing ORDER BY {KEY};
ANALYZE {TABLE};
"""

DROP = f"""
{DROP_TRIGGERS}
DELETE FROM {TABLE};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0009_timeline_order_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchPosting",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "lexeme",
                        "state",
                        "incident_type",
                        "rank",
                        "incident_date",
                        "incident_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("lexeme", models.TextField()),
                ("state", models.CharField(max_length=2)),
                ("incident_type", models.CharField(max_length=30)),
                ("rank", models.FloatField()),
                ("incident_date", models.DateField()),
                ("incident_id", models.BigIntegerField()),
            ],
            options={
                "required_db_features": {"supports_covering_indexes"},
                "indexes": [
                    models.Index(
                        fields=["lexeme", "rank", "incident_date", "incident_id"],
                        include=("state", "incident_type"),
                        name="searchposting_rank_idx",
                    )
                ],
            },
        ),
        run_on_postgres(CREATE, DROP),
    ]
