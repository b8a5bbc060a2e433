"""get_FOO_display() on incidents and evidence (incidents.models.choice_label)."""

from django.utils import translation

from incidents.models import Evidence, EvidenceType, Incident, IncidentType, Outcome, Verification


def test_choice_labels_are_the_translated_labels():
    incident = Incident(incident_type="ice_killing", outcome="died", verification_status="verified")
    evidence = Evidence(evidence_type="video_youtube")
    for language in ("en", "es"):
        with translation.override(language):
            assert incident.get_incident_type_display() == str(IncidentType.ICE_KILLING.label)
            assert incident.get_outcome_display() == str(Outcome.DIED.label)
            assert incident.get_verification_status_display() == str(Verification.VERIFIED.label)
            assert evidence.get_evidence_type_display() == str(EvidenceType.VIDEO_YOUTUBE.label)


def test_a_value_that_is_not_a_choice_is_shown_as_it_is():
    assert Incident(incident_type="no_such_type").get_incident_type_display() == "no_such_type"
    assert Incident(outcome="").get_outcome_display() == ""
