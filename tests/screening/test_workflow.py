"""Screening rules: versions freeze, answers must belong to the version, named screenings open a case."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cases import actions
from cases import workflow as case_workflow
from cases.models import ChangeKind, Level
from familielos import roles
from familielos.models import Membership, ServiceKind
from screening import workflow
from screening.models import AgeGroup, Audience, Instrument, InstrumentStatus, Recommendation, Submission
from tests import factories
from tests.conftest import two_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(staff):
    unit = factories.ServiceUnitFactory(name="Vestbygd skule", kind=ServiceKind.SKOLE)
    Membership.objects.create(user=staff, unit=unit)
    return unit


@pytest.fixture
def instrument():
    return workflow.current_instrument("barneskole")


@pytest.fixture
def leader(db):
    return factories.UserFactory(role=roles.LEADER)


def _risk_ids(instrument, n):
    return list(instrument.factors.filter(kind="risk", signals_abuse=False).values_list("pk", flat=True)[:n])


def test_default_instruments__every_age_group_and_audience__is_published():
    published = Instrument.objects.filter(status=InstrumentStatus.PUBLISHED)
    assert {(i.audience, i.age_group) for i in published} == {
        (audience, group) for audience in ("staff", "guardian") for group in ("barnehage", "barneskole", "ungdomsskole")
    }
    staff = workflow.current_instrument("barnehage")
    keys = set(staff.factors.values_list("key", flat=True))
    assert {"language_difficulties", "delayed_language", "delayed_motor", "good_adult"} <= keys
    assert "substance_use" not in keys
    assert "substance_use" in workflow.current_instrument("ungdomsskole").factors.values_list("key", flat=True)
    assert staff.factors.filter(signals_abuse=True).count() == 1


def test_save_screening__draft__stores_answers_without_result(staff, unit, instrument):
    submission = workflow.save_screening(
        actor=staff, instrument=instrument, unit=unit, factor_ids=_risk_ids(instrument, 2), seen="Trist."
    )
    assert (submission.status, submission.risk_score, submission.recommendation) == ("draft", None, "")
    assert submission.factors.count() == 2
    assert submission.is_anonymous


def test_save_screening__submit__stores_the_result(staff, unit, instrument):
    submission = workflow.save_screening(
        actor=staff, instrument=instrument, unit=unit, factor_ids=_risk_ids(instrument, 4), submit=True, seen="x"
    )
    assert (submission.status, submission.risk_score) == ("submitted", 4)
    assert submission.recommendation == Recommendation.AVKLARING
    assert submission.submitted_at is not None


def test_save_screening__factor_from_another_version__is_refused_and_saves_nothing(staff, unit, instrument):
    other = workflow.current_instrument("barnehage")
    with pytest.raises(workflow.ScreeningRefused, match="does not match"):
        workflow.save_screening(
            actor=staff, instrument=instrument, unit=unit, factor_ids=[other.factors.first().pk], seen="x"
        )
    assert not Submission.objects.exists()


def test_save_screening__unpublished_instrument__is_refused(staff, unit, instrument, leader):
    draft = workflow.draft_new_version(actor=leader, instrument=instrument)
    with pytest.raises(workflow.ScreeningRefused, match="not in use"):
        workflow.save_screening(actor=staff, instrument=draft, unit=unit, factor_ids=[], seen="x")


def test_save_screening__guardian_instrument__is_refused_for_staff(staff, unit):
    guardian_version = workflow.current_instrument("barneskole", Audience.GUARDIAN)
    with pytest.raises(workflow.ScreeningRefused):
        workflow.save_screening(actor=staff, instrument=guardian_version, unit=unit, factor_ids=[], seen="x")


def test_save_screening__unit_the_actor_is_not_in__is_refused(staff, instrument):
    with pytest.raises(workflow.ScreeningRefused, match="unit you work in"):
        workflow.save_screening(
            actor=staff, instrument=instrument, unit=factories.ServiceUnitFactory(), factor_ids=[], seen="x"
        )


def test_save_screening__submitted__never_changes(staff, unit, instrument):
    submission = workflow.save_screening(
        actor=staff, instrument=instrument, unit=unit, factor_ids=[], submit=True, seen="x"
    )
    with pytest.raises(workflow.ScreeningRefused):
        workflow.save_screening(
            actor=staff, instrument=instrument, unit=unit, factor_ids=[], submission=submission, seen="y"
        )


def test_save_screening__another_users_draft__is_refused(staff, unit, instrument):
    draft = workflow.save_screening(actor=staff, instrument=instrument, unit=unit, factor_ids=[], seen="x")
    colleague = factories.unit_staff()
    Membership.objects.create(user=colleague, unit=unit)
    with pytest.raises(workflow.ScreeningRefused, match="author"):
        workflow.save_screening(
            actor=colleague, instrument=instrument, unit=unit, factor_ids=[], submission=draft, seen="y"
        )


def test_save_screening__named_child__opens_a_case_at_level_0_with_a_deadline_14_days_out(staff, unit, instrument):
    case = factories.open_case(opener=staff)
    workflow_case = case_workflow.close_case(actor=staff, case=case, reason="Ferdig.")
    child = workflow_case.children.get()
    submission = workflow.save_screening(
        actor=staff,
        instrument=instrument,
        unit=unit,
        factor_ids=_risk_ids(instrument, 3),
        child=child,
        submit=True,
        seen="x",
    )
    new_case = submission.case
    assert new_case.pk != case.pk
    assert (new_case.level, new_case.status) == (Level.UNDRING, "open")
    assert new_case.decision_deadline == timezone.localdate() + timedelta(days=14)


def test_save_screening__named_child_with_an_open_case__updates_it(staff, unit, instrument, case):
    child = case.children.get()
    submission = workflow.save_screening(
        actor=staff, instrument=instrument, unit=unit, factor_ids=[], child=child, submit=True, seen="x"
    )
    case.refresh_from_db()
    assert submission.case == case
    assert case.decision_deadline is not None
    assert case.level_changes.first().kind == ChangeKind.CONCERN


def test_save_screening__child_of_a_family_without_grant__is_refused(staff, unit, instrument):
    from django.core.exceptions import PermissionDenied

    other = factories.open_case(opener=factories.unit_staff())
    with pytest.raises(PermissionDenied):
        workflow.save_screening(
            actor=staff, instrument=instrument, unit=unit, factor_ids=[], child=other.children.get(), seen="x"
        )


def test_link_to_child__anonymous_submitted__links_and_opens_the_case(staff, unit, instrument, case):
    submission = workflow.save_screening(
        actor=staff, instrument=instrument, unit=unit, factor_ids=[], submit=True, seen="x"
    )
    workflow.link_to_child(actor=staff, submission=submission, child=case.children.get())
    submission.refresh_from_db()
    assert submission.child == case.children.get()
    assert submission.case == case


def test_link_to_child__draft_or_named__is_refused(staff, unit, instrument, case):
    draft = workflow.save_screening(actor=staff, instrument=instrument, unit=unit, factor_ids=[], seen="x")
    with pytest.raises(workflow.ScreeningRefused):
        workflow.link_to_child(actor=staff, submission=draft, child=case.children.get())


def test_deadline__cleared_by_each_decision(staff):
    for decide in (
        lambda c: case_workflow.move_to_avklaring(actor=staff, case=c, reason="x"),
        lambda c: case_workflow.close_case(actor=staff, case=c, reason="x"),
        lambda c: case_workflow.report_to_barnevern(actor=staff, case=c, reason="Meldt."),
    ):
        case = factories.open_case(opener=staff)
        case = case_workflow.note_concern(actor=staff, child=case.children.get(), reason="Ny bekymring.")
        assert case.decision_deadline is not None
        assert decide(case).decision_deadline is None


def test_report_to_barnevern__is_in_the_history_and_keeps_the_level(staff, case):
    case = case_workflow.report_to_barnevern(actor=staff, case=case, reason="Meldt i dag.")
    change = case.level_changes.first()
    assert (change.kind, change.to_level, case.level) == (ChangeKind.REPORTED, 0, 0)


def test_draft_new_version__copies_factors_and_publishing_freezes_it(leader, instrument):
    draft = workflow.draft_new_version(actor=leader, instrument=instrument)
    assert (draft.version, draft.status) == (instrument.version + 1, "draft")
    assert list(draft.factors.values_list("key", flat=True)) == list(instrument.factors.values_list("key", flat=True))
    draft.factors.filter(key="high_absence").update(weight=2)
    published = workflow.publish(actor=leader, instrument=draft)
    assert workflow.current_instrument("barneskole") == published
    with pytest.raises(workflow.ScreeningRefused, match="never changes"):
        workflow.require_draft(leader, published)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE screening_factor SET weight = 5 WHERE instrument_id = %s", [published.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        Instrument.objects.filter(pk=published.pk).update(title="Endra")


def test_draft_new_version__second_draft__is_refused(leader, instrument):
    workflow.draft_new_version(actor=leader, instrument=instrument)
    with pytest.raises(workflow.ScreeningRefused, match="already a draft"):
        workflow.draft_new_version(actor=leader, instrument=instrument)


def test_draft_new_version__unit_staff__is_refused(staff, instrument):
    with pytest.raises(workflow.ScreeningRefused, match="leader"):
        workflow.draft_new_version(actor=staff, instrument=instrument)


def test_submission__keeps_pointing_at_its_version_after_a_new_one(staff, unit, instrument, leader):
    submission = workflow.save_screening(
        actor=staff, instrument=instrument, unit=unit, factor_ids=_risk_ids(instrument, 1), submit=True, seen="x"
    )
    workflow.publish(actor=leader, instrument=workflow.draft_new_version(actor=leader, instrument=instrument))
    submission.refresh_from_db()
    assert submission.instrument == instrument
    assert submission.factors.get().instrument == instrument


def test_send_self_assessment__without_contact__is_refused():
    guardian_version = workflow.current_instrument("barnehage", Audience.GUARDIAN)
    with pytest.raises(workflow.ScreeningRefused, match="phone"):
        workflow.send_self_assessment(
            instrument=guardian_version, unit=factories.ServiceUnitFactory(), factor_ids=[], contact_name="Mor"
        )
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("age_group", "kind"),
    [
        (AgeGroup.BARNEHAGE, ServiceKind.BARNEHAGE),
        (AgeGroup.BARNESKOLE, ServiceKind.SKOLE),
        (AgeGroup.UNGDOMSSKOLE, ServiceKind.SKOLE),
    ],
)
def test_age_group__self_assessment_goes_to_the_childs_own_arena(age_group, kind):
    assert age_group.receiving_kind == kind


def test_age_group__every_one_names_where_its_self_assessment_goes():
    assert {age_group.receiving_kind for age_group in AgeGroup} <= {ServiceKind.BARNEHAGE, ServiceKind.SKOLE}


@pytest.mark.parametrize(
    ("age_group", "kind"),
    [
        ("barnehage", ServiceKind.SKOLE),
        ("barneskole", ServiceKind.BARNEHAGE),
        ("ungdomsskole", ServiceKind.HELSESTASJON),
    ],
)
def test_send_self_assessment__to_a_unit_not_the_childs_arena__is_refused(age_group, kind):
    questions = workflow.current_instrument(age_group, Audience.GUARDIAN)
    with pytest.raises(workflow.ScreeningRefused):
        workflow.send_self_assessment(
            instrument=questions,
            unit=factories.ServiceUnitFactory(kind=kind),
            factor_ids=[],
            contact_name="Mor",
            contact_phone="412 34 567",
        )
    assert not Submission.objects.exists()


def test_book_avklaringssamtale__at_level_0__moves_the_case_to_level_1(staff, case):
    samtale = actions.book_avklaringssamtale(
        actor=staff, case=case, starts_at=timezone.now() + timedelta(days=3), place="Vestbygd skule, møterom 2"
    )
    samtale.case.refresh_from_db()
    assert samtale.case.level == Level.AVKLARING
    assert samtale.status == "planned"


def test_record_avklaringssamtale__stale_version__is_refused_and_keeps_the_newer(staff, case):
    samtale = actions.book_avklaringssamtale(actor=staff, case=case, starts_at=timezone.now(), place="Skulen")
    actions.record_avklaringssamtale(
        actor=staff, samtale=samtale, version=1, agreements=[{"what": "Lesekurs", "who": "Skulen"}], duk_works="Leik"
    )
    with pytest.raises(actions.StaleEdit):
        actions.record_avklaringssamtale(actor=staff, samtale=samtale, version=1, agreements=[], duk_works="Anna")
    samtale.refresh_from_db()
    assert (samtale.duk_works, samtale.version, samtale.action_points.count()) == ("Leik", 2, 1)


@pytest.mark.django_db(transaction=True)
def test_draft_new_version__two_at_once__one_draft_and_the_second_is_refused_readably(monkeypatch):
    leader = factories.UserFactory(username="leiar", role=roles.LEADER)
    published = workflow.current_instrument("barneskole")
    # The first holds its transaction open (the versions locked, its draft not committed) while the second comes.
    outcomes = two_at_once(
        monkeypatch,
        Instrument.objects,
        "create",
        lambda: workflow.draft_new_version(actor=leader, instrument=published),
    )
    assert Instrument.objects.filter(age_group=published.age_group, status=InstrumentStatus.DRAFT).count() == 1
    (refused,) = [outcome for outcome in outcomes if isinstance(outcome, workflow.ScreeningRefused)]
    assert str(refused) == "There is already a draft for this age group. Finish or edit that one."
    assert len(outcomes) == 2
