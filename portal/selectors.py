"""Reads for the family's own pages. Every function takes the signed-in person's family: nothing here reads
another family's rows."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import ActionPoint, ActionStatus, Avklaringssamtale, Baton, Family, SamtaleStatus
from cases.selectors import UNDER_WAY
from familielos.models import Membership
from familielos.roles import display_name
from familieteam import canvas
from familieteam.models import Column, FamilieteamMeeting, LifeArea, MeetingStatus
from stafettlogg.models import Entry, Kind

# How many of the newest log entries and own open tasks the start page shows.
HOME_ENTRIES = 5
HOME_TASKS = 3
# The columns of samtaleduk 2 the plan shows, in this order: what is done now, then the goals.
PLAN_COLUMNS = [Column.NOW, Column.SHORT_GOAL, Column.LONG_GOAL, Column.HELPERS, Column.IMPORTANT, Column.DREAM]
# What each kind of log entry is called on the family's pages, in plain words.
ENTRY_LABELS = {
    Kind.MESSAGE: pgettext_lazy("portal log", "Message"),
    Kind.LYSGLIMT: pgettext_lazy("portal log", "Lysglimt"),
    Kind.MEASURE: pgettext_lazy("portal log", "Measure"),
    Kind.EVALUATION: pgettext_lazy("portal log", "How it went"),
    Kind.SYSTEM: pgettext_lazy("portal log", "Event"),
    Kind.NOTE: pgettext_lazy("portal log", "Note"),
}


@dataclass(frozen=True)
class UpcomingMeeting:
    """A meeting the family is invited to, from either level: what it is, when and where."""

    what: str
    starts_at: datetime
    place: str


def upcoming_meetings(family: Family) -> list[UpcomingMeeting]:
    """The family's booked meetings to come, or under way (cases.selectors.UNDER_WAY), soonest first: familieteam
    meetings (level 3) and clarifying conversations (level 1). Two queries."""
    since = timezone.now() - UNDER_WAY
    team_meetings = FamilieteamMeeting.objects.filter(
        team__case__family=family, status=MeetingStatus.PLANNED, starts_at__gte=since
    ).only("starts_at", "place")
    conversations = Avklaringssamtale.objects.filter(
        case__family=family, status=SamtaleStatus.PLANNED, starts_at__gte=since
    ).only("starts_at", "place")
    meetings = [UpcomingMeeting(_("Meeting with the familieteam"), m.starts_at, m.place) for m in team_meetings] + [
        UpcomingMeeting(_("Talk with the kindergarten or school"), s.starts_at, s.place) for s in conversations
    ]
    return sorted(meetings, key=lambda meeting: meeting.starts_at)


@dataclass(frozen=True)
class Contact:
    """The family's contact person: whoever holds the baton, and the service they work in."""

    name: str
    service: str


def contact(family: Family) -> Contact | None:
    """Who holds the family's baton now, with their first service (one query); None before level 1."""
    unit = Membership.objects.filter(user=OuterRef("holder_id")).order_by("pk").values("unit__name")[:1]
    baton = (
        Baton.objects.filter(family=family)
        .select_related("holder")
        .annotate(service=Subquery(unit))
        .only("holder__first_name", "holder__last_name", "holder__username")
        .first()
    )
    if baton is None:
        return None
    holder = baton.holder
    return Contact(name=display_name(holder), service=baton.service or "")


def action_points(family: Family) -> QuerySet[ActionPoint]:
    """The family's tasks, from a clarifying conversation or a familieteam meeting: open ones first, then done and
    dropped ones, each by date (those without one last)."""
    closed = Case(When(status=ActionStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        ActionPoint.objects.filter(family=family)
        .select_related("samtale", "meeting")
        .annotate(closed=closed)
        .order_by("closed", F("due").asc(nulls_last=True), "pk")
    )


def labelled(entries) -> list[Entry]:
    """The log entries, each with its `label` from ENTRY_LABELS for the page to show."""
    entries = list(entries)
    for entry in entries:
        entry.label = ENTRY_LABELS[entry.kind]
    return entries


def own_open_action_points(family: Family, person) -> QuerySet[ActionPoint]:
    """The person's own open tasks, the earliest date first."""
    return action_points(family).filter(owner_person=person, status=ActionStatus.OPEN)


def agreements(family: Family) -> QuerySet[ActionPoint]:
    """What was agreed in the clarifying conversations (level 1)."""
    return action_points(family).filter(samtale__isnull=False)


@dataclass
class PlanArea:
    """One life area of the plan: what is written for it, column by column, and how last time's goals went."""

    life_area: LifeArea
    slots: list = field(default_factory=list)
    evaluated: list = field(default_factory=list)


@dataclass
class Plan:
    """The family's plan: the samtaleduk 2 of `meeting`, as the life areas with something written."""

    meeting: FamilieteamMeeting
    areas: list[PlanArea]


def plan_meeting(family: Family) -> FamilieteamMeeting | None:
    """The meeting whose samtaleduk 2 is the family's plan now: the latest held one, else the one planned."""
    meetings = FamilieteamMeeting.objects.filter(team__case__family=family).order_by("-starts_at", "-pk")
    return meetings.filter(status=MeetingStatus.HELD).first() or meetings.first()


def plan(family: Family) -> Plan | None:
    """The family's plan as a list per life area (only areas with something written), or None before level 3."""
    meeting = plan_meeting(family)
    if meeting is None:
        return None
    grid = canvas.build_canvas(meeting)
    evaluated = {}
    for cell in canvas.evaluation_items(meeting):
        evaluated.setdefault(cell.life_area_id, []).append(cell)
    areas = []
    for row in grid.rows:
        slots = [grid.slot(row.life_area.pk, column.value) for column in PLAN_COLUMNS]
        area = PlanArea(row.life_area, [slot for slot in slots if slot.text], evaluated.get(row.life_area.pk, []))
        if area.slots or area.evaluated:
            areas.append(area)
    return Plan(meeting=meeting, areas=areas)
