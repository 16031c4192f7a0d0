"""Signing in to the family's own pages with a one-time link sent by e-mail.

Asking for a link does the same work whatever the address: the request only counts the client's allowance and
enqueues one task (portal.tasks.send_sign_in_link), which looks the address up and sends the mail (`send_links`).
So neither the answer, nor its timing, nor a failing mail server tells anyone whether an address belongs to a
login. A link is good once, for SIGN_IN_LINK_MINUTES, and only while its login may still use the portal.
"""

import hashlib
import logging
import secrets
import unicodedata
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from familielos import ratelimit
from portal.models import SignInLink

User = get_user_model()
logger = logging.getLogger(__name__)


def normalise_email(email: str) -> str:
    """The typed address in one form (NFKC, case-folded): the Kelvin sign 'K' becomes 'k', so look-alike letters
    cannot count as another address. The form then refuses what is still not ASCII (a dotless 'ı', which
    PostgreSQL's UPPER() would match to 'I')."""
    return unicodedata.normalize("NFKC", email.strip()).casefold()


def send_links(email: str, next_url: str = "") -> int:
    """E-mail a sign-in link to each login with this (normalised) address that may use the portal, within the login's
    hourly allowance (SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR, counted per login whatever address matched it); returns
    how many went out. A new link replaces the login's earlier ones: only the latest mail signs in. Expired links of
    anyone are deleted on the way, so the table holds only live ones. A mail that fails is logged, not raised."""
    if not settings.PORTAL_EMAIL_SIGN_IN:
        return 0
    SignInLink.objects.filter(expires_at__lt=timezone.now()).delete()
    sent = 0
    for user in User.objects.filter(email__iexact=email, is_active=True, person__isnull=False):
        person = access.portal_person(user)
        if person is None:
            continue
        if not ratelimit.spend("portal.signin.login", str(user.pk), settings.SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR):
            continue
        token = secrets.token_urlsafe(32)
        with transaction.atomic():
            SignInLink.objects.filter(user=user).delete()
            SignInLink.objects.create(
                user=user,
                token_hash=_hash(token),
                expires_at=timezone.now() + timedelta(minutes=settings.SIGN_IN_LINK_MINUTES),
            )
        try:
            _send(user, person, _link_url(token, next_url))
        except OSError:
            # smtplib's errors are OSErrors. The person asked in vain and may ask again; nobody else learns of it.
            logger.exception("Sign-in link e-mail to user %s failed.", user.pk)
            continue
        sent += 1
    return sent


def usable(token: str) -> bool:
    """Whether the link could still sign in; reads only, so opening the link does not use it."""
    return SignInLink.objects.filter(
        token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()


def consume(token: str) -> User | None:
    """The login a link signs in, using the link up; None if the link is unknown, used, expired, or its login may no
    longer use the portal. One UPDATE marks the link used, so two clicks at once sign in once."""
    now = timezone.now()
    token_hash = _hash(token)
    unused = SignInLink.objects.filter(token_hash=token_hash, used_at__isnull=True, expires_at__gt=now)
    used = unused.update(used_at=now)
    if not used:
        return None
    user = SignInLink.objects.select_related("user").get(token_hash=token_hash).user
    return user if access.portal_person(user) is not None else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_url(token: str, next_url: str) -> str:
    """From SITE_URL, never from the Host header of the request that asked: a forged Host must not make the mail
    carry a link to someone else's server."""
    url = settings.SITE_URL + reverse("portal:sign_in_link", args=[token])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _send(user, person, url: str) -> None:
    context = {
        "person": person,
        "url": url,
        "minutes": settings.SIGN_IN_LINK_MINUTES,
        "municipality": settings.MUNICIPALITY_NAME,
    }
    send_mail(
        subject=_("Your link to sign in to Familielos"),
        message=render_to_string("portal/email/signin_link.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
