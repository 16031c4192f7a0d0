from django.urls import path

from screening import inbox_views

app_name = "inbox"

urlpatterns = [
    path("", inbox_views.concern_list, name="list"),
    path("<int:pk>/", inbox_views.concern_detail, name="detail"),
    path("<int:pk>/apne/", inbox_views.open_concern, name="open"),
]
