"""The pilot's follow-up figures (cases.pilot_figures), included at /oppfolging/ beside the access log."""

from django.urls import path

from cases import views

urlpatterns = [
    path("", views.pilot_figures_page, name="pilot_figures"),
]
