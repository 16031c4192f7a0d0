"""The app's URLs plus a view that fails as a bug would, for the tests of what a failed request answers."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("feil/", broken, name="broken"),
    path("", include("familielos.urls")),
]
