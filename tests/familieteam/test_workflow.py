"""The familieteam's actions: who may change the team, grants that follow membership and consent, the canvas's
first-save-wins rule and its history, carry-over and evaluation, action point ownership, phase-out."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from cases import access, actions
from cases import workflow as case_workflow
from cases.models import ActionStatus, Level, OwnerKind
from familielos import roles
from familielos.errors import Refused
from familieteam import workflow
from familieteam.models import CanvasCell, Column, EvaluationResult, Familieteam, LifeArea, MeetingStatus
from stafettlogg.events import Event
from stafettlogg.models import Entry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    case, _team, _los, _member = factories.case_at(Level.FAMILIELOS)
    return case


def test_level_3_starts_a_familieteam_with_a_six_month_plan(case):
    team = case.familieteam
    assert team.started_on == timezone.localdate()
    assert 181 <= (team.planned_end - team.started_on).days <= 184


def test_a_service_member_sees_the_family_at_once_and_not_after_removal(case):
    member, user = factories.familieteam_member(case)
    assert access.can(user, case.family, access.CHANGE)
    workflow.remove_member(actor=case.familielos, member=member)
    assert not access.can(user, case.family, access.VIEW)


def test_a_member_whose_service_the_consent_does_not_cover_is_refused(case):
    unit = factories.ServiceUnitFactory()
    user = factories.unit_staff()
    factories.MembershipFactory(user=user, unit=unit)
    with pytest.raises(Refused, match="consented"):
        workflow.add_service_member(actor=case.familielos, team=case.familieteam, user=user, unit=unit)


def test_only_the_familielos_changes_the_team(case):
    _member, user = factories.familieteam_member(case)
    with pytest.raises(Refused):
        workflow.add_trusted_person(actor=user, team=case.familieteam, name="Bestemor")


def test_withdrawn_consent_takes_the_members_access(case):
    _member, user = factories.familieteam_member(case)
    consent = case.family.consents.order_by("-pk").first()
    actions.withdraw_consent(actor=case.familielos, consent=consent)
    assert not access.can(user, case.family, access.VIEW)


def _save(actor, meeting, text, base):
    area = LifeArea.objects.first()
    return workflow.save_cell(
        actor=actor, meeting=meeting, life_area=area, column=Column.NOW, text=text, due=None, base_version=base
    )


def test_two_saves_from_one_version_the_first_wins_and_both_are_kept(case):
    _member, user = factories.familieteam_member(case)
    meeting = factories.familieteam_meeting(case)
    first = _save(case.familielos, meeting, "Kari søv betre", 0)
    second = _save(user, meeting, "Kari et frukost", 0)
    assert first.saved
    assert not second.saved
    assert second.cell.text == "Kari søv betre"
    merged = _save(user, meeting, "Kari søv betre og et frukost", second.cell.version)
    assert merged.saved
    history = [(v.text, v.conflict) for v in merged.cell.versions.all()]
    assert history == [("Kari søv betre og et frukost", False), ("Kari søv betre", False), ("Kari et frukost", True)]


def test_the_same_save_sent_twice_from_one_version__is_saved_once_and_no_conflict(case):
    meeting = factories.familieteam_meeting(case)
    first = _save(case.familielos, meeting, "Kari søv betre", 0)
    again = _save(case.familielos, meeting, "Kari søv betre", 0)
    assert (first.saved, again.saved) == (True, True)
    assert [(v.text, v.conflict) for v in again.cell.versions.all()] == [("Kari søv betre", False)]


def _finish(case, meeting, *, next_starts_at=None):
    """The familielos finishes the meeting; the next one a month after it unless `next_starts_at` says otherwise."""
    return workflow.finish_meeting(
        actor=case.familielos,
        meeting=meeting,
        present=[],
        family_present="Guro",
        next_starts_at=next_starts_at or meeting.starts_at + timedelta(days=30),
        next_place="Skulen",
    )


def test_finishing_a_meeting_carries_the_canvas_on_and_freezes_it(case):
    meeting = factories.familieteam_meeting(case, begun=True)
    _save(case.familielos, meeting, "Ta bussen sjølv", 0)
    following = _finish(case, meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    carried = CanvasCell.objects.get(meeting=following)
    assert carried.text == "Ta bussen sjølv"
    assert carried.carried_from.meeting == meeting
    with pytest.raises(Refused):
        _save(case.familielos, meeting, "etterpå", 1)
    evaluation = workflow.evaluate(
        actor=case.familielos, meeting=following, cell=carried.carried_from, result=EvaluationResult.PARTLY
    )
    assert evaluation.meeting == following


def test_finish_meeting__not_begun__is_refused_and_changes_nothing(case):
    meeting = factories.familieteam_meeting(case)
    _save(case.familielos, meeting, "Ta bussen sjølv", 0)
    with pytest.raises(Refused, match="not begun"):
        _finish(case, meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.family_present == ""
    assert list(case.familieteam.meetings.all()) == [meeting]
    assert not Entry.objects.filter(family=case.family, event_code=Event.MEETING_HELD).exists()
    assert _save(case.familielos, meeting, "Ta bussen sjølv i veka", 1).saved


def test_finish_meeting__next_not_after_this_one__is_refused_and_changes_nothing(case):
    meeting = factories.familieteam_meeting(case, begun=True)
    with pytest.raises(Refused, match="must come after"):
        _finish(case, meeting, next_starts_at=meeting.starts_at)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert list(case.familieteam.meetings.all()) == [meeting]


def test_a_member_ticks_only_their_own_action_point(case):
    _member, user = factories.familieteam_member(case)
    _other_member, other = factories.familieteam_member(case, unit=factories.ServiceUnitFactory())
    meeting = factories.familieteam_meeting(case)
    point = workflow.set_action_point(
        actor=case.familielos,
        meeting=meeting,
        what="Ring PPT",
        owner=workflow.Owner(OwnerKind.STAFF, user_id=user.pk),
        due=timezone.localdate(),
    )
    with pytest.raises(Refused):
        workflow.set_action_point_status(actor=other, point=point, status=ActionStatus.DONE, base_version=1)
    point = workflow.set_action_point_status(actor=user, point=point, status=ActionStatus.DONE, base_version=1)
    assert point.status == ActionStatus.DONE
    with pytest.raises(Refused, match="changed"):
        workflow.set_action_point_status(actor=case.familielos, point=point, status=ActionStatus.OPEN, base_version=1)


def test_stepping_down_from_level_3_names_who_is_responsible_next_and_the_team_stays(case):
    with pytest.raises(Refused, match="responsibility"):
        case_workflow.step_down(actor=case.familielos, case=case, to_level=Level.RESSURSTEAM, reason="Betre no.")
    team = case.familieteam
    case = case_workflow.step_down(
        actor=case.familielos, case=case, to_level=Level.RESSURSTEAM, reason="Betre no.", responsible_next="Rektor"
    )
    assert case.level_changes.order_by("-pk").first().responsible_next == "Rektor"
    assert case.familieteam == team


def test_a_closed_case_gives_its_familieteam_members_no_access_and_reopening_gives_it_back(case):
    _member, user = factories.familieteam_member(case)
    case = case_workflow.close_case(actor=case.familielos, case=case, reason="Måla er nådde.")
    assert not access.can(user, case.family, access.VIEW)
    assert access.can(case.familielos, case.family, access.VIEW)
    case = case_workflow.reopen_case(actor=case.familielos, case=case, reason="Det vart verre igjen.")
    assert access.can(user, case.family, access.CHANGE)


def test_reopening_at_level_3_keeps_the_team_and_its_canvas_and_starts_a_new_plan(case):
    meeting = factories.familieteam_meeting(case)
    _save(case.familielos, meeting, "Før lukkinga", 0)
    team = case.familieteam
    Familieteam.objects.filter(pk=team.pk).update(
        started_on=timezone.localdate() - timedelta(days=400), planned_end=timezone.localdate() - timedelta(days=30)
    )
    case = case_workflow.close_case(actor=case.familielos, case=case, reason="Ferdig.")
    case = case_workflow.reopen_case(actor=case.familielos, case=case, reason="Tilbake.")
    team = Familieteam.objects.get(case=case)
    assert team.started_on == timezone.localdate()
    assert team.planned_end > timezone.localdate()
    saved = _save(case.familielos, meeting, "Etter opninga", 1)
    assert saved.saved
    assert saved.cell.text == "Etter opninga"


def test_consent_recorded_again_gives_a_member_their_access_back(case):
    member, user = factories.familieteam_member(case)
    consent = case.family.consents.order_by("-pk").first()
    actions.withdraw_consent(actor=case.familielos, consent=consent)
    assert not access.can(user, case.family, access.VIEW)
    factories.give_consent(case, units=[member.unit], actor=case.familielos)
    assert access.can(user, case.family, access.VIEW)


def test_a_trusted_person_with_an_action_point_can_be_removed_and_the_point_keeps_the_name(case):
    trusted = factories.trusted_person(case, name="Nabo Nils")
    meeting = factories.familieteam_meeting(case)
    point = workflow.set_action_point(
        actor=case.familielos,
        meeting=meeting,
        what="Køyre til trening",
        owner=workflow.Owner(OwnerKind.TRUSTED, member_id=trusted.pk),
        due=None,
    )
    workflow.remove_member(actor=case.familielos, member=trusted)
    point.refresh_from_db()
    assert point.owner_member is None
    assert point.owner_name == "Nabo Nils"


def test_a_researcher_with_a_unit_cannot_join_a_familieteam(case):
    unit = factories.ServiceUnitFactory()
    researcher = factories.UserFactory(role=roles.RESEARCHER)
    factories.MembershipFactory(user=researcher, unit=unit)
    factories.give_consent(case, units=[unit], actor=case.familielos)
    with pytest.raises(Refused):
        workflow.add_service_member(actor=case.familielos, team=case.familieteam, user=researcher, unit=unit)


def test_a_rescheduled_meeting_cannot_move_before_the_one_it_follows(case):
    meeting = factories.familieteam_meeting(case, begun=True)
    following = workflow.finish_meeting(
        actor=case.familielos,
        meeting=meeting,
        present=[],
        family_present="",
        next_starts_at=meeting.starts_at + timedelta(days=30),
        next_place="Skulen",
    )
    with pytest.raises(Refused, match="after"):
        workflow.reschedule_meeting(
            actor=case.familielos, meeting=following, starts_at=meeting.starts_at - timedelta(days=1), place="Skulen"
        )


def test_a_family_back_at_level_3_in_a_new_case_opens_its_current_team(case):
    los, opener, team = case.familielos, case.opened_by, case.ressursteam
    case_workflow.close_case(actor=los, case=case, reason="Ferdig.")
    new = case_workflow.open_case(
        actor=opener, family=case.family, children=list(case.children.all()), reason="Ny uro."
    )
    new = case_workflow.move_to_avklaring(actor=opener, case=new, reason="Samtale.")
    new = case_workflow.refer_to_ressursteam(actor=opener, case=new, team=team, reason="Meir hjelp.")
    new = case_workflow.assign_familielos(
        actor=factories.ressursteam_member(team), case=new, familielos=los, reason="Same familielos."
    )
    assert Familieteam.objects.filter(case__family=case.family).count() == 2
    assert access.familieteam_or_404(los, case.family_id).case == new


def test_the_migration_gives_a_familieteam_to_cases_that_reached_level_3_before_it_existed(case):
    """Cases at level 3 (or closed from it) when the familieteam came get one, counted from their step up to 3."""
    start_teams = importlib.import_module("familieteam.migrations.0003_teams_for_cases_at_level_3").start_teams
    reached = case.level_changes.get(to_level=Level.FAMILIELOS).at
    Familieteam.objects.filter(case=case).delete()
    below, *_ = factories.case_at(Level.RESSURSTEAM, family_name="Familien Nedanfor")

    start_teams(apps, None)

    team = Familieteam.objects.get(case=case)
    assert team.started_on == timezone.localtime(reached).date()
    assert team.planned_end > team.started_on
    assert not Familieteam.objects.filter(case=below).exists()
