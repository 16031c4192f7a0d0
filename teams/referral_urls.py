"""URLs of the referral pages (included by teams/urls.py under /ressursteam/)."""

from django.urls import path

from teams import referral_views

urlpatterns = [
    path("henvisninger/", referral_views.referral_list, name="referral_list"),
    path("henvisninger/ny/<int:family_pk>/", referral_views.referral_new, name="referral_new"),
    path("henvisninger/<int:pk>/", referral_views.referral_detail, name="referral_detail"),
    path("henvisninger/<int:pk>/rediger/", referral_views.referral_edit, name="referral_edit"),
    path("henvisninger/<int:pk>/send/", referral_views.referral_send, name="referral_send"),
    path("henvisninger/<int:pk>/trekk/", referral_views.referral_withdraw, name="referral_withdraw"),
    path("henvisninger/<int:pk>/svar/", referral_views.referral_answer, name="referral_answer"),
    path("drofting/ny/", referral_views.referral_anonymous_new, name="referral_anonymous_new"),
]
