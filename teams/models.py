"""Ressursteam (level 2) and, later, familieteam (level 3)."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from familielos.history import tracked
from familielos.models import ServiceUnit


@tracked()
class Ressursteam(models.Model):
    """A multi-service resource team; its members are the users in its group, which holds its family grants."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="ressursteam", verbose_name=_("group"))
    units = models.ManyToManyField(ServiceUnit, related_name="ressursteams", verbose_name=_("services in the team"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("ressursteam")
        verbose_name_plural = _("ressursteams")

    def __str__(self):
        return self.name
