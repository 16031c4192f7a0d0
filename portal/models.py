"""How a family member signs in: one-time links sent by e-mail, and the national identity (ID-porten) staff link to
a login."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from familielos.history import tracked


class SignInLink(models.Model):
    """A one-time sign-in link. Only the token's SHA-256 is stored: whoever reads the table cannot sign in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("login")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


@tracked()
class PortalIdentity(models.Model):
    """The national identity (ID-porten's `pid`) a login is signed in with. Staff link it; signing in never creates
    one, so an identity number alone gives no one a login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_identity", verbose_name=_("login")
    )
    issuer = models.CharField(_("issuer"), max_length=200)
    subject = models.CharField(_("identity"), max_length=200)

    class Meta:
        verbose_name = _("portal identity")
        verbose_name_plural = _("portal identities")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="portalidentity_issuer_subject")]

    def __str__(self):
        return f"{self.user} ({self.issuer})"
