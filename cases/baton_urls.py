from django.urls import path

from cases import baton_views

app_name = "baton"

urlpatterns = [
    path("", baton_views.waiting, name="waiting"),
    path("overfor-alle/", baton_views.bulk, name="bulk"),
    path("familie/<int:family_pk>/", baton_views.handover_new, name="handover_new"),
    path("<int:pk>/godta/", baton_views.accept, name="accept"),
    path("<int:pk>/avslaa/", baton_views.decline, name="decline"),
    path("<int:pk>/avbryt/", baton_views.cancel, name="cancel"),
]
