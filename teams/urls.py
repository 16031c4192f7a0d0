"""The ressursteam's pages under /ressursteam/: referrals, meetings with their triage board and minutes, and the
team's own page."""

from django.urls import path

from teams import meeting_views, referral_views, team_views

app_name = "teams"

urlpatterns = [
    path("", team_views.team_list, name="team_list"),
    path("<int:team_pk>/", team_views.team_detail, name="team_detail"),
    path("familieloser/", team_views.capacity, name="capacity"),
    path("henvisninger/", referral_views.referral_list, name="referral_list"),
    path("henvisninger/ny/<int:family_pk>/", referral_views.referral_new, name="referral_new"),
    path("henvisninger/<int:pk>/", referral_views.referral_detail, name="referral_detail"),
    path("henvisninger/<int:pk>/rediger/", referral_views.referral_edit, name="referral_edit"),
    path("henvisninger/<int:pk>/send/", referral_views.referral_send, name="referral_send"),
    path("henvisninger/<int:pk>/trekk/", referral_views.referral_withdraw, name="referral_withdraw"),
    path("henvisninger/<int:pk>/svar/", referral_views.referral_answer, name="referral_answer"),
    path("drofting/ny/", referral_views.referral_anonymous_new, name="referral_anonymous_new"),
    path("moter/", meeting_views.meeting_list, name="meeting_list"),
    path("<int:team_pk>/moter/ny/", meeting_views.meeting_new, name="meeting_new"),
    path("moter/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("moter/<int:pk>/endre/", meeting_views.meeting_edit, name="meeting_edit"),
    path("moter/<int:pk>/avlys/", meeting_views.meeting_cancel, name="meeting_cancel"),
    path("moter/<int:pk>/dagsorden/", meeting_views.meeting_agenda, name="meeting_agenda"),
    path("moter/<int:pk>/til-stede/", meeting_views.meeting_present, name="meeting_present"),
    path("moter/<int:pk>/saker/<int:item_pk>/vedtak/", meeting_views.item_decide, name="meeting_decide"),
    path("moter/<int:pk>/saker/<int:item_pk>/bekreft-familielos/", meeting_views.item_confirm, name="meeting_confirm"),
    path("moter/<int:pk>/referat/", meeting_views.meeting_minutes, name="meeting_minutes"),
    path("moter/<int:pk>/referat.pdf", meeting_views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
]
