"""What is due for whom: each kind of reminder, due and not yet due, answered or done, and only of the families a
person still works with."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import actions
from cases import baton as baton_actions
from cases.models import ActionStatus, Level, OwnerKind, PersonRole
from familieteam import workflow as familieteam_workflow
from reminders import due
from reminders.models import Kind
from stafettlogg import workflow as log_workflow
from tests import factories
from tests.reminders.helpers import consent, days, evaluate, handover, measure, point

pytestmark = pytest.mark.django_db


def keys(user) -> list[tuple[str, int]]:
    return [reminder.key for reminder in due.for_person(user, timezone.localdate())]


def everyone() -> dict[int, list[tuple[str, int]]]:
    return {
        person.pk: [reminder.key for reminder in reminders]
        for person, reminders in due.for_everyone(timezone.localdate()).items()
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """`staff` and the two families below, made once for the module and rolled back after it (nothing in them is due
    until a test adds it); each test runs in a savepoint inside it, rolled back after it, so what one test adds,
    answers or removes is gone for the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        staff = factories.unit_staff(username="laerer")
        lund, _team, los, _member = factories.case_at(Level.FAMILIELOS, opener=staff, family_name="Familien Lund")
        membership, worker = factories.familieteam_member(lund, username="kontakt")
        bakke, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff, family_name="Familien Bakke")
        yield {
            "staff": staff,
            "level_3": (lund, los, worker, membership),
            "level_2": (bakke, factories.ressursteam_member(team)),
        }
        transaction.set_rollback(True)


def _fresh(*objects):
    """The objects read afresh: one a test changed (a person made inactive) comes back to the next test as the
    rolled-back database holds it."""
    return tuple(type(obj)._default_manager.get(pk=obj.pk) for obj in objects)


@pytest.fixture
def staff(db, world):
    """A unit staff member (a teacher) who opened both families' cases."""
    return _fresh(world["staff"])[0]


@pytest.fixture
def level_3(db, world):
    """A family at level 3: `staff` opened the case, the familielos holds the baton, a teacher works in the team."""
    return _fresh(*world["level_3"])


@pytest.fixture
def level_2(db, world):
    """A family at level 2: `staff` holds the baton, `member` of the ressursteam could take it."""
    return _fresh(*world["level_2"])


# Measures


def test_measure__past_its_evaluation_date__is_due_for_its_author_and_the_baton_holder(staff, level_3):
    case, los, worker, _membership = level_3
    overdue = measure(case.family, worker, evaluate_in=-1)
    assert keys(worker) == keys(los) == [(Kind.MEASURE, overdue.pk)]
    assert keys(staff) == []
    reminder = due.for_person(worker, timezone.localdate())[0]
    assert (reminder.family_name, reminder.due_on, reminder.title) == ("Familien Lund", days(-1), overdue.text)


def test_measure__author_holds_the_baton__is_reminded_once(staff, level_2):
    case, _member = level_2
    overdue = measure(case.family, staff, evaluate_in=-3)
    assert keys(staff) == [(Kind.MEASURE, overdue.pk)]
    assert everyone() == {staff.pk: [(Kind.MEASURE, overdue.pk)]}


@pytest.mark.parametrize("evaluate_in", [0, 1, 30])
def test_measure__evaluation_date_today_or_later__is_not_due(level_3, evaluate_in):
    case, los, worker, _membership = level_3
    measure(case.family, worker, evaluate_in=evaluate_in)
    assert keys(worker) == keys(los) == []


def test_measure__evaluated__is_not_due(level_3):
    case, los, worker, _membership = level_3
    evaluate(measure(case.family, worker, evaluate_in=-5), los)
    assert keys(worker) == keys(los) == []


def test_measure__corrected__only_the_correction_is_due(level_3):
    case, los, worker, _membership = level_3
    original = measure(case.family, worker, evaluate_in=-2)
    correction = log_workflow.correct_entry(actor=worker, entry=original, text="Leksehjelp tre dagar i veka")
    assert keys(worker) == keys(los) == [(Kind.MEASURE, correction.pk)]


def test_measure__evaluated_then_corrected__keeps_its_evaluation(level_3):
    case, los, worker, _membership = level_3
    original = measure(case.family, worker, evaluate_in=-2)
    evaluate(original, los)
    first = log_workflow.correct_entry(actor=worker, entry=original, text="Retta")
    log_workflow.correct_entry(actor=worker, entry=first, text="Retta igjen")
    assert keys(worker) == keys(los) == []


def test_measure__of_another_family__is_not_shown_to_someone_without_its_grant(level_3, outsider):
    case, los, worker, _membership = level_3
    other = factories.open_case(opener=outsider, family_name="Familien Annan")
    theirs = measure(other.family, outsider, evaluate_in=-1)
    assert keys(worker) == keys(los) == []
    assert keys(outsider) == [(Kind.MEASURE, theirs.pk)]


def test_measure__author_removed_from_the_team__is_reminded_of_nothing(level_3):
    case, los, worker, membership = level_3
    overdue = measure(case.family, worker, evaluate_in=-1)
    familieteam_workflow.remove_member(actor=los, member=membership)
    assert keys(worker) == []
    assert keys(los) == [(Kind.MEASURE, overdue.pk)]
    assert worker.pk not in everyone()


# Handovers


def test_handover__waiting__is_due_for_the_person_asked(staff, level_2):
    case, member = level_2
    waiting = handover(case.family, to=member, actor=staff)
    assert keys(member) == [(Kind.HANDOVER, waiting.pk)]
    assert keys(staff) == []
    assert due.for_person(member, timezone.localdate())[0].due_on == timezone.localdate()


@pytest.mark.parametrize("answer", [baton_actions.accept_handover, baton_actions.decline_handover])
def test_handover__answered__is_not_due(staff, level_2, answer):
    case, member = level_2
    answer(actor=member, handover=handover(case.family, to=member, actor=staff))
    assert keys(member) == keys(staff) == []


# Consents


@pytest.mark.parametrize("ends_in", [0, 10, 30])
def test_consent__ending_within_30_days__is_due_for_the_baton_holder(staff, level_2, ends_in):
    case, member = level_2
    ending = consent(case, ends_in=ends_in)
    assert keys(staff) == [(Kind.CONSENT, ending.pk)]
    assert keys(member) == []
    assert due.for_person(staff, timezone.localdate())[0].due_on == days(ends_in)


@pytest.mark.parametrize("ends_in", [31, None])
def test_consent__ending_later_or_never__is_not_due(staff, level_2, ends_in):
    case, _member = level_2
    consent(case, ends_in=ends_in)
    assert keys(staff) == []


def test_consent__already_ended__is_not_due(staff, level_2):
    case, _member = level_2
    consent(case, ends_in=-1)
    assert keys(staff) == []


def test_consent__withdrawn__is_not_due(staff, level_2):
    case, _member = level_2
    actions.withdraw_consent(actor=staff, consent=consent(case, ends_in=10))
    assert keys(staff) == []


def test_consent__renewed_by_a_newer_one__is_not_due(staff, level_2):
    case, _member = level_2
    consent(case, ends_in=10)
    consent(case, ends_in=400)
    assert keys(staff) == []


def test_consent__of_a_guardian_who_no_longer_has_parental_responsibility__is_not_due(staff, level_2):
    """It no longer counts (consents.covered_by_family): nobody needs to renew it."""
    case, _member = level_2
    ending = consent(case, ends_in=10)
    actions.set_parental_responsibility(actor=staff, person=ending.given_by, has=False, reason="Dom i tingretten.")
    assert (Kind.CONSENT, ending.pk) not in keys(staff)


def test_consent__nobody_holds_the_baton_yet__is_due_for_the_case_opener(staff, case, outsider):
    ending = consent(case, ends_in=5)
    assert keys(staff) == [(Kind.CONSENT, ending.pk)]
    assert keys(outsider) == []


# Action points


def test_action_point__due_today_or_earlier__is_due_for_its_staff_owner(level_3):
    case, los, worker, _membership = level_3
    meeting = factories.familieteam_meeting(case)
    late = point(case, meeting, due_in=-2, owner_user=worker)
    today = point(case, meeting, due_in=0)
    point(case, meeting, due_in=1, owner_user=worker)
    assert keys(worker) == [(Kind.ACTION_POINT, late.pk)]
    assert keys(los) == [(Kind.ACTION_POINT, today.pk)]


def test_action_point__done_or_dropped__is_not_due(level_3):
    case, los, worker, _membership = level_3
    meeting = factories.familieteam_meeting(case)
    for status in (ActionStatus.DONE, ActionStatus.DROPPED):
        done = point(case, meeting, due_in=-1, owner_user=worker)
        familieteam_workflow.set_action_point_status(actor=worker, point=done, status=status, base_version=1)
    assert keys(worker) == []


def test_action_point__of_the_family__is_due_for_no_one(staff, level_3):
    case, los, worker, _membership = level_3
    guardian = case.family.persons.get(role=PersonRole.GUARDIAN)
    familieteam_workflow.set_action_point(
        actor=los,
        meeting=factories.familieteam_meeting(case),
        what="Ringe skulen",
        owner=familieteam_workflow.Owner(OwnerKind.GUARDIAN, person_id=guardian.pk),
        due=days(-1),
    )
    assert keys(los) == keys(worker) == keys(staff) == []
    assert everyone() == {}


def test_action_point__owner_removed_from_the_team__is_reminded_of_nothing(level_3):
    case, los, worker, membership = level_3
    point(case, factories.familieteam_meeting(case), due_in=-1, owner_user=worker)
    familieteam_workflow.remove_member(actor=los, member=membership)
    assert keys(worker) == []
    assert worker.pk not in everyone()


def test_action_point__a_level_1_agreement_of_someone_without_a_login__is_due_for_who_recorded_it(staff, case):
    """As on "Mine aksjonspunkt": the one who added it to the conversation's record follows it up."""
    samtale = actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() - timedelta(hours=1), place="Skulen"
    )
    actions.record_avklaringssamtale(
        actor=staff,
        samtale=samtale,
        version=samtale.version,
        agreements=[
            {"what": "Ringe helsestasjonen", "who": "Mor", "follow_up": days(-1)},
            {"what": "Lesekurs", "who": "Skulen", "follow_up": days(3)},
        ],
        concern="Uro i friminutt.",
    )
    [agreement] = case.family.action_points.filter(what="Ringe helsestasjonen")
    assert keys(staff) == [(Kind.ACTION_POINT, agreement.pk)]
    assert everyone().keys() == {staff.pk}


# Everyone at once


def test_for_everyone__is_what_each_person_sees(staff, level_3, level_2):
    case, los, worker, _membership = level_3
    bakke, member = level_2
    meeting = factories.familieteam_meeting(case)
    measure(case.family, worker, evaluate_in=-1)
    point(case, meeting, due_in=-1, owner_user=worker)
    handover(bakke.family, to=member, actor=staff)
    consent(bakke, ends_in=3)
    result = everyone()
    assert set(result) == {los.pk, worker.pk, member.pk, staff.pk}
    for person in (los, worker, member, staff):
        assert result[person.pk] == keys(person)


def test_for_everyone__an_inactive_person__is_left_out(staff, level_2):
    case, _member = level_2
    consent(case, ends_in=3)
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert everyone() == {}


def test_for_person_and_for_everyone__the_same_day__show_what_became_due_since_the_last_look(staff, level_2):
    case, member = level_2
    assert keys(member) == []
    assert member.pk not in everyone()
    asked = handover(case.family, to=member, actor=staff)
    assert keys(member) == [(Kind.HANDOVER.value, asked.pk)]
    assert everyone()[member.pk] == [(Kind.HANDOVER.value, asked.pk)]


def _items_for(staff, n):
    for index in range(n):
        other, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff, family_name=f"Familien {index:02}")
        measure(other.family, staff, evaluate_in=-1)
        consent(other, ends_in=5)
        handover(other.family, to=factories.ressursteam_member(team), actor=staff)


@pytest.fixture
def own_staff(db):
    """A teacher of no family in the module's world: the counts below are of the families the test makes alone."""
    return factories.unit_staff(username="annan_laerer")


def test_queries__the_same_for_2_and_10_families(own_staff):
    today = timezone.localdate()
    _items_for(own_staff, 2)
    due.for_everyone(today)
    with CaptureQueriesContext(connection) as few_everyone:
        assert len(due.for_everyone(today)) == 3
    with CaptureQueriesContext(connection) as few_person:
        assert len(due.for_person(own_staff, today)) == 4
    _items_for(own_staff, 8)
    with CaptureQueriesContext(connection) as many_everyone:
        assert len(due.for_everyone(today)) == 11
    with CaptureQueriesContext(connection) as many_person:
        assert len(due.for_person(own_staff, today)) == 20
    assert len(few_person) == len(many_person) == 1
    assert len(few_everyone) == len(many_everyone) <= 4
