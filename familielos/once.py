"""A form sent twice (a double click, a request the browser sends again) does its work once.

The form carries a one-time token (OnceField). The first post to use it claims the token in the shared cache (the
database cache, so the claim holds across every app server) and then records what it made; a second post with the
same token finds the claim and is shown what the first made, or told that it is still being made. A token is the
person's own: another person's post with it claims nothing of theirs.
"""

import secrets

from django import forms
from django.core.cache import cache
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# How long a token is remembered: longer than anyone keeps a form open before sending it twice.
REMEMBERED = 24 * 60 * 60
PENDING = "pending"
OUT_OF_DATE = _("The form is out of date. Reload the page and fill it in again.")


class OnceField(forms.CharField):
    """The hidden one-time token of a form that must not do its work twice; a new one for every form shown."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        messages = {"required": OUT_OF_DATE, "min_length": OUT_OF_DATE, "max_length": OUT_OF_DATE}
        super().__init__(
            min_length=16,
            max_length=64,
            initial=lambda: secrets.token_urlsafe(16),
            error_messages=messages,
            validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", OUT_OF_DATE)],
            **kwargs,
        )


def claim(user, token: str) -> bool:
    """Whether this post is the first with `token` (it then does the work); False for a second one."""
    return cache.add(_key(user, token), PENDING, timeout=REMEMBERED)


def record(user, token: str, made: int) -> None:
    """What the first post with `token` made (an id), for a second post to show."""
    cache.set(_key(user, token), made, timeout=REMEMBERED)


def release(user, token: str) -> None:
    """The first post failed: the token may be used again."""
    cache.delete(_key(user, token))


def made_by(user, token: str) -> int | None:
    """The id the first post with `token` made; None while it is still being made."""
    made = cache.get(_key(user, token))
    return made if isinstance(made, int) else None


def _key(user, token: str) -> str:
    return f"once:{user.pk}:{token}"
