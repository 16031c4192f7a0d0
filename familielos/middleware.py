from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_htmx.http import HttpResponseClientRedirect


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in person sees may be kept by a browser or a proxy (shared school PCs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
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
        if response.status_code != 302 or urlsplit(response.get("Location", "")).path != login_path:
            return response
        if request.htmx:
            page = urlsplit(request.htmx.current_url_abs_path or "/").path
            return HttpResponseClientRedirect(redirect_to_login(page).url)
        if request.method != "GET":
            return redirect_to_login(_same_site_path(request) or "/")
        return response


def _same_site_path(request) -> str:
    """The path of the page the form was on, if it was one of ours."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    return referer.path if referer.netloc == request.get_host() else ""
