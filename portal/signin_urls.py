from django.urls import path

from portal import signin_views

urlpatterns = [
    path("logg-inn/", signin_views.sign_in, name="sign_in"),
    path("logg-inn/sendt/", signin_views.sign_in_sent, name="sign_in_sent"),
    path("logg-inn/<slug:token>/", signin_views.sign_in_link, name="sign_in_link"),
    path("logg-ut/", signin_views.SignOut.as_view(), name="sign_out"),
    path("oidc/authenticate/", signin_views.OIDCAuthenticate.as_view(), name="oidc_authenticate"),
    path("oidc/callback/", signin_views.OIDCCallback.as_view(), name="oidc_callback"),
]
