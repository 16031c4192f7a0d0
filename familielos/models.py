"""The organisation (service units, staff memberships) and the access audit log."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from familielos.history import tracked


class ServiceKind(models.TextChoices):
    BARNEHAGE = "barnehage", _("Kindergarten")
    SKOLE = "skole", _("School")
    SFO = "sfo", _("After-school care (SFO)")
    HELSESTASJON = "helsestasjon", _("Health station")
    FASTLEGE = "fastlege", _("GP")
    PPT = "ppt", _("Educational-psychological service (PPT)")
    BARNEVERN = "barnevern", _("Child welfare (barnevern)")
    NAV = "nav", _("NAV")
    PSYKISK_HELSE = "psykisk_helse", _("Mental health")
    FAMILIELOS = "familielos", _("Familielos")
    OTHER = "other", _("Other service")


@tracked()
class ServiceUnit(models.Model):
    """A municipal service unit: one kindergarten, one school, the PPT office, and so on."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind of service"), max_length=20, choices=ServiceKind)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service unit")
        verbose_name_plural = _("service units")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ServiceKind.values), name="serviceunit_kind_valid"),
        ]

    def __str__(self):
        return self.name


@tracked()
class Membership(models.Model):
    """A staff member's place in a service unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    unit = models.ForeignKey(ServiceUnit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit"))
    title = models.CharField(_("job title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} – {self.unit}"


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    EXPORT = "export", _("Exported")
    PDF = "pdf", _("Downloaded PDF")


class AccessEvent(models.Model):
    """One read or write of a family's data by a person. Append-only: the database refuses UPDATE and DELETE."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=50, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction)
    # A plain id, not a foreign key: the trail outlives the family record and needs no join to be read.
    family_id = models.BigIntegerField(_("family"), db_index=True)
    object_type = models.CharField(_("object type"), max_length=50)
    object_id = models.CharField(_("object id"), max_length=50, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        indexes = [
            models.Index(fields=["family_id", "-at"], name="accessevent_family_at"),
            models.Index(fields=["actor_username", "-at"], name="accessevent_actor_at"),
        ]
        permissions = [("view_statistics", _("Can see anonymous statistics"))]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type} {self.object_id}"


class SentForm(models.Model):
    """A form that did its work (familielos.once.claim): the key of the person, the form's one-time token and what
    was sent, and the page that shows what it made. The same form sent again finds it and goes there. Forgotten
    after a day (familielos.tasks.forget_sent_forms): a form is sent twice within seconds, not days."""

    key = models.CharField(max_length=64, primary_key=True)
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    url = models.CharField(max_length=500)

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")

    def __str__(self):
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.url}"
