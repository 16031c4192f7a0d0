"""The referral pages: a family's referral to a ressursteam, an anonymous discussion case, one referral as its sender
and the team see it, and the sender's own list.

A named referral shows the family's names only to someone who holds the family grant (`access.can`), and every
view of it is an access event of its family; an anonymous one has no family, no names and no event.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import access, consents
from cases import selectors as case_selectors
from cases import workflow as case_workflow
from familielos import audit, once
from familielos.models import AccessAction
from teams import workflow
from teams.models import Decision, Outcome, Referral, ReferralStatus, Ressursteam
from teams.referral_forms import AnonymousReferralForm, AnswerForm, EditReferralForm, NewReferralForm

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request, family_pk):
    """A referral of the family's case, to the ressursteam covering the child's kindergarten or school."""
    family = access.family_or_404(request.user, family_pk, need=access.CHANGE)
    case = case_selectors.current_case(family)
    if case is None:
        raise Http404
    refusal = case_workflow.step_refusal(case_workflow.RESSURSTEAM, actor=request.user, case=case)
    if request.method == "POST" and refusal:
        # Refused because this very form, sent a moment ago, moved the case on: go to what it made.
        try:
            once.raise_if_sent(request)
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
    covering = case_selectors.covering_ressursteam(case)
    teams = Ressursteam.objects.filter(pk=covering.pk) if covering else Ressursteam.objects.all()
    form = NewReferralForm(request.POST or None, teams=teams, initial={"team": covering})
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            with once.claim(request) as claimed:
                referral = workflow.create_referral(
                    actor=request.user, team=form.cleaned_data["team"], case=case, **form.texts()
                )
                claimed.shown_at(referral.get_absolute_url())
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except workflow.Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CREATE, family_id=family.pk, obj=referral)
            return _saved(request, referral)
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=case)
    screening, samtale = workflow.latest_attachments(case, request.user)
    context = {
        "family": family,
        "case": case,
        "form": form if request.method == "POST" or not refusal else None,
        "refusal": refusal,
        "screening": screening,
        "samtale": samtale,
        "drafts": Referral.objects.filter(case=case, sender=request.user, status=ReferralStatus.DRAFT),
        "consent": (consent := _consent_state(request.user, family, covering, draft=True)),
        "can_send": consent["complete"] if consent else _consent_covers_a_team(family, teams),
        "can_record_consent": _may_record_consent(request.user, family),
    }
    return render(request, "teams/referral_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_anonymous_new(request):
    """A discussion case (drøftingssak) for a child the guardians have not consented to share: text only."""
    if not workflow.can_refer_anonymously(request.user):
        raise PermissionDenied
    units = access.user_units(request.user)
    covering = Ressursteam.objects.filter(covers__in=units).distinct()
    teams = covering if covering.exists() else Ressursteam.objects.all()
    form = AnonymousReferralForm(request.POST or None, units=units, teams=teams)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with once.claim(request) as claimed:
                referral = workflow.create_referral(
                    actor=request.user, team=data["team"], unit=data["unit"], **form.texts()
                )
                claimed.shown_at(referral.get_absolute_url())
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except workflow.Refused as refused:
            refusal = str(refused)
        else:
            return _saved(request, referral)
    return render(request, "teams/referral_form.html", {"form": form, "refusal": refusal, "anonymous": True})


@login_required
@require_http_methods(["GET", "POST"])
def referral_edit(request, pk):
    """The sender changes a draft; a save over a newer version (another tab) is refused and the text kept."""
    referral = _own_referral_or_404(request.user, pk)
    if referral.status != ReferralStatus.DRAFT:
        messages.info(request, _("The referral is sent: it can no longer be changed."))
        return redirect(referral)
    form = EditReferralForm.for_referral(referral, request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            referral = workflow.update_referral(
                actor=request.user, referral=referral, version=form.cleaned_data["version"], **form.texts()
            )
        except workflow.Refused as refused:
            refusal = str(refused)
        else:
            _record(request, referral, AccessAction.CHANGE)
            return _saved(request, referral)
    _record(request, referral, AccessAction.VIEW)
    context = {"referral": referral, "form": form, "refusal": refusal, "anonymous": referral.is_anonymous}
    if not referral.is_anonymous:
        family = referral.case.family
        context.update(
            family=family if access.can(request.user, family) else None,
            screening=referral.screening,
            samtale=referral.samtale,
            consent=(consent := _consent_state(request.user, family, referral.team, draft=True)),
            can_send=not workflow.send_refusal(
                request.user, referral, consent_complete=consent["complete"] if consent else None
            ),
        )
    return render(request, "teams/referral_form.html", context)


@login_required
@require_POST
def referral_send(request, pk):
    return _send(request, _own_referral_or_404(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def referral_withdraw(request, pk):
    """The sender takes the referral back (asked to confirm first): it leaves every agenda."""
    referral = _own_referral_or_404(request.user, pk)
    if request.method == "POST":
        try:
            workflow.withdraw_referral(actor=request.user, referral=referral)
        except workflow.Refused as refused:
            messages.error(request, str(refused))
        else:
            _record(request, referral, AccessAction.CHANGE)
            messages.success(request, _("The referral is withdrawn."))
        return redirect(referral)
    _record(request, referral, AccessAction.VIEW)
    if not ReferralStatus(referral.status).can_withdraw:
        return redirect(referral)
    return render(request, "teams/referral_withdraw.html", {"referral": referral})


@login_required
@require_POST
def referral_answer(request, pk):
    """The sender answers the team's question; the referral waits for the team again."""
    referral = _own_referral_or_404(request.user, pk)
    form = AnswerForm(request.POST)
    refusal = ""
    if form.is_valid():
        try:
            workflow.answer_referral(actor=request.user, referral=referral, answer=form.cleaned_data["answer"])
        except workflow.Refused as refused:
            refusal = str(refused)
        else:
            _record(request, referral, AccessAction.CHANGE)
            messages.success(request, _("Your answer is sent to the team."))
            return redirect(referral)
    _record(request, referral, AccessAction.VIEW)
    context = _detail_context(request, referral, answer_form=form, refusal=refusal)
    return render(request, "teams/referral_detail.html", context)


@login_required
@require_GET
def referral_detail(request, pk):
    """One referral, for its sender and the team's members."""
    referral = access.referral_or_404(request.user, pk)
    _record(request, referral, AccessAction.VIEW)
    return render(request, "teams/referral_detail.html", _detail_context(request, referral))


@login_required
@require_GET
def referral_list(request):
    """The referrals the user has written, newest first, with their status and the team's last decision."""
    last_outcome = Decision.objects.filter(item__referral=OuterRef("pk")).order_by("-decided_at", "-pk")
    visible = access.visible_families(request.user).values("pk")
    referrals = (
        Referral.objects.filter(sender=request.user)
        .select_related("team", "unit", "case__family")
        .annotate(
            last_outcome=Subquery(last_outcome.values("outcome")[:1]),
            names_visible=ExpressionWrapper(Q(case__family__in=visible), output_field=BooleanField()),
        )
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("side"))
    for referral in page:
        referral.outcome_label = Outcome(referral.last_outcome).label if referral.last_outcome else ""
    audit.record_listed(
        request,
        [referral.case.family_id for referral in page if referral.names_visible],
        object_type="referral_list",
    )
    return render(request, "teams/referral_list.html", {"page": page})


def _own_referral_or_404(user, pk) -> Referral:
    """The user's own referral: a team member who may read it may not change it, and sees the same 404 as anyone."""
    referral = access.referral_or_404(user, pk)
    if not workflow.can_change_referral(user, referral):
        raise Http404
    return referral


def _saved(request, referral):
    """After a save: send it if that button was pressed, else back to the draft."""
    if "send" in request.POST:
        return _send(request, referral)
    messages.success(request, _("The draft is saved. Only you can see it until it is sent."))
    return redirect(referral)


def _send(request, referral):
    """Send the referral; a refusal (no consent) keeps the draft and shows it again with the reason."""
    try:
        referral = workflow.send_referral(actor=request.user, referral=referral)
    except workflow.Refused as refused:
        messages.error(request, str(refused))
        if referral.status == ReferralStatus.DRAFT:
            return redirect("teams:referral_edit", referral.pk)
        return redirect(referral)
    _record(request, referral, AccessAction.CHANGE)
    messages.success(request, _("The referral is sent to %(team)s.") % {"team": referral.team.name})
    return redirect(referral)


def _record(request, referral, action: AccessAction) -> None:
    """An access event of the family for a named referral; an anonymous one has no family to record."""
    if not referral.is_anonymous:
        audit.record(request, action=action, family_id=referral.case.family_id, obj=referral)


def _consent_state(user, family, team, *, draft: bool) -> dict | None:
    """The team's services and whether the guardians' consent covers each, for someone who may see the family; a link
    to record consent if they may, and for a `draft`, what to do while it does not cover them all."""
    if team is None or not access.can(user, family):
        return None
    units = list(team.units.all())
    missing = {unit.pk for unit in consents.uncovered(family, units)}
    return {
        "services": [{"name": unit.name, "covered": unit.pk not in missing} for unit in units],
        "complete": not missing,
        "can_record": _may_record_consent(user, family),
        "family_pk": family.pk,
        "draft": draft,
    }


def _consent_covers_a_team(family, teams) -> bool:
    """Whether the guardians' consent covers every service of one of `teams` at least (what sending asks,
    case_workflow.refer_to_ressursteam): with none, the page offers a draft only."""
    return consents.covers_one_of(family, (team.units.all() for team in teams.prefetch_related("units")))


def _may_record_consent(user, family) -> bool:
    return user.has_perm("cases.add_consent") and access.can(user, family, access.CHANGE)


def _detail_context(request, referral, *, answer_form=None, refusal="") -> dict:
    user = request.user
    status = ReferralStatus(referral.status)
    is_sender = workflow.can_change_referral(user, referral)
    family = None if referral.is_anonymous else referral.case.family
    show_names = family is not None and access.can(user, family)
    decisions = (
        Decision.objects.filter(item__referral=referral)
        .select_related("item__meeting", "decided_by", "service", "familielos")
        .order_by("decided_at", "pk")
    )
    context = {
        "referral": referral,
        "family": family if show_names else None,
        "children": list(referral.case.children.all()) if show_names else [],
        "waiting_days": referral.waiting_days if status.is_waiting else None,
        "decisions": list(decisions),
        "can_edit": is_sender and status == ReferralStatus.DRAFT,
        "can_send": is_sender and status.can_send,
        "can_withdraw": is_sender and status.can_withdraw,
        "can_answer": is_sender and status == ReferralStatus.RETURNED,
        "answer_form": answer_form or AnswerForm(),
        "refusal": refusal,
    }
    if family is not None:
        screening = referral.screening
        context.update(
            screening=screening,
            screening_visible=screening is not None
            and access.visible_submissions(user).filter(pk=screening.pk).exists(),
            samtale=referral.samtale,
            consent=(consent := _consent_state(user, family, referral.team, draft=status == ReferralStatus.DRAFT)),
        )
    if context["can_send"]:
        complete = consent["complete"] if family is not None and consent else None
        context["can_send"] = not workflow.send_refusal(user, referral, consent_complete=complete)
    return context
