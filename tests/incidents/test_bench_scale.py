import pytest

from bench.scale import MARKER, delete_generated, generate_incidents
from incidents import embeds
from incidents.models import Evidence, Incident

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Incident.objects.order_by("id").values_list(
            "headline", "incident_type", "state", "incident_date", "outcome", "is_public"
        )
    )


def test_generator_is_deterministic_realistic_and_removable():
    made = generate_incidents(public=60, drafts=15, evidence_per_incident=3, seed=4)
    assert (made.incidents, made.evidence) == (75, 225)
    first = snapshot()
    assert Incident.objects.published().count() == 60
    assert len({row[1] for row in first}) >= 8  # spread over the types
    assert len({row[2] for row in first}) >= 8  # and the states
    assert all(row[0].endswith(MARKER) for row in first)
    assert all(2017 <= row[3].year <= 2026 for row in first)
    assert Evidence.objects.filter(is_primary=True).count() == 75
    for evidence in Evidence.objects.filter(evidence_type="video_youtube"):
        assert embeds.parse(evidence.url) is not None
    for incident in Incident.objects.all()[:20]:
        incident.full_clean()  # synthetic rows obey the same rules as real ones
    assert Incident.objects.filter(is_public=True, first_published_at__isnull=True).count() == 0

    assert delete_generated() == 75
    assert Incident.objects.count() == 0
    assert Evidence.objects.count() == 0
    generate_incidents(public=60, drafts=15, evidence_per_incident=3, seed=4)
    assert snapshot() == first
