import datetime

import factory

from incidents.models import Evidence, EvidenceType, Incident, IncidentType, Outcome, Verification


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    headline = factory.Sequence(lambda n: f"Incident number {n} in Texas")
    # Fixed wording, not Faker's: its English word list made text-search tests flaky.
    summary = factory.Sequence(
        lambda n: f"Summary number {n}: a person was held by immigration agents for hours."
    )
    incident_type = IncidentType.CITIZEN_DETAINED
    incident_date = factory.Sequence(
        lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 300)
    )
    city = "Houston"
    state = "TX"
    outcome = Outcome.RELEASED
    verification_status = Verification.REPORTED
    is_public = True


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    incident = factory.SubFactory(IncidentFactory)
    evidence_type = EvidenceType.NEWS_ARTICLE
    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    title = factory.Sequence(lambda n: f"Story {n}")
    source_name = "Example News"
