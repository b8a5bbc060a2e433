"""Prepared statements for the few hot statements whose best plan does not depend on their values.

Django binds parameters on the client (psycopg's ClientCursor): every statement reaches
PostgreSQL as new text, which it parses and plans again. For the short statements of an
uncached timeline page, the plan can cost more than the run: the page of a one-word search
from SearchPosting takes 0.25 ms to plan and 0.2 ms to run. `prepared_cursor()` gives a cursor
that binds on the server and has psycopg prepare each statement on the connection the first
time it is run there (psycopg keeps up to `prepared_max`, 100, per connection, the least
recently used are deallocated); later runs skip the parsing and, after PostgreSQL's first five
custom plans, the planning. Measured in process on the benchmark's database: 0.30 instead of
0.68 ms for that page, with half the client CPU (no quoting of values into the text).

Only statements whose plan is the same whatever their values take it: they run on their generic
plan (settings: plan_cache_mode), made once, where PostgreSQL's own choice planned some afresh
for each run. A generic plan of a statement whose best plan depends on a value (a common state
against a rare one, with no index made for the combination) could be slow for some values: a
one-word search in a state alone took 2-6 ms on it against 0.3-0.6 planned for the word. Its
callers say which (filters.py), and those run unprepared, planned for their values.

Everything else about the cursor is Django's: the execute wrappers (the statement timeout,
icetracker.middleware) and the errors. When Django logs the queries (DEBUG, or a test or the
benchmark capturing them), the cursor is an ordinary one, so that the log shows each statement
with its values; the rows are the same.

`DB_PREPARED_STATEMENTS=0` turns it off, for a pooler in transaction mode that does not keep
prepared statements (PgBouncer before 1.21, or with max_prepared_statements = 0).
"""

from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper


class PreparingCursor(ServerBindingCursor):
    """psycopg's server-side binding cursor, preparing every statement it runs."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def prepared_cursor(using: str = "default", prepare: bool = True) -> CursorWrapper:
    """A cursor of `using` that runs its statements prepared (PostgreSQL, unless turned off or
    the queries are being logged), or an ordinary cursor (also with `prepare` false: for a
    caller whose statements are prepared or not by their kind)."""
    connection = connections[using]
    if (
        not prepare
        or connection.vendor != "postgresql"
        or not settings.DB_PREPARED_STATEMENTS
        or connection.queries_logged
    ):
        return connection.cursor()
    connection.close_if_health_check_failed()  # as connection.cursor() does
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = PreparingCursor(connection.connection)
    return connection.make_cursor(raw)
