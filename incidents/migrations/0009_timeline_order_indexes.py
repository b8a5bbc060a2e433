"""Indexes for the timeline's and the API's newest-first pages within a state and a type, or a
type alone.

With a state and a type, PostgreSQL walked the state's incidents newest first
(incident_state_date_idx) and skipped those of other types, about 600 rows to find 20 of a
rare type in Texas. Measured on the benchmark database (100,000 incidents): the SQL of the
benchmark's 96 uncached filtered pages (a state and a type each) went from 1.7-1.8 to 1.2-1.5 ms
a page, replayed in process, three rounds each.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0008_search_term_counts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("is_public", True)),
                fields=["state", "incident_type", "-incident_date", "-id"],
                name="incident_public_state_type_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("is_public", True)),
                fields=["incident_type", "-incident_date", "-id"],
                name="incident_public_type_date_idx",
            ),
        ),
    ]
