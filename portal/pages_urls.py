"""The family's own pages: start page, plan, tasks and log."""

from django.urls import path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("plan/", views.plan, name="plan"),
    path("oppgaver/", views.action_points, name="action_points"),
    path("oppgaver/<int:pk>/", views.action_point_tick, name="action_point_tick"),
    path("logg/", views.log, name="log"),
    path("logg/skriv/", views.log_post, name="log_post"),
]
