"""The text search's GIN index, rebuilt over published incidents with their state and type.

A search on the timeline or the API almost always comes with a state or a type, and its facet
counts look up the word with each of them. With the word alone in the index, PostgreSQL built
a bitmap of every incident in the state (16,000 of them for Texas at 100,000 incidents) and
another of the type, and intersected them with the word's; with the state and the type in the
same GIN index (the btree_gin extension, trusted since PostgreSQL 13 and shipped with it), each
combination is one index scan. Measured on the benchmark database (100,000 incidents; the
statements of a request, best of three): a timeline search with a state and a type went from
15.8 to 11.4 ms, with a state only from 34.3 to 27.5 ms, an API search with a state from 18.9
to 10.2 ms, and a word alone from 52.5 to 48.7 ms.

PostgreSQL only: on SQLite there is no GIN index and nothing changes.
"""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models

from incidents.migrations._postgres import PostgresOnlyAddIndex, PostgresOnlyRemoveIndex


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0005_facet_counts"),
    ]

    operations = [
        BtreeGinExtension(),
        PostgresOnlyAddIndex(
            model_name="incident",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("is_public", True)),
                fields=["search_vector", "state", "incident_type"],
                name="incident_public_search_gin",
            ),
        ),
        PostgresOnlyRemoveIndex(model_name="incident", name="incident_search_gin"),
    ]
