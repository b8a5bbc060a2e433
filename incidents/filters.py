"""The one FilterSet behind the timeline page, the JSON API and the CSV export.

Every query parameter is validated by the same form: an invalid value is an error (the page
shows it, the API and the export answer 400), never silently ignored. The FilterSet only ever
sees published incidents, whatever queryset it is given.
"""

import copy
import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from icetracker.geography import State
from icetracker.prepared import prepared_cursor
from incidents import search
from incidents.models import (
    EVIDENCE_STATS,
    LIST_ROW_FIELDS,
    FacetCell,
    FacetCount,
    Incident,
    IncidentType,
    Outcome,
    SearchPosting,
    SearchTermCount,
    SearchTermIds,
    Verification,
)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
PAGE_SIZES = (20, 50, 100)
MAX_QUERY_LENGTH = 200
ISO_DATE = ["%Y-%m-%d"]  # only ISO dates: "01/02/2025" is ambiguous

SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST, SORT_UPDATED = "relevance", "newest", "oldest", "updated"
SORT_CHOICES = [
    (SORT_RELEVANCE, _("Best match (with a search)")),
    (SORT_NEWEST, _("Newest first")),
    (SORT_OLDEST, _("Oldest first")),
    (SORT_UPDATED, _("Recently updated")),
]
ORDERINGS = {
    SORT_NEWEST: ("-incident_date", "-id"),
    SORT_OLDEST: ("incident_date", "id"),
    SORT_UPDATED: ("-updated_at", "-id"),
}
CITIZEN_CHOICES = [
    ("yes", _("US citizen")),
    ("no", _("Not a US citizen")),
    ("unknown", _("Unknown")),
]
CITIZEN_VALUES = {"yes": True, "no": False, "unknown": None}

# Facets shown with counts: parameter name -> model field (and its column).
FACETS = {
    "type": "incident_type",
    "state": "state",
    "outcome": "outcome",
    "verification": "verification_status",
    "citizen": "victim_is_citizen",
}
FACET_VALUE_SQL = dict(FACETS) | {
    # Text like the other facets (UNION ALL needs one type), and the parameter's own values.
    "citizen": "CASE WHEN victim_is_citizen THEN 'yes' WHEN NOT victim_is_citizen THEN 'no' "
    "ELSE 'unknown' END",
}


def group_by_sql(
    name: str,
    source: str,
    value_sql: dict[str, str] = FACET_VALUE_SQL,
    aggregate: str = "COUNT(*)",
) -> str:
    """(facet, value, count) rows of one facet over `source`."""
    return f"SELECT '{name}', {value_sql[name]}, {aggregate} FROM {source} GROUP BY 2"


# The facets' columns in FacetCount (PostgreSQL's running counts): the citizen facet's values.
COUNTED_COLUMNS = dict(FACETS) | {"citizen": "citizen"}
# The facets that the pairs of a type and a state count (FacetCell, and a term's SearchTermIds),
# and their columns there, with the count as n.
CELL_FACETS = ("state", "type")
CELL_COLUMNS = ("incident_type", "state", "n")
TERM_CELL_COLUMNS = ("incident_type", "state", "icount(ids) AS n")


def grouping_sets_sql(
    names: list[str],
    source: str,
    counts: dict[str, str] | None = None,
    value_sql: dict[str, str] = FACET_VALUE_SQL,
    aggregate: str = "COUNT(*)",
) -> str:
    """(facet, value, count) rows of several facets over `source` in one pass (PostgreSQL).

    `counts` maps a facet to the aggregate it is counted with (`aggregate` for the others);
    `value_sql`, a facet to its value in `source`.
    """
    values = [value_sql[name] for name in names]
    pairs = list(zip(names, values, strict=True))
    which = " ".join(f"WHEN GROUPING({value}) = 0 THEN '{name}'" for name, value in pairs)
    value = " ".join(f"WHEN GROUPING({value}) = 0 THEN {value}" for value in values)
    count = aggregate
    if counts:
        count = " ".join(
            f"WHEN GROUPING({value}) = 0 THEN {counts.get(name, aggregate)}"
            for name, value in pairs
        )
        count = f"CASE {count} END"
    sets = ", ".join(f"({value})" for value in values)
    return (
        f"SELECT CASE {which} END, CASE {value} END, {count} FROM {source} "
        f"GROUP BY GROUPING SETS ({sets})"
    )


class IncidentFilterForm(forms.Form):
    """Pagination lives on the same form so that every parameter is validated in one place."""

    page = forms.IntegerField(label=_("Page"), min_value=1, required=False)
    limit = forms.IntegerField(
        label=_("Results per page"),
        min_value=1,
        required=False,
        help_text=_("At most %(max)s; larger values are capped.") % {"max": MAX_LIMIT},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        after, before = data.get("date_after"), data.get("date_before")
        if after and before and after > before:
            self.add_error("date_before", _("The end date is before the start date."))
        return data


class FieldsCopiedCheaply(dict):
    """A form class's base_fields, of which each form gets a cheaper copy.

    A form deep-copies its class's fields for each instance, that is for each request: each
    field and its widget through the copy module's generic protocol, and the choices (56 states
    and their labels) with them. That was a seventeenth of an uncached API page (1.0 of 17.4
    million instructions, counted by callgrind). The copy here holds what Django's
    Field.__deepcopy__ and Widget.__deepcopy__ give each instance of its own (the field, its
    widget, the widget's attrs, the error messages, the validators), copied directly; the
    choices are shared, as nothing changes them once the form class is built.
    """

    def __deepcopy__(self, memo: dict) -> dict[str, forms.Field]:
        return {name: _copied_field(field, memo) for name, field in self.items()}


def _copied_field(field: forms.Field, memo: dict) -> forms.Field:
    if isinstance(field.widget, forms.MultiWidget):  # its sub-widgets too: Django's own copy
        return copy.deepcopy(field, memo)
    clone = _shallow_copy(field)
    clone.widget = _shallow_copy(field.widget)
    clone.widget.attrs = field.widget.attrs.copy()
    clone.error_messages = field.error_messages.copy()
    clone.validators = field.validators[:]
    return clone


def _shallow_copy(instance: Any) -> Any:
    clone = object.__new__(type(instance))
    clone.__dict__.update(instance.__dict__)
    return clone


class CopiedOnce:
    """A filter that a FilterSet copies without its choices and labels.

    django-filter deep-copies every filter for each FilterSet (each request); a copy only gets
    its own `parent` and `model`, so a shallow copy with its own `extra` is enough.
    """

    def __deepcopy__(self, memo: dict):
        clone = copy.copy(self)
        clone.extra = dict(self.extra)
        clone.__dict__.pop("_field", None)
        if clone.method is not None:
            clone.method = clone.method  # a filter method is looked up on the clone's parent
        return clone


class ChoiceField(django_filters.fields.ChoiceField):
    """valid_value() looks the value up in a set of the choices' values.

    Django's walks the choices, which django-filter's iterator normalises again on every walk:
    the 56 states and the 12 types, about 70 µs a request. The set is made with the field (so
    each request's copy of the form shares it) and again if the choices are replaced.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._values_of = (None, frozenset())
        self.values()

    def values(self) -> frozenset[str]:
        choices, values = self._values_of
        if choices is not self._choices:
            values = frozenset(str(value) for value, _label in _flat(self.choices))
            self._values_of = (self._choices, values)
        return values

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.values()


def _flat(choices: Iterable) -> Iterable[tuple[Any, Any]]:
    for value, label in choices:
        if isinstance(label, (list, tuple)):  # a named group of choices
            yield from label
        else:
            yield value, label


class ChoiceFilter(CopiedOnce, django_filters.ChoiceFilter):
    field_class = ChoiceField


class DateFilter(CopiedOnce, django_filters.DateFilter):
    pass


class CharFilter(CopiedOnce, django_filters.CharFilter):
    pass


@functools.cache
def _published() -> QuerySet:
    """Every published incident: a queryset never run, only copied (.all()) for each filter.
    Building its condition again was a quarter of a filter's construction (45 of 190 µs,
    measured in process)."""
    return Incident.objects.published()


class IncidentFilter(django_filters.FilterSet):
    type = ChoiceFilter(
        field_name="incident_type",
        choices=IncidentType.choices,
        label=_("Type"),
        empty_label=_("All types"),
    )
    state = ChoiceFilter(choices=State.choices, label=_("State"), empty_label=_("All states"))
    outcome = ChoiceFilter(
        choices=Outcome.choices, label=_("Outcome"), empty_label=_("All outcomes")
    )
    verification = ChoiceFilter(
        field_name="verification_status",
        choices=Verification.choices,
        label=_("Verification"),
        empty_label=_("Any verification"),
    )
    citizen = ChoiceFilter(
        method="filter_citizen",
        choices=CITIZEN_CHOICES,
        label=_("Victim is a US citizen"),
        empty_label=_("Anyone"),
    )
    date_after = DateFilter(
        field_name="incident_date",
        lookup_expr="gte",
        label=_("From (YYYY-MM-DD)"),
        input_formats=ISO_DATE,
    )
    date_before = DateFilter(
        field_name="incident_date",
        lookup_expr="lte",
        label=_("To (YYYY-MM-DD)"),
        input_formats=ISO_DATE,
    )
    q = CharFilter(method="filter_search", label=_("Search"), max_length=MAX_QUERY_LENGTH)
    sort = ChoiceFilter(
        method="filter_nothing", choices=SORT_CHOICES, label=_("Sort"), empty_label=None
    )

    class Meta:
        model = Incident
        fields: list[str] = []
        form = IncidentFilterForm

    def __init__(self, data=None, queryset: QuerySet | None = None, **kwargs: Any) -> None:
        # Whatever the caller passes, only published incidents can come out.
        published = _published().all() if queryset is None else queryset.published()
        super().__init__(data, queryset=published, **kwargs)
        # FacetCount counts every published incident: no use for a narrower queryset.
        self.all_published = queryset is None

    def get_form_class(self) -> "type[forms.Form]":
        """Built once: django-filter builds a form class, and its fields, for each instance."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            form_class.base_fields = FieldsCopiedCheaply(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class

    def filter_citizen(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(victim_is_citizen=CITIZEN_VALUES[value])

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search.search(queryset, value)

    def filter_nothing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset

    # --- results -----------------------------------------------------------------------------

    @property
    def params(self) -> dict[str, Any]:
        """The validated values, empty ones left out; nothing at all when any value is invalid.

        Worked out once: a request reads it about forty times, and the form it comes from is
        bound and validated once. Read-only: callers make a copy to add to it.
        """
        if "_params" not in self.__dict__:
            valid = self.is_valid()
            self._params = {
                name: value
                for name, value in (self.form.cleaned_data.items() if valid else ())
                if value not in (None, "") and name in self.filters
            }
        return self._params

    @property
    def sort_order(self) -> str:
        chosen = self.params.get("sort")
        if chosen == SORT_RELEVANCE and not self.params.get("q"):
            chosen = None
        return chosen or (SORT_RELEVANCE if self.params.get("q") else SORT_NEWEST)

    def filter_queryset(self, queryset: QuerySet, exclude: Iterable[str] = ()) -> QuerySet:
        for name, value in self.params.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def qs(self) -> QuerySet:
        """The filtered, ordered incidents; none at all when any parameter is invalid."""
        if not hasattr(self, "_qs"):
            if not self.is_valid():
                self._qs = self.queryset.none()
            else:
                self._qs = self.order(self.filter_queryset(self.queryset.all()))
        return self._qs

    def order(self, queryset: QuerySet) -> QuerySet:
        return ordered(queryset, self.sort_order, self.params.get("q"))

    @property
    def limit(self) -> int:
        limit = self.form.cleaned_data.get("limit") if self.is_valid() else None
        return min(limit or DEFAULT_LIMIT, MAX_LIMIT)

    @property
    def page(self) -> int:
        return (self.form.cleaned_data.get("page") if self.is_valid() else None) or 1

    def facet_counts(self) -> dict[str, dict[Any, int]]:
        """For each facet, how many incidents each value has, given all the *other* filters.

        One statement whatever the number of rows. The facets not chosen all count the same
        rows, those that pass every filter; a chosen facet counts the rows that pass every
        filter but its own. Without a search, each chosen facet is a branch of its own, over
        FacetCount's running counts when only facets are chosen (_branches_sql); with a search
        of one term and only facets, over SearchTermCount's for that term. With any other
        search on PostgreSQL, the words are looked up once and every facet counted in one pass
        over the rows they share with the other filters (_one_pass_sql).
        """
        counts: dict[str, dict[Any, int]] = {name: {} for name in FACETS}
        if not self.is_valid():
            return counts
        try:
            sql, params = self._facet_counts_sql()
        except EmptyResultSet:  # e.g. a search made only of stop words: nothing matches
            return counts
        # A few index-only scans, or a few lists intersected: prepared.
        kept = self.running_counts_apply() or self.intersected_facets()
        with prepared_cursor(self.queryset.db, prepare=kept) as cursor:
            cursor.execute(sql, params)
            for name, value, count in cursor.fetchall():
                if count:  # a value seen only in rows that another chosen facet leaves out
                    counts[name][value] = count
        return counts

    def _facet_counts_sql(self) -> tuple[str, list[Any]]:
        chosen = [name for name in FACETS if name in self.params]
        if self.running_counts_apply():
            cells = self._cells_apply()

            def rows(exclude: Iterable[str]) -> tuple[str, list[Any]]:
                # A chosen facet's own branch counts its one column: from the pairs if it can.
                return self._counted_rows_sql(exclude, cells=cells and bool(exclude))

            return self._branches_sql(chosen, rows, COUNTED_COLUMNS, "SUM(n)")
        if self.intersected_facets():
            return self._intersected_sql()
        if self.params.get("q") and search.is_postgres(self.queryset):
            return self._one_pass_sql(chosen)
        return self._branches_sql(chosen, self._matching_rows_sql)

    def _branches_sql(
        self,
        chosen: list[str],
        rows: Callable[[Iterable[str]], tuple[str, list[Any]]],
        value_sql: dict[str, str] = FACET_VALUE_SQL,
        aggregate: str = "COUNT(*)",
    ) -> tuple[str, list[Any]]:
        """The facets not chosen grouped together over the rows that pass every filter, and
        each chosen facet in a branch of its own over the rows that pass every filter but its
        own, which the indexes find. `rows(exclude)` gives the SQL selecting those rows.

        From FacetCount, at 100,000 incidents, this takes 2.5 ms for a state and 1.2 ms for a
        state and a type. One pass over the rows that fail at most one chosen facet, as a search
        makes (_one_pass_sql), took 6.8 and 1.9 ms: it reads every row to count a state, and
        hashes each row into every facet.
        """
        shared = [name for name in FACETS if name not in chosen]
        prefix, branches, params = "", [], []
        if shared:
            matches_sql, matches_params = rows(())
            params += matches_params
            if search.is_postgres(self.queryset):
                source = f"({matches_sql}) AS facet_matches"
                branches.append(
                    grouping_sets_sql(shared, source, value_sql=value_sql, aggregate=aggregate)
                )
            else:  # no GROUPING SETS: one GROUP BY per facet over a common table expression
                prefix = f"WITH facet_matches AS ({matches_sql}) "
                branches += [
                    group_by_sql(name, "facet_matches", value_sql, aggregate) for name in shared
                ]
        for name in chosen:
            rows_sql, rows_params = rows((name,))
            source = f"({rows_sql}) AS facet_{name}"
            branches.append(group_by_sql(name, source, value_sql, aggregate))
            params += rows_params
        return prefix + " UNION ALL ".join(branches), params

    def _matching_rows_sql(self, exclude: Iterable[str]) -> tuple[str, list[Any]]:
        """The facet columns of the incidents that pass every filter but `exclude`."""
        rows = self.filter_queryset(self.queryset.all(), exclude=exclude).order_by()
        sql, params = rows.values(*FACETS.values()).query.sql_with_params()
        return sql, list(params)

    def _counted_rows_sql(
        self, exclude: Iterable[str], *, cells: bool = False
    ) -> tuple[str, list[Any]]:
        """The running counts' rows (FacetCount's, or with a one-term search SearchTermCount's
        for that term) with the chosen values of every facet but `exclude`, written out: the
        table and columns are fixed, and the ORM took about 0.9 ms of CPU to build them.

        With `cells` (for a caller that reads only the type, the state and n, where no other
        facet is chosen: _cells_apply), the pairs of a type and a state instead: FacetCell's,
        or SearchTermIds' lists of the term counted (icount); a few dozen rows, not thousands.
        """
        names = [name for name in FACETS if name in self.params and name not in exclude]
        conditions = [f"{COUNTED_COLUMNS[name]} = %s" for name in names]
        params = [self.params[name] for name in names]
        term = self._single_term()
        if cells:
            model, columns = (
                (FacetCell, CELL_COLUMNS) if term is None else (SearchTermIds, TERM_CELL_COLUMNS)
            )
        else:
            model = FacetCount if term is None else SearchTermCount
            columns = (*COUNTED_COLUMNS.values(), "n")
        if term is not None:
            conditions.insert(0, "lexeme = %s")
            params.insert(0, term)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return f"SELECT {', '.join(columns)} FROM {model._meta.db_table}{where}", params

    def _cells_apply(self) -> bool:
        """Whether the pairs of a type and a state can count (where the running counts can):
        no facet is chosen but the state and the type."""
        return all(name in CELL_FACETS for name in FACETS if name in self.params)

    def running_counts_apply(self) -> bool:
        """Whether the running counts can count: PostgreSQL, every published incident, and no
        filter in force but the facets and a search that PostgreSQL makes into one term (no
        dates; no phrase, OR, exclusion or second word)."""
        return (
            self.all_published
            and search.is_postgres(self.queryset)
            and all(name in FACETS or name in ("sort", "q") for name in self.params)
            and ("q" not in self.params or self._single_term() is not None)
        )

    def intersections_apply(self) -> bool:
        """Whether SearchTermIds can count: a search that PostgreSQL makes into lexemes that
        must all be there (and not into one, which the running counts take), with nothing that
        the lists do not hold (_kept_ahead)."""
        return (
            self._kept_ahead()
            and "q" in self.params
            and self._single_term() is None
            and self._conjunction() is not None
        )

    def intersected_facets(self) -> bool:
        """Whether the facet counts come from SearchTermIds (_intersected_sql): where it can
        count (intersections_apply) and a state or a type is chosen. With neither, the ids its
        lists share are every incident holding all the words, each then looked up for its other
        facets: one pass over the words' matches was 1.4-3.4 times faster (at 100,000
        incidents, "court order" 70 against 173 ms, "federal judge" 72 against 243); with a
        state or a type, 2.5-8 times slower (22 against 85 ms for "court order" with a type)."""
        return self.intersections_apply() and ("state" in self.params or "type" in self.params)

    def _kept_ahead(self) -> bool:
        """Whether SearchPosting and SearchTermIds hold what this filter needs: PostgreSQL,
        every published incident, and no filter but a search, a state and a type (and the
        order)."""
        return (
            self.all_published
            and search.is_postgres(self.queryset)
            and all(name in POSTED_FILTERS for name in self.params)
        )

    def _conjunction(self) -> tuple[str, ...] | None:
        """The search's lexemes that must all be there (search.conjunction), once per FilterSet."""
        if not hasattr(self, "_lexemes"):
            query = self.params.get("q")
            self._lexemes = search.conjunction(query, self.queryset.db) if query else None
        return self._lexemes

    def _intersected_sql(self) -> tuple[str, list[Any]]:
        """The facet counts of a search of several words from SearchTermIds: per state and
        type, the ids that all its lexemes' lists share (the cells), intersected in C. The
        state and the type are counted from the cells that pass the other one, if chosen; the
        other facets over the incidents of the cells that pass both (their ids, through an index
        that carries those facets). At 100,000 incidents, "court order" in Texas with a type: 2
        ms, not 15.
        """
        state, kind = self.params.get("state"), self.params.get("type")
        source, shared, params = intersection_sql(self._conjunction())
        if state and kind:  # the cells of the state and those of the type
            source += " AND (t0.state = %s OR t0.incident_type = %s)"
            params += [state, kind]
        cells = f"SELECT t0.state, t0.incident_type, {shared} AS ids FROM {source}"

        def conditions(*names: str) -> list[str]:
            chosen = [name for name in names if name in self.params]
            params.extend(self.params[name] for name in chosen)
            return [f"{FACETS[name]} = %s" for name in chosen]

        def passing(*names: str) -> str:
            chosen = conditions(*names)
            return f" WHERE {' AND '.join(chosen)}" if chosen else ""

        counted = "SUM(icount(ids)) FROM cells"
        branches = [
            f"SELECT 'type', incident_type, {counted}{passing('state')} GROUP BY 2",
            f"SELECT 'state', state, {counted}{passing('type')} GROUP BY 2",
        ]
        # The ids' own state and type too (they are those of their cells), so that an index
        # gives each one's other facets without visiting the table (migration 0013).
        incidents = " AND ".join(["is_public", *conditions("state", "type")])
        matched = (
            "(SELECT outcome, verification_status, victim_is_citizen FROM incidents_incident"
            f" WHERE {incidents} AND id IN (SELECT unnest(ids) FROM cells"
            f"{passing('state', 'type')})) AS facet_matches"
        )
        branches.append(grouping_sets_sql(["outcome", "verification", "citizen"], matched))
        return f"WITH cells AS ({cells}) " + " UNION ALL ".join(branches), params

    def _single_term(self) -> str | None:
        """The search's one term (search.single_term), looked up once per FilterSet."""
        if not hasattr(self, "_term"):
            query = self.params.get("q")
            self._term = search.single_term(query, self.queryset.db) if query else None
        return self._term

    def _one_pass_sql(self, chosen: list[str]) -> tuple[str, list[Any]]:
        """PostgreSQL, with a text search: every facet counted in one pass over the incidents
        that match. A common word can match a third of them, and every index scan of it costs
        the same whatever it is combined with, so the word is looked up once.

        The rows read are those that pass every other filter and all but at most one of the
        chosen facets (each of them counts for the facet it fails). Each row carries whether it
        passes each chosen facet, and a facet's count only takes the rows that pass the others.
        """
        rows = self.filter_queryset(self.queryset.all(), exclude=FACETS).order_by()
        passes = {name: self._facet_condition(name) for name in chosen}
        if len(chosen) > 1:  # rows that fail at most one of the chosen facets
            any_but_one = Q()
            for name in chosen:
                any_but_one |= Q(*(passes[other] for other in chosen if other != name))
            rows = rows.filter(any_but_one)
        flags = {f"passes_{name}": passes[name] for name in chosen}
        rows_sql, params = rows.values(*FACETS.values(), **flags).query.sql_with_params()

        def passing(names: list[str]) -> str:
            if not names:
                return "COUNT(*)"
            return f"COUNT(*) FILTER (WHERE {' AND '.join(f'passes_{n}' for n in names)})"

        counts = {name: passing([other for other in chosen if other != name]) for name in FACETS}
        source = f"({rows_sql}) AS facet_matches"
        return grouping_sets_sql(list(FACETS), source, counts), list(params)

    def page_rows(self, start: int, stop: int) -> list[dict[str, Any]]:
        """Rows start..stop of the filtered, ordered incidents, as IncidentQuerySet.page() gives
        them (LIST_ROW_FIELDS).

        The first page of a filter made of facets and a search, the usual uncached request,
        runs SQL that the ORM wrote once for that combination of filters (compiled_page):
        building and compiling the query took about 0.45 ms of CPU, an eighth of an uncached
        API page. A one-word search by relevance with no facet but a state and a type takes
        its page from SearchPosting, where the order is kept ahead (ranked_by_postings).
        """
        first = self.compiled_first_page(start, stop)
        if first is None:
            return self.qs.page(start, stop)
        compiled, params = first
        with prepared_cursor(self.queryset.db, prepare=compiled.prepare) as cursor:
            cursor.execute(compiled.sql, params)
            return [dict(zip(compiled.columns, row, strict=True)) for row in cursor.fetchall()]

    def compiled_first_page(
        self, start: int, stop: int, *, stats: bool = True
    ) -> tuple["CompiledPage", list] | None:
        """compiled_page()'s SQL for rows start..stop with this filter's parameters (without the
        evidence stats if not `stats`), or None where it does not apply (page_rows then asks
        the ORM)."""
        shape = self._page_shape(start, stop)
        compiled = compiled_page(*shape, stats=stats) if shape else None
        if compiled is None:
            return None
        values = self.params | self._term_slots()
        params = [values[slot.name] if isinstance(slot, Slot) else slot for slot in compiled.params]
        return compiled, params

    def _page_shape(self, start: int, stop: int) -> tuple | None:
        """What the first page's SQL depends on besides the values: which facets are chosen
        and whether there is a search, the citizen facet's value (it is written as IS TRUE,
        IS FALSE or IS NULL, with no parameter), the order and the size, whether the page comes
        from SearchPosting, and the number of lexemes whose SearchTermIds lists give its
        candidates (0: none); None where compiled_page does not apply (PostgreSQL only, and no
        dates)."""
        if start != 0 or not self.is_valid() or not self.all_published:
            return None
        if not search.is_postgres(self.queryset):
            return None
        if not all(name in COMPILED_FILTERS or name == "sort" for name in self.params):
            return None
        query = self.params.get("q")
        if query and not search.terms(query)[0]:  # no word to look for: no SQL at all
            return None
        chosen = tuple(name for name in self.filters if name in self.params and name in SLOTTED)
        citizen, using = self.params.get("citizen"), self.queryset.db
        shape = chosen, citizen, self.sort_order, stop, using, self.ranked_by_postings()
        return (*shape, len(self._conjunction()) if self.intersected_page() else 0)

    def intersected_page(self) -> bool:
        """Whether the page of a search of several words by relevance takes its candidates
        from SearchTermIds: the ids in all its lexemes' lists for the chosen state and type
        (both chosen: a few hundred, where the search would intersect the words' whole index
        entries)."""
        return (
            self.sort_order == SORT_RELEVANCE
            and "state" in self.params
            and "type" in self.params
            and self.intersections_apply()
        )

    def _term_slots(self) -> dict[str, str]:
        """The values of compiled_page's slots for the search's terms."""
        if self._single_term() is not None:
            return {TERM: self._single_term()}
        return {f"{TERM}{n}": lexeme for n, lexeme in enumerate(self._conjunction() or ())}

    def ranked_by_postings(self) -> bool:
        """Whether SearchPosting holds this search's order: by relevance, a search that
        PostgreSQL makes into one term, and nothing the postings do not hold (_kept_ahead)."""
        return (
            self._kept_ahead()
            and self.sort_order == SORT_RELEVANCE
            and self._single_term() is not None
        )

    def count(self) -> int:
        """How many incidents match (from the running counts, or a search's lists of ids, when
        they apply)."""
        if not self.is_valid():
            return 0
        if self.running_counts_apply():
            rows_sql, params = self._counted_rows_sql(exclude=(), cells=self._cells_apply())
            sql = f"SELECT COALESCE(SUM(n), 0) FROM ({rows_sql}) AS counted"
        elif self.intersections_apply():
            sql, params = self._intersected_count_sql()
        else:
            return self.qs.count()
        with prepared_cursor(self.queryset.db) as cursor:
            cursor.execute(sql, params)
            return int(cursor.fetchone()[0])

    def _intersected_count_sql(self) -> tuple[str, list[Any]]:
        """How many incidents a search of several words matches: the ids its lexemes' lists
        share in the cells of the chosen state and type, summed (SearchTermIds)."""
        source, shared, params = intersection_sql(self._conjunction())
        for name in ("state", "type"):
            if name in self.params:
                source += f" AND t0.{FACETS[name]} = %s"
                params.append(self.params[name])
        return f"SELECT COALESCE(SUM(icount({shared})), 0) FROM {source}", params

    def _facet_condition(self, name: str) -> Q:
        """The condition a chosen facet puts on the incidents, as its filter applies it."""
        value = self.params[name]
        if name == "citizen":
            return Q(victim_is_citizen=CITIZEN_VALUES[value])
        return Q(**{FACETS[name]: value})

    def total(self, counts: dict[str, dict[Any, int]]) -> int:
        """The number of matching incidents, read off the type facet (saves a COUNT query).

        The type facet applies every filter but the type: with no type chosen its values add
        up to the total, and with one chosen, that type's count is the total.
        """
        by_type = counts.get("type", {})
        chosen = self.params.get("type")
        return by_type.get(chosen, 0) if chosen else sum(by_type.values())

    def applied(self) -> dict[str, Any]:
        """The filters in force, with None for those not set (the API's filters_applied)."""
        params = self.params
        names = [name for name in self.filters if name != "sort"]
        applied = {name: params.get(name) for name in names}
        for name in ("date_after", "date_before"):
            if applied[name] is not None:
                applied[name] = applied[name].isoformat()
        applied["sort"] = self.sort_order
        return applied


def ordered(queryset: QuerySet, sort: str, query: str | None) -> QuerySet:
    """The queryset in the `sort` order (by relevance to `query` on PostgreSQL)."""
    if sort == SORT_RELEVANCE and search.is_postgres(queryset):
        ranked = search.rank(queryset, query)
        return ranked.order_by("-search_rank", "-incident_date", "-id")
    return queryset.order_by(*ORDERINGS.get(sort, ORDERINGS[SORT_NEWEST]))


# The filters compiled_page writes SQL for; all of them but the citizen facet take their value
# as a parameter.
COMPILED_FILTERS = (*FACETS, "q")
SLOTTED = tuple(name for name in COMPILED_FILTERS if name != "citizen")
# The filters that SearchPosting and SearchTermIds serve (a search, a state and a type, in any
# order), and the postings' columns for the facets among them.
POSTED_FILTERS = ("type", "state", "q", "sort")
POSTED_COLUMNS = {"type": "incident_type", "state": "state"}
# compiled_page's slot for the search's one term (IncidentFilter._single_term); no filter has
# that name.
TERM = "term"


@dataclass(frozen=True)
class Slot:
    """A parameter of compiled_page's SQL that takes the request's value of a filter."""

    name: str


@dataclass(frozen=True)
class CompiledPage:
    sql: str
    params: tuple[Any, ...]  # constants, and a Slot for each chosen filter's value
    columns: tuple[str, ...]
    prepare: bool = False  # run prepared (icetracker.prepared): its plan holds for any values


# Facets that compiled pages without a search may be prepared with, in these orders: an index
# gives their page in order whatever the values (migration 0009, and the dates' own index).
PREPARED_FACETS = frozenset({"state", "type"})
PREPARED_SORTS = frozenset({SORT_NEWEST, SORT_OLDEST})


@functools.lru_cache(maxsize=256)
def compiled_page(
    chosen: tuple[str, ...],
    citizen: str | None,
    sort: str,
    stop: int,
    using: str,
    postings: bool = False,
    intersected: int = 0,
    *,
    stats: bool = True,
) -> CompiledPage | None:
    """The SQL of IncidentFilter.page_rows(0, stop) for a filter made of the facets and search
    `chosen` (and the citizen facet's value, if chosen) in the `sort` order, written by the ORM
    exactly as for a request, with a marker for each value; None if a marker does not come out
    as parameters of its own (the ORM path is taken then).

    The SQL depends on which filters are chosen, not on their values (a search's words go to
    websearch_to_tsquery as a parameter), and on the page's size, which Django writes into the
    SQL: the benchmark's and the site's links use a few dozen of the combinations. One that was
    pushed out of the cache is compiled again, as every request was before.

    With `postings` (IncidentFilter.ranked_by_postings), the page's ids are the first `stop`
    of SearchPosting's rows for the search's term (a slot of its own, TERM) and the chosen
    state and type, in the order of its key walked backwards; the incidents are those ids,
    ordered as the search orders them (ts_rank again, for `stop` rows only). They are the rows
    the search's own SQL gives, as SearchPosting.rank is that ts_rank.

    With `intersected` lexemes (IncidentFilter.intersected_page), the candidates are the ids
    that their SearchTermIds lists share for the chosen state and type (slots TERM0, TERM1...),
    exactly the incidents the search matches there, ranked by the search's own ts_rank.

    Without `stats`, the rows have no evidence stats (EVIDENCE_STATS): the caller's own SQL
    works them out for the page (incidents/listitems.py).
    """
    template = IncidentFilter()
    markers = {name: f"\x00{name}\x00" for name in chosen}
    values = markers | ({"citizen": citizen} if citizen else {})
    queryset = template.queryset.all()
    if postings:
        markers[TERM] = f"\x00{TERM}\x00"
        posted = {POSTED_COLUMNS[name]: markers[name] for name in chosen if name != "q"}
        ids = (
            SearchPosting.objects.using(using)
            .filter(lexeme=markers[TERM], **posted)
            .order_by("-rank", "-incident_date", "-incident_id")
            .values("incident_id")[:stop]
        )
        queryset = queryset.filter(pk__in=ids)
    elif intersected:
        terms = [f"{TERM}{n}" for n in range(intersected)]
        markers |= {name: f"\x00{name}\x00" for name in terms}
        source, shared, values = intersection_sql([markers[name] for name in terms])
        sql = f"SELECT unnest({shared}) FROM {source} AND t0.state = %s AND t0.incident_type = %s"
        values += [markers["state"], markers["type"]]
        queryset = queryset.filter(pk__in=RawSQL(sql, values))
    else:
        for name in template.filters:  # in the order IncidentFilter.filter_queryset applies them
            if name in values:
                queryset = template.filters[name].filter(queryset, values[name])
    queryset = ordered(queryset, sort, markers.get("q"))
    fields = LIST_ROW_FIELDS if stats else LIST_ROW_FIELDS[: -len(EVIDENCE_STATS)]
    if stats:
        queryset = queryset.with_evidence_stats()
    rows = queryset.values(*fields)[:stop]
    sql, raw_params = rows.query.get_compiler(using).as_sql()
    slots = {marker: Slot(name) for name, marker in markers.items()}
    params = tuple(
        slots.get(param, param) if isinstance(param, str) else param for param in raw_params
    )
    placed = {param.name for param in params if isinstance(param, Slot)}
    if placed != set(markers) or any(marker in sql for marker in markers.values()):
        return None
    query = rows.query
    columns = (*query.extra_select, *query.values_select, *query.annotation_select)
    if sorted(columns) != sorted(fields):
        return None
    if postings:
        # SearchPosting's primary key gives the page in order with the state and the type
        # both chosen, and searchposting_rank_idx with neither; with one of them, which index
        # is best depends on how common the word is there. The generic plan PostgreSQL makes
        # without the values took 2-6 ms where the word's own plan took 0.3-0.6 (the API's
        # /ice-incidents?q=agents&state=TX), so that page is planned for its values each time.
        prepare = len(posted) != 1
    elif intersected:
        # The candidates of the chosen state and type, each looked up by its id and ranked:
        # the same plan whatever the words (search.rank makes their tsquery once per run).
        prepare = True
    else:
        prepare = citizen is None and set(chosen) <= PREPARED_FACETS and sort in PREPARED_SORTS
    return CompiledPage(sql=sql, params=params, columns=columns, prepare=prepare)


def intersection_sql(lexemes: Sequence[str]) -> tuple[str, str, list[str]]:
    """The SearchTermIds lists of `lexemes` side by side per state and type (t0 is the first's),
    as a FROM clause ending in its WHERE (more conditions may follow with AND), the ids they
    share, and the clause's parameters."""
    table = SearchTermIds._meta.db_table
    joins = "".join(
        f" JOIN {table} AS t{n} ON t{n}.lexeme = %s AND t{n}.state = t0.state"
        f" AND t{n}.incident_type = t0.incident_type"
        for n in range(1, len(lexemes))
    )
    shared = " & ".join(f"t{n}.ids" for n in range(len(lexemes)))
    return f"{table} AS t0{joins} WHERE t0.lexeme = %s", shared, [*lexemes[1:], lexemes[0]]
