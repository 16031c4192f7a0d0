from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from cases import access, actions, baton, notices, pilot_figures, selectors, steps, workflow
from cases.forms import (
    AgreementFormSet,
    BookSamtaleForm,
    ConsentForm,
    FamilySearchForm,
    PersonForm,
    PilotYearForm,
    RecordSamtaleForm,
    RegisterFamilyForm,
)
from cases.models import Avklaringssamtale, Case, Consent, ConsentDecision, Level, SamtaleStatus, Status
from familielos import audit, once, roles
from familielos.errors import Refused
from familielos.models import AccessAction
from familielos.validators import parse_id
from teams.models import Decision, Outcome, Referral, ReferralStatus

PAGE_SIZE = 25


@login_required
@require_GET
@vary_on_headers("HX-Request")
def family_list(request):
    search = FamilySearchForm(request.GET)
    search.is_valid()
    families = selectors.family_list(
        request.user, q=search.cleaned_data.get("q", ""), level=search.cleaned_data.get("level")
    )
    page = Paginator(families, PAGE_SIZE).get_page(request.GET.get("side"))
    audit.record_listed(request, [family.pk for family in page], object_type="family_list")
    query = request.GET.copy()
    query.pop("side", None)
    template = "cases/family_list.html#results" if request.htmx else "cases/family_list.html"
    context = {"search": search, "page": page, "query": query.urlencode()}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def family_new(request):
    """Register a family. The form sent twice (a double click) registers it once: the second post is shown the
    family the first one registered (familielos.once); so is the form filled in again by the browser's Back and sent
    with a new token (selectors.registered_just_now)."""
    if not roles.may_register_families(request.user):
        raise PermissionDenied
    form = RegisterFamilyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            once.raise_if_sent(request)
            if registered := selectors.registered_just_now(request.user, **form.action_kwargs()):
                # Sent again after the browser's Back filled the form in again, with a new token.
                messages.info(
                    request, _("You registered this family a moment ago: this is it. Nothing new was registered.")
                )
                return redirect(registered)
            with once.claim(request) as claimed:
                case = actions.register_family(actor=request.user, **form.action_kwargs())
                claimed.shown_at(case.family.get_absolute_url())
        except once.SentAlready as sent:
            return once.sent_twice(
                request, sent, _("The form was sent twice: the family is registered once. This is it.")
            )
        audit.record(request, action=AccessAction.CREATE, family_id=case.family_id, obj=case.family)
        messages.success(request, _("The family is registered and its case opened at level 0."))
        return redirect(case.family)
    return render(request, "cases/family_new.html", {"form": form})


@login_required
@require_GET
def family_detail(request, family_pk):
    family, case = selectors.family_page_or_404(request.user, family_pk)
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=family)
    return render(request, "cases/family_detail.html", _family_context(request, family, case=case))


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def case_step(request, family_pk, case_pk, step):
    """A step's form (GET: a page, or the fragment the case page loads when the step is opened) and the step itself."""
    family = access.family_or_404(request.user, family_pk, need=access.CHANGE, with_change=True)
    cases = Case.objects.select_related("family", "ressursteam", "familielos")
    case = get_object_or_404(cases, pk=case_pk, family=family)
    if step not in steps.STEPS:
        raise Http404
    step = steps.STEPS[step]
    if step.page:
        # Taken on a page of its own: a bookmark or an old form lands there.
        return redirect(step.page_url(case))
    if request.method == "GET":
        audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=case)
        refusal = workflow.step_refusal(step.name, actor=request.user, case=case)
        form = None if refusal else steps.form_for(step, case)
        return _render_step(request, family, case, step, form=form, refusal=refusal)
    if step.name not in workflow.available_steps(case):
        # The case moved on since the page was drawn (another person, another tab): show it as it is now.
        messages.warning(
            request, _("That step is no longer possible: the case has changed. Here is how it stands now.")
        )
        if not request.htmx:
            return redirect(family)
        return render(request, "cases/family_detail.html#case", _family_context(request, family))
    form = steps.form_for(step, case, data=request.POST)
    refusal = ""
    if form.is_valid():
        try:
            steps.take(step, actor=request.user, case=case, **form.cleaned_data)
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=family.pk, obj=case)
            if step.name == workflow.FAMILIELOS and (
                warning := workflow.caseload_warning(form.cleaned_data["familielos"])
            ):
                messages.warning(request, warning)
            # The step may have changed what this person may do with the family, or taken it from them.
            family = access.family_or_none(request.user, family_pk, with_change=True)
            if family is None:
                messages.success(
                    request, _("The case is updated. You no longer work with this family, so its page is closed.")
                )
                return HttpResponseClientRedirect(reverse("home")) if request.htmx else redirect("home")
            if not request.htmx:
                messages.success(request, _("The case is updated."))
                return redirect(family)
            return render(request, "cases/family_detail.html#case", _family_context(request, family))
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=case)
    if request.htmx:
        failed = {"step": step, "form": form, "refusal": refusal}
        return render(request, "cases/family_detail.html#case", _family_context(request, family, failed=failed))
    return _render_step(request, family, case, step, form=form, refusal=refusal)


def _render_step(request, family, case, step, *, form, refusal):
    context = {"family": family, "case": case, "step": step, "form": form, "refusal": refusal, "in_page": request.htmx}
    context.update(_step_extra(step, case))
    template = "cases/_step_form.html" if request.htmx else "cases/case_step.html"
    return render(request, template, context)


def _step_extra(step, case) -> dict:
    """What a step's form shows beside its fields: for a familielos, the services the consent must still cover."""
    if step.name == workflow.FAMILIELOS:
        return {"consent_needed": workflow.familielos_services_to_consent(case)}
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def consent_new(request, family_pk):
    family = access.family_or_404(request.user, family_pk, need=access.CHANGE)
    if not request.user.has_perm("cases.add_consent"):
        raise PermissionDenied
    case = selectors.current_case(family)
    team = (case.ressursteam if case else None) or selectors.covering_ressursteam(case)
    # Opened for a service that needs the consent (a familieteam member's): that service ticked.
    ticked = [unit_pk for unit_pk in map(parse_id, request.GET.getlist("tjeneste")) if unit_pk is not None]
    form = ConsentForm(request.POST or None, family=family, team=team, initial={"units": ticked})
    # Recorded from a clarifying conversation: go back to it afterwards.
    samtale = selectors.samtaler(family).filter(pk=parse_id(request.GET.get("samtale"))).first()
    refusal = ""
    if request.method == "POST" and form.is_valid():
        back = reverse("cases:samtale_detail", args=[family.pk, samtale.pk]) if samtale else family.get_absolute_url()
        try:
            with once.claim(request) as claimed:
                consent = actions.record_consent(actor=request.user, family=family, **form.cleaned_data)
                claimed.shown_at(back)
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CREATE, family_id=family.pk, obj=consent)
            if consent.decision == ConsentDecision.REFUSED:
                messages.success(request, _("The refusal is recorded."))
            else:
                messages.success(request, _("The consent is recorded."))
            notices.tell_if_stepped_down(request, case)
            return notices.back_to(request, family, back)
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, object_type="consent")
    context = {"family": family, "form": form, "refusal": refusal, "samtale": samtale}
    return render(request, "cases/consent_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, family_pk, consent_pk):
    """GET: what withdrawing the consent does to the case now, to confirm; POST: withdraw it."""
    family = access.family_or_404(request.user, family_pk, need=access.CHANGE)
    consent = get_object_or_404(Consent.objects.select_related("given_by"), pk=consent_pk, family=family)
    if request.method == "GET":
        audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=consent)
        case, steps_to = workflow.level_after_withdrawal(consent)
        context = {"family": family, "consent": consent, "case": case, "steps_to": steps_to}
        return render(request, "cases/consent_withdraw.html", context)
    try:
        actions.withdraw_consent(actor=request.user, consent=consent)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        audit.record(request, action=AccessAction.CHANGE, family_id=family.pk, obj=consent)
        messages.success(request, _("The consent is withdrawn."))
    return notices.back_to(request, family, family.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request, family_pk):
    family = access.family_or_404(request.user, family_pk, need=access.CHANGE)
    if not request.user.has_perm("cases.add_person"):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with once.claim(request) as claimed:
                person = actions.add_person(actor=request.user, family=family, **form.cleaned_data)
                claimed.shown_at(family.get_absolute_url())
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        audit.record(request, action=AccessAction.CREATE, family_id=family.pk, obj=person)
        messages.success(request, _("The person is added."))
        return redirect(family)
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, object_type="person")
    return render(request, "cases/person_form.html", {"family": family, "form": form})


@login_required
@require_GET
def family_audit(request, family_pk):
    """A family's audit trail, for leaders and administrators (who see the trail, not the record)."""
    if not request.user.has_perm("familielos.view_accessevent"):
        raise Http404
    events = audit.trail(family_pk)
    if not events.exists():
        raise Http404
    # The trail is read by its family number; the name shows only to those who work with the family.
    family = access.visible_families(request.user).filter(pk=family_pk).first()
    audit.record(request, action=AccessAction.VIEW, family_id=family_pk, object_type="audit")
    page = Paginator(events, 50).get_page(request.GET.get("side"))
    return render(request, "cases/family_audit.html", {"family": family, "family_pk": family_pk, "page": page})


def _family_context(request, family, *, case=None, failed=None):
    """The family page; `family` carries `can_change`. Step forms load only when opened, unless one just failed."""
    if case is None:
        case = selectors.current_case(family, actor=request.user)
    can_change = family.can_change
    persons = selectors.persons(family, case)
    offered = []
    if case is not None and can_change:
        who = workflow.Standing(
            can_change=True, in_team=case.actor_in_team, is_familielos=case.familielos_id == request.user.pk
        )
        for name in workflow.offered_steps(actor=request.user, case=case, who=who):
            step = steps.STEPS[name]
            item = {"step": step, "form": None, "refusal": "", "page_url": step.page_url(case) if step.page else ""}
            if failed and failed["step"] is step:
                item.update(failed, **_step_extra(step, case))
            offered.append(item)
    return {
        "family": family,
        "today": timezone.localdate(),
        "persons": persons,
        "case_children": [person for person in persons if person.in_case],
        "case": case,
        "steps": offered,
        "history": selectors.level_history(family),
        "consents": selectors.consents(family),
        "can_change": can_change,
        "can_add_consent": can_change and request.user.has_perm("cases.add_consent"),
        "can_add_person": can_change and request.user.has_perm("cases.add_person"),
        "can_see_audit": request.user.has_perm("familielos.view_accessevent"),
        "samtaler": selectors.samtaler_with_agreements(family),
        "can_book_samtale": actions.can_book_avklaringssamtale(request.user, case, can_change=can_change),
        "referrals": _family_referrals(request.user, family),
        "screenings": access.visible_submissions(request.user).filter(child__family=family).select_related("unit"),
        "stafett": baton.baton_context(request.user, family, case=case, row=case),
        # A step that failed focuses its own error summary: the heading then takes no autofocus.
        "step_failed": failed is not None,
        "portal_logins": selectors.portal_logins(persons, can_change=can_change),
    }


def _family_referrals(user, family):
    """The family's referrals (another person's drafts left out), each with its team's last decision and whether the
    user may open it."""
    last = Decision.objects.filter(item__referral=OuterRef("pk")).order_by("-decided_at", "-pk")
    referrals = list(
        Referral.objects.filter(case__family=family)
        .exclude(~Q(sender=user), status=ReferralStatus.DRAFT)
        .select_related("team")
        .annotate(last_outcome=Subquery(last.values("outcome")[:1]), can_open=access.can_open_referral_flag(user))
    )
    for referral in referrals:
        referral.outcome_label = Outcome(referral.last_outcome).label if referral.last_outcome else ""
    return referrals


@login_required
@require_http_methods(["GET", "POST"])
def samtale_new(request, family_pk):
    family = access.family_or_404(request.user, family_pk, need=access.CHANGE)
    case = selectors.current_case(family)
    if case is None or not request.user.has_perm("cases.add_avklaringssamtale"):
        raise PermissionDenied
    form = BookSamtaleForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            with once.claim(request) as claimed:
                samtale = actions.book_avklaringssamtale(actor=request.user, case=case, **form.action_kwargs())
                claimed.shown_at(reverse("cases:samtale_detail", args=[family.pk, samtale.pk]))
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CREATE, family_id=family.pk, obj=samtale)
            messages.success(
                request, _("The conversation is booked. Download the invitation letter for the guardians.")
            )
            return redirect("cases:samtale_detail", family.pk, samtale.pk)
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=case)
    return render(request, "cases/samtale_new.html", {"family": family, "form": form, "refusal": refusal})


@login_required
@require_http_methods(["GET", "POST"])
def samtale_edit(request, family_pk, samtale_pk):
    """Move a booked conversation, not yet held, to another time or place."""
    family = access.family_or_404(request.user, family_pk, with_change=True)
    samtale = get_object_or_404(selectors.samtaler(family).select_related("case"), pk=samtale_pk)
    context = {"family": family, "samtale": samtale}
    if refusal := actions.move_refusal(request.user, samtale, can_change=family.can_change):
        audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=samtale)
        return render(request, "cases/samtale_edit.html", {**context, "refusal": refusal}, status=403)
    form = BookSamtaleForm(request.POST or None, initial=BookSamtaleForm.initial_for(samtale))
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            moved = actions.move_avklaringssamtale(actor=request.user, samtale=samtale, **form.action_kwargs())
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=family.pk, obj=moved)
            when = date_format(timezone.localtime(moved.starts_at), "d.m.Y H:i")
            text = _("The conversation is moved to %(when)s. Send the guardians a new invitation letter.")
            messages.success(request, text % {"when": when})
            return redirect("cases:samtale_detail", family.pk, samtale.pk)
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=samtale)
    return render(request, "cases/samtale_edit.html", {**context, "form": form, "refusal": refusal})


@login_required
@require_http_methods(["GET", "POST"])
def samtale_detail(request, family_pk, samtale_pk):
    """The conversation's record; the form while it is not yet recorded, or on "edit" (?rediger=1)."""
    family = access.family_or_404(request.user, family_pk, with_change=True)
    samtale = get_object_or_404(selectors.samtaler(family).select_related("case", "created_by"), pk=samtale_pk)
    can_change = family.can_change and samtale.case.status == Status.OPEN
    if request.method == "POST" and not family.can_change:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = RecordSamtaleForm(data, instance=samtale)
    # Posted rows are read as posted: a row equal to its initial value would count as unchanged and be dropped.
    points = list(samtale.action_points.all())
    initial = _agreement_rows(points) if data is None else None
    agreements = AgreementFormSet(data, prefix="avtale", initial=initial)
    refusal = ""
    if data is not None and form.is_valid() and agreements.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        rows = [row for row in agreements.cleaned_data if row.get("what")]
        try:
            saved = actions.record_avklaringssamtale(
                actor=request.user, samtale=samtale, version=form.cleaned_data["version"], agreements=rows, **fields
            )
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=family.pk, obj=samtale)
            if saved.status == SamtaleStatus.HELD:
                messages.success(request, _("The conversation is recorded."))
            else:
                messages.success(
                    request,
                    _(
                        "The notes are saved. The conversation is still planned: it counts as held once it has "
                        "begun, and it can still be moved."
                    ),
                )
            return redirect("cases:samtale_detail", family.pk, samtale.pk)
    if data is not None and agreements.non_form_errors():
        # A list the page never sends (its count changed by hand): shown again as saved, not with that count, which
        # would fail the same way at every try.
        refusal = _("The agreements could not be read from the page: here they are as saved. Write your changes again.")
        agreements = AgreementFormSet(prefix="avtale", initial=_agreement_rows(points))
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=samtale)
    editing = data is not None or (can_change and (samtale.recorded_at is None or "rediger" in request.GET))
    context = {
        "family": family,
        "samtale": samtale,
        "form": form,
        "agreements": agreements,
        "action_points": points,
        "closed_points": [point for point in points if not point.is_open],
        "refusal": refusal,
        "can_change": can_change,
        "can_move": not actions.move_refusal(request.user, samtale, can_change=family.can_change),
        "can_share": family.can_change,
        "editing": editing,
        "duk_fields": [form[name] for name in Avklaringssamtale.DUK_FIELDS],
        "record_fields": [form[name] for name in ("participants", "concern", "guardians_said")],
    }
    return render(request, "cases/samtale_detail.html", context)


def _agreement_rows(points):
    """The form's rows: the conversation's open points; those done or dropped stay as they are, shown beside."""
    return [
        {"point": point.pk, "what": point.what, "who": point.owner_name, "follow_up": point.due}
        for point in points
        if point.is_open
    ]


@login_required
@permission_required("familielos.view_statistics", raise_exception=True)
@require_GET
def pilot_figures_page(request):
    """The pilot's figures for a year (cases.pilot_figures): counts over every family, up to the end of last month."""
    cutoff = pilot_figures.until()
    years = pilot_figures.years(cutoff)
    form = PilotYearForm(request.GET if "ar" in request.GET else None, years=years)
    year = form.cleaned_data["ar"] if form.is_valid() else years[0]
    context = {
        "form": form,
        "year": year,
        "last_day": pilot_figures.last_day(cutoff),
        "smallest_shown": pilot_figures.SMALLEST_SHOWN,
        "rounded_to": pilot_figures.ROUNDED_TO,
        "median_cases": pilot_figures.MEDIAN_CASES,
        "level_0": Level.UNDRING,
        "cases": pilot_figures.opened_in(year, cutoff),
        "goals": pilot_figures.goals_evaluated_in(year, cutoff),
    }
    return render(request, "cases/pilot_figures.html", context)
