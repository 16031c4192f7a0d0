"""Run once a day by cron or a systemd timer (docs/operations.md): enqueue the daily jobs for the task worker."""

from django.core.management.base import BaseCommand

from cases.tasks import enforce_consents
from familielos.tasks import forget_sent_forms
from reminders.tasks import send_reminders


class Command(BaseCommand):
    help = (
        "Enqueue the daily jobs for the worker (manage.py db_worker): the consent check, then the reminder e-mails, "
        "and forgetting the forms sent yesterday. Safe to run twice: the consent check changes only what still needs "
        "changing, and each reminder is e-mailed once."
    )

    def handle(self, *args, **options):
        for job in (enforce_consents, send_reminders, forget_sent_forms):
            result = job.enqueue()
            self.stdout.write(f"{job.name}: {result.id} ({result.status})")
