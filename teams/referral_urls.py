"""URLs of the referral pages (included by teams/urls.py under /ressursteam/)."""

urlpatterns = []
