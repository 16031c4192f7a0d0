"""The staff screening pages (vurderingsverktøy) and the leaders' instrument editor."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import access
from familielos import audit, once
from familielos.decorators import permission_or_404
from familielos.models import AccessAction
from familielos.validators import parse_id
from screening import selectors, workflow
from screening.forms import (
    FactorFormSet,
    InstrumentForm,
    LinkChildForm,
    NewFactorForm,
    ScreeningForm,
    StartForm,
)
from screening.models import Audience, Instrument, InstrumentStatus, SubmissionStatus

PAGE_SIZE = 25
SCREEN = "screening.add_submission"
EDIT_INSTRUMENTS = "screening.change_instrument"


# Staff screening


@permission_or_404(SCREEN)
@require_GET
def submission_list(request):
    page = Paginator(selectors.submission_list(request.user), PAGE_SIZE).get_page(request.GET.get("side"))
    named = [submission.child.family_id for submission in page if submission.child_id]
    audit.record_listed(request, named, object_type="screening_list")
    return render(request, "screening/submission_list.html", {"page": page})


@permission_or_404(SCREEN)
@require_http_methods(["GET", "POST"])
def submission_new(request):
    """Step 1 (by GET) chooses the unit, the child and the age group; step 2 is the screening itself.

    `fra` names an opened concern from a guardian in the user's inbox: the screening starts from their answers.
    """
    start = StartForm(request.GET or None, user=request.user)
    if not start.is_valid() or "endre" in request.GET:
        has_units = start.fields["unit"].queryset.exists()
        if has_units:  # else the page says so, and shows no form
            _audit_child_choices(request, start)
        return render(request, "screening/submission_start.html", {"form": start, "has_units": has_units})
    instrument = start.cleaned_data["instrument"]
    initial = {"unit": start.cleaned_data["unit"], "child": start.cleaned_data["child"]}
    if "fra" in request.GET:
        concern = get_object_or_404(selectors.opened_concerns(request.user), pk=_id_or_404(request.GET["fra"]))
        initial.update(ScreeningForm.initial_from_concern(concern, instrument))
    # Back to step 1 with the age group in use chosen, whether it was picked or proposed by the child or the unit.
    change = request.GET.copy()
    change["age_group"], change["endre"] = start.cleaned_data["age_group"], "1"
    return _screening_page(request, instrument, initial=initial, change_query=change.urlencode())


@permission_or_404(SCREEN)
@require_http_methods(["GET", "POST"])
def submission_edit(request, pk):
    submission = access.submission_or_404(request.user, pk)
    if submission.created_by_id != request.user.pk:
        raise Http404
    if submission.status != SubmissionStatus.DRAFT:
        if request.method == "POST":
            try:
                # This very form sent again (a double click): it did its work, which the result shows.
                once.raise_if_sent(request)
            except once.SentAlready as sent:
                return once.sent_twice(request, sent)
            return _submitted_meanwhile(request, submission)
        return redirect("screening:submission_detail", submission.pk)
    initial = {name: getattr(submission, name) for name in (*ScreeningForm.OBSERVATIONS, "child_description")}
    initial.update(unit=submission.unit_id, child=submission.child_id, factors=_factor_ids(submission))
    return _screening_page(request, submission.instrument, submission=submission, initial=initial)


@permission_or_404(SCREEN)
@require_POST
def submission_preview(request):
    """The live recommendation while factors are ticked: computed from the posted form, never saved."""
    instrument = _published_staff_instrument(request.POST.get("instrument"))
    context = {"barnevern_units": selectors.barnevern_units(), "instrument": instrument}
    try:
        if instrument is None:
            raise workflow.ScreeningRefused(_("This version of the screening tool is not in use. Reload the form."))
        factors = workflow.check_factors(instrument, request.POST.getlist("factors"))
    except (workflow.ScreeningRefused, ValueError):
        context["preview_error"] = _("The form does not match this version of the screening tool. Reload it.")
    else:
        context["result"] = workflow.result_of(instrument, factors)
    return render(request, "screening/submission_form.html#recommendation", context)


@permission_or_404(SCREEN)
@require_GET
def submission_detail(request, pk):
    submission = access.submission_or_404(request.user, pk)
    if submission.audience == Audience.GUARDIAN:
        # A guardian's self-assessment is read in the unit's inbox, anonymous until someone opens it.
        return redirect("inbox:detail", submission.pk)
    if submission.status == SubmissionStatus.DRAFT:
        return redirect("screening:submission_edit", submission.pk)
    _audit(request, submission, AccessAction.VIEW)
    return render(request, "screening/submission_detail.html", _detail_context(request, submission))


@permission_or_404(SCREEN)
@require_POST
def submission_link(request, pk):
    """Name the child of an anonymous, submitted screening: the family's case opens at level 0."""
    submission = access.submission_or_404(request.user, pk)
    if submission.audience != Audience.STAFF:
        raise Http404
    form = LinkChildForm(request.POST, user=request.user)
    refusal = ""
    if form.is_valid():
        try:
            linked = workflow.link_to_child(actor=request.user, submission=submission, child=form.cleaned_data["child"])
        except (workflow.ScreeningRefused, PermissionDenied) as refused:
            refusal = str(refused) or _("You cannot link this screening to that child.")
        else:
            _audit(request, linked, AccessAction.CHANGE)
            messages.success(request, _("The screening is linked to the child, and the family's case is updated."))
            return redirect("screening:submission_detail", submission.pk)
    _audit(request, submission, AccessAction.VIEW)
    context = _detail_context(request, submission, link_form=form, refusal=refusal)
    return render(request, "screening/submission_detail.html", context)


def _screening_page(request, instrument, *, submission=None, initial=None, change_query=""):
    """The screening form for new and draft screenings: save a draft, or submit and see the result."""
    submit = request.POST.get("action") == "submit"
    groups = selectors.factor_groups(instrument)
    data = request.POST if request.method == "POST" else None
    form = ScreeningForm(data, user=request.user, instrument=instrument, groups=groups, submit=submit, initial=initial)
    refusal = ""
    named_before = submission.child if submission is not None and submission.child_id else None
    if data is not None and form.is_valid():
        try:
            with once.claim(request) as claimed:
                saved = workflow.save_screening(
                    actor=request.user,
                    instrument=instrument,
                    submission=submission,
                    submit=submit,
                    **form.action_kwargs(),
                )
                claimed.shown_at(_saved_url(saved))
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except (workflow.ScreeningRefused, PermissionDenied) as refused:
            refusal = str(refused) or _("You cannot name this child in a screening.")
        else:
            return _saved(request, saved, new=submission is None, named_before=named_before)
    if submission is not None:
        _audit(request, submission, AccessAction.VIEW)
    _audit_child_choices(request, form)
    context = {
        "form": form,
        "instrument": instrument,
        "submission": submission,
        "refusal": refusal,
        "result": workflow.result_of(instrument, form.ticked()),
        "barnevern_units": selectors.barnevern_units(),
        "change_query": change_query,
    }
    return render(request, "screening/submission_form.html", context)


def _submitted_meanwhile(request, submission):
    """A draft's form sent after the draft was submitted (in another window): nothing is saved over the submitted
    screening, and the page says so with what this form held, to copy."""
    typed = [
        (ScreeningForm.base_fields[name].label, request.POST.get(name, ""))
        for name in (*ScreeningForm.OBSERVATIONS, "child_description")
        if request.POST.get(name, "").strip()
    ]
    refusal = _("The screening was submitted in another window meanwhile, so what you wrote here is not saved.")
    _audit(request, submission, AccessAction.VIEW)
    context = _detail_context(request, submission, refusal=refusal)
    context["typed"] = typed
    return render(request, "screening/submission_detail.html", context)


def _saved(request, saved, *, new, named_before):
    _audit(request, saved, AccessAction.CREATE if new else AccessAction.CHANGE)
    if named_before is not None and named_before.family_id != getattr(saved.child, "family_id", None):
        # Un-naming (or renaming) a draft changes what is stored about the family it was named to.
        audit.record(request, action=AccessAction.CHANGE, family_id=named_before.family_id, obj=saved)
    if saved.status == SubmissionStatus.SUBMITTED:
        messages.success(request, _("The screening is submitted."))
    else:
        messages.success(request, _("The draft is saved. You find it under Screenings to finish it later."))
    return redirect(_saved_url(saved))


def _saved_url(saved) -> str:
    """Where a saved screening is shown: the result once submitted, else the draft's form."""
    if saved.status == SubmissionStatus.SUBMITTED:
        return reverse("screening:submission_detail", args=[saved.pk])
    return reverse("screening:submission_edit", args=[saved.pk])


def _detail_context(request, submission, *, link_form=None, refusal=""):
    factors = list(selectors.ticked_factors(submission))
    child = submission.child
    can_link = submission.is_anonymous and submission.status == SubmissionStatus.SUBMITTED
    can_link = can_link and submission.audience == Audience.STAFF
    link_form = link_form or (LinkChildForm(user=request.user) if can_link else None)
    if link_form is not None and child is None:  # the page shows the form only while the screening is anonymous
        _audit_child_choices(request, link_form)
    return {
        "submission": submission,
        "risk_factors": [factor for factor in factors if factor.kind == "risk"],
        "protective_factors": [factor for factor in factors if factor.kind == "protective"],
        "barnevern_units": selectors.barnevern_units(),
        "family": child.family if child else None,
        "can_see_family": child is not None and access.can(request.user, child.family),
        "link_form": link_form,
        "refusal": refusal,
    }


def _audit(request, submission, action):
    # A named screening is the family's data too; an anonymous one has no family to log against.
    if submission.child_id is not None:
        audit.record(request, action=action, family_id=submission.child.family_id, obj=submission)


def _audit_child_choices(request, form):
    """The child list names every family the user may name a screening to: one view event for each."""
    children = form.fields["child"].queryset
    audit.record_listed(request, children.values_list("family_id", flat=True), object_type="child_choices")


def _factor_ids(submission):
    return list(submission.factors.values_list("pk", flat=True))


def _id_or_404(value):
    """A database id from the query string; anything but ASCII digits that fit a bigint is a 404."""
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return pk


def _published_staff_instrument(pk):
    published = Instrument.objects.filter(status=InstrumentStatus.PUBLISHED, audience=Audience.STAFF)
    return published.filter(pk=parse_id(pk)).first()


# Leaders' instrument editor


@permission_or_404(EDIT_INSTRUMENTS)
@require_GET
def instrument_list(request):
    return render(request, "screening/instrument_list.html", {"instruments": selectors.instrument_versions()})


@permission_or_404(EDIT_INSTRUMENTS)
@require_GET
def instrument_detail(request, pk):
    instrument = get_object_or_404(Instrument, pk=pk)
    draft = Instrument.objects.filter(
        age_group=instrument.age_group, audience=instrument.audience, status=InstrumentStatus.DRAFT
    ).first()
    avklaring, ressursteam = workflow.thresholds(instrument)
    context = {
        "instrument": instrument,
        "groups": selectors.factor_groups(instrument),
        "draft": draft,
        "avklaring_threshold": avklaring,
        "ressursteam_threshold": ressursteam,
    }
    return render(request, "screening/instrument_detail.html", context)


@permission_or_404(EDIT_INSTRUMENTS)
@require_POST
def instrument_new_version(request, pk):
    instrument = get_object_or_404(Instrument, pk=pk)
    try:
        draft = workflow.draft_new_version(actor=request.user, instrument=instrument)
    except workflow.ScreeningRefused as refused:
        messages.error(request, str(refused))
        return redirect("screening:instrument_detail", instrument.pk)
    messages.success(
        request, _("Version %(version)s is drafted. Edit it, then publish it.") % {"version": draft.version}
    )
    return redirect("screening:instrument_edit", draft.pk)


@permission_or_404(EDIT_INSTRUMENTS)
@require_http_methods(["GET", "POST"])
def instrument_edit(request, pk):
    instrument = get_object_or_404(Instrument, pk=pk)
    if refused := _refusal(request, instrument):
        return refused
    data = request.POST if request.method == "POST" else None
    form = InstrumentForm(data, instance=instrument)
    factors = FactorFormSet(data, queryset=selectors.editable_factors(instrument), prefix="factor")
    if data is not None and form.is_valid() and factors.is_valid():
        try:
            workflow.edit_instrument(actor=request.user, instrument=instrument, **_edits(form, factors))
        except workflow.ScreeningRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("screening:instrument_edit", instrument.pk)
    return _edit_page(request, instrument, form=form, factors=factors)


@permission_or_404(EDIT_INSTRUMENTS)
@require_POST
def factor_add(request, pk):
    instrument = get_object_or_404(Instrument, pk=pk)
    if refused := _refusal(request, instrument):
        return refused
    new_factor = NewFactorForm(request.POST, instrument=instrument, prefix="new")
    if new_factor.is_valid():
        fields = {name: new_factor.cleaned_data[name] for name in NewFactorForm.Meta.fields}
        edit_url = reverse("screening:instrument_edit", args=[instrument.pk])
        try:
            with once.claim(request) as claimed:
                workflow.add_factor(actor=request.user, **fields)
                claimed.shown_at(edit_url)
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except workflow.ScreeningRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The factor is added."))
            return redirect(edit_url)
    return _edit_page(request, instrument, new_factor=new_factor)


@permission_or_404(EDIT_INSTRUMENTS)
@require_POST
def instrument_publish(request, pk):
    instrument = get_object_or_404(Instrument, pk=pk)
    try:
        workflow.publish(actor=request.user, instrument=instrument)
    except workflow.ScreeningRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The version is published. New screenings use it, and it never changes again."))
    return redirect("screening:instrument_detail", instrument.pk)


def _refusal(request, instrument):
    """A redirect with the workflow's reason when the version may not be edited (it is published)."""
    try:
        workflow.require_draft(request.user, instrument)
    except workflow.ScreeningRefused as refused:
        messages.error(request, str(refused))
        return redirect("screening:instrument_detail", instrument.pk)
    return None


def _edits(form, factors) -> dict:
    changes = {name: form.cleaned_data[name] for name in workflow.instrument_fields(form.instance)}
    removed = [f.instance.pk for f in factors.initial_forms if f.cleaned_data.get("DELETE")]
    factor_changes = {
        f.instance.pk: {name: f.cleaned_data[name] for name in workflow.FACTOR_FIELDS}
        for f in factors.initial_forms
        if f.has_changed() and not f.cleaned_data.get("DELETE")
    }
    return {"changes": changes, "factor_changes": factor_changes, "removed": removed}


def _edit_page(request, instrument, *, form=None, factors=None, new_factor=None):
    context = {
        "instrument": instrument,
        "form": form or InstrumentForm(instance=instrument),
        "factors": factors or FactorFormSet(queryset=selectors.editable_factors(instrument), prefix="factor"),
        "new_factor": new_factor or NewFactorForm(instance=None, instrument=instrument, prefix="new"),
    }
    return render(request, "screening/instrument_edit.html", context)
