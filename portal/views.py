"""The family's own pages: the start page, the plan, the tasks and the log. Each reads only the signed-in person's
own family (`request.person.family`, set by portal_view) and writes an audit event for every read and write."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from familielos import audit, once
from familielos.errors import OutOfDate, Refused
from familielos.models import AccessAction
from portal import forms, selectors, workflow
from portal.decorators import portal_view
from stafettlogg import selectors as log_selectors
from stafettlogg import workflow as log_workflow

LOG_PAGE_SIZE = 25


@require_GET
@portal_view
def home(request):
    """Greeting, the next meetings, one's own open tasks, the newest in the log and the contact person."""
    person = request.person
    family = person.family
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk)
    context = {
        "person": person,
        "meetings": selectors.upcoming_meetings(family),
        "own_points": list(selectors.own_open_action_points(family, person)[: selectors.HOME_TASKS]),
        "entries": selectors.labelled(log_selectors.family_visible_entries(family)[: selectors.HOME_ENTRIES]),
        "contact": selectors.contact(family),
    }
    return render(request, "portal/home.html", context)


@require_GET
@portal_view
def plan(request):
    """The plan from the latest samtaleduk 2; before level 3, what was agreed in the clarifying conversations."""
    family = request.person.family
    current = selectors.plan(family)
    if current is None:
        audit.record(request, action=AccessAction.VIEW, family_id=family.pk, object_type="plan")
        context = {"plan": None, "agreements": list(selectors.agreements(family))}
    else:
        audit.record(request, action=AccessAction.VIEW, family_id=family.pk, obj=current.meeting)
        context = {"plan": current, "agreements": []}
    return render(request, "portal/plan.html", context)


@require_GET
@portal_view
def action_points(request):
    """The family's tasks, open ones first; the person ticks their own."""
    audit.record(request, action=AccessAction.VIEW, family_id=request.person.family_id, object_type="action_points")
    return render(request, "portal/action_points.html", _task_lists(request.person))


def _task_lists(person, *, changed: int | None = None, refusal: str = "") -> dict:
    """The family's tasks, not done and done; the one just ticked (`changed`) carries the tick's answer: saved, or
    the refusal."""
    points = list(selectors.action_points(person.family))
    for point in points:
        point.can_tick = workflow.can_tick_own(person, point)
        if point.pk == changed:
            point.refusal, point.changed = refusal, not refusal
    return {
        "open_points": [point for point in points if point.is_open],
        "closed_points": [point for point in points if not point.is_open],
    }


@require_POST
@portal_view
@vary_on_headers("HX-Request")
def action_point_tick(request, pk):
    """Mark one's own task done or not done. htmx gets both lists back, the task moved to where it now belongs;
    without JavaScript, the task list. Another family's task is a 404; a task that is not the person's own is refused
    and stays as it is."""
    person = request.person
    point = get_object_or_404(selectors.action_points(person.family), pk=pk)
    form = forms.TickForm(request.POST)
    refusal = ""
    if not form.is_valid():
        refusal = _("Choose done or not done.")
    else:
        try:
            workflow.tick(actor=request.user, point=point, **form.cleaned_data)
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=person.family_id, obj=point)
    if not request.htmx:
        if refusal:
            messages.error(request, refusal)
        else:
            messages.success(request, _("The task is saved."))
        return redirect("portal:action_points")
    # The answer shows the family's tasks again.
    audit.record(request, action=AccessAction.VIEW, family_id=person.family_id, object_type="action_points")
    context = _task_lists(person, changed=point.pk, refusal=refusal)
    return render(request, "portal/action_points.html#task-lists", context)


@require_GET
@portal_view
def log(request):
    """The family-visible Stafettlogg, newest first, with the two forms for writing to the team."""
    audit.record(request, action=AccessAction.VIEW, family_id=request.person.family_id, object_type="stafettlogg")
    return render(request, "portal/log.html", _log_context(request, forms.post_forms()))


@require_POST
@portal_view
def log_post(request):
    """Send a message to the team or keep a lysglimt. Bad input: the page again, with the text kept and the error
    said; done: the log, with the new entry on top."""
    family_id = request.person.family_id
    kind = request.POST.get("kind", "")
    if kind not in log_workflow.FAMILY_KINDS:
        # The form's hidden field: only a page from before a change, or one tampered with, sends another.
        raise OutOfDate(_("The page is out of date. Reload it."))
    post_forms = forms.post_forms(request.POST, kind=kind)
    form = post_forms[kind]
    if form.is_valid():
        try:
            with once.claim(request) as claimed:
                entry = log_workflow.post_from_family(actor=request.user, kind=kind, text=form.cleaned_data["text"])
                claimed.shown_at(reverse("portal:log"))
        except once.SentAlready as sent:
            return once.sent_twice(request, sent)
        except Refused as refused:
            form.add_error(None, str(refused))
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=family_id, obj=entry)
            messages.success(request, _("Sent. The team can read it now."))
            return redirect("portal:log")
    audit.record(request, action=AccessAction.VIEW, family_id=family_id, object_type="stafettlogg")
    return render(request, "portal/log.html", _log_context(request, post_forms, open_kind=kind))


def _log_context(request, post_forms: dict, open_kind: str = "") -> dict:
    page = audit.events_page(
        log_selectors.family_visible_entries(request.person.family),
        older=request.GET.get("eldre", ""),
        newer=request.GET.get("nyere", ""),
        size=LOG_PAGE_SIZE,
    )
    selectors.labelled(page.events)
    return {"page": page, "post_forms": post_forms, "open_kind": open_kind}
