"""For the tests of prepared statements (icetracker.prepared)."""

from django.db import connection


def prepared_statements() -> list[str]:
    """The statements prepared on the test's connection, as PostgreSQL holds them ($1, $2...)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]
