"""PDFs for the meeting table: samtaleduk 2 (A3 landscape, blank or filled), the meeting's minutes and the
invitation letter (A4).

Only the familieteam sees them (access.familieteam_meeting_or_404), and every PDF with a family's data writes an
AccessAction.PDF audit event, as the other PDFs do. The blank canvas holds no family data.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import access
from cases.models import ActionPoint, LetterKind, LetterTemplate, PersonRole
from cases.print_views import LETTER_TEMPLATE, _join_names, _letter_context, _sender_unit, _when
from familielos import audit, pdf, roles
from familielos.models import AccessAction
from familieteam.models import CanvasCell, Column, FamilieteamMeeting, LifeArea

CANVAS_TEMPLATE = "familieteam/print/samtaleduk2.html"
MINUTES_TEMPLATE = "familieteam/print/minutes.html"
# The familieteam PDFs' own styles, linked after print.css (the shared page furniture: footer, page numbers).
FAMILIETEAM_CSS = "css/print_familieteam.css"
COLUMNS = list(Column)
EVALUATED_COLUMNS = [column for column in COLUMNS if column.is_evaluated]


@login_required
@require_GET
def canvas_pdf(request, pk):
    """The meeting's samtaleduk 2 as written, with the evaluation of the previous meeting and the action points."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    cells = list(meeting.cells.exclude(text="", due=None))
    context = {
        **_base_context(),
        "meeting": meeting,
        "family": meeting.team.case.family,
        "rows": _canvas_rows(_life_areas(meeting), cells),
        "evaluated": _previous_goals(meeting),
        "action_points": _action_points(meeting),
    }
    filename = pdf.pdf_filename("samtaleduk", "2", timezone.localtime(meeting.starts_at).date().isoformat())
    response = pdf.render_pdf(request, CANVAS_TEMPLATE, context, filename)
    audit.record(request, action=AccessAction.PDF, family_id=meeting.team.case.family_id, obj=meeting)
    return response


@login_required
@require_GET
def canvas_blank_pdf(request):
    """An empty samtaleduk 2 to write on by hand. No family data, so no audit event."""
    if roles.role_of(request.user) in {"", roles.FAMILY_MEMBER}:
        raise Http404
    context = {**_base_context(), "rows": _canvas_rows(LifeArea.objects.filter(active=True), [])}
    return pdf.render_pdf(request, CANVAS_TEMPLATE, context, "samtaleduk-2.pdf")


@login_required
@require_GET
def minutes_pdf(request, pk):
    """The minutes: who was invited and came, the canvas in short, the evaluation, the action points, what next."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    members = ("user", "unit")
    cells = meeting.cells.exclude(text="").select_related("life_area")
    context = {
        **_base_context(),
        "meeting": meeting,
        "family": meeting.team.case.family,
        "familielos": roles.display_name(meeting.team.case.familielos),
        "invited": list(meeting.invited.select_related(*members)),
        "present": list(meeting.present.select_related(*members)),
        "filled": sorted(cells, key=_cell_order),
        "evaluated": [cell for cell in _previous_goals(meeting) if hasattr(cell, "evaluation")],
        "action_points": _action_points(meeting),
        "next_meeting": FamilieteamMeeting.objects.filter(previous=meeting).first(),
    }
    filename = pdf.pdf_filename("referat", "familieteam", timezone.localtime(meeting.starts_at).date().isoformat())
    response = pdf.render_pdf(request, MINUTES_TEMPLATE, context, filename)
    audit.record(request, action=AccessAction.PDF, family_id=meeting.team.case.family_id, obj=meeting)
    return response


@login_required
@require_GET
def invitation_pdf(request, pk):
    """The invitation to the guardians: the municipality's familieteam letter filled for this meeting, filled the
    same way as the invitation to a clarifying conversation."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    case = meeting.team.case
    template = get_object_or_404(LetterTemplate, kind=LetterKind.FAMILIETEAM_INVITATION)
    guardians = [
        str(person) for person in case.family.persons.filter(role=PersonRole.GUARDIAN, parental_responsibility=True)
    ]
    unit = _sender_unit(request.user, case)
    values = {
        "barn": _join_names(str(child) for child in case.children.all()),
        "foresatte": _join_names(guardians),
        "tidspunkt": _when(meeting.starts_at),
        "sted": meeting.place,
        "avsender": roles.display_name(request.user),
        "enhet": unit.name if unit else "",
        "kommune": settings.MUNICIPALITY_NAME,
    }
    context = _letter_context(template, values, recipients=guardians, unit=unit)
    filename = pdf.pdf_filename("invitasjon", "familieteam", timezone.localtime(meeting.starts_at).date().isoformat())
    response = pdf.render_pdf(request, LETTER_TEMPLATE, context, filename)
    audit.record(request, action=AccessAction.PDF, family_id=case.family_id, obj=meeting)
    return response


def _base_context() -> dict:
    return {
        "columns": COLUMNS,
        "familieteam_css": pdf.static_url(FAMILIETEAM_CSS),
        "municipality": settings.MUNICIPALITY_NAME,
    }


def _life_areas(meeting: FamilieteamMeeting):
    """The rows: the life areas in use, and any other one this canvas has a text in (nothing written is left out)."""
    written = CanvasCell.objects.filter(meeting=meeting).exclude(text="", due=None).values("life_area")
    return LifeArea.objects.filter(Q(active=True) | Q(pk__in=written))


def _canvas_rows(life_areas, cells) -> list[dict]:
    """A row per life area with a slot per column, in paper order; None where nothing is written."""
    by_slot = {(cell.life_area_id, cell.column): cell for cell in cells}
    return [
        {"life_area": area, "cells": [by_slot.get((area.pk, column.value)) for column in COLUMNS]}
        for area in life_areas
    ]


def _previous_goals(meeting: FamilieteamMeeting) -> list[CanvasCell]:
    """The previous meeting's goals and actions, each with the evaluation this meeting gave it, if any."""
    if meeting.previous_id is None:
        return []
    cells = (
        CanvasCell.objects.filter(meeting_id=meeting.previous_id, column__in=EVALUATED_COLUMNS)
        .exclude(text="")
        .select_related("life_area", "evaluation")
    )
    return sorted(cells, key=_cell_order)


def _action_points(meeting: FamilieteamMeeting) -> list[ActionPoint]:
    return list(ActionPoint.objects.filter(meeting=meeting))


def _cell_order(cell: CanvasCell) -> tuple:
    """Row by row, left to right, as on the canvas."""
    return cell.life_area.position, cell.life_area_id, COLUMNS.index(Column(cell.column))
