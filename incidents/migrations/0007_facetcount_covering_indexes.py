"""FacetCount's two indexes carry the columns the facet counts read, for index-only scans.

The timeline's facet counts and the API's total read FacetCount rows by state (through
facetcount_state_idx) or by type (through the unique constraint's index), and then each row
from the table for its other values and n. With those columns in the indexes (INCLUDE: not
part of the key, so the unique constraint and the trigger's ON CONFLICT are unchanged),
PostgreSQL reads them from the index alone, for every page of the table that VACUUM has marked
all-visible. Measured on the benchmark database (100,000 incidents), the FacetCount statements
of the benchmark's 96 uncached filtered pages and of its API list, best of seven each under
EXPLAIN ANALYZE, two rounds: 1.26 and 1.24 ms a statement on average without, 0.82 and 0.78 ms
with. Under load that is about 0.4 ms of a filtered page's 11 ms of CPU: within the noise of
`make bench` on the machine it was measured on.

Every change to an incident rewrites a FacetCount row, and a rewritten page is read from the
table again until the next VACUUM; so that a burst of edits does not linger, autovacuum runs
on this small table after 200 changed rows instead of a fifth of the table (3,000 rows at
100,000 incidents).

PostgreSQL only (FacetCount is unused on SQLite); the migration state does not change: the
model declares the same key columns.
"""

from django.db import migrations

from incidents.migrations._postgres import run_on_postgres

KEY = "incident_type, state, outcome, verification_status, citizen"

COVERING = f"""
DROP INDEX facetcount_state_idx;
CREATE INDEX facetcount_state_idx ON incidents_facetcount (state, incident_type)
  INCLUDE (outcome, verification_status, citizen, n);
ALTER TABLE incidents_facetcount
  DROP CONSTRAINT facetcount_one_row_per_combination,
  ADD CONSTRAINT facetcount_one_row_per_combination UNIQUE ({KEY}) INCLUDE (n);
ALTER TABLE incidents_facetcount
  SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 200);
"""

PLAIN = f"""
DROP INDEX facetcount_state_idx;
CREATE INDEX facetcount_state_idx ON incidents_facetcount (state, incident_type);
ALTER TABLE incidents_facetcount
  DROP CONSTRAINT facetcount_one_row_per_combination,
  ADD CONSTRAINT facetcount_one_row_per_combination UNIQUE ({KEY});
ALTER TABLE incidents_facetcount
  RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_search_index_with_filters"),
    ]

    operations = [run_on_postgres(COVERING, PLAIN)]
