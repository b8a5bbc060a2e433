import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from incidents import services
from incidents.models import Evidence, Incident
from tests.incidents.factories import EvidenceFactory, IncidentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/incidents/incident/"
ADD = "/admin/incidents/incident/add/"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.REQUIRE_2FA = False


def staff(username: str, role: str):
    user = get_user_model().objects.create_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor():
    return staff("editor", "Editor")


@pytest.fixture
def contributor():
    return staff("contributor", "Contributor")


def form_data(**overrides) -> dict[str, str]:
    data = {
        "headline": "Woman detained at a bus stop",
        "summary": "She was held for six hours.",
        "incident_type": "citizen_detained",
        "incident_date": "2025-04-02",
        "city": "Houston",
        "state": "TX",
        "victim_count": "1",
        "outcome": "released",
        "verification_status": "reported",
        "victim_is_citizen": "unknown",
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "evidence-0-evidence_type": "news_article",
        "evidence-0-url": "https://news.example.org/bus-stop",
        "evidence-0-source_name": "Example News",
        "evidence-0-is_primary": "on",
    }
    data.update(overrides)
    return data


def test_editor_adds_an_incident_with_evidence_and_publishes_it(client, editor):
    client.force_login(editor)
    response = client.post(ADD, form_data(is_public="on"))
    assert response.status_code == 302, response.context and response.context["errors"]
    incident = Incident.objects.get()
    assert incident.is_public
    assert incident.first_published_at
    assert incident.evidence.get().source_name == "Example News"
    assert incident.history.first().history_user == editor


def test_contributor_cannot_publish_from_the_form(client, contributor):
    client.force_login(contributor)
    page = client.get(ADD).content.decode()
    assert 'name="is_public"' not in page
    response = client.post(ADD, form_data(is_public="on"))
    assert response.status_code == 302
    assert Incident.objects.get().is_public is False


def test_validation_errors_show_on_the_form_and_nothing_is_saved(client, editor):
    client.force_login(editor)
    response = client.post(
        ADD,
        form_data(
            summary="Call her at 555-123-4567.",
            agent_name="Officer Jones",
            **{"evidence-0-url": "not a url"},
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Remove contact details" in html
    assert "agent&#x27;s name may only be recorded" in html or "agent's name may only" in html
    assert Incident.objects.count() == 0
    assert Evidence.objects.count() == 0


def test_a_bad_evidence_row_saves_nothing_at_all(client, editor):
    client.force_login(editor)
    data = form_data(
        **{
            "evidence-TOTAL_FORMS": "2",
            "evidence-1-evidence_type": "video_youtube",
            "evidence-1-url": "https://youtube.com.evil.org/watch?v=dQw4w9WgXcQ",
        }
    )
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "not a YouTube video address" in response.content.decode()
    assert Incident.objects.count() == 0


def test_two_primary_sources_are_a_form_error_not_a_crash(client, editor):
    client.force_login(editor)
    data = form_data(
        **{
            "evidence-TOTAL_FORMS": "2",
            "evidence-1-evidence_type": "news_article",
            "evidence-1-url": "https://news.example.org/other",
            "evidence-1-is_primary": "on",
        }
    )
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert "Only one piece of evidence can be the primary evidence." in response.content.decode()
    assert Incident.objects.count() == 0


def test_publish_action_for_editors_only(client, editor, contributor):
    drafts = IncidentFactory.create_batch(2, is_public=False)
    client.force_login(contributor)
    page = client.get(CHANGELIST).content.decode()
    assert "publish_selected" not in page
    client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [d.pk for d in drafts]}
    )
    assert Incident.objects.filter(is_public=True).count() == 0

    client.force_login(editor)
    assert "publish_selected" in client.get(CHANGELIST).content.decode()
    response = client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [d.pk for d in drafts]},
        follow=True,
    )
    assert "2 incidents published." in response.content.decode()
    assert Incident.objects.filter(is_public=True).count() == 2
    client.post(CHANGELIST, {"action": "unpublish_selected", "_selected_action": [drafts[0].pk]})
    assert Incident.objects.filter(is_public=True).count() == 1


def test_publishing_an_invalid_draft_publishes_nothing(client, editor):
    good = IncidentFactory(is_public=False)
    bad = IncidentFactory(is_public=False)
    Incident.objects.filter(pk=bad.pk).update(summary="Reach the family at family@example.org")
    client.force_login(editor)
    response = client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    assert "Nothing was published" in response.content.decode()
    assert Incident.objects.filter(is_public=True).count() == 0


def test_services_check_the_permission(contributor, editor):
    incident = IncidentFactory(is_public=False)
    with pytest.raises(PermissionDenied):
        services.publish(incident=incident, user=contributor)
    assert services.publish(incident=incident, user=editor).is_public
    record = incident.history.first()
    assert record.history_user == editor
    assert record.history_change_reason == "published"
    assert not services.unpublish(incident=incident, user=editor).is_public


def test_services_refuse_to_publish_invalid_incidents(editor):
    incident = IncidentFactory(is_public=False)
    Incident.objects.filter(pk=incident.pk).update(location_detail="1234 Elm Street")
    with pytest.raises(ValidationError):
        services.publish(incident=incident, user=editor)
    incident.refresh_from_db()
    assert incident.is_public is False


def test_changelist_search_filters_and_date_hierarchy(client, editor):
    IncidentFactory(headline="Raid at a church in Houston")
    IncidentFactory(headline="Other", summary="Nothing to find here.", city="Dallas")
    client.force_login(editor)
    page = client.get(CHANGELIST, {"q": "church"}).content.decode()
    assert "Raid at a church in Houston" in page
    assert ">Other<" not in page
    page = client.get(CHANGELIST, {"incident_date__year": "2025", "is_public__exact": "1"})
    assert page.status_code == 200


@pytest.mark.parametrize("rows", [3, 40])
def test_changelist_query_count_does_not_grow(client, editor, django_assert_num_queries, rows):
    for _ in range(rows):
        EvidenceFactory(incident=IncidentFactory())
    client.force_login(editor)
    # session, user, permissions (2), filtered count, total count, page rows (with evidence
    # counts), date hierarchy (range, then the distinct dates at the chosen level)
    with django_assert_num_queries(9):
        response = client.get(CHANGELIST)
    assert response.status_code == 200


def test_history_page_lists_changes_with_their_editor(client, editor):
    client.force_login(editor)
    client.post(ADD, form_data())
    incident = Incident.objects.get()
    response = client.post(
        f"/admin/incidents/incident/{incident.pk}/change/",
        form_data(summary="Fixed.", **{"evidence-TOTAL_FORMS": "0"}),
    )
    assert response.status_code == 302
    page = client.get(f"/admin/incidents/incident/{incident.pk}/history/")
    assert page.status_code == 200
    assert incident.history.count() == 2
    assert "editor" in page.content.decode()


def test_a_second_primary_next_to_a_stored_one_is_a_form_error(client, editor):
    incident = IncidentFactory()
    EvidenceFactory(incident=incident, is_primary=True, url="https://news.example.org/first")
    client.force_login(editor)
    data = form_data(**{"evidence-0-url": "https://news.example.org/second"})
    response = client.post(f"/admin/incidents/incident/{incident.pk}/change/", data)
    assert response.status_code == 200
    assert "Only one piece of evidence can be the primary evidence." in response.content.decode()
    assert incident.evidence.count() == 1
