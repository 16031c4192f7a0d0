"""Reads of families and cases used by the views, with their joins, so no page's queries grow with the data."""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import timezone

from cases import access, baton
from cases import consents as consent_rules
from cases.forms import ParentalResponsibilityForm, PortalLoginForm
from cases.models import (
    ActionPoint,
    Avklaringssamtale,
    Case,
    ChangeKind,
    Consent,
    Family,
    Level,
    LevelChange,
    Person,
    PersonRole,
    SamtaleStatus,
    Status,
    current_case_first,
)
from familielos.expressions import CorrelatedSQL
from familieteam.models import FamilieteamMeeting, FamilieteamMember, MeetingStatus
from screening.models import Submission
from teams.models import Ressursteam, TeamMember


def family_list(user, *, q: str = "", level: int | None = None) -> QuerySet[Family]:
    """The families the user works with, each with its current case's level and status."""
    current = Case.objects.filter(family=OuterRef("pk")).order_by(*current_case_first())
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
        # The open case is the current one (one open case per family: case_one_open_per_family).
        families = families.filter(Exists(Case.objects.filter(family=OuterRef("pk"), status=Status.OPEN, level=level)))
    return families.prefetch_related(
        Prefetch("persons", queryset=Person.objects.filter(role=PersonRole.CHILD), to_attr="children")
    ).order_by("name", "pk")


@functools.cache
def _covering_team_sql(column: str) -> str:
    """The SQL of `_covering_team`, reading the team's `column`, for the case %(case)s opened by the unit %(unit)s."""
    teams, covers = Ressursteam._meta.db_table, Ressursteam.covers.through._meta.db_table

    def first_team_covering(units: str) -> str:
        return (
            f"SELECT team.{column} FROM {teams} team JOIN {covers} covers ON covers.ressursteam_id = team.id "
            f"WHERE covers.serviceunit_id IN ({units}) ORDER BY team.name, team.id LIMIT 1"
        )

    screened_units = (
        f"SELECT screening.unit_id FROM {Submission._meta.db_table} screening "
        f"JOIN {Case.children.through._meta.db_table} named ON named.person_id = screening.child_id "
        "WHERE named.case_id = %(case)s"
    )
    return f"COALESCE(({first_team_covering('%(unit)s')}), ({first_team_covering(screened_units)}))"


def _covering_team(field: str) -> CorrelatedSQL:
    """The ressursteam covering the case's kindergarten or school: the unit that opened the case, else the unit of
    a screening of its children (the first team by name, as `teams.selectors.ressursteam_for_unit` chooses). As SQL
    (CorrelatedSQL): every family page's case query carries it."""
    model_field = Ressursteam._meta.get_field(field)
    return CorrelatedSQL(
        _covering_team_sql(model_field.column), unit=F("opened_unit_id"), case=F("pk"), output_field=model_field
    )


def _cases(actor=None) -> QuerySet[Case]:
    """Cases current first, with what their page shows: `covering_team_name`, the familieteam, and with an
    `actor`, whether the actor is in the case's ressursteam (`actor_in_team`), so the step guards need no query, in
    its familieteam (`actor_in_familieteam`), and the family's baton (`cases.baton.baton_annotations`)."""
    cases = (
        Case.objects.select_related("ressursteam", "familielos", "opened_by", "opened_unit", "familieteam")
        .annotate(covering_team_name=_covering_team("name"))
        .order_by(*current_case_first())
    )
    if actor is not None:
        # The same membership the step guards ask (workflow.standing), so the page offers what they allow.
        in_team = TeamMember.objects.filter(team_id=OuterRef("ressursteam_id"), user_id=actor.pk)
        in_familieteam = FamilieteamMember.objects.filter(team__case=OuterRef("pk"), user_id=actor.pk)
        cases = cases.annotate(
            actor_in_team=Exists(in_team),
            actor_in_familieteam=Q(familielos_id=actor.pk) | Q(Exists(in_familieteam)),
            **baton.baton_annotations("family_id"),
        )
    return cases


def current_case(family: Family, *, actor=None) -> Case | None:
    """The family's current case: its open one, else the one closed last (models.current_case_first)."""
    return _cases(actor).filter(family=family).first()


# A family registered again by the same person within this time, as it was, is the first registration sent again.
RESENT_WITHIN = timedelta(hours=1)


def registered_just_now(
    actor, *, family_name: str, child: dict, guardians: list[dict], reason: str, unit=None
) -> Family | None:
    """The family `actor` registered within RESENT_WITHIN with exactly this registration (name, child, guardians,
    reason and unit), if they still see it: the form sent again after the browser's Back filled it in again with a
    new one-time token, which familielos.once cannot tell from a new form. Anything changed is a new registration.
    Takes register_family's arguments."""
    people = Person.objects.filter(family=OuterRef("pk"))
    guardian_count = people.filter(role=PersonRole.GUARDIAN).order_by().values("family").annotate(n=Count("pk"))
    opened = LevelChange.objects.filter(
        case__family=OuterRef("pk"), case__opened_unit=unit, kind=ChangeKind.OPENED, reason=reason
    )
    families = (
        Family.objects.filter(
            created_by=actor,
            created_at__gte=timezone.now() - RESENT_WITHIN,
            name=family_name,
            pk__in=access.visible_families(actor),
        )
        .filter(Exists(people.filter(role=PersonRole.CHILD, **child)), Exists(opened))
        .alias(guardians=Subquery(guardian_count.values("n")))
        .filter(guardians=len(guardians))
    )
    for guardian in guardians:
        families = families.filter(Exists(people.filter(role=PersonRole.GUARDIAN, **guardian)))
    return families.order_by("-created_at").first()


def family_page_or_404(user, pk: int) -> tuple[Family, Case | None]:
    """The family (with `can_change`) and its current case, read in one query; 404 as `access.family_or_404`.
    `pk` comes from the address's <int:> converter."""
    case = (
        _cases(actor=user)
        .select_related("family")
        .annotate(can_change=access.can_change_flag(user, "family_id"))
        .filter(family__in=access.visible_families(user), family_id=pk)
        .first()
    )
    if case is None:
        return access.family_or_404(user, pk, with_change=True), None
    case.family.can_change = case.can_change
    return case.family, case


def persons(family: Family, case: Case | None) -> list[Person]:
    """The family's people; each says whether the case names them as its children (`in_case`)."""
    named = Case.children.through.objects.filter(case_id=case.pk if case else None, person_id=OuterRef("pk"))
    return list(family.persons.select_related("user").annotate(in_case=Exists(named)))


def covering_ressursteam(case: Case | None) -> Ressursteam | None:
    """The ressursteam covering the child's kindergarten or school, with its services."""
    if case is None:
        return None
    team_id = Case.objects.filter(pk=case.pk).annotate(team=_covering_team("id")).values("team")
    return Ressursteam.objects.filter(pk__in=team_id).prefetch_related("units").first()


def level_history(family: Family) -> QuerySet[LevelChange]:
    return LevelChange.objects.filter(case__family=family).select_related("actor")


def consents(family: Family) -> list[Consent]:
    """The family's consents, each with `unit_names` and `unit_ids` (the services it names, in the order of their
    names) and `outweighed` (consents.mark_outweighed), read in one query."""
    rows = list(
        family.consents.select_related("given_by").annotate(
            unit_names=consent_rules.UNIT_NAMES,
            unit_ids=consent_rules.UNIT_IDS,
        )
    )
    consent_rules.mark_outweighed(rows)
    return rows


def samtaler(family: Family):
    """The family's clarifying conversations, newest first, with their agreements (action points)."""
    return Avklaringssamtale.objects.filter(case__family=family).prefetch_related("action_points")


def samtaler_with_agreements(family: Family):
    """The family's clarifying conversations for the family page, each with its agreements (`action_points`, by
    date), read in two queries."""
    return Avklaringssamtale.objects.filter(case__family=family).prefetch_related(
        Prefetch("action_points", queryset=ActionPoint.objects.order_by(F("due").asc(nulls_last=True), "pk"))
    )


def decisions_due(user):
    """Open level-0 cases the user works with that wait for a decision, the earliest deadline first, each with
    `child_names` (the case's children's first names, in the family's order), read in the same query."""
    return (
        Case.objects.filter(
            family__in=access.visible_families(user, access.CHANGE),
            status=Status.OPEN,
            level=Level.UNDRING,
            decision_deadline__isnull=False,
        )
        .select_related("family")
        .annotate(child_names=ArraySubquery(Person.objects.filter(cases=OuterRef("pk")).values("first_name")))
        .order_by("decision_deadline", "pk")
    )


@dataclass(frozen=True)
class ComingUp:
    """A meeting with a family coming up: a clarifying conversation (`kind` SAMTALE) or a meeting of a familieteam
    the user sits in as a service member (FAMILIETEAM; the familielos has those on the desk)."""

    SAMTALE = "samtale"
    FAMILIETEAM = "familieteam"

    kind: str
    meeting_id: int
    family_id: int
    family_name: str
    starts_at: datetime
    place: str

    def get_absolute_url(self) -> str:
        if self.kind == self.FAMILIETEAM:
            return reverse("familieteam:meeting", args=[self.meeting_id])
        return reverse("cases:samtale_detail", args=[self.family_id, self.meeting_id])


# A booked meeting begun this long ago is still under way and listed as coming up; one begun earlier is over,
# though it stays planned until it is recorded.
UNDER_WAY = timedelta(hours=2)


def coming_up(user, since, *, limit: int = 20) -> list[ComingUp]:
    """The planned clarifying conversations in the user's families and the planned meetings of the familieteams they
    sit in, from `since` on, the soonest first, at most `limit` of each: one query."""
    samtaler = Avklaringssamtale.objects.filter(
        case__family__in=access.visible_families(user), status=SamtaleStatus.PLANNED, starts_at__gte=since
    )
    meetings = FamilieteamMeeting.objects.filter(
        team__in=access.visible_familieteams(user).filter(members__user=user),
        status=MeetingStatus.PLANNED,
        starts_at__gte=since,
    )
    rows = _coming_up_part(samtaler, ComingUp.SAMTALE, "case", limit).union(
        _coming_up_part(meetings, ComingUp.FAMILIETEAM, "team__case", limit)
    )
    return [
        ComingUp(**{name.removeprefix("coming_"): value for name, value in row.items()})
        for row in rows.order_by("coming_starts_at", "coming_kind", "coming_meeting_id")
    ]


def _coming_up_part(queryset: QuerySet, kind: str, case: str, limit: int) -> QuerySet:
    """A part of `coming_up`'s UNION, its first `limit` rows: every part the same columns (ComingUp's fields,
    prefixed so as not to clash with the models' own), in the same order."""
    return queryset.order_by("starts_at", "pk").values(
        coming_kind=Value(kind, output_field=CharField()),
        coming_meeting_id=F("pk"),
        coming_family_id=F(f"{case}__family_id"),
        coming_family_name=F(f"{case}__family__name"),
        coming_starts_at=F("starts_at"),
        coming_place=F("place"),
    )[:limit]


@dataclass
class LoginRow:
    """One family member's login (`person.user`) as the staff page shows it; the forms and `can_remove` only for
    those who may change the family."""

    person: Person
    refusal: str
    can_remove: bool = False
    give_form: PortalLoginForm | None = None
    responsibility_form: ParentalResponsibilityForm | None = None


def portal_logins(persons: list[Person], *, can_change: bool) -> dict:
    """The family page's logins section: the guardians, the young people from PORTAL_YOUTH_AGE and anyone with a
    login (read with the persons: `persons` selects it)."""
    rows = [
        portal_login_row(person, can_change=can_change)
        for person in persons
        if person.user_id is not None or person.role == PersonRole.GUARDIAN or access.may_use_portal(person)
    ]
    return {"rows": rows, "youth_age": settings.PORTAL_YOUTH_AGE}


def portal_login_row(person: Person, *, can_change: bool) -> LoginRow:
    """One person's row, also shown alone on the page a failed login form comes back to."""
    row = LoginRow(person=person, refusal=access.portal_refusal(person))
    if can_change:
        row.can_remove = person.user_id is not None
        if person.user_id is None and not row.refusal:
            row.give_form = PortalLoginForm(person=person)
        if person.role == PersonRole.GUARDIAN:
            row.responsibility_form = ParentalResponsibilityForm(person=person)
    return row
