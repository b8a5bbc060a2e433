"""For migrations that only touch PostgreSQL (triggers, GIN indexes): on SQLite they do
nothing, and the migration state is the same everywhere. Django's migration loader skips
modules whose name starts with "_"."""

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
