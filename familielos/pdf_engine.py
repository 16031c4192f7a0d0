"""The one module that imports WeasyPrint: the URL fetcher limited to our static files, and `layout()`.
familielos.pdf works with the Document it returns and imports this module at the first PDF (familielos/wsgi.py
imports it up front for the web workers)."""

import logging
import mimetypes
from pathlib import Path

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from familielos.pdf import STATIC_BASE_URL, URLRefused, static_name

logger = logging.getLogger(__name__)


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


def layout(html: str, **options):
    """The laid-out document (weasyprint.Document) of an HTML page whose URLs are our static files."""
    document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=STATIC_FILES_FETCHER)
    return document.render(**options)
