"""The app's URLs plus a bare view, so the bench can measure what the middleware stack alone costs."""

from django.http import HttpResponse
from django.urls import include, path

BARE_PATH = "/bench/bare/"


def bare(request):
    """The smallest possible view: no template, no query of its own."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare, name="bench_bare"),
    path("", include("familielos.urls")),
]
