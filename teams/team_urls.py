"""URLs of the team pages (included by teams/urls.py under /ressursteam/)."""

urlpatterns = []
