"""For migrations that only touch PostgreSQL (triggers, GIN indexes): on SQLite they do
nothing, and the migration state is the same everywhere. Django's migration loader skips
modules whose name starts with "_"."""

from collections.abc import Callable

from django.db import migrations


def run_on_postgres(forwards: str, backwards: str) -> migrations.RunPython:
    """An operation that executes `forwards` (or `backwards` when unapplied) on PostgreSQL."""

    def execute(sql: str):
        def run(apps, schema_editor) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql)

        return run

    return migrations.RunPython(execute(forwards), execute(backwards), elidable=False)


class PostgresOnly:
    """A schema operation that only touches PostgreSQL; the migration state is the same
    everywhere (mixed into AddIndex or RemoveIndex)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class PostgresOnlyAddIndex(PostgresOnly, migrations.AddIndex):
    pass


class PostgresOnlyRemoveIndex(PostgresOnly, migrations.RemoveIndex):
    pass


def unchanged_in(other: str, tracked: str) -> str:
    """For a statement-level trigger on incidents: a condition on an update's row `r` that
    `other` (the statement's other transition table, `o`) holds alike in every column of
    `tracked` (a comma-separated list), so that the row neither leaves nor joins anything."""
    columns = [column.strip() for column in tracked.split(",")]
    mine = ", ".join(f"r.{column}" for column in columns)
    theirs = ", ".join(f"o.{column}" for column in columns)
    return f"""AND NOT EXISTS (
      SELECT 1 FROM {other} AS o WHERE o.id = r.id AND ({theirs}) IS NOT DISTINCT FROM ({mine}))"""


def statement_triggers(
    name: str, on_insert: str, on_delete: str, on_update: str
) -> tuple[str, str]:
    """The function `{name}_update()`, which runs the statements `on_insert`, `on_delete` or
    `on_update` by the kind of statement, and the three statement-level triggers on
    incidents_incident (insert, delete, update, with their transition tables new_rows and
    old_rows) that run it; and the statements that drop the triggers and the function."""
    create = f"""CREATE OR REPLACE FUNCTION {name}_update() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {on_insert}
  ELSIF TG_OP = 'DELETE' THEN {on_delete}
  ELSE {on_update}
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER {name}_insert
  AFTER INSERT ON incidents_incident REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {name}_update();
CREATE TRIGGER {name}_delete
  AFTER DELETE ON incidents_incident REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {name}_update();
CREATE TRIGGER {name}_update
  AFTER UPDATE ON incidents_incident REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION {name}_update();"""
    drop = f"""DROP TRIGGER IF EXISTS {name}_insert ON incidents_incident;
DROP TRIGGER IF EXISTS {name}_delete ON incidents_incident;
DROP TRIGGER IF EXISTS {name}_update ON incidents_incident;
DROP FUNCTION IF EXISTS {name}_update();"""
    return create, drop


def count_upsert(table: str, key: str, deltas: str) -> str:
    """Add the `deltas` (rows of `key`'s columns and n, ±1 each) to `table`'s running counts:
    one upsert per statement, grouped by key and in key order (so concurrent edits lock the
    rows in the same order); a key whose changes cancel out is left alone."""
    return f"""
    INSERT INTO {table} ({key}, n)
    SELECT {key}, SUM(n) FROM ({deltas}) AS deltas
    GROUP BY {key} HAVING SUM(n) <> 0 ORDER BY {key}
    ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + EXCLUDED.n;"""


def running_count_triggers(
    table: str, key: str, rows_of: Callable[..., str], tracked: str
) -> tuple[str, str]:
    """statement_triggers() named after `table` that keep its running counts by `key`:
    `rows_of(rows, sign, where="")` selects (key, ±1) for each published row of a transition
    table; an update counts out the old rows and in the new ones whose `tracked` columns
    changed."""
    return statement_triggers(
        table,
        on_insert=count_upsert(table, key, rows_of("new_rows", "+")),
        on_delete=count_upsert(table, key, rows_of("old_rows", "-")),
        on_update=count_upsert(
            table,
            key,
            rows_of("old_rows", "-", unchanged_in("new_rows", tracked))
            + " UNION ALL "
            + rows_of("new_rows", "+", unchanged_in("old_rows", tracked)),
        ),
    )


def running_count_table(
    table: str,
    key: str,
    rows_of: Callable[..., str],
    tracked: str,
    *,
    vacuum_threshold: int,
    fill: str,
) -> tuple[str, str]:
    """The SQL that makes `table` (created by the migration's CreateModel) running counts by
    `key`: its primary key rebuilt to carry n (INCLUDE: index-only scans; Django declares it
    without), autovacuum after `vacuum_threshold` changed rows rather than a fraction of the
    table, running_count_triggers(), and the counts of the incidents that already exist
    (`fill`, a SELECT of the key's columns and the count); and the SQL that undoes it."""
    create_triggers, drop_triggers = running_count_triggers(table, key, rows_of, tracked)
    create = f"""
ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, ADD PRIMARY KEY ({key}) INCLUDE (n);
ALTER TABLE {table}
  SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = {vacuum_threshold});

{create_triggers}

-- The incidents that already exist.
INSERT INTO {table} ({key}, n)
{fill};
ANALYZE {table};
"""
    drop = f"""
{drop_triggers}
DELETE FROM {table};
"""
    return create, drop
