"""Django's PostgreSQL backend with parameters bound on the server, so PostgreSQL can keep a page's queries
prepared and skip planning them again (OPTIONS `server_side_binding` and `prepare_threshold`, set in settings).

Planning is most of a hot page's database time: the start page's reminders query takes 6 ms to plan and under a
millisecond to run. Bound on the server, a statement may hold one command only, and django-pghistory puts its
context in front of every write as a second command (`SELECT set_config(…); INSERT …`): the cursor sends that
prefix as a statement of its own just before the write, both in one transaction (a transaction-local setting is
gone once its transaction ends, and outside `atomic()` every statement would be a transaction of its own).
"""

from contextlib import nullcontext

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

# What pghistory's execute wrapper puts in front of a write, with its two parameters first (pghistory.runtime).
HISTORY_CONTEXT = (
    "SELECT set_config('pghistory.context_id', %s, true), set_config('pghistory.context_metadata', %s, true); "
)
HISTORY_CONTEXT_NAMED = (
    "SELECT set_config('pghistory.context_id', %(pghistory__context_id)s, true), "
    "set_config('pghistory.context_metadata', %(pghistory__context_metadata)s, true); "
)


class ServerBindingCursor(base.ServerBindingCursor):
    """Sends pghistory's context prefix and the write it precedes as two statements."""

    def execute(self, query, params=None, **kwargs):
        if isinstance(query, str):
            if query.startswith(HISTORY_CONTEXT):
                return self._with_context(HISTORY_CONTEXT, params[:2], query, params[2:], **kwargs)
            if query.startswith(HISTORY_CONTEXT_NAMED):
                return self._with_context(HISTORY_CONTEXT_NAMED, params, query, params, **kwargs)
        return super().execute(query, params, **kwargs)

    def _with_context(self, prefix, context_params, query, params, **kwargs):
        # In autocommit (outside `atomic()`) each statement would commit on its own. Inside `atomic()` psycopg
        # begins the transaction at the first statement, so no block of our own: it would commit that one early.
        idle = self.connection.info.transaction_status == TransactionStatus.IDLE
        with self.connection.transaction() if idle and self.connection.autocommit else nullcontext():
            super().execute(prefix[:-2], context_params)
            return super().execute(query.removeprefix(prefix), params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if params["cursor_factory"] is base.ServerBindingCursor:
            params["cursor_factory"] = ServerBindingCursor
        return params
