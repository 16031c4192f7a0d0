from django.urls import path

from screening import public_views

app_name = "selfassessment"

urlpatterns = [
    path("", public_views.start, name="start"),
    path("sporsmal/<slug:age_group>/", public_views.instrument, name="instrument"),
    path("resultat/", public_views.result, name="result"),
    path("send/", public_views.send, name="send"),
    path("sendt/", public_views.sent, name="sent"),
]
