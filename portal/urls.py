"""The family's own pages, under /min-familie/: every address here is the signed-in family's own and carries no
family id, so there is no other family's id to try."""

from django.urls import include, path

app_name = "portal"

urlpatterns = [
    path("", include("portal.pages_urls")),
    path("", include("portal.signin_urls")),
    path("", include("portal.insight_urls")),
]
