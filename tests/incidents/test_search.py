import pytest

from incidents.models import Incident
from tests.incidents.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    return [i.headline for i in Incident.objects.published().search(query).order_by("headline")]


@pytest.fixture
def incidents():
    IncidentFactory(
        headline="Teenager detained outside a school",
        summary="Agents waited at the gate.",
        city="Houston",
        state="TX",
    )
    IncidentFactory(
        headline="Worker arrested at a car wash",
        summary="A raid at the car wash in the morning; a teenager was among those held.",
        city="Chicago",
        state="IL",
    )
    IncidentFactory(
        headline="Farmworkers held after a raid",
        summary="Several people were held.",
        city="Camarillo",
        state="CA",
        location_detail="Glass House Farms",
    )
    IncidentFactory(headline="Draft about a school", is_public=False)


@pytest.mark.parametrize("query", ["the", "the and of", "!!!", "  ...  ", "-raid", "?"])
def test_queries_without_a_word_to_look_for_find_nothing(incidents, query):
    assert found(query) == []


def test_blank_query_filters_nothing(incidents):
    assert len(found("   ")) == 3


def test_words_are_all_required_and_searched_in_headline_summary_and_place(incidents):
    assert found("school") == ["Teenager detained outside a school"]
    assert found("car wash") == ["Worker arrested at a car wash"]
    assert found("Camarillo") == ["Farmworkers held after a raid"]
    assert found("Glass House") == ["Farmworkers held after a raid"]
    assert found("raid -farmworkers") == ["Worker arrested at a car wash"]
    assert found("school houston") == ["Teenager detained outside a school"]
    assert found("school chicago") == []


def test_state_names_find_incidents_in_that_state(incidents):
    assert found("Texas") == ["Teenager detained outside a school"]
    assert found("illinois wash") == ["Worker arrested at a car wash"]


def test_drafts_are_never_searched(incidents):
    assert "Draft about a school" not in found("draft")


@pytest.mark.postgres
def test_postgres_ranks_headline_above_summary(client, incidents):
    response = client.get("/incidents/", {"q": "teenager"})
    ranked = [row["headline"] for row in response.context["incidents"]]
    assert ranked == ["Teenager detained outside a school", "Worker arrested at a car wash"]
    assert response.context["sort"] == "relevance"


@pytest.mark.postgres
def test_postgres_websearch_syntax_phrases_or_and_stemming(incidents):
    assert found('"car wash"') == ["Worker arrested at a car wash"]
    assert found('"wash car"') == []
    assert found("school or farmworkers") == [
        "Farmworkers held after a raid",
        "Teenager detained outside a school",
    ]
    assert found("arrests") == ["Worker arrested at a car wash"]  # english stemming
    assert found('"unbalanced') == []


@pytest.mark.postgres
def test_postgres_search_vector_is_kept_current_by_the_trigger(incidents):
    incident = Incident.objects.get(headline__startswith="Teenager")
    incident.summary = "Later reports mention a bus stop."
    incident.save()
    assert found("bus stop") == ["Teenager detained outside a school"]
    Incident.objects.filter(pk=incident.pk).update(city="Laredo")  # bulk writes too
    assert found("laredo") == ["Teenager detained outside a school"]


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index_with_the_state_and_type():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'incident_public_search_gin'"
        )
        (definition,) = cursor.fetchone()
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'incident_search_gin'")
        assert cursor.fetchone() is None  # replaced (migration 0006)
    assert "USING gin (search_vector, state, incident_type) WHERE is_public" in definition
    # A tiny table is scanned sequentially, or through any other index: forbid the one and
    # drop the others (in the test's transaction, rolled back after it) to see what the GIN
    # index can do.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'incidents_incident' "
            "AND indexname NOT IN ('incident_public_search_gin', 'incidents_incident_pkey')"
        )
        others = [name for (name,) in cursor.fetchall()]
        cursor.execute(f"DROP INDEX {', '.join(others)}")
    published = Incident.objects.published()
    plan = published.search("school").explain()
    assert "Bitmap Index Scan on incident_public_search_gin" in plan
    # The word, the state and the type are all conditions of one scan of it.
    lines = published.search("school").filter(state="TX", incident_type="vehicle").explain()
    lines = lines.splitlines()
    at = next(
        i for i, line in enumerate(lines) if "Index Scan on incident_public_search_gin" in line
    )
    condition = lines[at + 1]
    assert "Index Cond:" in condition
    assert "search_vector @@" in condition
    assert "state" in condition
    assert "incident_type" in condition
