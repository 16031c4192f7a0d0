"""PDFs from Django templates with WeasyPrint, reading nothing but our own static files.

Print templates link their stylesheet as `{{ print_css }}`: a URL in a namespace of our own,
file:///static/<name>, which the fetcher (familielos.pdf_engine) resolves through the staticfiles finders.
Every other URL (http, https, data, any other file) is refused, so neither a template nor text a user typed
can make the server fetch from the network or read a file outside the static files.

A layout that must keep its size whatever the text (samtaleduk 1 fits one sheet) uses fixed-size frames:
an element with `id="fit-<key>"`, a fixed height and `overflow: hidden`, holding an element with
`id="fit-<key>-content"`. When a frame's content does not fit, the document is laid out once more with `<key>`
in the context's `overflowing` set, so the template can shorten the frame and print the whole text after it:
the measurement is WeasyPrint's own layout, so nothing is cut off by a guess.

WeasyPrint itself (familielos.pdf_engine) is imported at the first PDF, or up front by familielos/wsgi.py for the
web workers, not with this module: the URLconf imports the print views, and WeasyPrint's import (its C libraries,
its user-agent stylesheets) takes a second, which every process loading the URLs paid (`manage.py check`,
`migrate`, the task worker) whether or not it made a PDF.
"""

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

# The one base URL a PDF document sees; `/static/<name>` below it is a static file, nothing else is served.
STATIC_BASE_URL = "file:///static/"
PRINT_CSS = "css/print.css"
# Tagged PDF: screen readers get headings, paragraphs and reading order (universal design).
PDF_OPTIONS = {"pdf_tags": True}
FRAME_PREFIX = "fit-"
CONTENT_SUFFIX = "-content"
# Less than a hairline (CSS px): a content box ending within it of its frame's edge still fits.
FIT_TOLERANCE = 0.5


class URLRefused(ValueError):
    """A PDF asked for something that is not one of our static files."""


def static_name(url: str) -> str:
    """The static file name a PDF URL points at, or URLRefused."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc or parts.query:
        raise URLRefused(f"Not a static file: {url}")
    path = unquote(parts.path)
    prefix = urlsplit(STATIC_BASE_URL).path
    if not path.startswith(prefix):
        raise URLRefused(f"Outside the static files: {url}")
    name = path.removeprefix(prefix)
    segments = name.split("/")
    if not name or "\\" in name or "\x00" in name or any(segment in {"", ".", ".."} for segment in segments):
        raise URLRefused(f"Not a plain static file name: {url}")
    return name


def static_url(name: str) -> str:
    """The URL a print template links a static file by (another stylesheet than `{{ print_css }}`, say)."""
    return STATIC_BASE_URL + name


def render_pdf_bytes(template: str, context: dict, request=None) -> bytes:
    """The PDF of a print template; the template links `{{ print_css }}` for its styles.

    A second layout happens only when a fixed-size frame overflowed in the first (see the module docstring).
    """
    document = _layout(template, {**context, "overflowing": frozenset()}, request)
    overflowing = overflowing_frames(document)
    if overflowing:
        document = _layout(template, {**context, "overflowing": overflowing}, request)
    return document.write_pdf(**PDF_OPTIONS)


def _layout(template: str, context: dict, request):
    from familielos import pdf_engine  # at the first PDF: see the module docstring

    html = render_to_string(template, {**context, "print_css": static_url(PRINT_CSS)}, request=request)
    return pdf_engine.layout(html, **PDF_OPTIONS)


def overflowing_frames(document) -> frozenset[str]:
    """The keys of the `fit-<key>` frames whose content ends below the frame or on another page."""
    # Page.anchors (public API): each element with an id, as (x1, y1, x2, y2) of its border box on that page.
    placed = {}
    for number, page in enumerate(document.pages):
        for name, (_x1, _y1, _x2, bottom) in page.anchors.items():
            if name.startswith(FRAME_PREFIX):
                placed.setdefault(name, (number, bottom))
    overflowing = set()
    for name, (page, bottom) in placed.items():
        if name.endswith(CONTENT_SUFFIX) or name + CONTENT_SUFFIX not in placed:
            continue
        content_page, content_bottom = placed[name + CONTENT_SUFFIX]
        if content_page != page or content_bottom > bottom + FIT_TOLERANCE:
            overflowing.add(name.removeprefix(FRAME_PREFIX))
    return frozenset(overflowing)


def render_pdf(request, template: str, context: dict, filename: str) -> HttpResponse:
    """A download of the template as a PDF, never kept by a browser or proxy."""
    response = HttpResponse(render_pdf_bytes(template, context, request), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store, private"
    return response


_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def pdf_filename(*parts) -> str:
    """A plain ASCII file name from its parts: ("Invitasjon", "Åsa Ødegård") → invitasjon-asa-odegard.pdf."""
    words = []
    for part in parts:
        text = unicodedata.normalize("NFKD", str(part).translate(_NORWEGIAN_LETTERS))
        text = text.encode("ascii", "ignore").decode().lower()
        words.extend(re.findall(r"[a-z0-9]+", text))
    return "-".join(words or ["dokument"]) + ".pdf"
