"""The staff's Stafettlogg page: read a family's log, narrow it, write in it, correct an entry, and see what others
write while the page is open. Only staff holding the family's change grant; the family reads its log on its own
pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from cases import access
from familielos import audit, once
from familielos.errors import OutOfDate, Refused
from familielos.middleware import background
from familielos.models import AccessAction
from familielos.validators import parse_id
from stafettlogg import forms, selectors, workflow
from stafettlogg.models import LOG_READ, Entry, Kind, read_type

PAGE = "stafettlogg/log.html"
PAGE_SIZE = 25
# The event the page listens to for an immediate poll, after the person's own post.
CHANGED = "log-changed"
# The forms on the page, in the order they are offered.
POST_KINDS = (Kind.NOTE, Kind.MEASURE, Kind.EVALUATION, Kind.MESSAGE, Kind.LYSGLIMT)
POST_LABELS = {
    Kind.NOTE: gettext_lazy("Write a note"),
    Kind.MEASURE: gettext_lazy("Add a measure"),
    Kind.EVALUATION: gettext_lazy("Evaluate a measure"),
    Kind.MESSAGE: gettext_lazy("Send a message"),
    Kind.LYSGLIMT: gettext_lazy("Keep a lysglimt"),
}
WRITERS = {
    Kind.NOTE: workflow.post_entry,
    Kind.MESSAGE: workflow.post_entry,
    Kind.LYSGLIMT: workflow.post_entry,
    Kind.MEASURE: workflow.post_measure,
    Kind.EVALUATION: workflow.evaluate_measure,
}


def _family(request, family_pk):
    return access.family_or_404(request.user, family_pk, need=access.CHANGE)


def _log_url(family) -> str:
    return reverse("stafettlogg:log", args=[family.pk])


def _audit(request, family, action=AccessAction.VIEW, entry=None, object_type=LOG_READ) -> None:
    audit.record(request, action=action, family_id=family.pk, obj=entry, object_type="" if entry else object_type)


def _post_item(kind, family, form=None, refusal: str = "", posted: bool = False) -> dict:
    return {
        "kind": kind,
        "label": POST_LABELS[kind],
        "form": forms.post_form(kind, family) if form is None else form,
        "refusal": refusal,
        "posted": posted,
    }


def _measures_changed(request, context: dict, family, written: Entry) -> dict:
    """A new measure, or a corrected one, changes the measures the evaluation form offers: the answer to the write
    then carries the evaluation form's measure field again (`evaluation_form`), which replaces the one on the page.
    Only that field: what someone is typing in the rest of the form stays. The measure chosen there comes with the
    write (hx-include) and stays chosen, as its correction when it is the measure corrected."""
    if written.kind == Kind.MEASURE:
        form = forms.post_form(Kind.EVALUATION, family)
        chosen = parse_id(request.POST.get(form["measure"].html_name))
        form.initial["measure"] = written.pk if chosen is not None and chosen == written.corrects_id else chosen
        context["evaluation_form"] = form
    return context


def _prepare(user, shown, corrections=None) -> None:
    """Mark which entries the user may correct, with a form for each (bound, with its errors, if just posted)."""
    corrections = corrections or {}
    for entry in shown:
        entry.can_correct = workflow.can_correct(user, entry)
        form, refusal = corrections.get(entry.pk, (None, ""))
        if form is None and entry.can_correct:
            form = forms.CorrectionForm(entry=entry)
        entry.correction_form = form
        entry.correction_refusal = refusal


def _page_context(request, family, *, posting=None, corrections=None) -> dict:
    filters = selectors.Filters.from_query(request.GET)
    page = audit.events_page(
        filters.apply(selectors.entries(family)),
        older=request.GET.get("eldre", ""),
        newer=request.GET.get("nyere", ""),
        size=PAGE_SIZE,
    )
    _prepare(request.user, page.events, corrections)
    query = request.GET.copy()
    for cursor in ("eldre", "nyere"):
        query.pop(cursor, None)
    post_items = [posting if posting and posting["kind"] == kind else _post_item(kind, family) for kind in POST_KINDS]
    return {
        "family": family,
        "page": page,
        "query": query.urlencode(),
        "filter_form": forms.FilterForm(request.GET or None, family=family),
        "post_items": post_items,
        # Only the newest page listens for new entries.
        "newest_pk": max((entry.pk for entry in page.events), default=0) if page.newer is None else None,
    }


@login_required
@require_GET
def log(request, family_pk):
    """The family's log, newest first, narrowed by kind, person and life area."""
    family = _family(request, family_pk)
    _audit(request, family)
    return render(request, PAGE, _page_context(request, family))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def post(request, family_pk):
    """Write an entry of the kind the form names. htmx gets the form back (fresh, or with its errors) and the page
    polls at once for the new entry; without JavaScript, the log page."""
    family = _family(request, family_pk)
    kind = request.POST.get("kind", "")
    form = forms.post_form(kind, family, request.POST)
    if form is None:
        # The form's hidden field: only a page from before a change, or one tampered with, sends another kind.
        raise OutOfDate(_("The page is out of date. Reload it."))
    refusal = ""
    if form.is_valid():
        try:
            with once.claim(request) as claimed:
                entry = WRITERS[kind](actor=request.user, family=family, **form.action_kwargs())
                claimed.shown_at(f"{_log_url(family)}#entry-{entry.pk}")
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except Refused as refused:
            refusal = str(refused)
        else:
            _audit(request, family, AccessAction.CHANGE, entry)
            if not request.htmx:
                messages.success(request, _("The entry is in the log."))
                return redirect(_log_url(family))
            context = {"family": family, "item": _post_item(kind, family, posted=True)}
            context = _measures_changed(request, context, family, entry)
            response = render(request, f"{PAGE}#posted-answer", context)
            return trigger_client_event(response, CHANGED)
    # The answer shows the family's data again (the page, or the form's choice of measures).
    _audit(request, family)
    posting = _post_item(kind, family, form=form, refusal=refusal)
    if request.htmx:
        return render(request, f"{PAGE}#post-form", {"family": family, "item": posting})
    return render(request, PAGE, _page_context(request, family, posting=posting))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def correct(request, family_pk):
    """Correct one's own entry (`entry`, an id in this family's log) with a new one; the original stays, marked
    corrected."""
    family = _family(request, family_pk)
    pk = parse_id(request.POST.get("entry"))
    if pk is None:
        raise OutOfDate(_("Choose the entry to correct."))
    entry = get_object_or_404(selectors.entries(family), pk=pk)
    form = forms.CorrectionForm(request.POST, entry=entry)
    refusal = ""
    if form.is_valid():
        try:
            correction = workflow.correct_entry(actor=request.user, entry=entry, text=form.cleaned_data["text"])
        except Refused as refused:
            refusal = str(refused)
        else:
            _audit(request, family, AccessAction.CHANGE, correction)
            if not request.htmx:
                messages.success(request, _("The correction is in the log."))
                return redirect(f"{_log_url(family)}#entry-{correction.pk}")
            entry = get_object_or_404(selectors.entries(family), pk=pk)
            _prepare(request.user, [entry])
            context = _measures_changed(request, {"family": family, "entry": entry}, family, correction)
            response = render(request, f"{PAGE}#corrected-answer", context)
            return trigger_client_event(response, CHANGED)
    _audit(request, family)
    corrections = {entry.pk: (form, refusal)}
    if request.htmx:
        _prepare(request.user, [entry], corrections)
        return render(request, f"{PAGE}#entry", {"family": family, "entry": entry, "focused": True})
    return render(request, PAGE, _page_context(request, family, corrections=corrections))


@background
@login_required
@require_GET
def poll(request, family_pk):
    """The entries written since the newest the page shows (`etter`; without it, all), within its filters; nothing
    (204) when there are none. Only an answer with entries shows family data, so only that is audited: as a read of
    the team's own entries when they are all it shows (stafettlogg.models.read_type)."""
    family = _family(request, family_pk)
    after = parse_id(request.GET.get("etter", "0"))
    if after is None:
        raise OutOfDate(_("The page is out of date. Reload it."))
    filters = selectors.Filters.from_query(request.GET)
    new = list(filters.apply(selectors.newer_than(selectors.entries(family), after)).order_by("pk")[:PAGE_SIZE])
    if not new:
        return HttpResponse(status=204)
    _audit(request, family, object_type=read_type(new))
    new.reverse()
    corrected_ids = [entry.corrects_id for entry in new if entry.corrects_id]
    corrected = list(selectors.entries(family).filter(pk__in=corrected_ids)) if corrected_ids else []
    _prepare(request.user, [*new, *corrected])
    query = request.GET.copy()
    query["etter"] = str(new[0].pk)
    context = {
        "family": family,
        "new_entries": new,
        "corrected": corrected,
        "poll_query": query.urlencode(),
        "was_empty": after == 0,
    }
    return render(request, f"{PAGE}#poll-answer", context)
