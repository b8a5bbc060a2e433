"""Full-text search: a weighted tsvector column kept current by a trigger, with a GIN index.

PostgreSQL only: on SQLite the column exists (always NULL) and the index and trigger are
skipped, so the migration applies on both. Weights: headline A, summary B, and the place
(city, state code, state name, location detail) C. The state names are frozen here so that
"Texas" finds incidents in TX.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

from incidents.migrations._postgres import PostgresOnlyAddIndex, run_on_postgres

STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands",
    "MP": "Northern Mariana Islands", "AS": "American Samoa",
}  # fmt: skip

STATE_NAME_SQL = (
    "CASE NEW.state "
    + " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in STATE_NAMES.items())
    + " ELSE '' END"
)

CREATE_TRIGGER = f"""
CREATE OR REPLACE FUNCTION incidents_incident_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.headline, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
    setweight(to_tsvector('english', concat_ws(' ', NEW.city, NEW.state, {STATE_NAME_SQL},
                                               NEW.location_detail)), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER incidents_incident_search_vector_update
  BEFORE INSERT OR UPDATE OF headline, summary, city, state, location_detail
  ON incidents_incident FOR EACH ROW EXECUTE FUNCTION incidents_incident_search_vector();

-- Fire the trigger once for the rows that already exist.
UPDATE incidents_incident SET headline = headline;
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS incidents_incident_search_vector_update ON incidents_incident;
DROP FUNCTION IF EXISTS incidents_incident_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False,
                help_text="Maintained by a PostgreSQL trigger: headline (weight A), summary (B), "
                "city, state and location (C). Always empty on SQLite.",
                null=True,
                verbose_name="search vector",
            ),
        ),
        PostgresOnlyAddIndex(
            model_name="incident",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="incident_search_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("is_public", True)),
                fields=["-first_published_at"],
                name="incident_public_published_idx",
            ),
        ),
        run_on_postgres(CREATE_TRIGGER, DROP_TRIGGER),
    ]
