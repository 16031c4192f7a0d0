"""Change history: every insert, update and delete of a tracked model is kept by PostgreSQL triggers."""

import functools

import pghistory
from django.db import transaction


def tracked():
    """The decorator for a model whose every write is kept as history (append-only event table)."""
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


def action(func):
    """Run a state change in one transaction, with the acting user attached to the history it writes."""

    @functools.wraps(func)
    def wrapper(*args, actor, **kwargs):
        with transaction.atomic(), pghistory.context(user=actor.pk, action=func.__name__):
            return func(*args, actor=actor, **kwargs)

    return wrapper
