"""The Stafettlogg: the shared log of a family's journey that team members and the family follow."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from familielos.history import tracked


@tracked()
class Entry(models.Model):
    family = models.ForeignKey(
        "cases.Family", on_delete=models.CASCADE, related_name="log_entries", verbose_name=_("family")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    text = models.TextField(_("text"))
    level_change = models.OneToOneField(
        "cases.LevelChange",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="log_entry",
        verbose_name=_("level change"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        indexes = [models.Index(fields=["family", "-at"], name="entry_family_at")]

    def __str__(self):
        return self.text[:60]
