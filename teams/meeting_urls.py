"""URLs of the meeting pages (included by teams/urls.py under /ressursteam/)."""

from django.urls import path

from teams import meeting_views as views

urlpatterns = [
    path("moter/", views.meeting_list, name="meeting_list"),
    path("<int:team_pk>/moter/ny/", views.meeting_new, name="meeting_new"),
    path("moter/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("moter/<int:pk>/dagsorden/", views.meeting_agenda, name="meeting_agenda"),
    path("moter/<int:pk>/til-stede/", views.meeting_present, name="meeting_present"),
    path("moter/<int:pk>/saker/<int:item_pk>/vedtak/", views.item_decide, name="meeting_decide"),
    path("moter/<int:pk>/saker/<int:item_pk>/bekreft-familielos/", views.item_confirm, name="meeting_confirm"),
    path("moter/<int:pk>/referat/", views.meeting_minutes, name="meeting_minutes"),
    path("moter/<int:pk>/referat.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
]
