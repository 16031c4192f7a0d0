"""The daily jobs: reminders e-mailed once per item and person, however often the job runs (two runs at once
included); the consent check safe to run twice; and the jobs enqueued and run by the real worker."""

import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from cases import access, actions
from cases import tasks as case_tasks
from cases import workflow as case_workflow
from cases.models import Consent, Level, LevelChange
from familieteam import workflow as familieteam_workflow
from reminders import tasks
from reminders.models import Kind, ReminderSent
from tests import factories
from tests.reminders.helpers import consent, days, handover, measure
from tests.reminders.mail_backends import HeldBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(staff):
    """A family at level 2 whose baton `staff` holds, with an overdue measure, a consent ending in a week and a
    handover waiting for a ressursteam member; `staff` and the member have e-mail addresses."""
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff, family_name="Familien Strand", child_name="Ida")
    member = factories.ressursteam_member(team, email="medlem@example.org")
    staff.email = "laerer@example.org"
    staff.save(update_fields=["email"])
    measure(case.family, staff, evaluate_in=-1)
    consent(case, ends_in=7)
    handover(case.family, to=member, actor=staff)
    return case, member


def by_recipient(outbox) -> dict[str, list]:
    mails = {}
    for message in outbox:
        mails.setdefault(message.to[0], []).append(message)
    return mails


def test_send_reminders__one_email_per_person__naming_no_family(busy, mailoutbox):
    case, _member = busy
    assert tasks.send_reminders.call() == 2
    mails = by_recipient(mailoutbox)
    assert sorted(mails) == ["laerer@example.org", "medlem@example.org"]
    assert [len(messages) for messages in mails.values()] == [1, 1]
    staff_mail = mails["laerer@example.org"][0]
    assert staff_mail.subject == "Påminnelser fra Familielos"
    assert "1 tiltak har passert evalueringsdatoen" in staff_mail.body
    assert "1 samtykke går ut innen 30 dager" in staff_mail.body
    assert "overlevering" not in staff_mail.body
    assert f"{settings.SITE_URL}/" in staff_mail.body
    assert "1 overlevering av stafettpinnen venter på at du tar imot" in mails["medlem@example.org"][0].body
    for message in mailoutbox:
        for name in ("Strand", "Ida", "Guro", case.family.name, "Leksehjelp"):
            assert name not in message.body + message.subject


def test_send_reminders__run_twice__each_reminder_is_emailed_once(busy, mailoutbox):
    tasks.send_reminders.call()
    assert tasks.send_reminders.call() == 0
    assert len(mailoutbox) == 2
    assert ReminderSent.objects.count() == 3


def test_send_reminders__a_new_item_the_next_day__is_emailed_then_alone(busy, staff, mailoutbox):
    case, _member = busy
    tasks.send_reminders.call()
    mailoutbox.clear()
    measure(case.family, staff, evaluate_in=-1, text="Nytt tiltak")
    assert tasks.send_reminders.call() == 1
    [message] = mailoutbox
    assert message.to == ["laerer@example.org"]
    assert "1 tiltak har passert evalueringsdatoen" in message.body
    assert "samtykke" not in message.body


def test_send_reminders__no_email_address__is_skipped_and_reminded_once_it_has_one(busy, staff, mailoutbox):
    staff.email = ""
    staff.save(update_fields=["email"])
    tasks.send_reminders.call()
    assert [message.to for message in mailoutbox] == [["medlem@example.org"]]
    assert not ReminderSent.objects.filter(user=staff).exists()
    staff.email = "laerer@example.org"
    staff.save(update_fields=["email"])
    assert tasks.send_reminders.call() == 1
    assert mailoutbox[-1].to == ["laerer@example.org"]


def test_send_reminders__the_server_refuses_an_email__its_reminders_wait_for_the_next_run(busy, settings, mailoutbox):
    settings.MAILERS = {"default": {"BACKEND": "tests.reminders.mail_backends.RefusingBackend"}}
    assert tasks.send_reminders.call() == 0
    assert not ReminderSent.objects.exists()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert tasks.send_reminders.call() == 2


def test_send_reminders__a_removed_person__gets_nothing(staff, mailoutbox):
    case, _team, los, _member = factories.case_at(Level.FAMILIELOS, opener=staff)
    membership, worker = factories.familieteam_member(case, email="kontakt@example.org")
    measure(case.family, worker, evaluate_in=-1)
    familieteam_workflow.remove_member(actor=los, member=membership)
    tasks.send_reminders.call()
    assert "kontakt@example.org" not in by_recipient(mailoutbox)


def test_enforce_consents__run_twice__steps_the_case_down_once(staff):
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    case.family.consents.update(valid_from=days(-30), valid_to=days(-1))
    assert case_tasks.enforce_consents.call() == 1
    changes = LevelChange.objects.filter(case=case).count()
    assert case_tasks.enforce_consents.call() == 0
    case.refresh_from_db()
    assert case.level == Level.AVKLARING
    assert LevelChange.objects.filter(case=case).count() == changes


def test_daily_jobs__run_twice__steps_down_once_and_emails_once(busy, staff, mailoutbox):
    expired, *_ = factories.case_at(Level.RESSURSTEAM, opener=factories.unit_staff())
    expired.family.consents.update(valid_from=days(-30), valid_to=days(-1))
    out = StringIO()
    call_command("daily_jobs", stdout=out)
    call_command("daily_jobs", stdout=out)
    assert out.getvalue().count("SUCCESSFUL") == 6  # three jobs, twice
    expired.refresh_from_db()
    assert expired.level == Level.AVKLARING
    assert len(mailoutbox) == 2


@pytest.mark.django_db(transaction=True)
def test_daily_jobs__through_the_database_backend__run_by_the_worker(staff, mailoutbox):
    """The production wiring: the tasks are stored by the database backend and run by `manage.py db_worker`."""
    staff.email = "laerer@example.org"
    staff.save(update_fields=["email"])
    case = factories.open_case(opener=staff)
    consent(case, ends_in=3)
    for job in (case_tasks.enforce_consents, tasks.send_reminders):
        job.using(backend="database").enqueue()
    assert not mailoutbox
    # As an operator would type it (the backend is checked by its argument parser).
    call_command("db_worker", "--batch", "--backend", "database", "--no-startup-delay", "--no-reload", verbosity=0)
    results = {result.task_path: result for result in DBTaskResult.objects.all()}
    assert {path: result.status for path, result in results.items()} == {
        "cases.tasks.enforce_consents": "SUCCESSFUL",
        "reminders.tasks.send_reminders": "SUCCESSFUL",
    }
    assert results["reminders.tasks.send_reminders"].return_value == 1
    assert [message.to for message in mailoutbox] == [["laerer@example.org"]]
    assert ReminderSent.objects.get().kind == Kind.CONSENT


@pytest.mark.django_db(transaction=True)
def test_send_reminders__two_runs_at_once__email_once(staff, settings, mailoutbox):
    """The second run waits on the rows the first has inserted and not yet committed, then finds them sent."""
    settings.MAILERS = {"default": {"BACKEND": "tests.reminders.mail_backends.HeldBackend"}}
    HeldBackend.sending.clear()
    HeldBackend.go_on.clear()
    staff.email = "laerer@example.org"
    staff.save(update_fields=["email"])
    consent(factories.open_case(opener=staff), ends_in=3)
    sent = []

    def run():
        try:
            sent.append(tasks.send_reminders.call())
        finally:
            connection.close()

    first = threading.Thread(target=run)
    first.start()
    assert HeldBackend.sending.wait(timeout=30)
    second = threading.Thread(target=run)
    second.start()
    second.join(timeout=1)
    assert second.is_alive(), "the second run should wait for the first one's rows"
    HeldBackend.go_on.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert sorted(sent) == [0, 1]
    assert [message.to for message in mailoutbox] == [["laerer@example.org"]]


def test_enforce_consents__consent_expired_on_a_case_closed_at_level_2__ends_the_teams_access(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    member = factories.ressursteam_member(team)
    case_workflow.close_case(actor=member, case=case, reason="Familien flytta.")
    assert access.can(member, case.family)
    case.family.consents.update(valid_from=days(-30), valid_to=days(-1))

    assert case_tasks.enforce_consents.call() == 0  # nothing stepped down: the case is closed

    assert not access.can(member, case.family)
    assert access.can(staff, case.family)


def test_enforce_consents__a_new_consent_starts_on_a_case_closed_at_level_2__the_team_reads_again(staff):
    """The access a closed case keeps follows its consent both ways: a consent recorded ahead of its first day gives
    it back on that day, as recording it on that day would."""
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    member = factories.ressursteam_member(team)
    case_workflow.close_case(actor=member, case=case, reason="Familien flytta.")
    old = case.family.consents.get()
    Consent.objects.filter(pk=old.pk).update(valid_from=days(-30), valid_to=days(-1))
    case_tasks.enforce_consents.call()
    assert not access.can(member, case.family)
    new = actions.record_consent(
        actor=staff,
        family=case.family,
        given_by=old.given_by,
        decision=old.decision,
        units=list(old.units.all()),
        valid_from=days(1),
    )
    assert not access.can(member, case.family)

    Consent.objects.filter(pk=new.pk).update(valid_from=days(0))  # its first day has come
    case_tasks.enforce_consents.call()

    assert access.can(member, case.family)
