from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from cases import home
from familielos import views

admin.site.site_header = _("Familielos administration")
admin.site.site_title = _("Familielos")

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("aktiv/", views.still_here, name="still_here"),
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("familier/", include("cases.urls")),
    path("", include("cases.print_urls")),
    path("kartlegging/innkomne/", include("screening.inbox_urls")),
    path("kartlegging/", include("screening.urls")),
    path("foreldre/", include("screening.public_urls")),
    path("ressursteam/", include("teams.urls")),
    path("", include("familieteam.urls")),
    path("", include("stafettlogg.urls")),
    path("stafett/", include("cases.baton_urls")),
    path("min-familie/", include("portal.urls")),
    path("tilgangslogg/", views.audit_log, name="audit_log"),
    path("oppfolging/", include("cases.pilot_figures_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "familielos.views.bad_request"
handler403 = "familielos.views.permission_denied"
handler500 = "familielos.views.server_error"
