"""The familieteam's own pages: the team with its plan, members and meetings; adding and removing members; booking,
changing and finishing a meeting.

Only the team sees them (the familielos and its service members; access.familieteam_or_404 and
familieteam_meeting_or_404 give anyone else the same 404 as for a missing family). Service members read; the
familielos, who leads the team, changes it through familieteam.workflow, whose refusals are shown on the page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import access, consents
from familielos import audit
from familielos.errors import Refused
from familielos.models import AccessAction, Membership
from familieteam import workflow
from familieteam.models import Familieteam, FamilieteamMember, MeetingStatus, MemberKind
from familieteam.team_forms import FinishMeetingForm, MeetingForm, PlanForm, ServiceMemberForm, TrustedPersonForm


def _members(team: Familieteam) -> list[FamilieteamMember]:
    return list(team.members.select_related("user", "unit"))


def _not_leader(request, team: Familieteam, template: str, context: dict):
    """The page of a leader's form, for a team member who is not the familielos: the refusal, no form."""
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=team)
    context.update(
        team=team,
        family=team.case.family,
        form=None,
        refusal=_("Only the family's familielos can change the familieteam."),
    )
    return render(request, template, context, status=403)


def _held(request, meeting):
    """A held meeting is kept as it was: back to its canvas, saying why."""
    audit.record(request, action=AccessAction.VIEW, family_id=meeting.team.case.family_id, obj=meeting)
    messages.warning(request, _("The meeting is held; it can no longer be changed."))
    return redirect(meeting)


# The team page --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def team(request, family_pk):
    """The team: its leader, plan, members and meetings; what the familielos may change, they change from here."""
    team = access.familieteam_or_404(request.user, family_pk)
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=team)
    return render(request, "familieteam/team.html", _team_context(request, team))


@login_required
@require_POST
def plan(request, family_pk):
    """The familielos sets the planned end of level 3 and how often the team meets (the form is on the team page)."""
    team = access.familieteam_or_404(request.user, family_pk)
    if not workflow.is_leader(request.user, team):
        return _not_leader(request, team, "familieteam/team.html", _team_context(request, team))
    form = PlanForm(request.POST, started_on=team.started_on)
    refusal = ""
    if form.is_valid():
        try:
            workflow.set_plan(actor=request.user, team=team, **form.cleaned_data)
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=team.case.family_id, obj=team)
            messages.success(request, _("The plan is saved."))
            return redirect(team)
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=team)
    return render(request, "familieteam/team.html", _team_context(request, team, plan_form=form, refusal=refusal))


def _team_context(request, team: Familieteam, *, plan_form=None, refusal="") -> dict:
    """Everything on the team page in a fixed number of queries, however many members and meetings it has."""
    case = team.case
    family = case.family
    members = _members(team)
    uncovered = {unit.pk for unit in consents.uncovered(family, [member.unit for member in members if member.unit_id])}
    for member in members:
        member.covered = member.unit_id not in uncovered
    with_names = FamilieteamMember.objects.select_related("user")
    meetings = list(team.meetings.prefetch_related(Prefetch("present", with_names), Prefetch("invited", with_names)))
    planned = next((meeting for meeting in meetings if meeting.status == MeetingStatus.PLANNED), None)
    can_lead = workflow.can_lead(request.user, team)
    if can_lead and plan_form is None:
        plan_form = PlanForm(
            initial={"planned_end": team.planned_end, "frequency": team.frequency}, started_on=team.started_on
        )
    return {
        "team": team,
        "case": case,
        "family": family,
        "today": timezone.localdate(),
        "can_lead": can_lead,
        "at_level_3": workflow.at_level_3(case),
        "service_members": [member for member in members if member.kind == MemberKind.SERVICE],
        "trusted_persons": [member for member in members if member.kind == MemberKind.TRUSTED],
        "meetings": meetings,
        "planned": planned,
        "plan_form": plan_form if can_lead else None,
        "refusal": refusal,
    }


# Members --------------------------------------------------------------------------------------------------------


def _offered_memberships(team: Familieteam):
    """Staff to choose from, as person and service: active users, not the familielos, not already in the team."""
    in_team = team.members.filter(kind=MemberKind.SERVICE).values("user")
    return list(
        Membership.objects.filter(user__is_active=True)
        .exclude(user_id=team.case.familielos_id)
        .exclude(user__in=in_team)
        .select_related("user", "unit")
        .order_by("unit__name", "user__first_name", "user__last_name", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, family_pk):
    """The familielos adds a service representative; without the guardians' consent for their service, the page
    says so and links to the consent form, keeping what was typed."""
    team = access.familieteam_or_404(request.user, family_pk)
    template = "familieteam/member_form.html"
    if not workflow.is_leader(request.user, team):
        return _not_leader(request, team, template, {"kind": MemberKind.SERVICE})
    form = ServiceMemberForm(request.POST or None, memberships=_offered_memberships(team))
    refusal, needs_consent = "", False
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        try:
            member = workflow.add_service_member(
                actor=request.user, team=team, user=chosen.user, unit=chosen.unit, mandate=form.cleaned_data["mandate"]
            )
        except Refused as refused:
            refusal = str(refused)
            needs_consent = bool(consents.uncovered(team.case.family, [chosen.unit]))
        else:
            audit.record(request, action=AccessAction.CREATE, family_id=team.case.family_id, obj=member)
            messages.success(request, _("%(name)s is added to the familieteam.") % {"name": member})
            return redirect(team)
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=team)
    context = {
        "team": team,
        "family": team.case.family,
        "form": form,
        "kind": MemberKind.SERVICE,
        "refusal": refusal,
        "needs_consent": needs_consent,
    }
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def trusted_add(request, family_pk):
    """The familielos adds someone the family chose; they get no login and no access."""
    team = access.familieteam_or_404(request.user, family_pk)
    template = "familieteam/member_form.html"
    if not workflow.is_leader(request.user, team):
        return _not_leader(request, team, template, {"kind": MemberKind.TRUSTED})
    form = TrustedPersonForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            member = workflow.add_trusted_person(actor=request.user, team=team, **form.cleaned_data)
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CREATE, family_id=team.case.family_id, obj=member)
            messages.success(request, _("%(name)s is added to the familieteam.") % {"name": member.name})
            return redirect(team)
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=team)
    context = {"team": team, "family": team.case.family, "form": form, "kind": MemberKind.TRUSTED, "refusal": refusal}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, family_pk, member_pk):
    """Asks first, then removes the member; a staff member loses access to the family at once."""
    team = access.familieteam_or_404(request.user, family_pk)
    member = get_object_or_404(team.members.select_related("user", "unit"), pk=member_pk)
    template = "familieteam/member_form.html"
    if not workflow.is_leader(request.user, team):
        return _not_leader(request, team, template, {"removing": member})
    refusal = ""
    if request.method == "POST":
        try:
            workflow.remove_member(actor=request.user, member=member)
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=team.case.family_id, obj=member)
            messages.success(request, _("%(name)s is no longer in the familieteam.") % {"name": member})
            return redirect(team)
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=member)
    context = {"team": team, "family": team.case.family, "form": None, "removing": member, "refusal": refusal}
    return render(request, template, context)


# Meetings -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, family_pk):
    """The familielos books the team's next meeting with the family; one is planned at a time."""
    team = access.familieteam_or_404(request.user, family_pk)
    template = "familieteam/meeting_form.html"
    if not workflow.is_leader(request.user, team):
        return _not_leader(request, team, template, {"meeting": None})
    members = _members(team)
    form = MeetingForm(request.POST or None, members=members, initial=MeetingForm.initial_for(None, members))
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            meeting = workflow.plan_meeting(actor=request.user, team=team, **form.action_kwargs())
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CREATE, family_id=team.case.family_id, obj=meeting)
            messages.success(request, _("The meeting is booked for %(when)s.") % {"when": _when(meeting.starts_at)})
            return redirect(team)
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=team)
    context = {
        "team": team,
        "family": team.case.family,
        "form": form,
        "meeting": None,
        "planned": team.meetings.filter(status=MeetingStatus.PLANNED).first(),
        "refusal": refusal,
    }
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    """The familielos changes the time, place or invited of a meeting not yet held."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    team = meeting.team
    template = "familieteam/meeting_form.html"
    if not workflow.is_leader(request.user, team):
        return _not_leader(request, team, template, {"meeting": meeting})
    if meeting.status != MeetingStatus.PLANNED:
        return _held(request, meeting)
    members = _members(team)
    form = MeetingForm(request.POST or None, members=members, initial=MeetingForm.initial_for(meeting, members))
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            meeting = workflow.reschedule_meeting(actor=request.user, meeting=meeting, **form.action_kwargs())
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=team.case.family_id, obj=meeting)
            messages.success(request, _("The meeting is changed to %(when)s.") % {"when": _when(meeting.starts_at)})
            return redirect(team)
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=meeting)
    context = {"team": team, "family": team.case.family, "form": form, "meeting": meeting, "refusal": refusal}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_finish(request, pk):
    """The familielos ends the meeting: who came, and the next meeting, whose canvas carries this one on."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    team = meeting.team
    template = "familieteam/meeting_finish.html"
    if not workflow.is_leader(request.user, team):
        return _not_leader(request, team, template, {"meeting": meeting})
    if meeting.status != MeetingStatus.PLANNED:
        return _held(request, meeting)
    members = _members(team)
    initial = FinishMeetingForm.initial_for(meeting, team.frequency)
    form = FinishMeetingForm(request.POST or None, members=members, initial=initial)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            following = workflow.finish_meeting(actor=request.user, meeting=meeting, **form.action_kwargs())
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=team.case.family_id, obj=meeting)
            audit.record(request, action=AccessAction.CREATE, family_id=team.case.family_id, obj=following)
            messages.success(
                request,
                _("The meeting is finished. The next one is booked for %(when)s, and its canvas starts from this one.")
                % {"when": _when(following.starts_at)},
            )
            return redirect(following)
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=meeting)
    context = {
        "team": team,
        "family": team.case.family,
        "form": form,
        "meeting": meeting,
        "suggested": initial["next_date"],
        "refusal": refusal,
    }
    return render(request, template, context)


def _when(starts_at) -> str:
    return date_format(timezone.localtime(starts_at), "d.m.Y H:i")
