"""Facet counts kept by PostgreSQL: one row per combination of the facet values of published
incidents, updated by a trigger in the same transaction as each change to an incident.

PostgreSQL only: on SQLite the table exists and stays empty (the app counts the incidents).
"""

from django.db import migrations, models

from incidents.migrations._postgres import run_on_postgres

CITIZEN = "CASE WHEN {row}.victim_is_citizen THEN 'yes' WHEN NOT {row}.victim_is_citizen THEN 'no' ELSE 'unknown' END"
COLUMNS = "incident_type, state, outcome, verification_status, citizen"


def bump(row: str, delta: int) -> str:
    return f"""
    INSERT INTO incidents_facetcount ({COLUMNS}, n)
    VALUES ({row}.incident_type, {row}.state, {row}.outcome, {row}.verification_status,
            {CITIZEN.format(row=row)}, {delta})
    ON CONFLICT ({COLUMNS}) DO UPDATE SET n = incidents_facetcount.n + EXCLUDED.n;"""


CREATE_TRIGGER = f"""
CREATE OR REPLACE FUNCTION incidents_facetcount_update() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.is_public THEN {bump("OLD", -1)}
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.is_public THEN {bump("NEW", 1)}
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER incidents_facetcount_change
  AFTER INSERT OR DELETE
  ON incidents_incident FOR EACH ROW EXECUTE FUNCTION incidents_facetcount_update();

CREATE TRIGGER incidents_facetcount_update
  AFTER UPDATE OF is_public, incident_type, state, outcome, verification_status, victim_is_citizen
  ON incidents_incident FOR EACH ROW
  WHEN ((OLD.is_public, OLD.incident_type, OLD.state, OLD.outcome, OLD.verification_status,
          OLD.victim_is_citizen)
        IS DISTINCT FROM (NEW.is_public, NEW.incident_type, NEW.state, NEW.outcome,
                          NEW.verification_status, NEW.victim_is_citizen))
  EXECUTE FUNCTION incidents_facetcount_update();

-- The incidents that already exist.
INSERT INTO incidents_facetcount ({COLUMNS}, n)
SELECT incident_type, state, outcome, verification_status, {CITIZEN.format(row="i")}, COUNT(*)
FROM incidents_incident AS i WHERE is_public GROUP BY 1, 2, 3, 4, 5;
ANALYZE incidents_facetcount;
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS incidents_facetcount_change ON incidents_incident;
DROP TRIGGER IF EXISTS incidents_facetcount_update ON incidents_incident;
DROP FUNCTION IF EXISTS incidents_facetcount_update();
DELETE FROM incidents_facetcount;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_type_facet_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="FacetCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("incident_type", models.CharField(max_length=30)),
                ("state", models.CharField(max_length=2)),
                ("outcome", models.CharField(max_length=20)),
                ("verification_status", models.CharField(max_length=10)),
                ("citizen", models.CharField(max_length=7)),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("incident_type", "state", "outcome", "verification_status", "citizen"),
                        name="facetcount_one_row_per_combination",
                    )
                ],
                "indexes": [
                    models.Index(fields=["state", "incident_type"], name="facetcount_state_idx")
                ],
            },
        ),
        run_on_postgres(CREATE_TRIGGER, DROP_TRIGGER),
    ]
