"""The team pages: the teams a person is in, one team's page with its statistics, and the familieloser's capacity.

A team's page is for its members only: anyone else gets the same 404 as for a team that does not exist. Names of
a named referral show only to a member holding the family's grant, and each name shown is an access event.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cases import access
from familielos import audit, roles
from familielos.models import ServiceUnit
from teams import selectors, workflow
from teams.models import Ressursteam
from teams.team_forms import MAX_CAPACITY, CapacityForm

# Meetings listed on a team's page in each direction; older ones are in the meeting list.
MEETINGS_SHOWN = 10


@login_required
@require_GET
def team_list(request):
    """The teams the person is a member of; straight to the team when there is only one. Someone in no team sees
    which teams the municipality has and which kindergartens and schools each covers (no family in it)."""
    memberships = list(
        request.user.team_memberships.filter(team__in=access.member_teams(request.user))
        .select_related("team")
        .order_by("team__name", "pk")
    )
    if len(memberships) == 1:
        return redirect("teams:team_detail", team_pk=memberships[0].team_id)
    covers = Prefetch("covers", ServiceUnit.objects.order_by("name", "pk"))
    directory = [] if memberships else list(Ressursteam.objects.prefetch_related(covers).order_by("name", "pk"))
    return render(request, "teams/team_list.html", {"memberships": memberships, "directory": directory})


@login_required
@require_GET
def team_detail(request, team_pk):
    """A team's members, services, schools, meetings, its waiting referrals and this term's decisions."""
    team = access.team_or_404(request.user, team_pk)
    now = timezone.now()
    today = timezone.localdate(now)
    waiting = selectors.waiting_referrals(request.user, [team])
    term_start, term_end = selectors.school_term(today)
    audit.record_listed(
        request,
        [referral.case.family_id for referral in waiting if referral.names_visible],
        object_type="ressursteam",
        obj=team,
    )
    context = {
        "team": team,
        "members": selectors.team_members(team),
        "units": team.units.order_by("name"),
        "covers": team.covers.order_by("name"),
        "waiting": waiting,
        "waiting_summary": selectors.waiting_summary([referral.waiting_days for referral in waiting]),
        "outcomes": selectors.decisions_per_outcome(team, today),
        "term_start": term_start,
        "term_end": term_end,
        "upcoming": selectors.team_meetings(team, upcoming=True, limit=MEETINGS_SHOWN, now=now),
        "past": selectors.team_meetings(team, upcoming=False, limit=MEETINGS_SHOWN, now=now),
        "can_plan_meetings": workflow.can_plan_meetings(request.user, team),
    }
    return render(request, "teams/team_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def capacity(request):
    """Every familielos's open level-3 families against the capacity a leader sets for them (leaders only)."""
    if not workflow.can_set_capacity(request.user):
        raise PermissionDenied
    form = CapacityForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        familielos = form.cleaned_data["familielos"]
        try:
            workflow.set_capacity(actor=request.user, familielos=familielos, capacity=form.cleaned_data["capacity"])
        except workflow.Refused as refused:
            refusal = str(refused)
        else:
            name = roles.display_name(familielos)
            count = form.cleaned_data["capacity"]
            text = ngettext(
                "%(name)s can now follow %(count)s family.", "%(name)s can now follow %(count)s families.", count
            )
            messages.success(request, text % {"name": name, "count": count})
            return redirect("teams:capacity")
    rows = workflow.familieloser_with_capacity()
    posted = form["familielos"].value() if form.is_bound else None
    for row in rows:
        row.posted = str(row.pk) == str(posted)
    context = {
        "rows": rows,
        "form": form,
        "refusal": refusal,
        "row_found": any(row.posted for row in rows),
        "max_capacity": MAX_CAPACITY,
    }
    return render(request, "teams/capacity.html", context)
