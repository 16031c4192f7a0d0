"""Small answers and request helpers shared by views and middleware."""

from urllib.parse import urlsplit

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django_htmx.http import reswap

# What an htmx form is told when its post is answered 400 (FailedHtmxFormMiddleware): nothing was taken.
NOT_TAKEN = gettext_lazy(
    "What was sent could not be taken: more than a form takes (a very long text), or not as the page sends it. "
    "Nothing was saved. What you wrote is still in the form: shorten it, or copy it and load the page again."
)


def not_saved(*, title: str, text: str, status: int, login_url: str = ""):
    """The answer to an htmx form's post that was not taken, or failed: a notice put before the request's target
    (HX-Reswap), so the form keeps what was typed where the answer would have replaced it. Rendered without the
    request (no context processor, no database), so it can answer a server error too. `status` must be one that
    base.html's htmx-config swaps (400, 403, 404, 500)."""
    context = {"title": title, "text": text, "login_url": login_url}
    return reswap(HttpResponse(render_to_string("components/not_saved.html", context), status=status), "beforebegin")


def same_site_referer_path(request) -> str:
    """The path of the page the form was on, if it was one of ours; "" otherwise (a path such as //elsewhere.example
    would lead off the site)."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc != request.get_host():
        return ""
    return referer.path if url_has_allowed_host_and_scheme(referer.path, allowed_hosts={request.get_host()}) else ""
