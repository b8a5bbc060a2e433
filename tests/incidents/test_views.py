import datetime

import pytest
from django.db import connection
from django.urls import reverse

from incidents.models import EvidenceType, IncidentType, Outcome, Verification
from tests.incidents.factories import EvidenceFactory, IncidentFactory

pytestmark = pytest.mark.django_db

LIST = "/incidents/"


def headlines(response) -> list[str]:
    return [row["headline"] for row in response.context["incidents"]]


def test_list_shows_published_incidents_only_with_card_details(client):
    incident = IncidentFactory(
        headline="Citizen held for ten hours",
        city="Berwyn",
        state="IL",
        outcome=Outcome.RELEASED,
        verification_status=Verification.VERIFIED,
        incident_date=datetime.date(2025, 1, 31),
    )
    EvidenceFactory(incident=incident)
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://youtu.be/dQw4w9WgXcQ",
    )
    IncidentFactory(headline="Secret draft", is_public=False)
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Citizen held for ten hours" in html
    assert "Secret draft" not in html
    assert '<time datetime="2025-01-31">' in html
    assert "Berwyn, IL" in html
    assert "US citizen detained" in html
    assert '<span class="badge badge-verified">Verified</span>' in html
    assert "Outcome: Released" in html
    assert "2 sources" in html
    assert 'class="video-mark' in html
    assert incident.get_absolute_url() in html


def test_filters_combine_and_validate(client):
    IncidentFactory(headline="Texas death", state="TX", incident_type=IncidentType.DEATH_DETENTION)
    IncidentFactory(headline="Texas detention", state="TX")
    IncidentFactory(headline="Ohio detention", state="OH")
    IncidentFactory(headline="Citizen unknown", state="OH", victim_is_citizen=None)
    IncidentFactory(headline="Citizen yes", state="OH", victim_is_citizen=True)
    response = client.get(LIST, {"state": "TX", "type": "citizen_detained"})
    assert headlines(response) == ["Texas detention"]
    assert headlines(client.get(LIST, {"citizen": "yes"})) == ["Citizen yes"]
    assert "Citizen unknown" in headlines(client.get(LIST, {"citizen": "unknown"}))


def test_date_range_and_sorting(client):
    old = IncidentFactory(headline="Old", incident_date=datetime.date(2019, 3, 1))
    IncidentFactory(headline="Middle", incident_date=datetime.date(2022, 3, 1))
    IncidentFactory(headline="New", incident_date=datetime.date(2025, 3, 1))
    assert headlines(client.get(LIST)) == ["New", "Middle", "Old"]
    assert headlines(client.get(LIST, {"sort": "oldest"})) == ["Old", "Middle", "New"]
    old.summary = "Corrected."
    old.save()
    assert headlines(client.get(LIST, {"sort": "updated"}))[0] == "Old"
    response = client.get(LIST, {"date_after": "2020-01-01", "date_before": "2023-12-31"})
    assert headlines(response) == ["Middle"]


@pytest.mark.parametrize(
    "params",
    [
        {"state": "ZZ"},
        {"type": "abduction"},
        {"date_after": "yesterday"},
        {"date_after": "2025-05-01", "date_before": "2025-01-01"},
        {"page": "abc"},
        {"limit": "0"},
        {"q": "x" * 201},
        {"citizen": "maybe"},
        {"sort": "random"},
    ],
)
def test_invalid_filters_show_the_error_and_no_incidents(client, params):
    IncidentFactory(headline="Visible normally")
    response = client.get(LIST, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Visible normally" not in html


def test_facet_counts_count_published_incidents_given_the_other_filters(client):
    IncidentFactory(state="TX", incident_type=IncidentType.DEATH_DETENTION)
    IncidentFactory(state="TX")
    IncidentFactory(state="CA")
    IncidentFactory(state="TX", is_public=False)
    response = client.get(LIST, {"state": "TX"})
    facets = response.context["facets"]
    by_value = {o["value"]: o for o in facets["state"]["options"]}
    # the state facet ignores the state filter itself, so other states stay reachable
    assert by_value["TX"]["count"] == 2
    assert by_value["TX"]["selected"]
    assert by_value["CA"]["count"] == 1
    types = {o["value"]: o["count"] for o in facets["type"]["options"]}
    assert types["death_detention"] == 1
    assert types["citizen_detained"] == 1
    assert "Texas (2)</option>" in response.content.decode()


def test_pagination_keeps_filters_and_caps_page_size(client):
    for day in range(25):
        IncidentFactory(
            state="TX", incident_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=day)
        )
    response = client.get(LIST, {"state": "TX"})
    assert len(response.context["incidents"]) == 20
    assert "?state=TX&amp;page=2" in response.content.decode()
    assert len(client.get(LIST, {"state": "TX", "page": 2}).context["incidents"]) == 5
    assert client.get(LIST, {"limit": 500}).context["limit"] == 100
    assert len(client.get(LIST, {"limit": 5}).context["incidents"]) == 5


def test_filter_form_works_without_javascript(client):
    html = client.get(LIST).content.decode()
    assert '<form class="incident-filters" method="get" action="/incidents/"' in html
    assert '<button type="submit">' in html
    assert "<script" not in html
    assert "style=" not in html


@pytest.mark.parametrize("rows", [3, 30])
def test_list_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    for _ in range(rows):
        EvidenceFactory(incident=IncidentFactory())
    # every facet counted in one query (the total comes from the type facet), then the page's
    # incidents with their evidence stats; on PostgreSQL, first the search's term
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 2):
        response = client.get(LIST, {"limit": 50, "q": "incident"})
    assert response.status_code == 200


@pytest.mark.parametrize("limit", [5, 100])
def test_list_page_query_count_does_not_grow_with_page_size(
    client, django_assert_num_queries, limit
):
    for _ in range(12):
        EvidenceFactory(incident=IncidentFactory())
    # every facet counted in one query, then the page's incidents
    with django_assert_num_queries(2):
        response = client.get(LIST, {"limit": limit, "state": "TX", "type": "citizen_detained"})
    assert response.context["page_obj"].paginator.count == 12


# --- detail ----------------------------------------------------------------------------------


def test_detail_page_shows_everything_a_reader_needs(client):
    incident = IncidentFactory(
        headline="Man detained at a courthouse",
        summary="He was detained after a hearing.",
        why_it_matters="Courthouse arrests deter people from going to court.",
        outcome=Outcome.DEPORTED,
        outcome_notes="Deported to Honduras two weeks later.",
        verification_status=Verification.DISPUTED,
        corrections_note="2025-02-01: corrected the date of the hearing.",
        state="TX",
    )
    EvidenceFactory(
        incident=incident,
        source_name="Houston Chronicle",
        captured_date=datetime.date(2025, 1, 4),
        is_primary=True,
    )
    response = client.get(incident.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "He was detained after a hearing.",
        "Courthouse arrests deter people",
        "Deported to Honduras two weeks later.",
        '<span class="badge badge-disputed">Disputed</span>',
        "accounts of what happened conflict",
        "Houston Chronicle",
        '<time datetime="2025-01-04">',
        "corrected the date of the hearing",
        "Last updated",
        'href="/rapid-response/tx/"',
    ):
        assert text in html, text


def test_detail_rapid_response_link_uses_the_url_name(client):
    incident = IncidentFactory(state="NM")
    assert (
        reverse("rapidresponse:state", kwargs={"state": "nm"})
        in client.get(incident.get_absolute_url()).content.decode()
    )


def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_url(client):
    incident = IncidentFactory(headline="Canonical headline")
    for path in (f"/incidents/{incident.pk}-old-slug/", f"/incidents/{incident.pk}/"):
        response = client.get(path)
        assert response.status_code == 301
        assert response["Location"] == incident.get_absolute_url()


def test_unpublished_or_unknown_incident_is_404(client):
    draft = IncidentFactory(is_public=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/incidents/{draft.pk}/").status_code == 404
    assert client.get("/incidents/999999-nothing/").status_code == 404


def test_embeds_are_generated_from_the_id_and_stored_html_is_never_rendered(client):
    incident = IncidentFactory()
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_YOUTUBE,
        url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        embed_html='<script>alert("stored")</script><iframe src="https://evil.example"></iframe>',
        title="Bystander video",
    )
    html = client.get(incident.get_absolute_url()).content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert 'referrerpolicy="strict-origin-when-cross-origin"' in html
    assert "evil.example" not in html
    assert "alert(" not in html


def test_removed_evidence_shows_the_removal_date_instead_of_the_embed(client):
    incident = IncidentFactory()
    EvidenceFactory(
        incident=incident,
        evidence_type=EvidenceType.VIDEO_TIKTOK,
        url="https://www.tiktok.com/@user/video/7301234567890123456",
        is_removed=True,
        removed_date=datetime.date(2025, 6, 2),
    )
    html = client.get(incident.get_absolute_url()).content.decode()
    assert "removed by the platform on June 2, 2025" in html
    assert "<iframe" not in html


def test_agent_name_shown_only_for_agent_arrested(client):
    incident = IncidentFactory(incident_type=IncidentType.AGENT_ARRESTED, agent_name="Jane Agent")
    assert "Jane Agent" in client.get(incident.get_absolute_url()).content.decode()


def test_related_incidents_editor_links_first_then_suggestions_never_drafts(client):
    day = datetime.date(2025, 3, 1)
    incident = IncidentFactory(state="TX", incident_date=day)
    chosen = IncidentFactory(
        headline="Chosen link", state="CA", incident_type=IncidentType.FAMILY_SEPARATION
    )
    hidden = IncidentFactory(headline="Draft link", is_public=False)
    incident.related_incidents.add(chosen, hidden)
    IncidentFactory(headline="Same type and state, near", state="TX", incident_date=day)
    IncidentFactory(
        headline="Same state only",
        state="TX",
        incident_type=IncidentType.DEATH_DETENTION,
        incident_date=day,
    )
    IncidentFactory(
        headline="Same type, far away in time", incident_date=day - datetime.timedelta(days=900)
    )
    IncidentFactory(headline="Draft suggestion", state="TX", incident_date=day, is_public=False)
    response = client.get(incident.get_absolute_url())
    related = [item.incident.headline for item in response.context["related"]]
    assert related == ["Chosen link", "Same type and state, near", "Same state only"]
    html = response.content.decode()
    assert "Draft" not in html
    assert "Chosen by our editors" in html


def test_detail_page_query_count_is_fixed(client, django_assert_num_queries):
    incident = IncidentFactory()
    for _ in range(3):
        EvidenceFactory(incident=incident)
        incident.related_incidents.add(IncidentFactory())
    # incident, evidence, editor-chosen related, suggestions
    with django_assert_num_queries(4):
        client.get(incident.get_absolute_url())


# --- page cache ------------------------------------------------------------------------------


def test_publishing_and_editing_show_at_once_despite_the_page_cache(
    client, django_capture_on_commit_callbacks
):
    incident = IncidentFactory(headline="Draft that will go public", is_public=False)
    assert "Draft that will go public" not in client.get(LIST).content.decode()
    cached = client.get(LIST)
    assert cached["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        incident.is_public = True
        incident.save()
    assert "Draft that will go public" in client.get(LIST).content.decode()
    url = incident.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        EvidenceFactory(incident=incident, source_name="Newly linked source")
    assert "Newly linked source" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        incident.related_incidents.add(IncidentFactory(headline="A new related link"))
    assert "A new related link" in client.get(url).content.decode()


def test_data_dictionary_documents_every_csv_column_and_api_field(client):
    from incidents.export import HEADER

    html = client.get("/about/data/").content.decode()
    for column in HEADER:
        assert f"<code>{column}</code>" in html
    for field in ("evidence_count", "has_video", "embed_html", "published_at", "has_more"):
        assert field in html
    for code in IncidentType.values + Outcome.values:
        assert f"<code>{code}</code>" in html


def test_facet_counts_match_a_brute_force_count_for_every_filter_combination():
    import itertools
    import random

    from incidents.filters import CITIZEN_VALUES, FACETS, IncidentFilter
    from incidents.models import Incident

    rng = random.Random(3)
    for n in range(40):
        IncidentFactory(
            headline=f"Raid number {n}" if n % 3 else f"Arrest number {n}",
            state=rng.choice(["TX", "CA", "IL"]),
            incident_type=rng.choice([IncidentType.DEATH_DETENTION, IncidentType.CITIZEN_DETAINED]),
            outcome=rng.choice([Outcome.RELEASED, Outcome.DIED]),
            verification_status=rng.choice(Verification.values),
            victim_is_citizen=rng.choice([True, False, None]),
            is_public=n % 7 != 0,
        )
    public = list(Incident.objects.published())
    citizen = {value: key for key, value in CITIZEN_VALUES.items()}

    def value_of(incident, name):
        raw = getattr(incident, FACETS[name])
        return citizen[raw] if name == "citizen" else raw

    choices = {
        "state": ["TX"],
        "type": ["death_detention"],
        "citizen": ["no", "unknown"],
        "outcome": ["died"],
        "q": ["raid"],
    }
    for size in range(len(choices) + 1):
        for names in itertools.combinations(choices, size):
            for values in itertools.product(*(choices[name] for name in names)):
                chosen = dict(zip(names, values, strict=True))
                filterset = IncidentFilter(chosen)
                counts = filterset.facet_counts()
                for facet in FACETS:
                    expected: dict = {}
                    for incident in public:
                        if "q" in chosen and "raid" not in incident.headline.lower():
                            continue
                        others = {k: v for k, v in chosen.items() if k in FACETS and k != facet}
                        if all(value_of(incident, k) == v for k, v in others.items()):
                            key = value_of(incident, facet)
                            expected[key] = expected.get(key, 0) + 1
                    assert counts[facet] == expected, (chosen, facet)
                assert filterset.total(counts) == filterset.qs.count()


def test_filtersets_share_no_per_request_state():
    """Filters and form fields are copied cheaply for each request; no copy leaks into another."""
    from incidents.filters import IncidentFilter

    first = IncidentFilter({"q": "raid", "state": "TX"})
    second = IncidentFilter({"citizen": "yes", "state": "CA"})
    assert first.is_valid()
    assert second.is_valid()
    for name in first.filters:
        assert first.filters[name].parent is first
        assert second.filters[name].parent is second
        assert first.filters[name] is not IncidentFilter.base_filters[name]
        assert first.form.fields[name] is not second.form.fields[name]
    assert not hasattr(IncidentFilter.base_filters["q"], "parent")
    assert first.form.cleaned_data["state"] == "TX"
    assert second.form.cleaned_data["state"] == "CA"
    # A method filter calls the method of its own FilterSet.
    assert first.filters["q"].filter.f is first.filters["q"]
    assert second.filters["citizen"].filter.f is second.filters["citizen"]
    assert [value for value, _ in first.form.fields["state"].choices][:2] == ["", "AL"]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("data", "index"),
    [
        ({"state": "TX", "type": "citizen_detained"}, "incident_public_state_type_idx"),
        ({"type": "citizen_detained"}, "incident_public_type_date_idx"),
    ],
)
def test_a_page_of_a_state_and_a_type_is_read_in_order_from_an_index(data, index):
    """Migration 0009: newest first within a state and a type (or a type) comes straight from
    an index, without sorting and without stepping over the state's other types."""
    from incidents.filters import IncidentFilter
    from incidents.models import Incident

    Incident.objects.bulk_create(
        IncidentFactory.build(state=state, incident_type=kind)
        for state in ("TX", "CA", "IL", "NY", "FL")
        for kind in IncidentType.values
        for _ in range(5)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_incident")
    sql, params = IncidentFilter(data).qs.with_evidence_stats()[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("seqscan", "bitmapscan", "sort", "incremental_sort"):
            cursor.execute(f"SET LOCAL enable_{setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using {index} on incidents_incident" in plan, plan
