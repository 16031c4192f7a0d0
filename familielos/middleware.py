import functools
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect, reswap

from familielos import http, outage, roles

# A session's idle expiry is pushed forward at most this often: every request would otherwise write its row.
SESSION_REFRESH_SECONDS = 60
SESSION_REFRESHED_AT = "_refreshed_at"


class DatabaseOutageMiddleware:
    """While the database is unreachable, a view's failure is a 503 "temporarily unavailable" page, not a 500.

    Placed first after SecurityMiddleware. A failure in another middleware (the session saved after the view)
    reaches Django's handler500 instead, which answers the same way (familielos.views.server_error).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if outage.is_outage(exception):
            return outage.unavailable_response(request, exception)
        return None


class SessionRefreshMiddleware:
    """Push a signed-in session's idle expiry forward, but write it at most once a minute.

    Placed right after SessionMiddleware, which saves a modified session with a new expiry. A session therefore
    ends between SESSION_IDLE_MINUTES minus one minute and SESSION_IDLE_MINUTES after the last request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        if getattr(request, "is_background", False):
            return response
        if session.accessed and not session.is_empty() and response.status_code < 500:
            now = int(timezone.now().timestamp())
            if session.modified or now - session.get(SESSION_REFRESHED_AT, 0) >= SESSION_REFRESH_SECONDS:
                session[SESSION_REFRESHED_AT] = now
        return response


def background(view):
    """For a view a page calls by itself (a poll every few seconds), or one that refuses what was sent (a stale form):
    its requests are not the person's activity, so a page left open does not keep the session alive past its idle
    expiry."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.is_background = True
        return view(request, *args, **kwargs)

    return wrapper


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in person sees may be kept by a browser or a proxy (shared school PCs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The outage page is never cached already; asking who is signed in would try the database again.
        if getattr(request, "database_unavailable", False):
            return response
        if request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class LoginRedirectMiddleware:
    """When a session has run out, send the person to the login page so that they come back to a page, not to
    a fragment swapped into the page (htmx) or to a POST-only address that cannot be opened (405)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        login_path = resolve_url(settings.LOGIN_URL)
        location = urlsplit(response.get("Location", ""))
        # login_required's redirect names this very request as the page to come back to; the logout and the language
        # switch answer a post with the login page too (naming none, or another page), and are no session run out.
        to_login = response.status_code == 302 and location.path == login_path
        if not to_login or parse_qs(location.query).get(REDIRECT_FIELD_NAME) != [request.get_full_path()]:
            return response
        if request.htmx:
            page = urlsplit(request.htmx.current_url_abs_path or "/").path
            if request.method == "GET":
                return HttpResponseClientRedirect(redirect_to_login(page).url)
            # A form sent: the page stays, with what was typed in it.
            return http.not_saved(
                title=_("You were signed out"),
                text=_(
                    "Nothing was saved. What you wrote is still in the form: copy it, sign in again, load the page "
                    "again, and paste it."
                ),
                status=403,
                login_url=redirect_to_login(page).url,
            )
        if request.method != "GET":
            return redirect_to_login(http.same_site_referer_path(request) or "/")
        return response


class FailedHtmxFormMiddleware:
    """The answer to an htmx request that failed with a 400 (what was sent could not be taken), a 404 (what it was for
    was removed or changed meanwhile, or is not the person's) or a 500 (an error of ours). base.html's htmx-config
    swaps these, so every such answer is given a place here (HX-Reswap), wherever in the stack it was made (a view, a
    middleware, Django's debug pages):
    - a form sent (not GET): a notice put before the request's target, which keeps what was typed;
    - anything else (a fragment loaded, a poll): swapped nowhere, as a poll every few seconds would stack notices.
    An answer that already says where it goes is left alone. Outermost but for SecurityMiddleware, so it reads the
    htmx header itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = request.headers.get("HX-Request") == "true"
        if response.status_code not in (400, 404, 500) or not htmx or "HX-Reswap" in response:
            return response
        if request.method == "GET":
            return reswap(response, "none")
        if response.status_code == 400:
            notice = http.not_saved(title=_("Not saved"), text=http.NOT_TAKEN, status=400)
        elif response.status_code == 404:
            notice = http.not_saved(
                title=_("Not saved"),
                text=_(
                    "What this form was for is no longer there: someone removed or changed it meanwhile. Nothing was "
                    "saved. What you wrote is still in the form: copy it and load the page again to see how it "
                    "stands now."
                ),
                status=404,
            )
        else:
            notice = http.not_saved(
                title=_("Something went wrong"),
                text=_(
                    "An error happened on our side, and what you sent may not have been saved. What you wrote is "
                    "still in the form: copy it, load the page again and check."
                ),
                status=500,
            )
        add_never_cache_headers(notice)
        patch_cache_control(notice, no_store=True, private=True)
        return notice


class ReadableMethodNotAllowedMiddleware:
    """An address that only takes a form, opened (a bookmark, the address bar, a link copied from a form's answer): a
    page in the site's layout that says so, where Django's 405 has no body and the browser shows its own error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.method != "GET":
            return response
        back = http.same_site_referer_path(request)
        if not back and request.resolver_match and request.resolver_match.namespace == "selfassessment":
            back = reverse("selfassessment:start")  # the parents' pages: their start, not the staff's
        page = render(request, "405.html", {"back": back}, status=405)
        page["Allow"] = response["Allow"]
        return page


class FamilyLoginConfinementMiddleware:
    """A family's own login uses the family's own pages (the portal) and nothing else: every staff page is a 404 to
    it, whatever that page would show, and the start page sends it to the portal. Staff pages therefore need no
    check of their own against family logins; a person with a staff role as well is not confined."""

    # Namespaces and URL names a family login may open beside the portal: the self-assessment for parents is open to
    # everyone, a parent signed in to the family's pages too.
    OPEN_NAMESPACES = frozenset({"portal", "selfassessment"})
    OPEN_NAMES = frozenset({"logout", "set_language", "healthz", "favicon", "still_here"})
    # Pages that send a signed-in family login to its own start page instead.
    TO_PORTAL = frozenset({"home", "login"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            role = roles.role_of(request.user)
        except Exception as exception:
            # The first database read of the request happens here now, before the view: an outage answers as a
            # view's would (DatabaseOutageMiddleware sees only the view's exceptions).
            if outage.is_outage(exception):
                return outage.unavailable_response(request, exception)
            raise
        if role != roles.FAMILY_MEMBER:
            return None
        match = request.resolver_match
        if match.namespace in self.OPEN_NAMESPACES or (not match.namespace and match.url_name in self.OPEN_NAMES):
            return None
        if not match.namespace and match.url_name in self.TO_PORTAL:
            return redirect("portal:home")
        raise Http404
