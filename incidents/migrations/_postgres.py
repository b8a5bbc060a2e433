"""For migrations that only touch PostgreSQL (triggers): on SQLite they do nothing, and the
migration state is the same everywhere. Django's migration loader skips modules whose name
starts with "_"."""

from django.db import migrations


def run_on_postgres(forwards: str, backwards: str) -> migrations.RunPython:
    """An operation that executes `forwards` (or `backwards` when unapplied) on PostgreSQL."""

    def execute(sql: str):
        def run(apps, schema_editor) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql)

        return run

    return migrations.RunPython(execute(forwards), execute(backwards), elidable=False)
