from django.urls import path

from cases import login_views, views

app_name = "cases"

urlpatterns = [
    path("", views.family_list, name="family_list"),
    path("ny/", views.family_new, name="family_new"),
    path("<int:family_pk>/", views.family_detail, name="family_detail"),
    path("<int:family_pk>/sak/<int:case_pk>/<slug:step>/", views.case_step, name="case_step"),
    path("<int:family_pk>/samtykke/ny/", views.consent_new, name="consent_new"),
    path("<int:family_pk>/samtykke/<int:consent_pk>/trekk/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:family_pk>/personer/ny/", views.person_new, name="person_new"),
    path("<int:family_pk>/innlogging/<int:person_pk>/gi/", login_views.give_login, name="give_login"),
    path("<int:family_pk>/innlogging/<int:person_pk>/fjern/", login_views.remove_login, name="remove_login"),
    path(
        "<int:family_pk>/innlogging/<int:person_pk>/foreldreansvar/",
        login_views.parental_responsibility,
        name="parental_responsibility",
    ),
    path("<int:family_pk>/tilgangslogg/", views.family_audit, name="family_audit"),
    path("<int:family_pk>/samtale/ny/", views.samtale_new, name="samtale_new"),
    path("<int:family_pk>/samtale/<int:samtale_pk>/", views.samtale_detail, name="samtale_detail"),
    path("<int:family_pk>/samtale/<int:samtale_pk>/flytt/", views.samtale_edit, name="samtale_edit"),
]
