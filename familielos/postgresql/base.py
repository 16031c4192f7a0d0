"""Django's PostgreSQL backend with parameters bound on the server, so PostgreSQL can keep a page's queries
prepared and skip planning them again (OPTIONS `server_side_binding` and `prepare_threshold`, set in settings).

Planning is most of a hot page's database time: the start page's reminders query takes 6 ms to plan and under a
millisecond to run. Bound on the server, a statement may hold one command only, and django-pghistory puts its
context in front of every write as a second command (`SELECT set_config(…); INSERT …`): the cursor sends that
prefix as a statement of its own, in the same transaction, just before the write.
"""

from django.db.backends.postgresql import base

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
                super().execute(HISTORY_CONTEXT[:-2], params[:2])
                return super().execute(query.removeprefix(HISTORY_CONTEXT), params[2:], **kwargs)
            if query.startswith(HISTORY_CONTEXT_NAMED):
                super().execute(HISTORY_CONTEXT_NAMED[:-2], params)
                return super().execute(query.removeprefix(HISTORY_CONTEXT_NAMED), params, **kwargs)
        return super().execute(query, params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if params["cursor_factory"] is base.ServerBindingCursor:
            params["cursor_factory"] = ServerBindingCursor
        return params
