from django.urls import path

from stafettlogg import views

app_name = "stafettlogg"

urlpatterns = [
    path("familier/<int:family_pk>/logg/", views.log, name="log"),
    path("familier/<int:family_pk>/logg/skriv/", views.post, name="post"),
    path("familier/<int:family_pk>/logg/nye/", views.poll, name="poll"),
    path("familier/<int:family_pk>/logg/rett/", views.correct, name="correct"),
]
