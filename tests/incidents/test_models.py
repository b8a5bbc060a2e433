import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from incidents.models import Evidence, EvidenceType, IncidentType
from tests.incidents.factories import EvidenceFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize(
    "text",
    [
        "Call his sister at (555) 123-4567 for details.",
        "Family reachable at 555.123.4567.",
        "Email the family: relatives@example.org",
        "His brother posts as @brother_handle on social media.",
    ],
)
def test_contact_details_are_refused_in_every_checked_field(text):
    for field in ("summary", "location_detail", "outcome_notes", "why_it_matters"):
        incident = IncidentFactory.build(**{field: text})
        assert field in errors_of(incident), field


@pytest.mark.parametrize(
    "text",
    [
        "Agents came to 1234 Elm Street at dawn.",
        "Taken from 12 N. Oak Ave in the morning.",
        "She lived at 4410 W Maple Dr Apt 3.",
        "Detained at her home, Unit 5B.",
    ],
)
def test_street_addresses_are_refused(text):
    assert "summary" in errors_of(IncidentFactory.build(summary=text))


@pytest.mark.parametrize(
    "text",
    [
        "Handcuffed near Cermak Rd & Harlem Ave without a warrant.",
        "Shot near 26th St & Nicollet Ave during an operation.",
        "Held 10 hours at the Broadview processing center; 3 agents were present.",
    ],
)
def test_public_places_and_numbers_are_allowed(text):
    IncidentFactory.build(summary=text).full_clean()


def test_agent_name_only_on_agent_arrested_incidents():
    incident = IncidentFactory.build(agent_name="Officer Example")
    assert "agent_name" in errors_of(incident)
    IncidentFactory.build(
        incident_type=IncidentType.AGENT_ARRESTED, agent_name="Officer Example"
    ).full_clean()


def test_database_refuses_agent_name_outside_agent_arrested_even_without_validation():
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentFactory(agent_name="Officer Example")


def test_outcome_cannot_precede_incident_and_date_cannot_be_in_the_future():
    incident = IncidentFactory.build(
        incident_date=datetime.date(2025, 5, 1), outcome_date=datetime.date(2025, 4, 1)
    )
    assert "outcome_date" in errors_of(incident)
    future = IncidentFactory.build(incident_date=timezone.localdate() + datetime.timedelta(days=2))
    assert "incident_date" in errors_of(future)


def test_slug_is_set_once_and_kept_when_the_headline_changes():
    incident = IncidentFactory(headline="Father detained at a school gate")
    assert incident.slug == "father-detained-at-a-school-gate"
    incident.headline = "Father of three detained at a school gate in Houston"
    incident.save()
    incident.refresh_from_db()
    assert incident.slug == "father-detained-at-a-school-gate"
    assert (
        incident.get_absolute_url() == f"/incidents/{incident.pk}-father-detained-at-a-school-gate/"
    )


def test_first_published_at_is_set_when_first_public():
    draft = IncidentFactory(is_public=False)
    assert draft.first_published_at is None
    draft.is_public = True
    draft.save()
    assert draft.first_published_at is not None


def test_evidence_stats_count_evidence_and_live_videos_only():
    incident = IncidentFactory()
    EvidenceFactory(incident=incident)
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://youtu.be/dQw4w9WgXcQ",
        is_removed=True,
    )
    other = IncidentFactory()
    EvidenceFactory(
        incident=other,
        evidence_type=EvidenceType.VIDEO_TIKTOK,
        url="https://www.tiktok.com/@a/video/7301234567890123456",
    )
    empty = IncidentFactory()
    stats = {
        i.pk: (i.evidence_count, i.has_video) for i in type(incident).objects.with_evidence_stats()
    }
    assert stats[incident.pk] == (2, False)
    assert stats[other.pk] == (1, True)
    assert stats[empty.pk] == (0, False)


def test_video_evidence_must_be_an_embeddable_url_of_its_provider():
    incident = IncidentFactory()
    wrong = Evidence(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://youtube.com.evil.org/watch?v=dQw4w9WgXcQ",
    )
    assert "url" in errors_of(wrong)
    tiktok_as_youtube = Evidence(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://www.tiktok.com/@a/video/7301234567890123456",
    )
    assert "url" in errors_of(tiktok_as_youtube)
    Evidence(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://www.youtube.com/shorts/dQw4w9WgXcQ",
    ).full_clean()


def test_removal_date_needs_the_removed_flag():
    evidence = EvidenceFactory.build(
        incident=IncidentFactory(), removed_date=datetime.date(2025, 1, 2)
    )
    assert "removed_date" in errors_of(evidence)


def test_evidence_is_protected_from_incident_deletion():
    from django.db.models import ProtectedError

    evidence = EvidenceFactory()
    with pytest.raises(ProtectedError):
        evidence.incident.delete()
