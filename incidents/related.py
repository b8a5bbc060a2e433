"""Related incidents: the links editors chose first, then automatic suggestions.

Suggestions share the incident's type or state (type counts double), happened within a year of
it, and are ordered by that score and then by how close in time they were. Two queries in all,
whatever the size of the database.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, DateField, F, FloatField, Func, Q, Value, When
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident

DEFAULT_LIMIT = 5
WINDOW = datetime.timedelta(days=365)
CARD_FIELDS = (
    "id",
    "headline",
    "slug",
    "incident_type",
    "incident_date",
    "city",
    "state",
    "first_published_at",
)
EDITOR_CHOSEN = _("Chosen by our editors")
SAME_TYPE = _("Same type")
SAME_STATE = _("Same state")


class DaysApart(Func):
    """|a - b| in days, for two dates (PostgreSQL date arithmetic; julianday on SQLite)."""

    template = "ABS(%(expressions)s)"
    arg_joiner = " - "
    output_field = FloatField()

    def __init__(self, field: str, day: datetime.date) -> None:
        super().__init__(F(field), Value(day, output_field=DateField()))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="ABS(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )


@dataclass
class Related:
    incident: Incident
    reasons: list[str]


def related_incidents(incident: Incident, *, limit: int = DEFAULT_LIMIT) -> list[Related]:
    chosen = list(
        incident.related_incidents.published()
        .order_by("-incident_date", "-id")
        .only(*CARD_FIELDS)[:limit]
    )
    found = [Related(other, [str(EDITOR_CHOSEN)]) for other in chosen]
    if len(found) < limit:
        exclude = {incident.pk, *(other.pk for other in chosen)}
        found += [
            Related(other, _reasons(incident, other))
            for other in suggestions(incident, exclude=exclude, limit=limit - len(found))
        ]
    return found


def suggestions(incident: Incident, *, exclude: set[int], limit: int) -> list[Incident]:
    shares = Q(incident_type=incident.incident_type)
    score = Case(When(incident_type=incident.incident_type, then=2), default=0)
    if incident.state:
        shares |= Q(state=incident.state)
        score = score + Case(When(state=incident.state, then=1), default=0)
    day = incident.incident_date
    return list(
        Incident.objects.published()
        .filter(shares, incident_date__range=(day - WINDOW, day + WINDOW))
        .exclude(pk__in=exclude)
        .annotate(score=score, days_apart=DaysApart("incident_date", day))
        .order_by("-score", "days_apart", "-id")
        .only(*CARD_FIELDS)[:limit]
    )


def _reasons(incident: Incident, other: Incident) -> list[str]:
    reasons = []
    if other.incident_type == incident.incident_type:
        reasons.append(str(SAME_TYPE))
    if incident.state and other.state == incident.state:
        reasons.append(str(SAME_STATE))
    return reasons
