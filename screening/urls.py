from django.urls import path

from screening import views

app_name = "screening"

urlpatterns = [
    path("", views.submission_list, name="submission_list"),
    path("ny/", views.submission_new, name="submission_new"),
    path("forhandsvis/", views.submission_preview, name="submission_preview"),
    path("<int:pk>/", views.submission_detail, name="submission_detail"),
    path("<int:pk>/endre/", views.submission_edit, name="submission_edit"),
    path("<int:pk>/knytt-til-barn/", views.submission_link, name="submission_link"),
    path("instrument/", views.instrument_list, name="instrument_list"),
    path("instrument/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("instrument/<int:pk>/ny-versjon/", views.instrument_new_version, name="instrument_new_version"),
    path("instrument/<int:pk>/endre/", views.instrument_edit, name="instrument_edit"),
    path("instrument/<int:pk>/faktor/ny/", views.factor_add, name="factor_add"),
    path("instrument/<int:pk>/publiser/", views.instrument_publish, name="instrument_publish"),
]
