"""The ressursteam's meetings: planning and the agenda, the triage board with its decisions, and the minutes.

Only the team's members see a meeting (access.meeting_or_404: anyone else gets the same 404 as for a missing one).
A named referral shows the family's names only to a member who holds the family grant; an anonymous one has none.
Every family whose name a page shows is recorded in the audit log.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from cases import access, consents
from cases import workflow as case_workflow
from familielos import audit, once, roles
from familielos.models import AccessAction, ServiceKind, ServiceUnit
from familielos.pdf import pdf_filename, render_pdf
from familielos.validators import parse_id
from teams import selectors, workflow
from teams.meeting_forms import AddToAgendaForm, DecisionForm, MeetingForm, PresentForm
from teams.models import AgendaItem, Meeting, Outcome, Referral, ReferralStatus, Ressursteam, TeamMember

User = get_user_model()

# The services a team can hand a case on to: not the child's own arena, not the familielos (its own outcome).
OTHER_SERVICE_KINDS = [
    ServiceKind.PPT,
    ServiceKind.BARNEVERN,
    ServiceKind.PSYKISK_HELSE,
    ServiceKind.HELSESTASJON,
    ServiceKind.FASTLEGE,
    ServiceKind.NAV,
    ServiceKind.OTHER,
]
AGENDA_MOVES = {"up": -1, "down": 1}


# Meetings list and planning -------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request):
    """The coming (selectors.coming_q) and past meetings of the user's teams, and where they may plan one."""
    coming = selectors.coming_q(timezone.now())
    meetings = (
        access.visible_meetings(request.user)
        .select_related("team")
        .annotate(item_count=Count("items", distinct=True), decided_count=Count("items__decision", distinct=True))
    )
    memberships = TeamMember.objects.filter(user=request.user).select_related("team").order_by("team__name")
    context = {
        "upcoming": meetings.filter(coming).order_by("starts_at", "pk"),
        "past": meetings.exclude(coming).order_by("-starts_at", "-pk"),
        "planning_teams": [member.team for member in memberships if workflow.role_plans_meetings(member.role)],
    }
    return render(request, "teams/meeting_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request, team_pk):
    """A leader or secretary plans a meeting; its agenda proposes the waiting referrals."""
    team = access.team_or_404(request.user, team_pk)
    if not workflow.can_plan_meetings(request.user, team):
        refusal = _("Only the team's leader or secretary can plan meetings.")
        return render(request, "teams/meeting_new.html", {"team": team, "refusal": refusal}, status=403)
    form = MeetingForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            with once.claim(request) as claimed:
                meeting = workflow.create_meeting(
                    actor=request.user,
                    team=team,
                    starts_at=form.cleaned_data["starts_at"],
                    place=form.cleaned_data["place"],
                )
                claimed.shown_at(reverse("teams:meeting_agenda", args=[meeting.pk]))
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except workflow.Refused as refused:
            refusal = str(refused)
        else:
            count = meeting.items.count()
            text = ngettext(
                "The meeting is planned with %(count)s referral on the agenda.",
                "The meeting is planned with %(count)s referrals on the agenda.",
                count,
            )
            messages.success(request, text % {"count": count})
            return redirect("teams:meeting_agenda", meeting.pk)
    waiting = workflow.waiting_referrals(team).filter(status=ReferralStatus.SENT).count()
    return render(
        request, "teams/meeting_new.html", {"team": team, "form": form, "refusal": refusal, "waiting": waiting}
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    """A leader or secretary moves a meeting without decisions to another time or place, or cancels it."""
    meeting = access.meeting_or_404(request.user, pk)
    template = "teams/meeting_edit.html"
    if refusal := workflow.meeting_move_refusal(request.user, meeting):
        return render(request, template, {"meeting": meeting, "refusal": refusal}, status=403)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            moved = workflow.reschedule_meeting(
                actor=request.user,
                meeting=meeting,
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
            )
        except workflow.Refused as refused:
            refusal = str(refused)
        else:
            when = date_format(timezone.localtime(moved.starts_at), "d.m.Y H:i")
            messages.success(request, _("The meeting is moved to %(when)s.") % {"when": when})
            return redirect(moved)
    context = {"meeting": meeting, "form": form, "refusal": refusal, "on_agenda": meeting.items.count()}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk):
    """A leader or secretary cancels a meeting without decisions (GET: what that does, to confirm); its referrals
    wait for another meeting."""
    if request.method == "GET":
        meeting = access.meeting_or_404(request.user, pk)
        refusal = workflow.meeting_move_refusal(request.user, meeting)
        context = {"meeting": meeting, "refusal": refusal, "on_agenda": meeting.items.count()}
        return render(request, "teams/meeting_cancel.html", context, status=403 if refusal else 200)
    try:
        once.raise_if_sent(request)
        meeting = access.meeting_or_404(request.user, pk)
        team_url = reverse("teams:team_detail", args=[meeting.team_id])
        with once.claim(request) as claimed:
            referrals = workflow.cancel_meeting(actor=request.user, meeting=meeting)
            claimed.shown_at(team_url)
    except once.SentAlready as sent:
        return once.sent_twice(request, sent)
    except workflow.Refused as refused:
        messages.error(request, str(refused))
        return redirect(meeting)
    text = ngettext(
        "The meeting is cancelled. %(count)s referral waits for another meeting.",
        "The meeting is cancelled. %(count)s referrals wait for another meeting.",
        len(referrals),
    )
    for referral in referrals:
        if referral.case_id:
            # A named family's referral changed: off the agenda, waiting again.
            audit.record(request, action=AccessAction.CHANGE, family_id=referral.case.family_id, obj=referral)
    messages.success(request, text % {"count": len(referrals)})
    return redirect(team_url)


# The agenda -----------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def meeting_agenda(request, pk):
    """The agenda in order; a leader or secretary moves items up and down, removes them and adds waiting referrals.

    Each change is a small form with real buttons, so it works from the keyboard and without JavaScript.
    """
    meeting = access.meeting_or_404(request.user, pk)
    can_plan = workflow.can_plan_meetings(request.user, meeting.team)
    refusal = ""
    focus = {}
    status = 200
    if request.method == "POST":
        if not can_plan:
            refusal, status = _("Only the team's leader or secretary can change the agenda."), 403
        else:
            try:
                focus = _change_agenda(request, meeting)
            except workflow.Refused as refused:
                refusal = str(refused)
            else:
                if not request.htmx:
                    return redirect("teams:meeting_agenda", meeting.pk)
    items = list(_items(meeting))
    # Only those who plan see (and are logged as seeing) the referrals waiting to be added.
    waiting = (
        list(
            workflow.waiting_referrals(meeting.team)
            .filter(workflow.sent_in_time_for(meeting), status=ReferralStatus.SENT)
            .select_related("case__family", "unit")
            .prefetch_related("case__children")
        )
        if can_plan
        else []
    )
    granted = _granted_family_ids(request.user, [*(item.referral for item in items), *waiting])
    audit.record_listed(request, granted, object_type="meeting_agenda", obj=meeting)
    for item in items:
        item.title = _title(item.referral, granted)
        item.decided = getattr(item, "decision", None)
    add_form = AddToAgendaForm(
        choices=[
            (referral.pk, f"{_title(referral, granted)} – {Truncator(referral.question).chars(60)}")
            for referral in waiting
        ]
    )
    context = {
        "meeting": meeting,
        "items": items,
        "can_plan": can_plan,
        "add_form": add_form if waiting else None,
        "refusal": refusal,
        "focus": focus,
    }
    template = "teams/meeting_agenda.html#agenda" if request.htmx else "teams/meeting_agenda.html"
    return render(request, template, context, status=status)


def _change_agenda(request, meeting) -> dict:
    """Carry out one agenda form: move, remove or add. Returns which button to focus afterwards."""
    action = request.POST.get("action", "")
    if action == "add":
        referral = Referral.objects.filter(pk=parse_id(request.POST.get("referral")), team=meeting.team).first()
        if referral is None:
            raise workflow.Refused(_("Choose a waiting referral to add."))
        item = workflow.add_to_agenda(actor=request.user, meeting=meeting, referral=referral)
        messages.success(request, _("The referral is added last on the agenda."))
        # Last, it has a "Move up" button only below another item.
        return {"item": item.pk, "button": "up"} if meeting.items.count() > 1 else {"heading": True}
    item = meeting.items.filter(pk=parse_id(request.POST.get("item"))).first()
    if item is None or action not in {*AGENDA_MOVES, "remove"}:
        raise workflow.Refused(_("That agenda item is no longer on the agenda. Here is how it stands now."))
    if action == "remove":
        workflow.remove_from_agenda(actor=request.user, item=item)
        messages.success(request, _("The referral is taken off the agenda; it waits for another meeting."))
        return {"heading": True}
    workflow.move_agenda_item(actor=request.user, item=item, offset=AGENDA_MOVES[action])
    order = list(meeting.items.order_by("position", "pk").values_list("pk", flat=True))
    index = order.index(item.pk)
    messages.success(
        request, _("Moved: it is now number %(number)s of %(count)s.") % {"number": index + 1, "count": len(order)}
    )
    # Keep focus on the button pressed; at either end, where it is gone, on the other one.
    button = action
    if action == "up" and index == 0:
        button = "down"
    elif action == "down" and index == len(order) - 1:
        button = "up"
    return {"item": item.pk, "button": button}


# The triage board -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_detail(request, pk):
    """The triage board: one card per agenda item, each deciding in place."""
    meeting = access.meeting_or_404(request.user, pk)
    return _board(request, meeting)


def _board(request, meeting, *, failed=None, opened=None, status=200):
    """The board page; `failed` is the card just posted without JavaScript, shown again with its text and message;
    `opened` the card whose decision form was asked for without JavaScript."""
    items = list(_items(meeting))
    members = _members(meeting)
    # The viewer's role in this team (workflow.team_role), from the members the page lists anyway.
    role = next((member.team_role for member in members if member.pk == request.user.pk), None)
    board = Board(request.user, meeting, items)
    for number, item in enumerate(items, start=1):
        item.number = number
        board.prepare(item, failed if failed and failed.item_pk == item.pk else None, with_form=item.pk == opened)
    audit.record_listed(request, [item.family_id for item in items if item.named], object_type="meeting", obj=meeting)
    can_plan = workflow.role_plans_meetings(role)
    decided = any(item.decided for item in items)
    can_move = not workflow.meeting_move_refusal(request.user, meeting, plans_meetings=can_plan, has_decisions=decided)
    context = {"meeting": meeting, "items": items, "can_move": can_move, **_presence(members, can_plan=can_plan)}
    return render(request, "teams/meeting_detail.html", context, status=status)


@dataclass
class Failed:
    """A card whose post did not go through: its form with the typed text, the message, and the decision that won."""

    item_pk: int
    form: DecisionForm | None = None
    refusal: str = ""
    taken: object = None
    typed: list = field(default_factory=list)


class Board:
    """What every card of a board needs, read once for the whole board (the query count does not grow with it)."""

    def __init__(self, user, meeting, items):
        self.user = user
        self.decisions_open = workflow.decisions_open(meeting)
        referrals = [item.referral for item in items]
        self.granted = _granted_family_ids(user, referrals)
        self.consented = consents.covered_by_family(
            {referral.case.family_id for referral in referrals if referral.case_id}
        )
        # The team's services (whose consent each card checks) and the services a decision can send a case to, in
        # one query.
        in_team = Ressursteam.units.through.objects.filter(ressursteam_id=meeting.team_id, serviceunit=OuterRef("pk"))
        units = list(
            ServiceUnit.objects.annotate(in_team=Exists(in_team))
            .filter(Q(in_team=True) | Q(kind__in=OTHER_SERVICE_KINDS))
            .order_by("name", "pk")
        )
        self.team_units = [unit for unit in units if unit.in_team]
        self._services = [unit for unit in units if unit.kind in OTHER_SERVICE_KINDS]
        self._choices = None

    def choices(self) -> dict:
        """The services and familieloser every decision form offers, the familieloser read when the first form is
        made."""
        if self._choices is None:
            familieloser = workflow.familieloser_with_capacity()
            for los in familieloser:
                los.capacity_label = _("%(name)s – %(caseload)s of %(capacity)s families") % {
                    "name": roles.display_name(los),
                    "caseload": los.caseload,
                    "capacity": los.capacity,
                }
            self._choices = {"services": self._services, "familieloser": familieloser}
        return self._choices

    def form(self, item, data=None) -> DecisionForm:
        return DecisionForm(data, prefix=f"item-{item.pk}", anonymous=item.referral.is_anonymous, **self.choices())

    def prepare(self, item, failed: Failed | None = None, *, with_form: bool = False) -> None:
        """Put on the item what its card shows: names or not, waiting days, consent, and its decision, or whether
        one can be recorded on it now. The decision form is made only `with_form` (or for a failed post): the
        board loads each card's form when it is opened, so the board's cost does not grow with the familieloser
        every form lists."""
        referral = item.referral
        item.family_id = referral.case.family_id if referral.case_id else None
        item.named = item.family_id is not None and item.family_id in self.granted
        item.title = _title(referral, self.granted, position=item.number)
        item.waiting_days = referral.waiting_days
        item.consent_missing = (
            None
            if referral.is_anonymous
            else [u for u in self.team_units if u.pk not in self.consented[item.family_id]]
        )
        decision = getattr(item, "decision", None)
        item.decided = decision
        item.awaiting_consent = (
            decision is not None and decision.outcome == Outcome.FAMILIELOS and decision.familielos_confirmed_at is None
        )
        # Asked only of a familielos decision still waiting, which a board has few of.
        item.can_confirm = item.awaiting_consent and workflow.can_confirm_familielos(self.user, decision)
        item.decidable = decision is None and self.decisions_open
        failed = failed or Failed(item.pk)
        item.form = failed.form or (self.form(item) if item.decidable and with_form else None)
        item.refusal, item.taken, item.typed = failed.refusal, failed.taken, failed.typed


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def item_decide(request, pk, item_pk):
    """Record the team's decision on one card. The first to save wins; a later one sees it, with its own text kept.
    GET: the card's decision form, as the fragment the board loads when the form is opened, or without JavaScript
    the board with that form open."""
    meeting = access.meeting_or_404(request.user, pk)
    item = _items(meeting).filter(pk=item_pk).first()
    if item is None:
        if request.method == "GET":
            raise Http404
        # Taken off this meeting's agenda (or withdrawn) while the form was open: the board says so.
        return _card(request, meeting, item_pk, failed=Failed(item_pk, refusal=workflow.gone_from_agenda()))
    if request.method == "GET":
        return _decision_form(request, meeting, item)
    form = Board(request.user, meeting, [item]).form(item, request.POST)
    failed = Failed(item.pk, form=form)
    try:
        # The same form sent again is told so, whatever it would make of the form now.
        once.raise_if_sent(request)
        if not form.is_valid():
            # Decided by another member meanwhile: that is what to say, not what this form lacks.
            workflow.refuse_if_decided(item, request.user)
            return _card(request, meeting, item_pk, failed=failed)
        with once.claim(request) as claimed:
            decision = workflow.decide(actor=request.user, item=item, **form.action_kwargs())
            claimed.shown_at(f"{meeting.get_absolute_url()}#item-{item.pk}")
    except once.SentAlready as sent:
        # The same decision sent again (a double click, a retry): recorded once, the board shows it.
        return once.sent_twice(request, sent)
    except workflow.DecisionTaken as lost:
        # The card now shows the decision that stands; what this person wrote stays on it to copy.
        failed = Failed(item.pk, refusal=str(lost), taken=lost.decision, typed=form.typed_texts())
    except workflow.Refused as refused:
        failed.refusal = str(refused)
    else:
        if item.referral.case_id:
            audit.record(request, action=AccessAction.CHANGE, family_id=item.referral.case.family_id, obj=decision)
        if decision.familielos and (warning := case_workflow.caseload_warning(decision.familielos)):
            messages.warning(request, warning)
        messages.success(request, _("The decision is recorded."))
        failed = None
    return _card(request, meeting, item_pk, failed=failed)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def item_confirm(request, pk, item_pk):
    """Carry out a familielos decision that waited for the guardians' consent."""
    meeting = access.meeting_or_404(request.user, pk)
    item = get_object_or_404(_items(meeting).filter(decision__isnull=False), pk=item_pk)
    failed = None
    try:
        workflow.confirm_familielos(actor=request.user, decision=item.decision)
    except workflow.Refused as refused:
        failed = Failed(item.pk, refusal=str(refused))
    else:
        audit.record(request, action=AccessAction.CHANGE, family_id=item.referral.case.family_id, obj=item.decision)
        messages.success(request, _("The familielos is confirmed: the case is at level 3."))
    return _card(request, meeting, item_pk, failed=failed)


def _card(request, meeting, item_pk, *, failed=None):
    """One card as it is now, as the htmx fragment. Without JavaScript: after a change, back to the board (at the
    card); after a failure, the whole board with the card's form, text and message."""
    card = _items(meeting).filter(pk=item_pk).first()
    if card is None:
        # Gone meanwhile (withdrawn, or the meeting cancelled): the reason, on the board or the team's page.
        if failed is not None and failed.refusal:
            messages.error(request, failed.refusal)
        gone = not Meeting.objects.filter(pk=meeting.pk).exists()
        url = reverse("teams:team_detail", args=[meeting.team_id]) if gone else meeting.get_absolute_url()
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if not request.htmx:
        if failed is None:
            return redirect(reverse("teams:meeting_detail", args=[meeting.pk]) + f"#item-{item_pk}")
        return _board(request, meeting, failed=failed)
    item = _one_card(request, meeting, card, failed=failed)
    # After a decision the form is gone: its heading takes the focus, not the page body. A refusal or the form's
    # errors take it themselves (the first autofocus wins; on a phone the heading is far above them), except a
    # decision taken meanwhile, which shows its refusal without taking the focus.
    errors = item.form is not None and item.form.errors
    item.focus_heading = item.taken is not None or not (item.refusal or errors)
    context = {"meeting": meeting, "item": item, "focus_card": True}
    return render(request, "teams/meeting_detail.html#card", context)


def _decision_form(request, meeting, item):
    """A card's decision form, as the fragment the board loads into the card when the form is opened; the whole card
    instead when it can no longer be decided (decided meanwhile, or the meeting moved). Without JavaScript, the
    board with that card's form open."""
    if not request.htmx:
        return _board(request, meeting, opened=item.pk)
    _one_card(request, meeting, item, with_form=True)
    if item.form is None:
        response = render(request, "teams/meeting_detail.html#card", {"meeting": meeting, "item": item})
        return reswap(retarget(response, f"#item-{item.pk}"), "outerHTML")
    return render(request, "teams/meeting_detail.html#decision-form", {"meeting": meeting, "item": item})


def _one_card(request, meeting, item, *, failed=None, with_form=False):
    """One card's item prepared as the board prepares it (Board.prepare), for an htmx answer of its own; a family
    name it shows is recorded."""
    item.number = _number(meeting, item)
    Board(request.user, meeting, [item]).prepare(item, failed, with_form=with_form)
    if item.named:
        audit.record_listed(request, [item.family_id], object_type="meeting", obj=meeting)
    return item


def _number(meeting, item) -> int:
    return meeting.items.filter(Q(position__lt=item.position) | Q(position=item.position, pk__lt=item.pk)).count() + 1


# Who came -------------------------------------------------------------------------------------------------------


@login_required
@require_POST
@vary_on_headers("HX-Request")
def meeting_present(request, pk):
    meeting = access.meeting_or_404(request.user, pk)
    form = PresentForm(request.POST, members=_members(meeting))
    status, refusal = 200, ""
    if not workflow.can_plan_meetings(request.user, meeting.team):
        status, refusal = 403, _("Only the team's leader or secretary can record who is present.")
    elif form.is_valid():
        workflow.set_present(actor=request.user, meeting=meeting, users=form.present_users())
        messages.success(request, _("Who is present is saved."))
    else:
        # Someone ticked on an older page has left the team meanwhile: nothing is saved, and the list is shown anew.
        refusal = _("Nothing is saved: someone you ticked is no longer in the team. Tick again in the list below.")
    if not request.htmx:
        if refusal:
            messages.error(request, refusal)
        if status == 403:
            return _board(request, meeting, status=status)
        return redirect("teams:meeting_detail", meeting.pk)
    context = {"meeting": meeting, "refusal": refusal, **_presence(_members(meeting), can_plan=status == 200)}
    return render(request, "teams/meeting_detail.html#present", context, status=status)


def _members(meeting) -> list:
    """The team's members by name, each with their `team_role` and whether the meeting has them as present
    (`is_present`), in one query."""
    present = Meeting.present.through.objects.filter(meeting_id=meeting.pk, user_id=OuterRef("pk"))
    return list(
        User.objects.filter(team_memberships__team=meeting.team)
        .annotate(team_role=F("team_memberships__role"), is_present=Exists(present))
        .order_by("first_name", "last_name", "pk")
    )


def _presence(members, *, can_plan: bool) -> dict:
    """Who the meeting has as present, and for a leader or secretary the form to change it."""
    present = [member for member in members if member.is_present]
    form = PresentForm(members=members, initial={"present": [member.pk for member in present]}) if can_plan else None
    return {"can_plan": can_plan, "present_form": form, "present": present}


# Minutes --------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_minutes(request, pk):
    meeting = access.meeting_or_404(request.user, pk)
    context = _minutes(request.user, meeting)
    audit.record_listed(request, context["named_family_ids"], object_type="minutes", obj=meeting)
    return render(request, "teams/meeting_minutes.html", context)


@login_required
@require_GET
def meeting_minutes_pdf(request, pk):
    """The minutes as an A4 PDF; each family named in it is recorded as printed."""
    meeting = access.meeting_or_404(request.user, pk)
    context = _minutes(request.user, meeting)
    for family_id in context["named_family_ids"]:
        audit.record(request, action=AccessAction.PDF, family_id=family_id, obj=meeting)
    filename = pdf_filename(_("Minutes"), meeting.team.name, timezone.localtime(meeting.starts_at).date().isoformat())
    return render_pdf(request, "teams/print/minutes.html", context, filename)


def _minutes(user, meeting) -> dict:
    """The minutes: who came and each item with its decision; names only where the reader holds the grant."""
    items = list(_items(meeting))
    granted = _granted_family_ids(user, [item.referral for item in items])
    for number, item in enumerate(items, start=1):
        item.title = _title(item.referral, granted, position=number)
        item.decided = getattr(item, "decision", None)
    return {
        "meeting": meeting,
        "items": items,
        "present": list(meeting.present.order_by("first_name", "last_name", "pk")),
        "named_family_ids": sorted(granted),
    }


# Reads shared by the pages --------------------------------------------------------------------------------------


def _items(meeting):
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related(
            "referral__case__family",
            "referral__unit",
            "referral__sender",
            "referral__screening",
            "decision__decided_by",
            "decision__service",
            "decision__familielos",
        )
        .prefetch_related("referral__case__children")
        .order_by("position", "pk")
    )


def _granted_family_ids(user, referrals) -> set[int]:
    """Which of the referrals' families the user holds the grant on: only those are named to them."""
    family_ids = {referral.case.family_id for referral in referrals if referral.case_id}
    if not family_ids:
        return set()
    return set(access.visible_families(user).filter(pk__in=family_ids).values_list("pk", flat=True))


def _title(referral, granted, *, position=None) -> str:
    """How a referral is named to this reader: the family and children with the grant, else no name at all."""
    if referral.is_anonymous:
        label = _("anonymous discussion case")
    elif referral.case.family_id in granted:
        children = ", ".join(child.first_name for child in referral.case.children.all())
        label = f"{referral.case.family.name} ({children})" if children else referral.case.family.name
    elif position is None:
        return _("Case (no names)")
    else:
        return _("Case %(number)s (no names)") % {"number": position}
    if position is None:
        return label[:1].upper() + label[1:]
    return _("Case %(number)s: %(label)s") % {"number": position, "label": label}
