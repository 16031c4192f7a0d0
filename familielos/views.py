import sys
from urllib.parse import urlsplit

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from familielos import audit, http, outage
from familielos.errors import OutOfDate
from familielos.forms import AuditFilterForm
from familielos.middleware import background
from familielos.models import AccessAction, AccessEvent


class LoginView(auth_views.LoginView):
    """Django's login page; a `next` back to the login page itself (an address saved from a signed-out page) leads
    to the start page, where Django would answer a signed-in person with a redirect loop error."""

    redirect_authenticated_user = True

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return "" if url and urlsplit(url).path == self.request.path else url


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_required
@require_POST
def still_here(request):
    """The person is still working in a page (static/js/still_here.js): the idle expiry moves on, as for any request
    of theirs (SessionRefreshMiddleware). Reads and logs nothing."""
    return HttpResponse(status=204)


@require_GET
def favicon(request):
    """Where a browser looks for the icon when a page names none (the admin's pages, a PDF opened in a tab)."""
    # Not permanent: a browser would keep the icon's hashed name after a release has replaced it.
    return redirect(static("favicon.svg"))


def server_error(request):
    """handler500: the "temporarily unavailable" page when the error was a lost database, else the 500 page.

    A lost database that fails a middleware (the session saved after the view) ends up here, not in
    DatabaseOutageMiddleware.process_exception, which sees only the view's errors.
    """
    error = sys.exception()
    if outage.is_outage(error):
        return outage.unavailable_response(request, error)
    return defaults.server_error(request)


def bad_request(request, exception=None):
    """handler400: what was sent could not be taken: more than a form takes (DATA_UPLOAD_MAX_MEMORY_SIZE or
    DATA_UPLOAD_MAX_NUMBER_FIELDS), or a form a view refused as out of date (OutOfDate, with its reason). Our page,
    with the person's menu, where Django's default renders it without the request; for htmx a notice before the form
    that keeps what was typed. It must not read request.POST: that may be what failed.

    A request for a host not in ALLOWED_HOSTS (none of the municipality's users sends one) gets a bare answer: any
    page would ask the request for its host and fail again."""
    if isinstance(exception, DisallowedHost):
        return HttpResponseBadRequest("Bad Request (400)", content_type="text/plain")
    reason = str(exception) if isinstance(exception, OutOfDate) else ""
    if request.headers.get("HX-Request") == "true" and request.method != "GET":
        # A fragment or a poll asked for (GET) is swapped nowhere (FailedHtmxFormMiddleware).
        return http.not_saved(title=_("Not saved"), text=reason or http.NOT_TAKEN, status=400)
    return render(request, "400.html", {"reason": reason}, status=400)


def permission_denied(request, exception=None):
    """handler403: our page (or its fragment, for htmx) when a role may not do something, never Django's bare text.

    A missing or forbidden family is a 404 everywhere; this is for an action the person's role does not allow.
    """
    template = "403.html#message" if request.htmx else "403.html"
    return render(request, template, status=403)


@background
def csrf_failure(request, reason=""):
    """A readable page when a form is stale, instead of Django's debug text; for htmx a notice put before the form,
    which keeps what was typed (familielos.http.not_saved). A refused post is no activity that keeps the session
    alive (`background`)."""
    if request.htmx:
        return http.not_saved(
            title=_("The form has expired"),
            text=_(
                "Nothing was saved. What you wrote is still in the form: copy it, load the page again, and paste it."
            ),
            status=403,
        )
    return render(request, "csrf_failure.html", status=403)


@login_required
@require_GET
def audit_log(request):
    """Every access event, newest first, filtered by person or family: for leaders and administrators.

    Paged by (at, id) with "newer" and "older" links and no page count: the table grows by millions of rows.
    """
    if not request.user.has_perm("familielos.view_accessevent"):
        raise Http404
    form = AuditFilterForm(request.GET)
    events = AccessEvent.objects.all()
    if form.is_valid():
        if form.cleaned_data["username"]:
            events = events.filter(actor_username=form.cleaned_data["username"])
        if form.cleaned_data["family"]:
            events = events.filter(family_id=form.cleaned_data["family"])
    page = audit.events_page(events, older=request.GET.get("eldre", ""), newer=request.GET.get("nyere", ""))
    if form.is_valid() and form.cleaned_data["family"] and page.events:
        # Reading a family's trail is logged as on its own trail page (cases.views.family_audit): the family sees it
        # in "who has looked at our data".
        audit.record(request, action=AccessAction.VIEW, family_id=form.cleaned_data["family"], object_type="audit")
    query = request.GET.copy()
    for cursor in ("eldre", "nyere"):
        query.pop(cursor, None)
    return render(request, "familielos/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})
