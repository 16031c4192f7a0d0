"""Samtaleduk 2 in the meeting: the canvas page the team edits live, a cell's save (the first save wins; a save
from an older version shows both texts to choose or merge), the poll for the others' changes, a cell's history
with restore, and the evaluation of the previous meeting's goals and actions.

Only the familielos and the team's service members see a meeting (access.familieteam_meeting_or_404: anyone else,
the ressursteam and the case's opener included, gets the same 404 as for a missing one)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from cases import access
from familielos import audit
from familielos.errors import Refused
from familielos.forms import errors_text
from familielos.middleware import background
from familielos.models import AccessAction
from familieteam import workflow
from familieteam.action_forms import ActionPointForm
from familieteam.canvas import (
    FROM_THE_START,
    OTHER_COLUMNS,
    TODAY_COLUMNS,
    BadCursor,
    Conflict,
    Slot,
    build_canvas,
    changes_since,
    evaluation_items,
    slot_for,
    timeline,
)
from familieteam.canvas_forms import CellForm, EvaluationForm, RestoreForm
from familieteam.models import TEXT_MAX, CanvasCell, Column, EvaluationResult, FamilieteamMeeting

HISTORY_SHOWN = 200
# What the evaluation form, written out in the template, needs besides its bound fields.
EVALUATION_FORM = {"evaluation_results": EvaluationResult.choices, "text_max": TEXT_MAX}
PAGE = "familieteam/meeting.html"


@login_required
@require_GET
def meeting(request, pk):
    """The meeting's canvas: editable by the team while the meeting is planned, read-only once it is held."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    return page(request, meeting)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def cell_save(request, pk):
    """Save one cell as typed. With htmx the answer updates only the cell's state and version (the person keeps
    typing) or, on a conflict, offers both texts; a choice made there answers with the whole cell."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    form = CellForm(request.POST)
    if not form.is_valid():
        return _cell_invalid(request, meeting, form)
    data = form.cleaned_data
    area, column = data["life_area"], Column(data["column"])
    try:
        result = workflow.save_cell(
            actor=request.user,
            meeting=meeting,
            life_area=area,
            column=column,
            text=data["text"],
            due=data["due"],
            base_version=data["version"],
        )
    except Refused as refused:
        return _cell_refused(request, meeting, data, str(refused))
    audit.record(request, action=AccessAction.CHANGE, family_id=_family_id(meeting), obj=result.cell)
    slot = Slot(area, column, result.cell, state="saved" if result.saved else "")
    if not result.saved:
        slot.conflict = Conflict(text=data["text"], due=data["due"])
    if not request.htmx:
        if result.saved:
            messages.success(request, _("Saved: %(cell)s.") % {"cell": slot.label})
            return redirect(f"{meeting.get_absolute_url()}#{slot.dom_id}")
        canvas = build_canvas(meeting)
        canvas.slot(area.pk, column.value).conflict = slot.conflict
        return page(request, meeting, canvas=canvas)
    if data["resolve"]:
        slot.focus = True
        return render(request, f"{PAGE}#cell", {"slot": slot, "meeting": meeting, "editable": True})
    return render(request, f"{PAGE}#cell-result", {"slot": slot, "meeting": meeting})


def _cell_invalid(request, meeting, form):
    """Bad input writes nothing: the error is shown at the cell, and the text typed stays in front of the person."""
    error = errors_text(form)
    area, column = form.cleaned_data.get("life_area"), form.cleaned_data.get("column")
    slot = slot_for(meeting, area, Column(column)) if area and column else None
    if slot is not None:
        slot.error, slot.draft = error, request.POST.get("text", "")
        slot.base_version = form.cleaned_data.get("version")
    if not request.htmx:
        canvas = build_canvas(meeting)
        if slot is not None:
            canvas.replace(slot)
        return page(request, meeting, canvas=canvas, refusal=error)
    if slot is not None and form.data.get("resolve"):
        slot.conflict = Conflict(text=slot.draft, due=form.cleaned_data.get("due"))
        audit.record(request, action=AccessAction.VIEW, family_id=_family_id(meeting), obj=slot.cell or meeting)
        return render(request, f"{PAGE}#cell", {"slot": slot, "meeting": meeting, "editable": True})
    return render(request, f"{PAGE}#cell-result", {"error": error, "meeting": meeting})


def _cell_refused(request, meeting, data, refusal: str):
    """A save the workflow refused (the meeting is over, the case left level 3): said at the cell, never a 500. The
    page without JavaScript shows the text as it was typed beside the cell, to copy."""
    if not request.htmx:
        canvas = build_canvas(meeting)
        slot = slot_for(meeting, data["life_area"], Column(data["column"]))
        slot.error, slot.draft = refusal, data["text"]
        canvas.replace(slot)
        return page(request, meeting, canvas=canvas, refusal=refusal)
    if data["resolve"]:
        slot = slot_for(meeting, data["life_area"], Column(data["column"]))
        slot.error, slot.conflict = refusal, Conflict(text=data["text"], due=data["due"])
        audit.record(request, action=AccessAction.VIEW, family_id=_family_id(meeting), obj=slot.cell or meeting)
        return render(request, f"{PAGE}#cell", {"slot": slot, "meeting": meeting, "editable": True})
    return render(request, f"{PAGE}#cell-result", {"error": refusal, "meeting": meeting})


@background
@login_required
@require_GET
def cell_changes(request, pk):
    """The cells the others saved since the page's cursor (without one, every cell), swapped in by the page (never
    one being typed in); nothing (204) when none changed. Only an answer with cells shows family data, so only that
    is audited."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    try:
        slots, cursor = changes_since(meeting, request.GET.get("cursor") or FROM_THE_START)
    except BadCursor:
        return HttpResponseBadRequest(_("The page is out of date. Reload it."))
    if not slots:
        return HttpResponse(status=204)
    audit.record(request, action=AccessAction.VIEW, family_id=_family_id(meeting), obj=meeting)
    context = {"slots": slots, "cursor": cursor, "meeting": meeting, "editable": workflow.can_edit_canvas(meeting)}
    return render(request, f"{PAGE}#changes", context)


@login_required
@require_http_methods(["GET", "POST"])
def cell_history(request, pk, cell_pk):
    """Every saved text of a cell, and the texts that lost to a save made first; the familielos restores one."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    cell = get_object_or_404(CanvasCell.objects.select_related("life_area"), pk=cell_pk, meeting=meeting)
    slot = Slot(cell.life_area, Column(cell.column), cell)
    refusal = ""
    if request.method == "POST":
        form = RestoreForm(request.POST)
        if not form.is_valid():
            refusal = _("Choose a version to restore.")
        else:
            try:
                workflow.restore_cell(actor=request.user, cell=cell, version_pk=form.cleaned_data["version"])
            except Refused as refused:
                refusal = str(refused)
            else:
                audit.record(request, action=AccessAction.CHANGE, family_id=_family_id(meeting), obj=cell)
                messages.success(request, _("The earlier text is back in %(cell)s.") % {"cell": slot.label})
                return redirect(f"{meeting.get_absolute_url()}#{slot.dom_id}")
    audit.record(request, action=AccessAction.VIEW, family_id=_family_id(meeting), obj=cell)
    context = {
        "meeting": meeting,
        "slot": slot,
        # The newest first; a cell typed in for a whole meeting keeps hundreds, and the latest are the ones to restore.
        "versions": cell.versions.select_related("by")[:HISTORY_SHOWN],
        "can_restore": workflow.can_restore(request.user, meeting),
        "refusal": refusal,
    }
    return render(request, "familieteam/cell_history.html", context)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def evaluate(request, pk, cell_pk):
    """Evaluate one goal or action of the previous meeting: done, partly, not done or changed, with a comment."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    cell = get_object_or_404(
        CanvasCell.objects.select_related("life_area", "evaluation__by"), pk=cell_pk, meeting__team=meeting.team
    )
    form = EvaluationForm(request.POST, prefix=_evaluation_prefix(cell))
    refusal, saved = "", False
    if form.is_valid():
        try:
            evaluation = workflow.evaluate(
                actor=request.user,
                meeting=meeting,
                cell=cell,
                result=EvaluationResult(form.cleaned_data["result"]),
                comment=form.cleaned_data["comment"],
            )
        except Refused as refused:
            refusal = str(refused)
        else:
            audit.record(request, action=AccessAction.CHANGE, family_id=_family_id(meeting), obj=evaluation)
            if not request.htmx:
                messages.success(request, _("The evaluation is saved."))
                return redirect(f"{meeting.get_absolute_url()}#eval-{cell.pk}")
            cell.evaluation, saved = evaluation, True
            form = _evaluation_form(cell)
    if not request.htmx:
        return page(request, meeting, eval_forms={cell.pk: form}, refusal=refusal)
    if not saved:
        audit.record(request, action=AccessAction.VIEW, family_id=_family_id(meeting), obj=cell)
    cell.form, cell.kept = form, _kept_comment(form)
    context = {
        "item": cell,
        "meeting": meeting,
        "can_evaluate": workflow.can_edit_canvas(meeting),
        **EVALUATION_FORM,
        "saved": saved,
        "item_refusal": refusal,
    }
    return render(request, f"{PAGE}#evaluation-item", context)


def _family_id(meeting) -> int:
    return meeting.team.case.family_id


def _evaluation_prefix(cell) -> str:
    return f"eval-{cell.pk}"


def _kept_comment(form) -> list[tuple[str, str]]:
    """An evaluation's comment sent but not saved (the meeting ended in another window), to show it to copy; shown
    only where the evaluation can no longer be made."""
    comment = form["comment"].value() if form.is_bound else ""
    return [(form["comment"].label, comment)] if comment else []


def _evaluation_form(cell) -> EvaluationForm:
    evaluation = getattr(cell, "evaluation", None)
    initial = {"result": evaluation.result, "comment": evaluation.comment} if evaluation else {}
    return EvaluationForm(prefix=_evaluation_prefix(cell), initial=initial)


def action_points_context(
    user, meeting: FamilieteamMeeting, *, form=None, refusal: str = "", from_cell: str | None = None, cells=None
) -> dict:
    """What `_action_points.html` needs on the meeting page: the meeting's points (each with `can_tick`), the form
    for a new one while the meeting is planned (started from the canvas cell `from_cell`, if given; `cells` are the
    canvas's cells if the page has read them), and a refusal to show above it."""
    points = list(meeting.action_points.all())
    for point in points:
        point.can_tick = workflow.can_tick(user, point)
    can_set = workflow.can_edit_canvas(meeting)
    if can_set and form is None:
        form = ActionPointForm(meeting=meeting, cells=cells)
        if from_cell:
            form.start_from(from_cell)
    # A point written as the meeting ended elsewhere: no form to show it in, so its text is kept to copy.
    what = form["what"].value() if form is not None and form.is_bound and refusal and not can_set else ""
    return {
        "meeting": meeting,
        "action_points": points,
        "action_point_form": form if can_set else None,
        "action_point_typed": [(form["what"].label, what)] if what else [],
        "can_set_action_points": can_set,
        "action_points_refusal": refusal,
        "action_points_next": meeting.get_absolute_url(),
    }


def page(request, meeting, **kwargs):
    """The whole canvas page (also after a form posted without JavaScript), its read recorded in the access log."""
    audit.record(request, action=AccessAction.VIEW, family_id=_family_id(meeting), obj=meeting)
    return render(request, PAGE, _page_context(request, meeting, **kwargs))


def _page_context(
    request, meeting, *, canvas=None, eval_forms=None, refusal="", action_point_form=None, action_point_refusal=""
) -> dict:
    canvas = canvas or build_canvas(meeting)
    editable = workflow.can_edit_canvas(meeting)
    items = evaluation_items(meeting)
    eval_forms = eval_forms or {}
    for item in items:
        item.form = eval_forms.get(item.pk) or _evaluation_form(item)
        item.kept = [] if editable else _kept_comment(item.form)
    meetings = timeline(meeting)
    return {
        "meeting": meeting,
        "family": meeting.team.case.family,
        "canvas": canvas,
        "editable": editable,
        "can_finish": workflow.can_finish_meeting(request.user, meeting),
        "today_columns": TODAY_COLUMNS,
        "other_columns": OTHER_COLUMNS,
        "evaluation_items": items,
        "can_evaluate": editable,
        **EVALUATION_FORM,
        "timeline": meetings,
        "previous_meeting": next((m for m in meetings if m.pk == meeting.previous_id), None),
        "next_meeting": next((m for m in meetings if m.previous_id == meeting.pk), None),
        "refusal": refusal,
        **action_points_context(
            request.user,
            meeting,
            form=action_point_form,
            refusal=action_point_refusal,
            from_cell=request.GET.get("cell"),
            cells=canvas.cells(),
        ),
    }
