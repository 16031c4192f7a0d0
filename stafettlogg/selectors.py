"""Reads of the Stafettlogg, shared by the staff log page and the family's own pages."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from cases.models import Family
from familielos.validators import parse_id
from stafettlogg.models import Entry, Kind, Visibility

User = get_user_model()


def entries(family: Family) -> QuerySet[Entry]:
    """A family's log, newest first, with everything an entry shows read in the same query."""
    return (
        Entry.objects.filter(family=family)
        .select_related(
            "author",
            "author_unit",
            "life_area",
            "level_change",
            "measure",
            "corrects",
            "correction",
            "measure__life_area",
        )
        .order_by("-at", "-pk")
    )


def family_visible_entries(family: Family) -> QuerySet[Entry]:
    """The entries the family itself may read: those written for the team and the family."""
    return entries(family).filter(visibility=Visibility.TEAM_AND_FAMILY)


@dataclass(frozen=True)
class Filters:
    """What the log page is narrowed to; empty values mean "all"."""

    kind: str = ""
    author_id: int | None = None
    life_area_id: int | None = None

    @classmethod
    def from_query(cls, query) -> "Filters":
        """The filters in a query string; a value that cannot be one of the choices is ignored (it narrows only
        this family's own entries, so it needs no check against the choices, which the poll would read again)."""
        kind = query.get("kind", "")
        return cls(
            kind=kind if kind in Kind.values else "",
            author_id=parse_id(query.get("author", "")),
            life_area_id=parse_id(query.get("life_area", "")),
        )

    def apply(self, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
        if self.kind:
            queryset = queryset.filter(kind=self.kind)
        if self.author_id is not None:
            queryset = queryset.filter(author_id=self.author_id)
        if self.life_area_id is not None:
            # An evaluation serves the life area of the measure it evaluates.
            queryset = queryset.filter(Q(life_area_id=self.life_area_id) | Q(measure__life_area_id=self.life_area_id))
        return queryset


def newer_than(queryset: QuerySet[Entry], pk: int) -> QuerySet[Entry]:
    """Entries written after the one with id `pk` (ids grow with every insert), for a page that is open."""
    return queryset.filter(pk__gt=pk)


def authors(family: Family) -> QuerySet:
    """The people who have written in the family's log, for the filter."""
    ids = Entry.objects.filter(family=family).values("author_id")
    return User.objects.filter(pk__in=ids).order_by("first_name", "last_name", "username")


def open_measures(family: Family) -> QuerySet[Entry]:
    """The measures an evaluation can point at: the family's, without those replaced by a correction."""
    return (
        Entry.objects.filter(family=family, kind=Kind.MEASURE, correction__isnull=True)
        .select_related("life_area")
        .order_by("-at", "-pk")
    )
