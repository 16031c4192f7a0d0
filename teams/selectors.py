"""Reads about ressursteams used by several views and by the seed data."""

import statistics
from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Case, Count, Exists, ExpressionWrapper, OuterRef, Q, When
from django.utils import timezone

from cases import access
from cases.models import Level, Status
from familielos.models import ServiceUnit
from teams import workflow
from teams.models import (
    WAITING,
    AgendaItem,
    Decision,
    Meeting,
    Outcome,
    Referral,
    ReferralStatus,
    Ressursteam,
    TeamRole,
    Urgency,
)


def ressursteam_for_unit(unit: ServiceUnit | None) -> Ressursteam | None:
    """The ressursteam covering a kindergarten or school; the first by name if, unusually, several do."""
    if unit is None:
        return None
    return Ressursteam.objects.filter(covers=unit).order_by("name", "pk").first()


# The team's and its members' pages ------------------------------------------------------------------------------


def school_term(day: date) -> tuple[date, date]:
    """The school term a day falls in: autumn is 1 August to 31 December, spring 1 January to 31 July."""
    if day.month >= 8:
        return date(day.year, 8, 1), date(day.year, 12, 31)
    return date(day.year, 1, 1), date(day.year, 7, 31)


def waiting_summary(days: list[int]) -> dict:
    """The median and the longest waiting time of a list of waiting days; None for both when nothing waits."""
    if not days:
        return {"median": None, "longest": None}
    return {"median": statistics.median(days), "longest": max(days)}


def _names_visible(user, family_field: str = "case__family") -> ExpressionWrapper:
    """Whether `user` holds the grant on the referral's family: the only case in which its names are shown."""
    return ExpressionWrapper(Q(**{f"{family_field}__in": access.visible_families(user)}), output_field=BooleanField())


def waiting_referrals(user, teams) -> list[Referral]:
    """The referrals waiting in `teams` (sent, on an agenda, or returned with a question), urgent first, then
    oldest, each with `names_visible`."""
    return list(
        Referral.objects.filter(team__in=teams, status__in=WAITING)
        .select_related("case__family", "unit", "team")
        .annotate(names_visible=_names_visible(user))
        .order_by(Case(When(urgency=Urgency.URGENT, then=0), default=1), "sent_at", "pk")
    )


def returned_to_sender(user) -> list[Referral]:
    """The user's own referrals a team returned with a question, oldest first: theirs to answer."""
    return list(
        Referral.objects.filter(sender=user, status=ReferralStatus.RETURNED)
        .select_related("case__family", "unit", "team")
        .annotate(names_visible=_names_visible(user))
        .order_by("updated_at", "pk")
    )


def coming_q(now: datetime) -> Q:
    """A meeting still to come at `now`: one not begun yet, or one under way (begun today, a referral on its agenda
    still undecided). Every other meeting is past, a meeting still going at midnight too. The start page, the
    team's page and the meetings list all go by it, each with one `now` for its lists."""
    today = timezone.make_aware(datetime.combine(timezone.localtime(now).date(), time.min))
    undecided = AgendaItem.objects.filter(meeting=OuterRef("pk"), decision__isnull=True)
    return Q(starts_at__gte=now) | (Q(starts_at__gte=today) & Exists(undecided))


def next_meetings(teams, now: datetime) -> dict[int, Meeting]:
    """Each team's next meeting at `now` (coming_q: possibly the one under way), with `agenda_count`, by team id."""
    first = (
        Meeting.objects.filter(coming_q(now), team__in=teams)
        .order_by("team_id", "starts_at", "pk")
        .distinct("team_id")
        .values("pk")
    )
    meetings = Meeting.objects.filter(pk__in=first).annotate(agenda_count=Count("items"))
    return {meeting.team_id: meeting for meeting in meetings}


def decisions_to_carry_out(user, teams) -> list[Decision]:
    """Decisions of `teams` not yet carried out: a familielos not yet confirmed, and measures on the child's arena
    whose follow-up date has come while the case is still open at level 1. Each (and its referral) has
    `names_visible`."""
    today = timezone.localdate()
    pending_familielos = workflow.awaiting_familielos()
    follow_up_due = Q(
        outcome=Outcome.ARENA,
        follow_up__lte=today,
        item__referral__case__status=Status.OPEN,
        item__referral__case__level=Level.AVKLARING,
    )
    decisions = list(
        Decision.objects.filter(pending_familielos | follow_up_due, item__meeting__team__in=teams)
        .select_related("item__meeting__team", "item__referral__case__family", "item__referral__unit", "familielos")
        .annotate(names_visible=_names_visible(user, "item__referral__case__family"))
        .order_by("follow_up", "decided_at", "pk")
    )
    for decision in decisions:
        decision.item.referral.names_visible = decision.names_visible
    return decisions


def team_members(team: Ressursteam):
    """The team's members with their people, leader first."""
    order = Case(*(When(role=role, then=index) for index, role in enumerate(TeamRole.values)), default=99)
    return team.members.select_related("user").order_by(order, "user__first_name", "user__last_name", "pk")


def decisions_per_outcome(team: Ressursteam, today: date) -> list[dict]:
    """How many decisions the team made this school term, per outcome (every outcome listed, none left out)."""
    start, end = school_term(today)
    zone = timezone.get_current_timezone()
    counts = dict(
        Decision.objects.filter(
            item__meeting__team=team,
            decided_at__gte=datetime.combine(start, time.min, zone),
            decided_at__lt=datetime.combine(end + timedelta(days=1), time.min, zone),
        )
        .values_list("outcome")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [{"outcome": outcome, "label": outcome.label, "count": counts.get(outcome.value, 0)} for outcome in Outcome]


def team_meetings(team: Ressursteam, *, upcoming: bool, limit: int, now: datetime):
    """The team's coming meetings (coming_q, soonest first) or past ones (latest first), each with `agenda_count`."""
    meetings = team.meetings.annotate(agenda_count=Count("items"))
    coming = coming_q(now)
    if upcoming:
        return meetings.filter(coming).order_by("starts_at", "pk")[:limit]
    return meetings.exclude(coming).order_by("-starts_at", "-pk")[:limit]
