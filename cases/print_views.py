"""PDF downloads (the invitation letter, samtaleduk 1) and the leaders' letter-template editor.

Every PDF with a family's data goes through access.family_or_404 and writes an AccessAction.PDF audit event.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import access, actions, letters
from cases.models import Avklaringssamtale, LetterKind, LetterTemplate
from cases.print_forms import PLACEHOLDERS, LetterTemplateForm
from familielos import audit, pdf, roles, workdays
from familielos.errors import Refused
from familielos.models import AccessAction

SAMTALEDUK_TEMPLATE = "cases/print/samtaleduk1.html"


@login_required
@require_GET
def invitation_letter(request, family_pk, samtale_pk):
    """The invitation to the guardians: the municipality's letter template filled for this conversation."""
    # Writing to the guardians in one's own name is work on the case, not reading it: change access.
    family = access.family_or_404(request.user, family_pk, need=access.CHANGE)
    samtale = _samtale_or_404(family, samtale_pk)
    template = get_object_or_404(LetterTemplate, kind=LetterKind.AVKLARING_INVITATION)
    filename = pdf.pdf_filename("invitasjon", "samtale", timezone.localtime(samtale.starts_at).date().isoformat())
    with letters.in_letter_language():
        context = letters.invitation_context(
            template, sender=request.user, case=samtale.case, starts_at=samtale.starts_at, place=samtale.place
        )
        response = pdf.render_pdf(request, letters.LETTER_TEMPLATE, context, filename)
    audit.record(request, action=AccessAction.PDF, family_id=family.pk, obj=samtale)
    return response


@login_required
@require_GET
def samtaleduk_filled(request, family_pk, samtale_pk):
    """Samtaleduk 1 as recorded for this conversation (empty boxes where nothing was written)."""
    family = access.family_or_404(request.user, family_pk)
    samtale = _samtale_or_404(family, samtale_pk)
    children = letters.join_names(str(child) for child in samtale.case.children.all())
    context = {
        "fact_rows": _duk_fact_rows(samtale, children),
        "rows": _duk_rows(samtale),
        "children": children,
        "agreements": samtale.action_points.all(),
        "municipality": settings.MUNICIPALITY_NAME,
    }
    filename = pdf.pdf_filename("samtaleduk", "1", timezone.localtime(samtale.starts_at).date().isoformat())
    response = pdf.render_pdf(request, SAMTALEDUK_TEMPLATE, context, filename)
    audit.record(request, action=AccessAction.PDF, family_id=family.pk, obj=samtale)
    return response


@login_required
@require_GET
def samtaleduk_blank(request):
    """An empty samtaleduk 1 to print for the table. No family data, so no audit event."""
    if not roles.works_with_families(request.user):
        raise Http404
    context = {
        "fact_rows": _duk_fact_rows(None, ""),
        "rows": _duk_rows(None),
        "municipality": settings.MUNICIPALITY_NAME,
    }
    return pdf.render_pdf(request, SAMTALEDUK_TEMPLATE, context, "samtaleduk-1.pdf")


@login_required
@require_GET
def letter_template_list(request):
    _require_letter_editor(request.user)
    templates = {template.kind: template for template in LetterTemplate.objects.select_related("updated_by")}
    rows = [{"kind": kind, "label": label, "template": templates.get(kind)} for kind, label in LetterKind.choices]
    return render(request, "letters/template_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def letter_template_edit(request, kind):
    _require_letter_editor(request.user)
    template = get_object_or_404(LetterTemplate, kind=kind)
    form = LetterTemplateForm.for_template(template, request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_letter_template(actor=request.user, template=template, **form.cleaned_data)
        except Refused as refused:
            refusal = str(refused)
        else:
            messages.success(request, _("The letter template is saved."))
            return redirect("print:letter_template_edit", kind=template.kind)
    context = {"template": template, "form": form, "refusal": refusal, "placeholders": PLACEHOLDERS}
    return render(request, "letters/template_form.html", context)


@login_required
@require_GET
def letter_template_preview(request, kind):
    """The saved template filled with made-up example data: no family's data, so no audit event."""
    _require_letter_editor(request.user)
    template = get_object_or_404(LetterTemplate, kind=kind)
    unit = next(iter(access.user_units(request.user)), None)
    with letters.in_letter_language():
        guardians = [_("Kari Example"), _("Per Example")]
        values = {
            "barn": _("Emma Example"),
            "foresatte": letters.join_names(guardians),
            "tidspunkt": letters.meeting_time(_next_weekday_at_ten()),
            "sted": _("Meeting room 1"),
            "avsender": roles.display_name(request.user),
            "enhet": unit.name if unit else _("Example School"),
            "kommune": settings.MUNICIPALITY_NAME,
        }
        context = letters.letter_context(template, values, recipients=guardians, unit=unit)
        filename = pdf.pdf_filename("brevmal", kind, "forhandsvisning")
        return pdf.render_pdf(request, letters.LETTER_TEMPLATE, context, filename)


def _require_letter_editor(user) -> None:
    # Like a family the user may not see: the editor does not exist for anyone else.
    if not user.has_perm("cases.change_lettertemplate"):
        raise Http404


def _samtale_or_404(family, samtale_pk) -> Avklaringssamtale:
    samtale_qs = Avklaringssamtale.objects.select_related("case__opened_unit")
    return get_object_or_404(samtale_qs, pk=samtale_pk, case__family=family)


def _duk_fact_rows(samtale: Avklaringssamtale | None, children: str) -> list[list[dict]]:
    """The header of samtaleduk 1: name, date and place in one row, the participants in the next.

    Each value sits in a fixed-height cell so the canvas never grows; the print template's `fit-<key>` frames
    move a value that does not fit to a continuation sheet (see familielos.pdf).
    """
    facts = [
        ("name", _("Name"), children),
        ("date", _("Date"), date_format(timezone.localtime(samtale.starts_at), "DATE_FORMAT") if samtale else ""),
        ("place", _("Place"), samtale.place if samtale else ""),
        ("participants", _("Participants"), samtale.participants if samtale else ""),
    ]
    rows = [{"key": key, "label": label, "value": value} for key, label, value in facts]
    return [rows[:3], rows[3:]]


def _duk_rows(samtale: Avklaringssamtale | None) -> list[list[dict]]:
    """The six boxes of samtaleduk 1 in two rows of three."""
    # The model's verbose names are the English msgids of the six headings; they render translated.
    boxes = [
        {
            "key": f"box-{number}",
            "number": number,
            "label": Avklaringssamtale._meta.get_field(name).verbose_name,
            "text": getattr(samtale, name) if samtale else "",
            "shaded": number % 2 == 1,
        }
        for number, name in enumerate(Avklaringssamtale.DUK_FIELDS, start=1)
    ]
    return [boxes[:3], boxes[3:]]


def _next_weekday_at_ten():
    day = timezone.localdate() + timedelta(days=7)
    while not workdays.is_working_day(day):
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))
