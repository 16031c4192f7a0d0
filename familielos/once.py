"""A form sent twice (a double click, a request the browser sends again) does its work once.

The form carries a one-time token (OnceField), new on every page. What the form makes is stored with a key made of
the person, the token and what was sent (`key`), under a unique constraint: the same form sent again with the same
content finds what the first post made (and waits for it, if the first is still being saved), while the form sent
again with other content (changed after going back) makes something new. A form without a usable token (a page
from before a deploy, a tampered value) works as any form: nothing is lost, it is only not deduplicated.
"""

import hashlib
import json
import re
import secrets

from django import forms
from django.core.serializers.json import DjangoJSONEncoder

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class OnceField(forms.CharField):
    """The hidden one-time token of a form that must not do its work twice; anything but a token cleans to ""."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, initial=lambda: secrets.token_urlsafe(16), **kwargs)

    def clean(self, value):
        return value if isinstance(value, str) and _TOKEN.fullmatch(value) else ""


def key(actor, token: str, content: dict) -> str:
    """The key a form's work is stored under: the person, the form's token and what was sent; "" without a token."""
    if not token:
        return ""
    sent = json.dumps(content, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(f"{actor.pk}\n{token}\n{sent}".encode()).hexdigest()
