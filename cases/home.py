"""The start page: what waits for the person today, by what they do.

Everyone who works with families sees the level-0 concerns waiting for their decision, the clarifying
conversations coming up and the meetings of the familieteams they sit in as a service member; a ressursteam member
also sees, per team, the next meeting, the referrals waiting and the decisions not yet carried out; a sender sees
their referrals a team returned with a question; a familielos sees their desk: their families at level 3 against
their capacity, the familieteams' next meetings, first meetings still to book, action points overdue or due this
week, families due to phase out, and the newest Stafettlogg entries; and each sees their reminders (reminders.due):
measures to evaluate, handovers waiting, consents expiring, action points due. A named family's name shows only to
someone holding its grant, and each name shown is an access event. A role that works with no family (a researcher,
an administrator) gets its own pages instead.
"""

from collections import defaultdict
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import access, baton, selectors
from cases.workflow import capacity_of, is_full
from familielos import audit, roles
from familieteam import selectors as familieteam_selectors
from familieteam.plan import PLAN_MAX_MONTHS, PLAN_MIN_MONTHS
from reminders import due
from stafettlogg.models import read_type
from teams import selectors as team_selectors

# The desk lists the action points due within this many days, beside the overdue ones.
DUE_SOON_DAYS = 7


@login_required
@require_GET
def home(request):
    user = request.user
    if not roles.works_with_families(user):
        return render(request, "home_own_pages.html")
    now = timezone.now()
    today = timezone.localdate(now)
    decisions = list(selectors.decisions_due(user)[:50])
    coming_up = selectors.coming_up(user, since=now - selectors.UNDER_WAY)
    samtaler = [meeting for meeting in coming_up if meeting.kind == selectors.ComingUp.SAMTALE]
    familieteam_meetings = [meeting for meeting in coming_up if meeting.kind == selectors.ComingUp.FAMILIETEAM]
    # Membership, not a role, puts a person in a team (TeamMember): ask it of everyone.
    panels = _team_panels(user, list(access.member_teams(user).order_by("name", "pk")), now)
    returned = team_selectors.returned_to_sender(user) if user.has_perm("teams.add_referral") else []
    shown = [case.family_id for case in decisions] + [meeting.family_id for meeting in coming_up]
    for panel in panels:
        shown += _named_families(panel["waiting"], lambda referral: referral)
        shown += _named_families(panel["to_carry_out"], lambda decision: decision.item.referral)
    shown += _named_families(returned, lambda referral: referral)
    desk = _desk(user, today) if familieteam_selectors.has_desk(user) else None
    if desk:
        shown += [team.case.family_id for team in desk["teams"]]
    baton_desk = baton.desk_context(user)
    shown += [handover["family_id"] for handover in baton_desk["waiting"]]
    reminders = due.for_person(user, today)
    shown += [reminder.family_id for reminder in reminders]
    # A family whose log entries the desk shows had its log read (as a read of team-only entries when those are all
    # it shows of the family: stafettlogg.models.read_type); the others, their name in a list.
    entries_by_family = defaultdict(list)
    for entry in desk["entries"] if desk else ():
        entries_by_family[entry.family_id].append(entry)
    read_log = {family_id: read_type(entries) for family_id, entries in entries_by_family.items()}
    audit.record_shown(request, {**dict.fromkeys(shown, "overview"), **read_log})
    context = {
        "today": today,
        "decisions": decisions,
        "samtaler": samtaler,
        "familieteam_meetings": familieteam_meetings,
        "panels": panels,
        "returned": returned,
        "desk": desk,
        "baton_desk": baton_desk,
        "reminders": reminders,
        "consent_days": due.CONSENT_NOTICE_DAYS,
    }
    return render(request, "home.html", context)


def _team_panels(user, teams, now) -> list[dict]:
    """One panel per team the user is in, read in three queries however many teams and referrals."""
    if not teams:
        return []
    meetings = team_selectors.next_meetings(teams, now)
    waiting = team_selectors.waiting_referrals(user, teams)
    to_carry_out = team_selectors.decisions_to_carry_out(user, teams)
    return [
        {
            "team": team,
            "next_meeting": meetings.get(team.pk),
            "waiting": [referral for referral in waiting if referral.team_id == team.pk],
            "to_carry_out": [decision for decision in to_carry_out if decision.item.meeting.team_id == team.pk],
        }
        for team in teams
    ]


def _desk(user, today) -> dict:
    """The familielos's desk, read in three queries however many families they follow. Every row names its family
    and links to it; the meetings, to-dos, action points, phase-outs and log entries all come from the families
    they lead."""
    teams = list(familieteam_selectors.led_familieteams(user))
    capacity = capacity_of(teams[0].case.familielos if teams else user)
    desk = {
        "teams": teams,
        "capacity": capacity,
        "full": is_full(len(teams), capacity),
        "above": len(teams) > capacity,
        "plan_min": PLAN_MIN_MONTHS,
        "plan_max": PLAN_MAX_MONTHS,
        "meetings": [],
        "to_book": [team for team in teams if not team.has_meeting],
        "points": [],
        "phase_out": [],
        "entries": [],
    }
    if not teams:
        return desk
    team_ids = [team.pk for team in teams]
    for team in teams:
        team.months = team.months_at_level_3(today)
        team.past_max = team.months >= PLAN_MAX_MONTHS
        team.past_min = team.months >= PLAN_MIN_MONTHS
        team.past_end = team.is_past_planned_end(today)
    desk["phase_out"] = [team for team in teams if team.past_min or team.past_end]
    desk["meetings"] = familieteam_selectors.planned_meetings(teams)
    for meeting in desk["meetings"]:
        meeting.is_today = timezone.localdate(meeting.starts_at) == today
    due_by = today + timedelta(days=DUE_SOON_DAYS)
    desk["points"] = list(familieteam_selectors.action_points_due(team_ids, by=due_by))
    desk["entries"] = list(familieteam_selectors.recent_entries([team.case.family_id for team in teams]))
    return desk


def _named_families(rows, referral_of) -> list[int]:
    """The families whose names these rows show: named referrals the user holds the grant on."""
    return [referral_of(row).case.family_id for row in rows if row.names_visible]
