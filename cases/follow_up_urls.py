"""The pilot's follow-up figures (cases.follow_up), included at /oppfolging/ beside the access log."""

from django.urls import path

from cases import views

urlpatterns = [
    path("", views.follow_up_page, name="follow_up"),
]
