"""Signing in to the family's own pages with a one-time link sent by e-mail.

The answer to "send me a link" never tells whether the address belongs to anyone, and a link is good once, for
SIGN_IN_LINK_MINUTES, and only while its login may still use the portal.
"""

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cases import access
from portal.models import SignInLink

User = get_user_model()

RATE_WINDOW_SECONDS = 3600


def request_link(email: str, build_url: Callable[[str], str], *, ip: str | None) -> None:
    """E-mail a sign-in link to each login with this address that may use the portal; do nothing visible otherwise.

    Within the hourly allowance of the address and of the client's IP address (SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR,
    SIGN_IN_LINKS_PER_IP_PER_HOUR), counted whether or not the address matched, so the limit tells nothing either.
    A new link replaces the login's earlier ones: only the latest mail signs in. Expired links of anyone are
    deleted on the way, so the table holds only live ones.
    """
    email = email.strip().lower()
    within_ip = _spend("ip", ip or "unknown", settings.SIGN_IN_LINKS_PER_IP_PER_HOUR)
    within_address = _spend("address", email, settings.SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR)
    if not (within_ip and within_address):
        return
    SignInLink.objects.filter(expires_at__lt=timezone.now()).delete()
    for user in User.objects.filter(email__iexact=email, is_active=True, person__isnull=False):
        person = access.portal_person(user)
        if person is None:
            continue
        token = secrets.token_urlsafe(32)
        with transaction.atomic():
            SignInLink.objects.filter(user=user).delete()
            SignInLink.objects.create(
                user=user,
                token_hash=_hash(token),
                expires_at=timezone.now() + timedelta(minutes=settings.SIGN_IN_LINK_MINUTES),
            )
        _send(user, person, build_url(token))


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


def _spend(bucket: str, value: str, limit: int) -> bool:
    """Count one request against `value`'s allowance for the hour in the shared cache; False once it is spent.

    The value (an e-mail or IP address) is kept only as a keyed hash, and for at most the hour.
    """
    now = int(time.time())
    digest = salted_hmac("portal.signin.rate", value, algorithm="sha256").hexdigest()[:32]
    key = f"portal:signin:{bucket}:{digest}:{now // RATE_WINDOW_SECONDS}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    return count <= limit
