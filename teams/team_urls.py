"""URLs of the team pages (included by teams/urls.py under /ressursteam/)."""

from django.urls import path

from teams import team_views as views

urlpatterns = [
    path("", views.team_list, name="team_list"),
    path("<int:team_pk>/", views.team_detail, name="team_detail"),
    path("familieloser/", views.capacity, name="capacity"),
]
