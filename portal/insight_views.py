"""The family's pages about their data: who has looked at it, and what is stored about them as a download (what it
holds and leaves out is portal/export.py's).

Each download is itself an access event of the family's, like every other read of their data."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from familielos import audit, pdf
from familielos.models import AccessAction
from portal import export, insight
from portal.decorators import portal_view

EXPORT_TEMPLATE = "portal/print/export.html"
EXPORT_CSS = "css/print_export.css"


@require_GET
@portal_view
def insight_page(request):
    """Others' reads of the family's data, newest first, paged by the audit log's own cursors."""
    family = request.person.family
    page = insight.read_page(family, older=request.GET.get("eldre", ""), newer=request.GET.get("nyere", ""))
    audit.record(request, action=AccessAction.VIEW, family_id=family.pk, object_type="audit")
    return render(request, "portal/insight.html", {"page": page})


@require_GET
@portal_view
def export_page(request):
    """What the download holds and leaves out (and how to ask for all of it), and the two ways to get it. Shows
    no data itself."""
    return render(request, "portal/export.html", {"about": export.about(request.person)})


@require_GET
@portal_view
def export_pdf(request):
    family = request.person.family
    context = {
        "data": export.family_data(request.person),
        "export_css": pdf.static_url(EXPORT_CSS),
        "municipality": settings.MUNICIPALITY_NAME,
    }
    response = pdf.render_pdf(request, EXPORT_TEMPLATE, context, _filename(family) + ".pdf")
    audit.record(request, action=AccessAction.PDF, family_id=family.pk, object_type="export")
    return response


@require_GET
@portal_view
def export_json(request):
    family = request.person.family
    body = json.dumps(export.family_data(request.person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_filename(family) + ".json"
    )
    response["Cache-Control"] = "no-store, private"
    audit.record(request, action=AccessAction.EXPORT, family_id=family.pk, object_type="export")
    return response


def _filename(family) -> str:
    """alt-om-oss-familien-hansen-2025-03-01, without an extension."""
    return pdf.pdf_filename("alt om oss", family.name, timezone.localdate().isoformat()).removesuffix(".pdf")
