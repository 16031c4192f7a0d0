"""The reminder e-mails, as a task of Django's task framework: `manage.py daily_jobs` enqueues it once a day, after
the consent check (cases.tasks), and the worker (`manage.py db_worker`) runs it (docs/operations.md). Safe to run
twice: a reminder is e-mailed once per item and person."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from familielos.roles import display_name
from reminders import due
from reminders.models import Kind, ReminderSent

logger = logging.getLogger(__name__)


@task
def send_reminders() -> int:
    """E-mail each person what has come due for them since their last reminder, in one e-mail; returns how many
    e-mails went out. A person without an e-mail address is skipped and not marked, so they are reminded once they
    have one; an e-mail that fails leaves its reminders unmarked for the next run."""
    sent = 0
    for person, reminders in due.for_everyone(timezone.localdate()).items():
        if not person.email:
            continue
        try:
            sent += _send(person, reminders)
        except OSError:
            # smtplib's errors are OSErrors: one address the server refuses must not stop everyone else's e-mail.
            logger.exception("Reminder e-mail to user %s failed; it is tried again on the next run.", person.pk)
    return sent


@transaction.atomic
def _send(person, reminders: list[due.Reminder]) -> bool:
    """Mark the person's reminders sent and e-mail those not sent before, in one transaction: if the e-mail fails,
    nothing is marked. A run at the same time waits on the rows this one inserts, then finds them sent."""
    new = _mark_sent(person, reminders)
    if not new:
        return False
    counts = {kind.value: sum(reminder.kind == kind for reminder in new) for kind in Kind}
    with translation.override(settings.LANGUAGE_CODE):
        # E-mail is no safe channel for special-category data: the e-mail names no family and no child, it only
        # counts what waits and links to the start page, where the person signs in to see it.
        subject = _("Reminders from Familielos")
        body = render_to_string(
            "reminders/email.txt",
            {
                "name": display_name(person),
                "counts": counts,
                "consent_days": due.CONSENT_NOTICE_DAYS,
                "url": settings.SITE_URL + reverse("home"),
            },
        )
    send_mail(subject, body, None, [person.email])
    return True


def _mark_sent(person, reminders: list[due.Reminder]) -> list[due.Reminder]:
    """Insert a sent row for each reminder and return those this call inserted (not those sent before).

    One INSERT … ON CONFLICT DO NOTHING RETURNING, as raw SQL: the ORM's bulk_create(ignore_conflicts=True) does not
    say which rows it inserted."""
    table = ReminderSent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, kind, object_id, sent_at) "
            "SELECT %s, item.kind, item.object_id, %s "
            "FROM unnest(%s::varchar[], %s::bigint[]) AS item(kind, object_id) "
            "ON CONFLICT (user_id, kind, object_id) DO NOTHING RETURNING kind, object_id",
            [
                person.pk,
                timezone.now(),
                [reminder.kind.value for reminder in reminders],
                [reminder.object_id for reminder in reminders],
            ],
        )
        inserted = set(cursor.fetchall())
    return [reminder for reminder in reminders if reminder.key in inserted]
