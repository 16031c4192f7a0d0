"""Reads of families and cases used by the views, with their joins, so no page's queries grow with the data."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from cases import access
from cases.models import (
    Avklaringssamtale,
    Case,
    Family,
    Level,
    LevelChange,
    Person,
    PersonRole,
    SamtaleStatus,
    Status,
)


def family_list(user, *, q: str = "", level: int | None = None) -> QuerySet[Family]:
    """The families the user works with, each with its current case's level and status."""
    # "open" sorts after "closed": descending status puts the open case first.
    current = Case.objects.filter(family=OuterRef("pk")).order_by("-status", "-opened_at")
    families = access.visible_families(user).annotate(
        case_level=Subquery(current.values("level")[:1]),
        case_status=Subquery(current.values("status")[:1]),
    )
    if q:
        person_match = Person.objects.filter(family=OuterRef("pk")).filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q)
        )
        families = families.filter(Q(name__icontains=q) | Exists(person_match))
    if level is not None:
        families = families.filter(case_level=level, case_status=Status.OPEN)
    return families.prefetch_related(
        Prefetch("persons", queryset=Person.objects.filter(role=PersonRole.CHILD), to_attr="children")
    ).order_by("name", "pk")


def current_case(family: Family) -> Case | None:
    """The family's open case, or else its most recently opened one."""
    return (
        family.cases.select_related("ressursteam", "familielos", "opened_by", "opened_unit")
        .prefetch_related("children")
        .order_by("-status", "-opened_at")
        .first()
    )


def level_history(family: Family) -> QuerySet[LevelChange]:
    return LevelChange.objects.filter(case__family=family).select_related("actor")


def consents(family: Family):
    return family.consents.select_related("given_by", "recorded_by").prefetch_related("units")


def samtaler(family: Family):
    """The family's clarifying conversations, newest first, with their agreements."""
    return Avklaringssamtale.objects.filter(case__family=family).prefetch_related("agreements")


def decisions_due(user):
    """Open level-0 cases the user works with that wait for a decision, the earliest deadline first."""
    return (
        Case.objects.filter(
            family__in=access.visible_families(user, access.CHANGE),
            status=Status.OPEN,
            level=Level.UNDRING,
            decision_deadline__isnull=False,
        )
        .select_related("family")
        .prefetch_related("children")
        .order_by("decision_deadline", "pk")
    )


def upcoming_samtaler(user, since):
    """Planned clarifying conversations in the user's families from `since` on, the soonest first."""
    return (
        Avklaringssamtale.objects.filter(
            case__family__in=access.visible_families(user), status=SamtaleStatus.PLANNED, starts_at__gte=since
        )
        .select_related("case__family")
        .order_by("starts_at", "pk")
    )
