"""Signing in to the family's own pages: a one-time link by e-mail, or ID-porten (OpenID Connect) when configured."""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView, OIDCLogoutView

from cases import access
from familielos import ratelimit
from familielos.audit import client_ip
from portal import signin, tasks
from portal.forms_signin import SignInForm

# Pages of the sign-in itself, never a place to land after signing in.
SIGN_IN_NAMES = frozenset({"sign_in", "sign_in_sent", "sign_in_link", "sign_out", "oidc_authenticate", "oidc_callback"})
# The backend a link's sign-in is recorded with: the project's model backend, which loads the login on each request.
LINK_BACKEND = "familielos.backends.OneQueryModelBackend"


def _email_sign_in_on(view):
    """The e-mail link's pages exist only while PORTAL_EMAIL_SIGN_IN is on: turned off, a link already sent no longer
    signs in either."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PORTAL_EMAIL_SIGN_IN:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """The ways to sign in, and asking for a link: the request counts the client's allowance and enqueues one task,
    whatever the address, so the answer and its timing are the same whether or not the address belongs to a login."""
    if request.method == "POST" and not settings.PORTAL_EMAIL_SIGN_IN:
        raise Http404
    next_url = _portal_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if ratelimit.spend("portal.signin.ip", client_ip(request) or "unknown", settings.SIGN_IN_LINKS_PER_IP_PER_HOUR):
            tasks.send_sign_in_link.enqueue(form.cleaned_data["email"], next_url=next_url, language=get_language())
        return redirect("portal:sign_in_sent")
    context = {
        "form": form,
        "next": next_url,
        "minutes": settings.SIGN_IN_LINK_MINUTES,
        "oidc_enabled": bool(settings.OIDC_RP_CLIENT_ID),
        "email_enabled": settings.PORTAL_EMAIL_SIGN_IN,
    }
    return render(request, "portal/signin.html", context)


@never_cache
@require_GET
@_email_sign_in_on
def sign_in_sent(request):
    return render(request, "portal/signin_sent.html", {"minutes": settings.SIGN_IN_LINK_MINUTES})


@never_cache
@require_http_methods(["GET", "POST"])
@_email_sign_in_on
def sign_in_link(request, token):
    """The link from the e-mail. Opening it only shows a button: a mail scanner that fetches links must not use it
    up. The button's POST uses it and signs in, in a fresh session."""
    next_url = _portal_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET":
        if not signin.usable(token):
            return _link_invalid(request, next_url)
        return render(request, "portal/signin_link.html", {"next": next_url})
    user = signin.consume(token)
    if user is None:
        return _link_invalid(request, next_url)
    login(request, user, backend=LINK_BACKEND)
    return redirect(next_url or reverse("portal:home"))


def _link_invalid(request, next_url: str):
    """A used, expired or unknown link. A family member already signed in on this browser (most often: the link
    opened a second time) goes on to their pages, as the link would have taken them; anyone else is told to ask for a
    new link."""
    if access.portal_person(request.user) is not None:
        return redirect(next_url or reverse("portal:home"))
    return render(request, "portal/signin_link_invalid.html", status=410)


def _portal_next(request, url: str | None) -> str:
    """`url` if it is one of the family's own pages on this site, else ''. Resolved, not prefix-matched: a browser
    would read `/min-familie/../` as a page outside."""
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return ""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return ""
    if match.namespace != "portal" or match.url_name in SIGN_IN_NAMES:
        return ""
    return url


class _OIDCOnly:
    """ID-porten's pages exist only when it is configured (OIDC_RP_CLIENT_ID)."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_RP_CLIENT_ID:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OIDCAuthenticate(_OIDCOnly, OIDCAuthenticationRequestView):
    """Off to ID-porten, with state, nonce and a PKCE challenge kept in the session."""


class OIDCCallback(_OIDCOnly, OIDCAuthenticationCallbackView):
    """Back from ID-porten: signed in to the family's pages, or back to the sign-in page with what to do instead."""

    @property
    def success_url(self):
        return _portal_next(self.request, self.request.session.get("oidc_login_next")) or reverse("portal:home")

    def login_success(self):
        """Signed in; the id_token kept for logout survives the new session that signing in over another login
        starts."""
        id_token = self.request.session.get("oidc_id_token")
        response = super().login_success()
        if id_token:
            self.request.session["oidc_id_token"] = id_token
        return response

    def login_failure(self):
        """Back to the sign-in page. A session left signed out keeps no id_token (nor its national identity
        number)."""
        if not self.request.user.is_authenticated:
            self.request.session.pop("oidc_id_token", None)
        if settings.PORTAL_EMAIL_SIGN_IN:
            message = _(
                "You could not be signed in with ID-porten. If you have not been given access to your family's "
                "pages yet, ask your familielos or contact person. You can also sign in with a link by e-mail."
            )
        else:
            message = _(
                "You could not be signed in with ID-porten. If you have not been given access to your family's "
                "pages yet, ask your familielos or contact person."
            )
        messages.error(self.request, message)
        return redirect("portal:sign_in")


class SignOut(OIDCLogoutView):
    """Sign out of the family's pages, and out of ID-porten as well when that is how the person signed in."""

    http_method_names = ["post"]

    @property
    def redirect_url(self):
        return reverse("portal:sign_in")
