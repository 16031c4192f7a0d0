"""The start page: what waits for the person today, by what they do.

Everyone sees the level-0 concerns waiting for their decision and the clarifying conversations coming up; a
ressursteam member also sees, per team, the next meeting, the referrals waiting and the decisions not yet carried
out; a sender sees their referrals a team returned with a question. A named family's name shows only to someone
holding its grant, and each name shown is an access event.
"""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import access, selectors
from familielos import audit
from teams import selectors as team_selectors


@login_required
@require_GET
def home(request):
    user = request.user
    today = timezone.localdate()
    decisions = list(selectors.decisions_due(user)[:50])
    samtaler = list(selectors.upcoming_samtaler(user, since=timezone.now() - timedelta(hours=2))[:20])
    # Membership, not a role, puts a person in a team (TeamMember): ask it of everyone.
    panels = _team_panels(user, list(access.member_teams(user).order_by("name", "pk")))
    returned = team_selectors.returned_to_sender(user) if user.has_perm("teams.add_referral") else []
    shown = [case.family_id for case in decisions] + [samtale.case.family_id for samtale in samtaler]
    for panel in panels:
        shown += _named_families(panel["waiting"], lambda referral: referral)
        shown += _named_families(panel["to_carry_out"], lambda decision: decision.item.referral)
    shown += _named_families(returned, lambda referral: referral)
    audit.record_listed(request, shown, object_type="overview")
    context = {"today": today, "decisions": decisions, "samtaler": samtaler, "panels": panels, "returned": returned}
    return render(request, "home.html", context)


def _team_panels(user, teams) -> list[dict]:
    """One panel per team the user is in, read in three queries however many teams and referrals."""
    if not teams:
        return []
    meetings = team_selectors.next_meetings(teams)
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


def _named_families(rows, referral_of) -> list[int]:
    """The families whose names these rows show: named referrals the user holds the grant on."""
    return [referral_of(row).case.family_id for row in rows if row.names_visible]
