"""PDFs for the meeting table: samtaleduk 2 (A3 landscape, blank or filled), the meeting's minutes and the
invitation letter (A4).

Only the familieteam sees them (access.familieteam_meeting_or_404), and every PDF with a family's data writes an
AccessAction.PDF audit event, as the other PDFs do. The blank canvas holds no family data.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import access, letters
from cases.models import ActionPoint, LetterKind, LetterTemplate
from familielos import audit, pdf, roles
from familielos.models import AccessAction
from familieteam import canvas
from familieteam.models import FamilieteamMeeting

CANVAS_TEMPLATE = "familieteam/print/samtaleduk2.html"
MINUTES_TEMPLATE = "familieteam/print/minutes.html"
# The familieteam PDFs' own styles, linked after print.css (the shared page furniture: footer, page numbers).
FAMILIETEAM_CSS = "css/print_familieteam.css"


@login_required
@require_GET
def canvas_pdf(request, pk):
    """The meeting's samtaleduk 2 as written, with the evaluation of the previous meeting and the action points."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    context = {
        **_base_context(),
        "meeting": meeting,
        "family": meeting.team.case.family,
        "rows": canvas.build_canvas(meeting).rows,
        "evaluated": canvas.evaluation_items(meeting),
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
    if not roles.works_with_families(request.user):
        raise Http404
    context = {**_base_context(), "rows": canvas.blank_canvas()}
    return pdf.render_pdf(request, CANVAS_TEMPLATE, context, "samtaleduk-2.pdf")


@login_required
@require_GET
def minutes_pdf(request, pk):
    """The minutes: who was invited and came, the canvas in short, the evaluation, the action points, what next."""
    meeting = access.familieteam_meeting_or_404(request.user, pk)
    members = ("user", "unit")
    context = {
        **_base_context(),
        "meeting": meeting,
        "family": meeting.team.case.family,
        "familielos": roles.display_name(meeting.team.case.familielos),
        "invited": list(meeting.invited.select_related(*members)),
        "present": list(meeting.present.select_related(*members)),
        "filled": [slot.cell for row in canvas.build_canvas(meeting).rows for slot in row.slots if slot.text],
        "evaluated": [cell for cell in canvas.evaluation_items(meeting) if hasattr(cell, "evaluation")],
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
    filename = pdf.pdf_filename("invitasjon", "familieteam", timezone.localtime(meeting.starts_at).date().isoformat())
    with letters.in_letter_language():
        context = letters.invitation_context(
            template, sender=request.user, case=case, starts_at=meeting.starts_at, place=meeting.place
        )
        response = pdf.render_pdf(request, letters.LETTER_TEMPLATE, context, filename)
    audit.record(request, action=AccessAction.PDF, family_id=case.family_id, obj=meeting)
    return response


def _base_context() -> dict:
    return {
        "today_columns": canvas.TODAY_COLUMNS,
        "other_columns": canvas.OTHER_COLUMNS,
        "familieteam_css": pdf.static_url(FAMILIETEAM_CSS),
        "municipality": settings.MUNICIPALITY_NAME,
    }


def _action_points(meeting: FamilieteamMeeting) -> list[ActionPoint]:
    return list(ActionPoint.objects.filter(meeting=meeting))
