"""ID-porten (OpenID Connect) for the family's own pages, through mozilla-django-oidc (docs/idporten.md)."""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from cases import access
from portal.models import PortalIdentity

logger = logging.getLogger(__name__)


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """Signs in the login a staff member linked to the national identity (OIDC_IDENTITY_CLAIM, ID-porten's `pid`)
    that the provider vouches for, while that login may use the portal. Never creates a login, and answers no
    permission question: the project's model backend does that, in one query."""

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce: a password login never makes this backend call the provider.
        if "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, jwt.InvalidTokenError) as error:
            # The provider unreachable, a code refused (used twice, wrong PKCE verifier), a token not for us or
            # expired: the person sees that signing in did not work, not an error page.
            logger.warning("ID-porten sign-in failed: %s", error)
            return None

    def store_tokens(self, access_token, id_token):
        """Nothing yet: the library would store the id_token, which carries the national identity number, before we
        know whether it signs anyone in. `get_or_create_user` stores it once it does."""

    def verify_token(self, token, **kwargs):
        """The signature and nonce (mozilla-django-oidc), and the issuer and audience, which it leaves unchecked."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience or []
        if payload.get("iss") != settings.OIDC_OP_ISSUER or self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The id_token was not issued to this client by the configured issuer.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        """The linked login, from the signed id_token's identity claim; None if there is none or it may not use the
        portal (a guardian without parental responsibility). The userinfo endpoint adds nothing ID-porten has not
        put in the id_token already."""
        subject = payload.get(settings.OIDC_IDENTITY_CLAIM)
        if not subject:
            return None
        identity = (
            PortalIdentity.objects.select_related("user")
            .filter(issuer=settings.OIDC_OP_ISSUER, subject=str(subject))
            .first()
        )
        if identity is None or access.portal_person(identity.user) is None:
            return None
        if settings.OIDC_STORE_ID_TOKEN:
            # For ID-porten's logout (provider_logout_url); the callback drops it again if the sign-in still fails.
            self.request.session["oidc_id_token"] = id_token
        return identity.user

    def get_user(self, user_id):
        # Django's own rule (an inactive login is signed out); mozilla-django-oidc's would keep it signed in.
        return ModelBackend.get_user(self, user_id)

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        return self.UserModel._default_manager.none()


def provider_logout_url(request) -> str:
    """Where signing out sends a family member: to ID-porten's logout when they came from there (it ends the
    ID-porten session too and comes back), else straight to our sign-in page (OIDC_OP_LOGOUT_URL_METHOD)."""
    back = request.build_absolute_uri(reverse("portal:sign_in"))
    id_token = request.session.get("oidc_id_token")
    if not (settings.OIDC_OP_LOGOUT_ENDPOINT and id_token):
        return reverse("portal:sign_in")
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back})
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"
