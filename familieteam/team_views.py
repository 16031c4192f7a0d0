"""The familieteam's own pages: the team with its plan, members and meetings; adding and removing members; booking,
changing and finishing a meeting.

Only the team sees them (the familielos and its service members; access.familieteam_or_404 and
familieteam_meeting_or_404 give anyone else the same 404 as for a missing family). Service members read; the
familielos, who leads the team, changes it through familieteam.workflow, whose refusals are shown on the page.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import access, consents
from familielos import audit, once, roles
from familielos.errors import Refused
from familielos.models import AccessAction, Membership
from familieteam import canvas, workflow
from familieteam.models import Familieteam, FamilieteamMeeting, FamilieteamMember, MeetingStatus, MemberKind
from familieteam.team_forms import FinishMeetingForm, MeetingForm, PlanForm, ServiceMemberForm, TrustedPersonForm


def _members(team: Familieteam) -> list[FamilieteamMember]:
    return list(team.members.select_related("user", "unit"))


@dataclass(frozen=True)
class _Done:
    """A change the workflow made: the page to go to, the message shown there, and the (action, object) audit events
    it writes."""

    then: object
    message: str
    events: list[tuple[AccessAction, object]]


def _leader_page(request, team: Familieteam, template: str, *, change, viewed, context) -> HttpResponse:
    """The body every leader's page shares. `change` (given for a valid POST) makes the change through the workflow
    and says what it did; a refusal is shown on the page instead. The page itself is audited as a view of `viewed`
    and rendered with `context()`, which is only called when the page is shown."""
    refusal = ""
    if change is not None:
        try:
            # A form sent twice (familielos.once, for the forms that carry its token) makes its change once.
            with once.claim(request) as claimed:
                done = change()
                claimed.shown_at(resolve_url(done.then))
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except Refused as refused:
            refusal = str(refused)
        else:
            for action, obj in done.events:
                audit.record(request, action=action, family_id=team.case.family_id, obj=obj)
            messages.success(request, done.message)
            return redirect(done.then)
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=viewed)
    return render(request, template, {"team": team, "family": team.case.family, **context(), "refusal": refusal})


def _cannot_lead(request, team: Familieteam, template: str, context: dict) -> HttpResponse:
    """The page of a leader's form for someone who may not lead the team now (a service member, or the familielos
    once the case has left level 3): the reason, and no form."""
    audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=team)
    if workflow.is_leader(request.user, team):
        refusal = _("The familieteam works while the case is open at level 3.")
    else:
        refusal = _("Only the family's familielos can change the familieteam.")
    context.update(team=team, family=team.case.family, form=None, refusal=refusal)
    return render(request, template, context, status=403)


def _cannot_change(request, meeting: FamilieteamMeeting, template: str) -> HttpResponse:
    """Why the meeting cannot be moved or finished: a held meeting is kept as it was (back to its canvas, saying
    so); anyone who may not lead the team gets the refusal."""
    if not workflow.can_lead(request.user, meeting.team):
        return _cannot_lead(request, meeting.team, template, {"meeting": meeting})
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
    template = "familieteam/team.html"
    if not workflow.can_lead(request.user, team):
        return _cannot_lead(request, team, template, _team_context(request, team))
    form = PlanForm(request.POST, started_on=team.started_on)

    def change():
        workflow.set_plan(actor=request.user, team=team, **form.cleaned_data)
        return _Done(team, _("The plan is saved."), [(AccessAction.CHANGE, team)])

    return _leader_page(
        request,
        team,
        template,
        change=change if form.is_valid() else None,
        viewed=team,
        context=lambda: _team_context(request, team, plan_form=form),
    )


def _team_context(request, team: Familieteam, *, plan_form=None) -> dict:
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
        "can_lead": can_lead,
        "at_level_3": case.at_level_3,
        "service_members": [member for member in members if member.kind == MemberKind.SERVICE],
        "trusted_persons": [member for member in members if member.kind == MemberKind.TRUSTED],
        "meetings": meetings,
        "planned": planned,
        "can_finish": planned is not None and workflow.can_finish_meeting(request.user, planned),
        "plan_form": plan_form if can_lead else None,
    }


# Members --------------------------------------------------------------------------------------------------------


def _offered_memberships(team: Familieteam):
    """Staff to choose from, as person and service: active users who work with families, not the familielos, not
    already in the team."""
    in_team = team.members.filter(kind=MemberKind.SERVICE).values("user")
    return list(
        Membership.objects.filter(user__is_active=True)
        .filter(user__in=Group.objects.filter(name__in=roles.WORKS_WITH_FAMILIES).values("user"))
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
    if not workflow.can_lead(request.user, team):
        return _cannot_lead(request, team, template, {"adding_trusted": False})
    form = ServiceMemberForm(request.POST or None, memberships=_offered_memberships(team))

    def change():
        chosen = form.chosen()
        mandate = form.cleaned_data["mandate"]
        member = workflow.add_service_member(
            actor=request.user, team=team, user=chosen.user, unit=chosen.unit, mandate=mandate
        )
        message = _("%(name)s is added to the familieteam.") % {"name": member}
        return _Done(team, message, [(AccessAction.CREATE, member)])

    def context():
        # A valid form is shown again only when the workflow refused it: the service, if its consent is what is
        # missing (the page links to the consent form with the service ticked).
        uncovered = consents.uncovered(team.case.family, [form.chosen().unit]) if form.is_valid() else []
        return {"form": form, "adding_trusted": False, "consent_missing_for": uncovered[0] if uncovered else None}

    return _leader_page(
        request, team, template, change=change if form.is_valid() else None, viewed=team, context=context
    )


@login_required
@require_http_methods(["GET", "POST"])
def trusted_add(request, family_pk):
    """The familielos adds someone the family chose; they get no login and no access."""
    team = access.familieteam_or_404(request.user, family_pk)
    template = "familieteam/member_form.html"
    if not workflow.can_lead(request.user, team):
        return _cannot_lead(request, team, template, {"adding_trusted": True})
    form = TrustedPersonForm(request.POST or None)

    def change():
        member = workflow.add_trusted_person(actor=request.user, team=team, **form.cleaned_data)
        message = _("%(name)s is added to the familieteam.") % {"name": member.name}
        return _Done(team, message, [(AccessAction.CREATE, member)])

    return _leader_page(
        request,
        team,
        template,
        change=change if form.is_valid() else None,
        viewed=team,
        context=lambda: {"form": form, "adding_trusted": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, family_pk, member_pk):
    """Asks first, then removes the member; a staff member loses access to the family at once."""
    team = access.familieteam_or_404(request.user, family_pk)
    member = get_object_or_404(team.members.select_related("user", "unit"), pk=member_pk)
    template = "familieteam/member_form.html"
    removing = {"removing": member, "removing_service": member.kind == MemberKind.SERVICE}
    if not workflow.can_lead(request.user, team):
        return _cannot_lead(request, team, template, removing)

    def change():
        workflow.remove_member(actor=request.user, member=member)
        message = _("%(name)s is no longer in the familieteam.") % {"name": member}
        return _Done(team, message, [(AccessAction.CHANGE, member)])

    return _leader_page(
        request,
        team,
        template,
        change=change if request.method == "POST" else None,
        viewed=member,
        context=lambda: {"form": None, **removing},
    )


# Meetings -------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, family_pk):
    """The familielos books the team's next meeting with the family; one is planned at a time."""
    team = access.familieteam_or_404(request.user, family_pk)
    template = "familieteam/meeting_form.html"
    if not workflow.can_lead(request.user, team):
        return _cannot_lead(request, team, template, {"meeting": None})
    members = _members(team)
    form = MeetingForm(request.POST or None, members=members, initial=MeetingForm.initial_for(None, members))

    def change():
        meeting = workflow.plan_meeting(actor=request.user, team=team, **form.action_kwargs())
        message = _("The meeting is booked for %(when)s.") % {"when": _when(meeting.starts_at)}
        return _Done(team, message, [(AccessAction.CREATE, meeting)])

    def context():
        return {"form": form, "meeting": None, "planned": team.meetings.filter(status=MeetingStatus.PLANNED).first()}

    return _leader_page(
        request, team, template, change=change if form.is_valid() else None, viewed=team, context=context
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    """The familielos changes the time, place or invited of a meeting not yet held."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    team = meeting.team
    template = "familieteam/meeting_form.html"
    if not workflow.can_change_meeting(request.user, meeting):
        return _cannot_change(request, meeting, template)
    members = _members(team)
    initial = MeetingForm.initial_for(meeting, members)
    form = MeetingForm(request.POST or None, members=members, initial=initial, booked=meeting.starts_at)

    def change():
        changed = workflow.reschedule_meeting(actor=request.user, meeting=meeting, **form.action_kwargs())
        message = _("The meeting is changed to %(when)s.") % {"when": _when(changed.starts_at)}
        return _Done(team, message, [(AccessAction.CHANGE, changed)])

    return _leader_page(
        request,
        team,
        template,
        change=change if form.is_valid() else None,
        viewed=meeting,
        context=lambda: {"form": form, "meeting": meeting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_finish(request, pk):
    """The familielos ends the meeting: who came, and the next meeting, whose canvas carries this one on."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    team = meeting.team
    template = "familieteam/meeting_finish.html"
    if not workflow.can_change_meeting(request.user, meeting):
        return _cannot_change(request, meeting, template)
    if not workflow.can_finish_meeting(request.user, meeting):
        audit.record(request, action=AccessAction.VIEW, family_id=team.case.family_id, obj=meeting)
        begins = _("The meeting begins %(when)s. It can be finished once it has begun.")
        messages.info(request, begins % {"when": _when(meeting.starts_at)})
        return redirect(meeting)
    initial = FinishMeetingForm.initial_for(meeting, team.frequency)
    form = FinishMeetingForm(request.POST or None, members=_members(team), initial=initial)

    def change():
        following = workflow.finish_meeting(actor=request.user, meeting=meeting, **form.action_kwargs())
        message = _(
            "The meeting is finished. The next one is booked for %(when)s, and its canvas starts from this one."
        ) % {"when": _when(following.starts_at)}
        return _Done(following, message, [(AccessAction.CHANGE, meeting), (AccessAction.CREATE, following)])

    return _leader_page(
        request,
        team,
        template,
        change=change if form.is_valid() else None,
        viewed=meeting,
        context=lambda: {
            "form": form,
            "meeting": meeting,
            "suggested": initial["next_date"],
            "unevaluated": canvas.unevaluated_count(meeting),
        },
    )


def _when(starts_at) -> str:
    return date_format(timezone.localtime(starts_at), "d.m.Y H:i")
