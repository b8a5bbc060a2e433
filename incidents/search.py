"""Text search over incidents.

PostgreSQL: full-text search on `search_vector` (kept up to date by a trigger, see migration
0002): headline weighted A, summary B, city/state/location C, queried with websearch syntax
(`"exact phrase"`, `or`, `-exclude`) and ranked with ts_rank. The GIN index serves the match.

SQLite: every remaining word must appear (case-insensitively) in the headline, summary, city,
state or location, or be a word of the state's name; a word prefixed with `-` must not appear.

On both, a query with no word to look for (only stop words, punctuation or exclusions) matches
nothing, not everything.

A query that PostgreSQL makes into one term (one word, give or take stop words and punctuation)
has its facet counts read from SearchTermCount (single_term, and incidents.filters).
"""

import functools
import re

from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank
from django.db import connections
from django.db.models import F, Func, Q, QuerySet
from django.utils import translation

from icetracker.geography import State
from icetracker.prepared import prepared_cursor

CONFIG = "english"
# A word, with the "-" of websearch's exclusion when it starts a term ("-raid", not "covid-19").
TERM = re.compile(r"(?:(?<!\S)(-))?(\w+)")
SEARCHED_FIELDS = ("headline", "summary", "city", "state", "location_detail")
# A tsquery of one lexeme as PostgreSQL writes it out: quoted, with ' and \ doubled; and of
# lexemes that must all be there.
ONE_LEXEME = re.compile(r"'((?:[^'\\]|''|\\\\)*)'")
CONJUNCTION = re.compile(rf"{ONE_LEXEME.pattern}(?: & {ONE_LEXEME.pattern})*")
# PostgreSQL's english.stop list (the Snowball list), so both backends drop the same words.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can did do does doing don down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own s same she should so some such t than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with you your yours yourself
    yourselves""".split()  # noqa: SIM905 - a word list reads better as prose
)


def is_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def search_query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=CONFIG)


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Filter by a text query; a blank query filters nothing, a query with no words matches none."""
    query = (query or "").strip()
    if not query:
        return queryset
    wanted, unwanted = terms(query)
    if not wanted:
        return queryset.none()
    if is_postgres(queryset):
        return queryset.filter(search_vector=search_query(query))
    for word in wanted:
        queryset = queryset.filter(_contains(word))
    for word in unwanted:
        queryset = queryset.exclude(_contains(word))
    return queryset


def single_term(query: str, using: str = "default") -> str | None:
    """The lexeme PostgreSQL makes of `query` when it makes exactly one, else None (several
    words, a phrase, OR, an exclusion, or none at all). One short statement on PostgreSQL the
    first time a process sees the query (_lexemes_of).

    An incident matches such a query when its search_vector holds that lexeme, whatever its
    weight, which is what SearchTermCount counts and SearchPosting ranks.
    """
    nodes, lexemes = _parsed(query, using)
    return lexemes[0] if nodes == 1 and lexemes else None


def conjunction(query: str, using: str = "default") -> tuple[str, ...] | None:
    """The distinct lexemes of `query` when PostgreSQL makes it into lexemes that must all be
    there ('court' & 'order' for "court order"), else None (a phrase, OR, an exclusion, no
    word at all). An incident matches such a query when its search_vector holds every one of
    them, whatever their weights and places, which is what SearchTermIds lists."""
    nodes, lexemes = _parsed(query, using)
    return tuple(dict.fromkeys(lexemes)) if lexemes and nodes == 2 * len(lexemes) - 1 else None


def _parsed(query: str, using: str) -> tuple[int, tuple[str, ...]]:
    query = (query or "").strip()
    if not query or not terms(query)[0] or connections[using].vendor != "postgresql":
        return 0, ()
    return _lexemes_of(query, using)


@functools.lru_cache(maxsize=4096)
def _lexemes_of(query: str, using: str) -> tuple[int, tuple[str, ...]]:
    """The number of nodes of the tsquery that websearch_to_tsquery makes of `query`, and its
    lexemes if it is one lexeme or lexemes joined by & (else none), from one statement,
    remembered per query: it depends only on the text and the search configuration (the
    parser, the English stemmer and its stop words), which do not change while the app runs. A
    search that comes back (a common word, a shared link, the next page) skips a round trip,
    about 0.1 ms of PostgreSQL's CPU and 0.06 ms of the worker's; a query seen once costs what
    it did. At most 4,096 queries are kept per process (of at most 200 characters from the
    filter form, filters.MAX_QUERY_LENGTH)."""
    with prepared_cursor(using) as cursor:
        cursor.execute(
            "SELECT numnode(q), q::text FROM websearch_to_tsquery(%s::regconfig, %s) AS q",
            [CONFIG, query],
        )
        nodes, text = cursor.fetchone()
    if not CONJUNCTION.fullmatch(text or ""):
        return nodes, ()
    lexemes = [found.replace("''", "'").replace("\\\\", "\\") for found in ONE_LEXEME.findall(text)]
    return nodes, tuple(lexemes)


def terms(query: str) -> tuple[list[str], list[str]]:
    """(words that must appear, words that must not), stop words left out."""
    wanted: list[str] = []
    unwanted: list[str] = []
    for minus, word in TERM.findall(query.lower()):
        if word not in STOP_WORDS:
            (unwanted if minus else wanted).append(word)
    return wanted, unwanted


class EvaluatedOnce(Func):
    """An expression as a scalar subquery, which PostgreSQL evaluates once per run of the
    statement (an InitPlan), not once per row."""

    template = "(SELECT %(expressions)s)"


def rank(queryset: QuerySet, query: str) -> QuerySet:
    """Annotate `search_rank` (PostgreSQL; 0 elsewhere) for ordering by relevance.

    The tsquery is made once per statement (EvaluatedOnce). Written in place, a prepared
    statement's generic plan, where the words are a parameter rather than a constant folded
    when planning, parsed them again for every row it ranked: the first page of "court order"
    in Texas with one type ranks 581 candidates, 3.3 ms on that plan against 1.6 ms with the
    tsquery made once (filters.compiled_page prepares it since).
    """
    if is_postgres(queryset):
        tsquery = EvaluatedOnce(search_query(query), output_field=SearchQueryField())
        return queryset.annotate(search_rank=SearchRank(F("search_vector"), tsquery))
    return queryset


@functools.cache
def _state_names() -> dict[str, str]:
    with translation.override("en"):
        return {code: str(label).lower() for code, label in State.choices}


def _contains(word: str) -> Q:
    condition = Q()
    for field in SEARCHED_FIELDS:
        condition |= Q(**{f"{field}__icontains": word})
    states = [code for code, name in _state_names().items() if word in name.split()]
    return condition | Q(state__in=states) if states else condition
