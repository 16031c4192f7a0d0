"""Ticking one's own task on the family's pages: only one's own, only in one's own family, never from an old
version, written in the log like the team's ticks; through the action and through the page (htmx and without)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import ActionPoint, ActionStatus, Level, OwnerKind, PersonRole
from familielos.errors import Refused
from familielos.models import AccessAction, AccessEvent
from familieteam import workflow as familieteam_workflow
from portal import workflow
from stafettlogg.models import Entry, Event, Kind
from tests import factories
from tests.conftest import client_for, shown

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ONLY_OWN = "You can only tick off your own tasks."
STALE = "Someone else changed this just now. Look at it again and repeat your change."


def _family_at_level_3(name: str):
    case, _team, _los, _member = factories.case_at(Level.FAMILIELOS, family_name=name)
    case.guardian = case.family.persons.get(role=PersonRole.GUARDIAN)
    case.meeting = factories.familieteam_meeting(case)
    return case


def _point(case, what="Ringje skulen", *, kind=OwnerKind.GUARDIAN, person=None, user=None):
    if kind == OwnerKind.STAFF:
        owner = familieteam_workflow.Owner(kind, user_id=user.pk)
    else:
        owner = familieteam_workflow.Owner(kind, person_id=(person or case.guardian).pk)
    return familieteam_workflow.set_action_point(
        actor=case.familielos,
        meeting=case.meeting,
        what=what,
        owner=owner,
        due=timezone.localdate() - timedelta(days=1),
    )


def _unchanged(point) -> bool:
    saved = ActionPoint.objects.get(pk=point.pk)
    return (saved.status, saved.version, saved.status_by_id) == (point.status, point.version, point.status_by_id)


# The action.


def test_tick__own_task__is_done_and_written_in_the_log(lund):
    point = _point(lund)
    ticked = workflow.tick(actor=lund.login, point=point, status=ActionStatus.DONE, base_version=1)
    assert (ticked.status, ticked.version, ticked.status_by) == (ActionStatus.DONE, 2, lund.login)
    assert ticked.status_at is not None
    entry = Entry.objects.get(family=lund.family, kind=Kind.SYSTEM, event_code=Event.ACTION_POINT_DONE)
    assert entry.author == lund.login
    assert entry.event_params == {"what": "Ringje skulen"}


def test_tick__done_task__opens_again_without_a_second_log_entry(lund):
    point = _point(lund)
    workflow.tick(actor=lund.login, point=point, status=ActionStatus.DONE, base_version=1)
    reopened = workflow.tick(actor=lund.login, point=point, status=ActionStatus.OPEN, base_version=2)
    assert (reopened.status, reopened.version) == (ActionStatus.OPEN, 3)
    assert Entry.objects.filter(family=lund.family, event_code=Event.ACTION_POINT_DONE).count() == 1


def test_tick__young_persons_own_task__is_theirs_to_tick(lund):
    point = _point(lund, kind=OwnerKind.CHILD, person=lund.youth)
    assert workflow.tick(actor=lund.youth_login, point=point, status="done", base_version=1).status == "done"


def test_tick__another_family_members_task__is_refused_and_unchanged(lund):
    point = _point(lund, kind=OwnerKind.CHILD, person=lund.youth)
    assert not workflow.can_tick_own(lund.guardian, point)
    with pytest.raises(Refused, match=ONLY_OWN):
        workflow.tick(actor=lund.login, point=point, status=ActionStatus.DONE, base_version=1)
    assert _unchanged(point)


def test_tick__staff_members_task__is_refused(lund):
    point = _point(lund, kind=OwnerKind.STAFF, user=lund.familielos)
    with pytest.raises(Refused, match=ONLY_OWN):
        workflow.tick(actor=lund.login, point=point, status=ActionStatus.DONE, base_version=1)
    assert _unchanged(point)


def test_tick__from_an_old_version__is_refused_and_unchanged(lund):
    point = _point(lund)
    workflow.tick(actor=lund.login, point=point, status=ActionStatus.DONE, base_version=1)
    point.refresh_from_db()
    with pytest.raises(Refused, match=STALE):
        workflow.tick(actor=lund.login, point=point, status=ActionStatus.OPEN, base_version=1)
    assert _unchanged(point)


def test_tick__a_task_the_team_dropped__stays_dropped(lund):
    point = _point(lund)
    point = familieteam_workflow.set_action_point_status(
        actor=lund.familielos, point=point, status=ActionStatus.DROPPED, base_version=1
    )
    assert not workflow.can_tick_own(lund.guardian, point)
    with pytest.raises(Refused, match=ONLY_OWN):
        workflow.tick(actor=lund.login, point=point, status=ActionStatus.OPEN, base_version=point.version)
    assert _unchanged(point)


def test_tick__dropped_is_not_a_family_status(lund):
    point = _point(lund)
    with pytest.raises(Refused):
        workflow.tick(actor=lund.login, point=point, status=ActionStatus.DROPPED, base_version=1)
    assert _unchanged(point)


def test_tick__guardian_who_lost_parental_responsibility__is_refused(lund):
    point = _point(lund)
    lund.guardian.parental_responsibility = False
    lund.guardian.save(update_fields=["parental_responsibility"])
    with pytest.raises(Refused, match=ONLY_OWN):
        workflow.tick(actor=lund.login, point=point, status=ActionStatus.DONE, base_version=1)
    assert _unchanged(point)


# The page.


def _tick_url(point) -> str:
    return reverse("portal:action_point_tick", args=[point.pk])


def test_tick_view__htmx__answers_the_row_and_audits_the_change(lund):
    point = _point(lund)
    response = client_for(lund.login).post(_tick_url(point), {"status": "done", "base_version": 1}, **HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    page = response.content.decode()
    assert "<html" not in page
    assert f'id="task-{point.pk}"' in page
    assert ActionPoint.objects.get(pk=point.pk).status == ActionStatus.DONE
    assert AccessEvent.objects.filter(actor=lund.login, action=AccessAction.CHANGE, object_id=str(point.pk)).exists()


def test_tick_view__without_javascript__goes_back_to_the_task_list(lund):
    point = _point(lund)
    client = client_for(lund.login)
    response = client.post(_tick_url(point), {"status": "done", "base_version": 1})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:action_points")
    page = client.get(reverse("portal:action_points")).content.decode()
    assert shown("The task is saved.") in page
    assert shown("Not done after all") in page


def test_action_points_page__offers_the_tick_only_on_ones_own_and_marks_the_overdue(lund):
    own = _point(lund, "Eiga oppgåve")
    childs = _point(lund, "Jonas si oppgåve", kind=OwnerKind.CHILD, person=lund.youth)
    page = client_for(lund.login).get(reverse("portal:action_points")).content.decode()
    assert page.count(shown("I have done this")) == 1
    assert _tick_url(own) in page
    assert _tick_url(childs) not in page
    assert "Jonas si oppgåve" in page
    assert page.count(shown("The date has passed")) == 2


def test_tick_view__another_familys_task__is_404_and_unchanged(lund):
    berg = _family_at_level_3("Familien Berg")
    theirs = _point(berg)
    response = client_for(lund.login).post(_tick_url(theirs), {"status": "done", "base_version": 1}, **HTMX)
    assert response.status_code == 404
    assert _unchanged(theirs)


def test_tick_view__the_childs_task__is_refused_readably_and_unchanged(lund):
    point = _point(lund, kind=OwnerKind.CHILD, person=lund.youth)
    response = client_for(lund.login).post(_tick_url(point), {"status": "done", "base_version": 1}, **HTMX)
    assert shown(ONLY_OWN) in response.content.decode()
    assert _unchanged(point)


def test_tick_view__stale_version__is_refused_readably_and_unchanged(lund):
    point = _point(lund)
    workflow.tick(actor=lund.login, point=point, status=ActionStatus.DONE, base_version=1)
    point.refresh_from_db()
    client = client_for(lund.login)
    response = client.post(_tick_url(point), {"status": "open", "base_version": 1}, **HTMX)
    assert response.status_code == 200
    assert shown(STALE) in response.content.decode()
    assert _unchanged(point)
    response = client.post(_tick_url(point), {"status": "open", "base_version": 1}, follow=True)
    assert shown(STALE) in response.content.decode()
    assert _unchanged(point)


def test_tick_view__bad_input__is_refused_and_unchanged(lund):
    point = _point(lund)
    response = client_for(lund.login).post(_tick_url(point), {"status": "dropped", "base_version": "x"}, **HTMX)
    assert shown("Choose done or not done.") in response.content.decode()
    assert _unchanged(point)


def test_tick_view__get__is_not_allowed(lund):
    assert client_for(lund.login).get(_tick_url(_point(lund))).status_code == 405


def test_tick_view__staff__gets_404(lund):
    point = _point(lund)
    response = client_for(lund.familielos).post(_tick_url(point), {"status": "done", "base_version": 1})
    assert response.status_code == 404
    assert _unchanged(point)


def test_tick_view__unlinked_login__gets_404(lund):
    point = _point(lund)
    lund.guardian.user = None
    lund.guardian.save(update_fields=["user"])
    response = client_for(lund.login).post(_tick_url(point), {"status": "done", "base_version": 1})
    assert response.status_code == 404
    assert _unchanged(point)


def test_tick__done_shows_in_the_family_log(lund):
    point = _point(lund, "Kjøpe ny sykkelhjelm")
    client = client_for(lund.login)
    client.post(_tick_url(point), {"status": "done", "base_version": 1})
    assert "Kjøpe ny sykkelhjelm" in client.get(reverse("portal:log")).content.decode()
