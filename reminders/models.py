"""Reminders e-mailed to staff: one row per person and item, so a reminder is sent once however often the job runs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MEASURE = "measure", _("Measure to evaluate")
    """A measure in the Stafettlogg past its evaluation date with no evaluation yet."""
    HANDOVER = "handover", _("Baton handover waiting")
    """A handover of the baton waiting for the person asked to accept it."""
    CONSENT = "consent", _("Consent expiring")
    """A given consent that ends within the coming `due.CONSENT_NOTICE_DAYS` days, with no newer one to take over."""
    ACTION_POINT = "action_point", _("Action point due")
    """An open action point a member of staff owns, due today or earlier."""


class ReminderSent(models.Model):
    """That `user` was e-mailed about the item (`kind`, `object_id`). Inserted before the e-mail is sent, in the
    same transaction, so two runs at once cannot both send it: the second waits on the unique row, then skips it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    object_id = models.PositiveBigIntegerField(_("item"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_id"], name="reminder_sent_once"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="reminder_kind_valid"),
        ]

    def __str__(self):
        return f"{self.kind}:{self.object_id} → {self.user_id}"
