import functools
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from icetracker.geography import state_name
from icetracker.pagecache import cached_page
from incidents import embeds, export, related, serializers
from incidents.filters import CITIZEN_CHOICES, FACETS, PAGE_SIZES, IncidentFilter
from incidents.models import (
    VERIFICATION_EXPLANATIONS,
    EvidenceType,
    Incident,
    IncidentType,
    Outcome,
    Verification,
)

PAGE_SIZE_CHOICES = tuple((size, size) for size in PAGE_SIZES)
# The form's fields that the template writes back as typed (the others are selects).
TYPED_FIELDS = ("q", "date_after", "date_before")


@functools.lru_cache(maxsize=64)
def facet_choices(name: str, language: str | None) -> tuple[tuple[str, str], ...]:
    """A facet's (or the sort's) (value, label) choices, translated once per language (they
    never change)."""
    return tuple(
        (value, str(label)) for value, label in IncidentFilter.base_filters[name].extra["choices"]
    )


@functools.lru_cache(maxsize=64)
def facet_labels(name: str, language: str | None) -> tuple[str, str]:
    """A facet's label and its "any" option's label, translated once per language."""
    facet = IncidentFilter.base_filters[name]
    return str(facet.label), str(facet.extra["empty_label"])


def facet_options(filterset: IncidentFilter, counts: dict[str, dict]) -> dict[str, dict]:
    """Each facet's labels, and its options with their counts and whether they are selected,
    for the form (timeline.facet_select)."""
    form = filterset.form
    facets = {}
    language = translation.get_language()
    for name in FACETS:
        choices, chosen, counted = facet_choices(name, language), form.data.get(name), counts[name]
        options = [
            {
                "value": value,
                "label": label,
                "count": counted.get(value, 0),
                "selected": chosen == value,
            }
            for value, label in choices
        ]
        label, any_label = facet_labels(name, language)
        facets[name] = {
            "label": label,
            "any_label": any_label,
            "options": options,
            "invalid": name in form.errors,
        }
    return facets


def form_errors(form) -> list[dict[str, Any]]:
    """The form's errors with the id of the field they belong to, for the error summary."""
    return [
        {
            "id": f"id_{name}" if name in form.fields else "id_q",
            "label": form.fields[name].label if name in form.fields else _("Filters"),
            "messages": [str(message) for message in messages],
        }
        for name, messages in form.errors.items()
    ]


def page_query(query: QueryDict, page: int) -> str:
    """What `{% querystring page=page %}` writes for `query`: its parameters in their order,
    with `page` in place of any page given (or last), as "?...". Django's tag deep-copies the
    QueryDict first, about 20 µs a link."""
    pairs: list[tuple[str, Any]] = []
    placed = False
    for key, values in query.lists():
        if key == "page":
            pairs.append((key, page))
            placed = True
        else:
            pairs += [(key, value) for value in values]
    if not placed:
        pairs.append(("page", page))
    return "?" + urlencode(pairs)


@method_decorator(cached_page("incidents"), name="dispatch")
class IncidentListView(TemplateView):
    """The timeline: filters with counts, sorting and pagination, all in a plain GET form."""

    template_name = "incidents/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filterset = IncidentFilter(self.request.GET)
        counts = filterset.facet_counts()
        # Only numbers the pages, of as many rows as the facet counts give; the rows of the
        # page come from page_rows().
        paginator = Paginator(range(filterset.total(counts)), filterset.limit)
        page = paginator.get_page(filterset.page)
        start, stop = page.start_index() - 1, page.end_index()
        incidents = filterset.page_rows(start, stop) if paginator.count else []
        query = self.request.GET
        return super().get_context_data(
            filterset=filterset,
            form=filterset.form,
            form_errors=form_errors(filterset.form),
            page_obj=page,
            incidents=incidents,
            facets=facet_options(filterset, counts),
            page_sizes=PAGE_SIZE_CHOICES,
            limit=filterset.limit,
            sort=filterset.sort_order,
            sort_choices=facet_choices("sort", translation.get_language()),
            values={name: filterset.form.data.get(name, "") for name in TYPED_FIELDS},
            invalid=set(filterset.form.errors),
            query_string=query.urlencode(),
            previous_page_query=page_query(query, page.number - 1) if page.has_previous() else "",
            next_page_query=page_query(query, page.number + 1) if page.has_next() else "",
            **kwargs,
        )


@method_decorator(cached_page("incidents"), name="dispatch")
class IncidentDetailView(DetailView):
    template_name = "incidents/detail.html"
    context_object_name = "incident"
    query_pk_and_slug = False

    def get_queryset(self):
        return Incident.objects.published()

    def get(self, request, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        if kwargs.get("slug") != self.object.slug:
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        incident = self.object
        evidence = list(incident.evidence.all())
        for item in evidence:
            # Generated from the provider and video ID only; stored embed HTML is never used.
            item.player = "" if item.is_removed else embeds.render(item.url, item.title or "")
        return super().get_context_data(
            evidence=evidence,
            related=related.related_incidents(incident),
            rapid_response_url=rapid_response_url(incident.state),
            state_label=state_name(incident.state) if incident.state else "",
            **kwargs,
        )


def rapid_response_url(state: str) -> str:
    if not state:
        return ""
    try:
        return reverse("rapidresponse:state", kwargs={"state": state.lower()})
    except NoReverseMatch:
        return reverse("rapidresponse:index")


class DataDictionaryView(TemplateView):
    """/about/data/: the CSV columns, the API fields and every code value, from the code itself."""

    template_name = "incidents/data_dictionary.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            csv_columns=export.COLUMNS,
            api_list_fields=serializers.describe(serializers.IncidentListItemSerializer()),
            api_detail_fields=serializers.describe(serializers.IncidentDetailSerializer()),
            api_evidence_fields=serializers.describe(serializers.EvidenceSerializer()),
            api_related_fields=serializers.describe(serializers.RelatedStorySerializer()),
            filters=IncidentFilter().filters,
            incident_types=IncidentType.choices,
            outcomes=Outcome.choices,
            verifications=[
                (v, label, VERIFICATION_EXPLANATIONS[v]) for v, label in Verification.choices
            ],
            evidence_types=EvidenceType.choices,
            citizen_choices=CITIZEN_CHOICES,
            **kwargs,
        )
