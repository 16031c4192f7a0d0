"""Level 2 through teams.workflow: referrals, the agenda, decisions and their guards."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import access, actions
from cases import workflow as case_workflow
from cases.models import Case, FamilyGroupObjectPermission, Level, LevelChange, Status
from familielos.models import ServiceKind
from stafettlogg.models import Entry
from teams import workflow
from teams.models import AgendaItem, Decision, Outcome, ReferralStatus, TeamRole, Urgency
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return factories.RessursteamFactory(name="Ressursteam nord")


@pytest.fixture
def leader(team):
    return factories.team_member(team, role=TeamRole.LEADER, username="rt-leiar")


@pytest.fixture
def member(team):
    return factories.team_member(team, role=TeamRole.MEMBER, username="rt-medlem")


@pytest.fixture
def level1(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Berg")
    return case


def _named(case, team, **texts):
    return workflow.create_referral(
        actor=case.opened_by, team=team, case=case, question=texts.pop("question", "Treng vi fleire tenester?"), **texts
    )


def _anonymous(staff, team, **texts):
    unit = factories.MembershipFactory(user=staff, unit__kind=ServiceKind.SKOLE).unit
    return workflow.create_referral(
        actor=staff, team=team, unit=unit, question=texts.pop("question", "Eit barn i 3. klasse …"), **texts
    )


def _sent(case, team, **texts):
    factories.give_consent(case, units=team.units.all())
    return workflow.send_referral(actor=case.opened_by, referral=_named(case, team, **texts))


def _on_agenda(referral, leader, *, starts_at=None):
    """The referral's item on the agenda of a meeting under way today (the team decides in the meeting)."""
    starts_at = starts_at or factories.begun_today()
    meeting = workflow.create_meeting(actor=leader, team=referral.team, starts_at=starts_at)
    return meeting.items.get(referral=referral)


def test_send_referral__no_consent__is_refused_and_nothing_changes(level1, team):
    referral = _named(level1, team)
    with pytest.raises(workflow.Refused, match="consented"):
        workflow.send_referral(actor=level1.opened_by, referral=referral)
    referral.refresh_from_db()
    level1.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert level1.level == Level.AVKLARING
    assert not FamilyGroupObjectPermission.objects.filter(group=team.group).exists()


def test_send_referral__with_consent__moves_to_level_2_and_grants_the_team(level1, team, member):
    referral = _sent(level1, team)
    level1.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert referral.sent_at is not None
    assert level1.level == Level.RESSURSTEAM
    assert access.can(member, level1.family)
    change = LevelChange.objects.filter(case=level1).first()
    assert change.to_level == Level.RESSURSTEAM
    assert Entry.objects.filter(level_change=change).exists()


def test_anonymous_referral__sent__grants_nothing_and_names_no_one(staff, team, member):
    before = FamilyGroupObjectPermission.objects.count()
    referral = workflow.send_referral(actor=staff, referral=_anonymous(staff, team))
    assert referral.case is None
    assert referral.screening is None
    assert referral.samtale is None
    assert FamilyGroupObjectPermission.objects.count() == before
    assert not access.visible_families(member).exists()


def test_anonymous_referral__from_a_unit_the_sender_is_not_in__is_refused(staff, team):
    other_unit = factories.ServiceUnitFactory(name="Annan skule")
    with pytest.raises(workflow.Refused):
        workflow.create_referral(actor=staff, team=team, unit=other_unit, question="Kva gjer vi?")


def test_referral__changed_by_someone_else_than_the_sender__is_refused(level1, team, member):
    referral = _named(level1, team)
    with pytest.raises(workflow.Refused):
        workflow.send_referral(actor=member, referral=referral)


def test_update_referral__stale_version__is_refused_and_keeps_the_newer_text(level1, team):
    referral = _named(level1, team)
    workflow.update_referral(actor=level1.opened_by, referral=referral, version=1, question="Første")
    with pytest.raises(workflow.Refused, match="another window"):
        workflow.update_referral(actor=level1.opened_by, referral=referral, version=1, question="Andre")
    referral.refresh_from_db()
    assert referral.question == "Første"


def test_create_meeting__proposes_waiting_referrals_urgent_first_then_oldest(staff, team, leader):
    old = workflow.send_referral(actor=staff, referral=_anonymous(staff, team, question="Gammal"))
    newer = workflow.send_referral(actor=staff, referral=_anonymous(staff, team, question="Nyare"))
    urgent = workflow.send_referral(
        actor=staff, referral=_anonymous(staff, team, question="Hastar", urgency=Urgency.URGENT)
    )
    draft = _anonymous(staff, team, question="Utkast")
    meeting = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=3))
    assert [item.referral for item in meeting.items.all()] == [urgent, old, newer]
    assert draft.pk not in meeting.items.values_list("referral", flat=True)
    old.refresh_from_db()
    assert old.status == ReferralStatus.ON_AGENDA


def test_create_meeting__by_a_plain_member__is_refused(team, member):
    with pytest.raises(workflow.Refused):
        workflow.create_meeting(actor=member, team=team, starts_at=timezone.now())


def test_move_agenda_item__down_and_up__reorders(staff, team, leader):
    first = workflow.send_referral(actor=staff, referral=_anonymous(staff, team, question="A"))
    second = workflow.send_referral(actor=staff, referral=_anonymous(staff, team, question="B"))
    meeting = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now())
    workflow.move_agenda_item(actor=leader, item=meeting.items.get(referral=first), offset=1)
    assert [item.referral for item in meeting.items.all()] == [second, first]
    workflow.move_agenda_item(actor=leader, item=meeting.items.get(referral=first), offset=-1)
    assert [item.referral for item in meeting.items.all()] == [first, second]


def test_withdrawn_referral__leaves_the_agenda_and_the_team_loses_access(level1, team, leader, member):
    referral = _sent(level1, team)
    item = _on_agenda(referral, leader)
    workflow.withdraw_referral(actor=level1.opened_by, referral=referral)
    level1.refresh_from_db()
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert level1.level == Level.AVKLARING
    assert not access.can(member, level1.family)
    with pytest.raises(workflow.Refused, match="was withdrawn"):
        workflow.send_referral(actor=level1.opened_by, referral=referral)


def test_decide__without_reasons__is_refused_and_nothing_is_saved(level1, team, leader, member):
    item = _on_agenda(_sent(level1, team), leader)
    with pytest.raises(workflow.Refused, match="reasons"):
        workflow.decide(actor=member, item=item, outcome=Outcome.NO_ACTION, reasons="   ")
    level1.refresh_from_db()
    assert not Decision.objects.exists()
    assert level1.status == Status.OPEN
    assert level1.level == Level.RESSURSTEAM


def test_decide__meeting_not_begun__is_refused_and_nothing_is_saved(level1, team, leader, member):
    referral = _sent(level1, team)
    item = _on_agenda(referral, leader, starts_at=timezone.now() + timedelta(days=1))
    with pytest.raises(workflow.Refused, match="not begun"):
        workflow.decide(actor=member, item=item, outcome=Outcome.NO_ACTION, reasons="Ikkje behov no.")
    level1.refresh_from_db()
    referral.refresh_from_db()
    assert not Decision.objects.exists()
    assert (level1.level, level1.status) == (Level.RESSURSTEAM, Status.OPEN)
    assert referral.status == ReferralStatus.ON_AGENDA


def test_decide__by_someone_outside_the_team__is_refused(level1, team, leader):
    item = _on_agenda(_sent(level1, team), leader)
    outsider = factories.ressursteam_member(factories.RessursteamFactory())
    with pytest.raises(workflow.Refused):
        workflow.decide(actor=outsider, item=item, outcome=Outcome.NO_ACTION, reasons="Nei")


def test_decide__arena__steps_down_to_level_1_with_follow_up(level1, team, leader, member):
    item = _on_agenda(_sent(level1, team), leader)
    follow_up = timezone.localdate() + timedelta(days=30)
    decision = workflow.decide(
        actor=member,
        item=item,
        outcome=Outcome.ARENA,
        reasons="Tiltak i klassen først.",
        recommendations="Fast vaksen i friminutt.",
        follow_up=follow_up,
    )
    level1.refresh_from_db()
    assert level1.level == Level.AVKLARING
    assert decision.follow_up == follow_up
    assert item.referral.__class__.objects.get(pk=item.referral_id).status == ReferralStatus.DECIDED
    assert not access.can(member, level1.family)


def test_decide__arena_without_follow_up__is_refused(level1, team, leader, member):
    item = _on_agenda(_sent(level1, team), leader)
    with pytest.raises(workflow.Refused):
        workflow.decide(actor=member, item=item, outcome=Outcome.ARENA, reasons="Tiltak i klassen.")
    assert not Decision.objects.exists()


def test_decide__other_service__stays_at_level_2_or_closes(level1, team, leader, member):
    item = _on_agenda(_sent(level1, team), leader)
    ppt = team.units.first()
    workflow.decide(actor=member, item=item, outcome=Outcome.OTHER_SERVICE, reasons="PPT kartlegg.", service=ppt)
    level1.refresh_from_db()
    assert level1.level == Level.RESSURSTEAM
    assert level1.status == Status.OPEN
    assert LevelChange.objects.filter(case=level1, reason_params__service=ppt.name).exists()

    case, *_ = factories.case_at(Level.AVKLARING, opener=level1.opened_by, family_name="Familien Dal")
    item = _on_agenda(_sent(case, team), leader)
    workflow.decide(
        actor=member, item=item, outcome=Outcome.OTHER_SERVICE, reasons="BUP tek over.", service=ppt, closes_case=True
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_decide__familielos_with_consent__moves_to_level_3_and_grants_them(level1, team, leader, member):
    los = factories.familielos(username="los-a")
    factories.give_consent(level1, units=[*team.units.all(), *case_workflow.familielos_units(los)])
    item = _on_agenda(workflow.send_referral(actor=level1.opened_by, referral=_named(level1, team)), leader)
    decision = workflow.decide(
        actor=member, item=item, outcome=Outcome.FAMILIELOS, reasons="Samansett.", familielos=los
    )
    level1.refresh_from_db()
    assert level1.level == Level.FAMILIELOS
    assert level1.familielos == los
    assert decision.familielos_confirmed_at is not None
    assert access.can(los, level1.family, access.CHANGE)


def test_decide__familielos_without_consent_to_their_service__waits_until_confirmed(level1, team, leader, member):
    los = factories.familielos(username="los-b")
    item = _on_agenda(_sent(level1, team), leader)
    decision = workflow.decide(
        actor=member, item=item, outcome=Outcome.FAMILIELOS, reasons="Samansett.", familielos=los
    )
    level1.refresh_from_db()
    assert level1.level == Level.RESSURSTEAM
    assert decision.familielos_confirmed_at is None
    assert not access.can(los, level1.family)
    with pytest.raises(workflow.Refused):
        workflow.confirm_familielos(actor=member, decision=decision)
    factories.give_consent(level1, units=case_workflow.familielos_units(los))
    workflow.confirm_familielos(actor=member, decision=decision)
    level1.refresh_from_db()
    assert level1.level == Level.FAMILIELOS
    assert access.can(los, level1.family)


def test_decide__familielos_for_an_anonymous_case__is_refused(staff, team, leader, member):
    referral = workflow.send_referral(actor=staff, referral=_anonymous(staff, team))
    item = _on_agenda(referral, leader)
    with pytest.raises(workflow.Refused, match="anonymous"):
        workflow.decide(
            actor=member, item=item, outcome=Outcome.FAMILIELOS, reasons="x", familielos=factories.familielos()
        )


def test_decide__more_info__returns_it_and_the_answer_puts_it_back_on_the_list(level1, team, leader, member):
    referral = _sent(level1, team)
    item = _on_agenda(referral, leader)
    workflow.decide(actor=member, item=item, outcome=Outcome.MORE_INFO, reasons="Uklart.", question="Kva seier PPT?")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    assert referral.returned_question == "Kva seier PPT?"
    assert referral in workflow.waiting_referrals(team)
    workflow.answer_referral(actor=level1.opened_by, referral=referral, answer="PPT har ikkje sett barnet.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    # The same answer sent again (a double click) is told it went, not that no question was asked.
    with pytest.raises(workflow.Refused, match="answer is sent already"):
        workflow.answer_referral(actor=level1.opened_by, referral=referral, answer="PPT har ikkje sett barnet.")
    next_meeting = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=14))
    assert next_meeting.items.filter(referral=referral).exists()


def test_decide__no_action__closes_the_case(level1, team, leader, member):
    item = _on_agenda(_sent(level1, team), leader)
    workflow.decide(actor=member, item=item, outcome=Outcome.NO_ACTION, reasons="Ikkje behov no.")
    level1.refresh_from_db()
    assert level1.status == Status.CLOSED


def test_decide__twice__the_second_sees_the_first_decision(level1, team, leader, member):
    item = _on_agenda(_sent(level1, team), leader)
    first = workflow.decide(actor=member, item=item, outcome=Outcome.NO_ACTION, reasons="Ikkje behov no.")
    with pytest.raises(workflow.DecisionTaken) as taken:
        workflow.decide(actor=leader, item=item, outcome=Outcome.MORE_INFO, reasons="Vent", question="?")
    assert taken.value.decision == first


@pytest.mark.django_db(transaction=True)
def test_decide__two_members_at_once__one_wins_and_the_other_is_told(staff, team):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Samtidig")
    leader = factories.team_member(team, role=TeamRole.LEADER, username="rt-a")
    other = factories.team_member(team, role=TeamRole.MEMBER, username="rt-b")
    item = _on_agenda(_sent(case, team), leader)
    barrier = threading.Barrier(2)
    results = {}

    def decide(actor, outcome, **extra):
        try:
            barrier.wait()
            results[actor.username] = workflow.decide(actor=actor, item=item, outcome=outcome, **extra)
        except workflow.DecisionTaken as taken:
            results[actor.username] = taken
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(leader, Outcome.NO_ACTION), kwargs={"reasons": "Ikkje behov."}),
        threading.Thread(
            target=decide, args=(other, Outcome.MORE_INFO), kwargs={"reasons": "Uklart.", "question": "Kva no?"}
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(type(result).__name__ for result in results.values())
    assert outcomes == ["Decision", "DecisionTaken"]
    assert Decision.objects.filter(item=item).count() == 1
    loser = next(result for result in results.values() if isinstance(result, workflow.DecisionTaken))
    assert loser.decision == Decision.objects.get(item=item)
    assert Case.objects.get(pk=case.pk).level != Level.FAMILIELOS


def test_familieloser_with_capacity__warns_at_the_capacity_set_by_a_leader(team):
    los = factories.familielos(username="los-c")
    leader = factories.UserFactory(role="leader")
    workflow.set_capacity(actor=leader, familielos=los, capacity=0)
    listed = {user.pk: user for user in workflow.familieloser_with_capacity()}
    assert listed[los.pk].capacity == 0
    assert listed[los.pk].full


def test_set_capacity__by_a_team_member__is_refused(member):
    with pytest.raises(workflow.Refused):
        workflow.set_capacity(actor=member, familielos=factories.familielos(username="los-d"), capacity=3)


def test_case_leaves_the_team_another_way__its_waiting_referral_is_overtaken_and_leaves_the_agenda(
    level1, team, leader, member
):
    los = factories.familielos(username="los-e")
    factories.give_consent(level1, units=[*team.units.all(), *case_workflow.familielos_units(los)])
    referral = workflow.send_referral(actor=level1.opened_by, referral=_named(level1, team))
    item = _on_agenda(referral, leader)
    case_workflow.assign_familielos(actor=member, case=level1, familielos=los, reason="Avgjort på saksida.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.OVERTAKEN
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert referral not in workflow.waiting_referrals(team)
    with pytest.raises(workflow.Refused):
        workflow.decide(actor=member, item=item, outcome=Outcome.ARENA, reasons="x", follow_up=timezone.localdate())
    level1.refresh_from_db()
    assert level1.level == Level.FAMILIELOS


def test_consent_withdrawn__the_waiting_referral_is_overtaken(level1, team, leader):
    referral = _sent(level1, team)
    _on_agenda(referral, leader)
    consent = level1.family.consents.get()
    actions.withdraw_consent(actor=level1.opened_by, consent=consent)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.OVERTAKEN


def test_decide__item_removed_meanwhile__is_a_refusal_not_an_error(staff, team, leader, member):
    referral = workflow.send_referral(actor=staff, referral=_anonymous(staff, team))
    item = _on_agenda(referral, leader)
    workflow.withdraw_referral(actor=staff, referral=referral)
    with pytest.raises(workflow.Refused, match="withdrawn"):
        workflow.decide(actor=member, item=item, outcome=Outcome.NO_ACTION, reasons="Ikkje behov.")
    with pytest.raises(workflow.Refused, match="withdrawn"):
        workflow.move_agenda_item(actor=leader, item=item, offset=1)


def test_confirm_familielos__case_closed_meanwhile__is_not_offered_and_is_refused(level1, team, leader, member):
    los = factories.familielos(username="los-f")
    item = _on_agenda(_sent(level1, team), leader)
    decision = workflow.decide(actor=member, item=item, outcome=Outcome.FAMILIELOS, reasons="Los.", familielos=los)
    case_workflow.close_case(actor=member, case=level1, reason="Familien flytta.")
    factories.give_consent(level1, units=case_workflow.familielos_units(los))
    assert not workflow.can_confirm_familielos(member, decision)
    with pytest.raises(workflow.Refused, match="no longer with this ressursteam"):
        workflow.confirm_familielos(actor=member, decision=decision)
    assert not Decision.objects.filter(workflow.awaiting_familielos()).exists()


def test_consent_withdrawn__case_closed_at_level_2__the_team_loses_access_and_it_comes_back_with_consent(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    member = factories.ressursteam_member(team)
    case_workflow.close_case(actor=member, case=case, reason="Familien flytta.")
    page = reverse("cases:family_detail", args=[case.family_id])
    assert client_for(member).get(page).status_code == 200

    actions.withdraw_consent(actor=staff, consent=case.family.consents.get())

    assert client_for(member).get(page).status_code == 404
    assert not FamilyGroupObjectPermission.objects.filter(content_object=case.family).exists()
    case.refresh_from_db()
    assert (case.status, case.closed_from_level) == (Status.CLOSED, Level.RESSURSTEAM)
    factories.give_consent(case, units=team.units.all())
    assert client_for(member).get(page).status_code == 200


def test_consent_withdrawn__case_closed_at_level_3__the_familielos_loses_access_and_the_team_keeps_it(staff):
    case, team, los, member = factories.case_at(Level.FAMILIELOS, opener=staff)
    case_workflow.close_case(actor=los, case=case, reason="Målet er nådd.")
    page = reverse("cases:family_detail", args=[case.family_id])
    consent = case.family.consents.get()
    actions.withdraw_consent(actor=staff, consent=consent)
    factories.give_consent(case, units=team.units.all())

    assert client_for(los).get(page).status_code == 404
    assert client_for(member).get(page).status_code == 200
