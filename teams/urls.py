"""The ressursteam's pages: referrals, meetings with their triage board and minutes, and the team's own page."""

from teams import meeting_urls, referral_urls, team_urls

app_name = "teams"

urlpatterns = [*referral_urls.urlpatterns, *meeting_urls.urlpatterns, *team_urls.urlpatterns]
