"""The familieteam's actions: who may change the team, grants that follow membership and consent, the canvas's
first-save-wins rule and its history, carry-over and evaluation, action point ownership, phase-out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import access, actions
from cases import workflow as case_workflow
from cases.models import ActionStatus, Level, OwnerKind
from familielos.errors import Refused
from familieteam import workflow
from familieteam.models import CanvasCell, Column, EvaluationResult, LifeArea, MeetingStatus
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


def test_finishing_a_meeting_carries_the_canvas_on_and_freezes_it(case):
    meeting = factories.familieteam_meeting(case)
    _save(case.familielos, meeting, "Ta bussen sjølv", 0)
    following = workflow.finish_meeting(
        actor=case.familielos,
        meeting=meeting,
        present=[],
        family_present="Guro",
        next_starts_at=meeting.starts_at + timedelta(days=30),
        next_place="Skulen",
    )
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
