"""PDFs from Django templates with WeasyPrint, reading nothing but our own static files.

Print templates link their stylesheet as `{{ print_css }}`: a URL in a namespace of our own,
file:///static/<name>, which the fetcher below resolves through the staticfiles finders. Every other URL
(http, https, data, any other file) is refused, so neither a template nor text a user typed can make the
server fetch from the network or read a file outside the static files.

A layout that must keep its size whatever the text (samtaleduk 1 fits one sheet) uses fixed-size frames:
an element with `id="fit-<key>"`, a fixed height and `overflow: hidden`, holding an element with
`id="fit-<key>-content"`. When a frame's content does not fit, the document is laid out once more with `<key>`
in the context's `overflowing` set, so the template can shorten the frame and print the whole text after it:
the measurement is WeasyPrint's own layout, so nothing is cut off by a guess.
"""

import logging
import mimetypes
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

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


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's URL fetcher (the class-based API of WeasyPrint 70), limited to our static files.

    WeasyPrint catches what `fetch` raises, logs it and renders on without the resource.
    """

    def __init__(self):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        try:
            name = static_name(url)
            found = finders.find(name)
            if not found:
                raise URLRefused(f"No such static file: {url}")
        except URLRefused:
            logger.warning("PDF resource refused: %s", url)
            raise
        path = Path(found)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


# One for every PDF: making a URLFetcher loads the system's CA certificates for its HTTPS handler (tens of
# milliseconds), which this one never uses; its `fetch` keeps no state, so threads can share it.
STATIC_FILES_FETCHER = StaticFilesFetcher()


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
    html = render_to_string(template, {**context, "print_css": static_url(PRINT_CSS)}, request=request)
    return HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=STATIC_FILES_FETCHER).render(**PDF_OPTIONS)


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
