"""A form sent twice (a double click, a request the browser sends again) does its work once.

The form carries a one-time token (`{% once_token %}` in the template), new on every page. The view claims its post
around the work (`claim`): a row keyed by the person, the token, the form's address and what was sent, under a
unique key, with the page that shows what the post made. The same form sent again with the same content waits for
the first post if it is still being saved, and is then sent to that page; the form sent again with other content
(changed after going back) makes something new. A form without a usable token (a page from before a deploy, a
tampered value) works as any form: nothing is lost, it is only not deduplicated.
"""

import hashlib
import json
import re
import secrets
from contextlib import contextmanager

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from familielos.models import SentForm

# The POST field the token is sent in by `{% once_token %}`.
TOKEN_NAME = "once"

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def key(actor, token: str, content: dict) -> str:
    """The key a form's work is stored under: the person, the form's token and what was sent; "" without a token."""
    if not token:
        return ""
    sent = json.dumps(content, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(f"{actor.pk}\n{token}\n{sent}".encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(16)


class SentAlready(Exception):
    """The same form with the same content did its work before: `url` shows what it made."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def _post_key(request) -> str:
    """The key of this post: the person, the form's token, its address and what was sent (the post as it came,
    without the tokens); "" without a usable token."""
    token = request.POST.get(TOKEN_NAME, "")
    if not _TOKEN.fullmatch(token):
        return ""
    ignored = {TOKEN_NAME, "csrfmiddlewaretoken"}
    sent = {name: request.POST.getlist(name) for name in request.POST if name not in ignored}
    return key(request.user, token, {"path": request.path, "sent": sent})


def _claim(request) -> str:
    """Claim this post's key: raises SentAlready when the same form with the same content did its work first
    (waiting for that post to be saved, if it still is). "" for a post without a usable token."""
    claimed = _post_key(request)
    if not claimed:
        return ""
    with connection.cursor() as cursor:
        # A second insert of the key waits here until the first post's transaction ends, then does nothing.
        cursor.execute(
            f"INSERT INTO {SentForm._meta.db_table} (key, sent_at, url) VALUES (%s, now(), '')"
            " ON CONFLICT (key) DO NOTHING RETURNING key",
            [claimed],
        )
        if cursor.fetchone() is None:
            raise SentAlready(SentForm.objects.get(key=claimed).url)
    return claimed


class Claimed:
    """The post claimed by `claim`: `shown_at(url)` records the page that shows what it made."""

    def __init__(self, key: str):
        self.key, self.url = key, ""

    def shown_at(self, url: str) -> None:
        self.url = url


@contextmanager
def claim(request):
    """Do a form's work once: the block runs in one transaction with the claim of this post, and says where what it
    made is shown (`shown_at`). The same form with the same content sent again raises SentAlready (after waiting for
    the first post, if it is still being saved); a block that fails or is refused rolls its claim back with it."""
    with transaction.atomic():
        claimed = Claimed(_claim(request))
        yield claimed
        if not claimed.url:
            raise ValueError("once.claim: say where the work is shown (shown_at) before the block ends")
        if claimed.key:
            SentForm.objects.filter(key=claimed.key).update(url=claimed.url)


def raise_if_sent(request) -> None:
    """Raises SentAlready when this post did its work before: for a page whose own checks refuse the post again (the
    step is done) before it comes to `claim`."""
    if (sent := _post_key(request)) and (url := SentForm.objects.filter(key=sent).values_list("url", flat=True)):
        raise SentAlready(url[0])


def sent_twice(request, sent: SentAlready, message: str = ""):
    """The answer to the same form sent again: the page of what the first post made, and `message` (or a general
    one) saying so. An htmx form is sent there by htmx: a redirect it followed would put a whole page in a fragment."""
    messages.info(request, message or _("The form was sent twice: it is saved once. This is it."))
    if request.htmx:
        return HttpResponseClientRedirect(sent.url or request.path)
    return redirect(sent.url or request.path)
