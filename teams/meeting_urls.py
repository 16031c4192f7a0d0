"""URLs of the meeting pages (included by teams/urls.py under /ressursteam/)."""

urlpatterns = []
