"""Reads for the familielos's desk (the start page): three queries for all its panels, however many families."""

from datetime import date, datetime

from django.db.models import Exists, JSONField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject

from cases import access, action_points
from cases.models import ActionPoint, ActionStatus, Level, Status
from familielos import roles
from familieteam.models import Familieteam, FamilieteamMeeting, MeetingStatus
from stafettlogg.models import Entry

# How many Stafettlogg entries the desk shows: the newest across the familielos's families.
RECENT_ENTRIES = 10


def has_desk(user) -> bool:
    """Whether the start page shows the familielos's desk: the user has the familielos role (read with the
    permissions every page loads, so asking costs no query)."""
    return roles.has_role(user, roles.FAMILIELOS)


def led_familieteams(user) -> QuerySet[Familieteam]:
    """The familieteams the user leads as the familielos of an open case at level 3, by family name, each with
    `has_meeting` (whether any meeting was ever booked: until then, the first one is a to-do), its planned meeting
    (`planned_meeting`, read by `planned_meetings`), and with the familielos's capacity, so
    cases.workflow.capacity_of(team.case.familielos) reads no row."""
    planned = FamilieteamMeeting.objects.filter(team=OuterRef("pk"), status=MeetingStatus.PLANNED).order_by(
        "starts_at", "pk"
    )
    planned_meeting = planned.values(json=JSONObject(pk="pk", starts_at="starts_at", place="place"))[:1]
    return (
        access.visible_familieteams(user)
        .filter(case__familielos=user, case__status=Status.OPEN, case__level=Level.FAMILIELOS)
        .select_related("case__family", "case__familielos__familielos_capacity")
        .annotate(
            has_meeting=Exists(FamilieteamMeeting.objects.filter(team=OuterRef("pk"))),
            planned_meeting=Subquery(planned_meeting, output_field=JSONField()),
        )
        .order_by("case__family__name", "pk")
    )


def planned_meetings(teams) -> list[FamilieteamMeeting]:
    """The planned meetings of teams read by `led_familieteams`, soonest first (a team has at most one at a time),
    each with its team: no query. Read-only: each holds only what the desk shows, so it is never saved."""
    meetings = [
        FamilieteamMeeting(
            pk=row["pk"],
            team=team,
            status=MeetingStatus.PLANNED,
            starts_at=datetime.fromisoformat(row["starts_at"]),
            place=row["place"],
        )
        for team in teams
        if (row := team.planned_meeting) is not None
    ]
    return sorted(meetings, key=lambda meeting: (meeting.starts_at, meeting.pk))


def my_action_points(user) -> QuerySet[ActionPoint]:
    """The action points that are the user's, in the families they work with ("Mine aksjonspunkt"): those set to
    them, and the level-1 agreements they added to a conversation's record with an owner who has no login, which they
    follow up (action_points.FOLLOWED_UP_BY_RECORDER)."""
    followed_up = action_points.FOLLOWED_UP_BY_RECORDER & Q(created_by=user)
    return access.visible_action_points(user).filter(Q(owner_user=user) | followed_up)


def action_points_due(team_ids, *, by: date) -> QuerySet[ActionPoint]:
    """The teams' open action points due on or before `by` (overdue ones included), whoever owns them, the
    earliest first, with the meeting that set them."""
    return (
        ActionPoint.objects.filter(meeting__team_id__in=team_ids, status=ActionStatus.OPEN, due__lte=by)
        .select_related("family", "meeting")
        .order_by("due", "pk")
    )


def recent_entries(family_ids, *, limit: int = RECENT_ENTRIES) -> QuerySet[Entry]:
    """The newest Stafettlogg entries of these families, with their author and the level change they record."""
    return (
        Entry.objects.filter(family_id__in=family_ids)
        .select_related("family", "author", "level_change")
        .order_by("-at", "-pk")[:limit]
    )
