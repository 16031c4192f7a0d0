"""The one exception every app raises when a rule says no, and the one for a form a page cannot have sent."""

from django.core.exceptions import BadRequest


class Refused(Exception):
    """A rule said no (a workflow guard, a role, a stale edit); the message is shown to the user as it is."""


class OutOfDate(BadRequest):
    """A form a view cannot take as sent: from a page older than a change, or tampered with (a hidden field). The
    message, in the person's language, is shown on the 400 page (familielos.views.bad_request); Django's own
    BadRequest messages (a malformed post) are not, being English and technical."""
