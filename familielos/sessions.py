"""The session engine: Django's database sessions, except that a lost database is reported as what it is.

Django's store turns any database error on saving into UpdateError, which the session middleware answers with a
bare "Bad Request (400)" as if the session had been deleted by a concurrent logout. While the database is down
the error is re-raised unchanged, so the request gets the "temporarily unavailable" page (familielos.outage).
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from familielos.outage import is_outage


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        try:
            super().save(must_create=must_create)
        except UpdateError as error:
            database_error = error.__context__
            if is_outage(database_error):
                raise database_error from database_error.__cause__
            raise
