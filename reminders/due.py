"""What is due for whom on a day: measures past their evaluation date, baton handovers waiting, consents about to
expire, action points due. One rule for the start page (one person, one query) and the daily e-mail (everyone, four
queries however many people and families).

Who is reminded, kept simple:
- a measure with no evaluation after its evaluation date: whoever wrote it and the family's baton holder (the people
  working with the family who answer for the measure and for the family's coordination);
- a handover waiting: the person asked to take the baton;
- a consent ending within CONSENT_NOTICE_DAYS: the baton holder, or, before anyone holds it, the opener of the
  family's current case;
- an open action point due today or earlier, owned by a member of staff: that person (the family's own points are on
  the family's pages, not e-mailed); a level-1 agreement whose owner has no login: whoever added it to the record.
Only while the person holds the change grant on the family: someone no longer working with it is reminded of nothing.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, CharField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Left, TruncDate

from cases import access, action_points
from cases.models import (
    ActionPoint,
    ActionStatus,
    Case,
    Consent,
    ConsentDecision,
    Handover,
    HandoverStatus,
    current_case_first,
)
from reminders.models import Kind
from stafettlogg.models import Entry
from stafettlogg.models import Kind as EntryKind

User = get_user_model()

# A consent is reminded of from this many days before it ends.
CONSENT_NOTICE_DAYS = 30
# How much of a measure's text the start page shows.
TITLE_LENGTH = 100


@dataclass(frozen=True)
class Reminder:
    """One item due for one person."""

    user_id: int
    kind: Kind
    object_id: int
    family_id: int
    family_name: str
    due_on: date
    title: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind.value, self.object_id)


def for_person(user, today: date) -> list[Reminder]:
    """What is due for `user` on `today`, of the families they may change, the earliest first; one query."""
    if not user.is_authenticated or not user.is_active:
        return []
    families = access.visible_families(user, access.CHANGE).values("pk")
    parts = [part.filter(remind_user=user.pk, family_id__in=families) for part in _parts(today)]
    return [_reminder(row) for row in _union(parts)]


def for_everyone(today: date) -> dict[User, list[Reminder]]:
    """What is due for every active person on `today`, of the families they hold the change grant on; four queries
    however many people and families."""
    rows = list(_union(_parts(today)))
    holders = access.users_with_grant({row["remind_family"] for row in rows}, access.CHANGE)
    due = defaultdict(list)
    for row in rows:
        if row["remind_user"] in holders[row["remind_family"]]:
            due[row["remind_user"]].append(_reminder(row))
    people = User.objects.filter(pk__in=list(due), is_active=True).order_by("pk")
    return {person: due[person.pk] for person in people}


def _union(parts: list[QuerySet]):
    # UNION, not UNION ALL: the author who also holds the baton is reminded of a measure once.
    return parts[0].union(*parts[1:]).order_by("remind_due", "remind_kind", "remind_object")


def _reminder(row: dict) -> Reminder:
    return Reminder(
        user_id=row["remind_user"],
        kind=Kind(row["remind_kind"]),
        object_id=row["remind_object"],
        family_id=row["remind_family"],
        family_name=row["remind_family_name"],
        due_on=row["remind_due"],
        title=row["remind_title"],
    )


def _parts(today: date) -> list[QuerySet]:
    """One query per kind of reminder and way of being reminded, each with the same columns, for a UNION: copies
    of the day's queries, for the caller to filter and run."""
    return [part.all() for part in _built_parts(today)]


@functools.lru_cache(maxsize=2)
def _built_parts(today: date) -> tuple[QuerySet, ...]:
    """The day's queries, built once a day in each process (building them was about a third of the start page's
    reminder time) and never run themselves: `_parts` hands out copies, as Django's generic views do with a
    class-level queryset. So they may depend on `today` only: nothing of the person, the request or the language.
    """
    measures = (
        Entry.objects.filter(kind=EntryKind.MEASURE, evaluate_by__lt=today)
        .exclude(Exists(Entry.objects.filter(corrects=OuterRef("pk"))))
        .alias(evaluated=_evaluated())
        .filter(evaluated=False)
    )
    measure_title = Left("text", TITLE_LENGTH)
    handovers = Handover.objects.filter(status=HandoverStatus.PENDING)
    open_due = ActionPoint.objects.filter(status=ActionStatus.OPEN, due__lte=today)
    points = open_due.filter(owner_user__isnull=False).filter(access.in_points_team_q(F("owner_user_id")))
    agreements = open_due.filter(action_points.FOLLOWED_UP_BY_RECORDER)
    current_case = Case.objects.filter(family=OuterRef("family")).order_by(*current_case_first())
    consent_holder = Coalesce(
        F("family__baton__holder_id"), Subquery(current_case.values("opened_by_id")[:1]), output_field=IntegerField()
    )
    return (
        _columns(measures, Kind.MEASURE, user=F("author_id"), due=F("evaluate_by"), title=measure_title),
        _columns(
            measures.filter(family__baton__isnull=False),
            Kind.MEASURE,
            user=F("family__baton__holder_id"),
            due=F("evaluate_by"),
            title=measure_title,
        ),
        _columns(handovers, Kind.HANDOVER, user=F("to_user_id"), due=TruncDate("requested_at")),
        _columns(_expiring_consents(today), Kind.CONSENT, user=consent_holder, due=F("valid_to")),
        _columns(points, Kind.ACTION_POINT, user=F("owner_user_id"), due=F("due"), title=F("what")),
        _columns(agreements, Kind.ACTION_POINT, user=F("created_by_id"), due=F("due"), title=F("what")),
    )


def _columns(queryset: QuerySet, kind: Kind, *, user, due, title=None) -> QuerySet:
    """The rows of a part, as the columns every part has, in the same order."""
    return queryset.order_by().values(
        remind_user=user,
        remind_kind=Value(kind.value, output_field=CharField()),
        remind_object=F("pk"),
        remind_family=F("family_id"),
        remind_family_name=F("family__name"),
        remind_due=due,
        remind_title=title if title is not None else Value("", output_field=CharField()),
    )


def _expiring_consents(today: date) -> QuerySet[Consent]:
    """Given consents in force today that end within CONSENT_NOTICE_DAYS, unless a newer given consent of the family
    reaches past their end (the guardians have renewed it); only those of guardians with parental responsibility,
    the only ones that count (consents.covered_by_family)."""
    renewed = Consent.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("valid_to")),
        family=OuterRef("family"),
        decision=ConsentDecision.GIVEN,
        withdrawn_at__isnull=True,
        given_by__parental_responsibility=True,
        pk__gt=OuterRef("pk"),
    )
    return Consent.objects.filter(
        decision=ConsentDecision.GIVEN,
        withdrawn_at__isnull=True,
        given_by__parental_responsibility=True,
        valid_from__lte=today,
        valid_to__gte=today,
        valid_to__lte=today + timedelta(days=CONSENT_NOTICE_DAYS),
    ).exclude(Exists(renewed))


def _evaluated() -> RawSQL:
    """Whether the measure, or an earlier version of it that it corrects, has an evaluation: a corrected measure
    keeps the evaluation its earlier version was given."""
    table = Entry._meta.db_table
    sql = (
        f'EXISTS (WITH RECURSIVE version(id) AS (SELECT "{table}"."id" '
        f"UNION SELECT earlier.corrects_id FROM {table} earlier JOIN version ON earlier.id = version.id "
        "WHERE earlier.corrects_id IS NOT NULL) "
        f"SELECT 1 FROM {table} evaluation WHERE evaluation.kind = %s "
        "AND evaluation.measure_id IN (SELECT id FROM version))"
    )
    return RawSQL(sql, (EntryKind.EVALUATION.value,), output_field=BooleanField())
