"""The one exception every app raises when a rule says no."""


class Refused(Exception):
    """A rule said no (a workflow guard, a role, a stale edit); the message is shown to the user as it is."""
