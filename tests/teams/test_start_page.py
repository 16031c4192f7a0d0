"""The start page of a ressursteam member and of a sender: what waits for them, with names only where allowed."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import access
from familielos import roles
from familielos.models import AccessEvent
from teams import workflow
from teams.models import Outcome, TeamRole, Urgency
from tests import factories
from tests.conftest import client_for
from tests.teams.test_team_views import anonymous_referral, decided, named_referral, sent_days_ago

pytestmark = pytest.mark.django_db

# A whole request (session, user, permissions, the page's reads, one audit insert), however many referrals.
QUERY_BUDGET = 12


@pytest.fixture
def team():
    return factories.RessursteamFactory(name="Ressursteam vest")


@pytest.fixture
def leader(team):
    return factories.team_member(team, role=TeamRole.LEADER, username="rt-leiar")


@pytest.fixture
def member(team):
    return factories.team_member(team, username="rt-medlem")


def _nb(message: str) -> str:
    with translation.override("nb"):
        return translation.gettext(message)


def _home(user):
    return client_for(user).get(reverse("home"))


def test_start_page__member__next_meeting_with_its_agenda_count_and_link(team, leader, member):
    named_referral(team, family_name="Familien Berg")
    anonymous_referral(team)
    sooner = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=2))
    workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=14))
    workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() - timedelta(days=7))
    response = _home(member)
    (panel,) = response.context["panels"]
    assert panel["team"] == team
    assert panel["next_meeting"] == sooner
    assert panel["next_meeting"].agenda_count == 2
    assert sooner.get_absolute_url() in response.text
    assert reverse("teams:team_detail", args=[team.pk]) in response.text


def test_start_page__member__todays_meeting_under_way_is_the_next_one(team, leader, member):
    anonymous_referral(team)
    under_way = workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today())
    workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=7))
    (panel,) = _home(member).context["panels"]
    assert panel["next_meeting"] == under_way
    assert panel["next_meeting"].agenda_count == 1


def test_start_page__member__todays_meeting_with_nothing_left_to_decide__gives_way_to_the_next(team, leader, member):
    workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today())
    next_week = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=7))
    (panel,) = _home(member).context["panels"]
    assert panel["next_meeting"] == next_week


def test_start_page__member__referrals_waiting_urgent_first_with_days(team, member):
    old = sent_days_ago(named_referral(team, family_name="Familien Berg"), 12)
    urgent = sent_days_ago(anonymous_referral(team, urgency=Urgency.URGENT), 3)
    response = _home(member)
    (panel,) = response.context["panels"]
    assert [(referral.pk, referral.waiting_days) for referral in panel["waiting"]] == [(urgent.pk, 3), (old.pk, 12)]
    assert "Familien Berg" in response.text
    assert old.get_absolute_url() in response.text
    assert _nb("Urgent") in response.text
    # The urgency next to the referral: on a phone the table's first columns are what shows.
    headers = re.findall(r'<th scope="col">([^<]*)</th>', response.text.split(_nb("Referrals waiting"), 1)[1])
    assert headers[:2] == [_nb("Referral"), _nb("Urgency")]


def test_start_page__member__decisions_to_carry_out_are_pending_familielos_and_due_follow_ups(team, leader, member):
    los = factories.familielos(first_name="Frida", last_name="Los")
    lo = named_referral(team, family_name="Familien Lo")
    pending = decided(team, leader, Outcome.FAMILIELOS, referral=lo, familielos=los)
    due = decided(
        team,
        leader,
        Outcome.ARENA,
        referral=named_referral(team, family_name="Familien Due"),
        follow_up=timezone.localdate() - timedelta(days=1),
    )
    decided(team, leader, Outcome.ARENA, referral=named_referral(team, family_name="Familien Seinare"))
    decided(team, leader, Outcome.NO_ACTION)
    assert pending.familielos_confirmed_at is None
    response = _home(member)
    (panel,) = response.context["panels"]
    assert {decision.pk for decision in panel["to_carry_out"]} == {pending.pk, due.pk}
    assert "Frida Los" in response.text
    assert "Familien Lo" in response.text
    # Back at level 1 the team no longer holds the family's grant: the follow-up shows without a name.
    assert "Familien Due" not in response.text
    assert due.item.referral.get_absolute_url() in response.text
    assert (timezone.localdate() - timedelta(days=1)).strftime("%d.%m.%Y") in response.text
    assert "Familien Seinare" not in response.text


def test_start_page__confirmed_familielos__is_no_longer_waiting(team, leader, member):
    los = factories.familielos()
    pending = decided(team, leader, Outcome.FAMILIELOS, referral=named_referral(team), familielos=los)
    type(pending).objects.filter(pk=pending.pk).update(familielos_confirmed_at=timezone.now())
    (panel,) = _home(member).context["panels"]
    assert panel["to_carry_out"] == []


def test_start_page__member_of_another_team__sees_none_of_this_teams_items(team, leader):
    named_referral(team, family_name="Familien Berg")
    anonymous_referral(team)
    workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=2))
    stranger = factories.team_member(factories.RessursteamFactory(name="Ressursteam aust"))
    response = _home(stranger)
    assert [panel["team"].name for panel in response.context["panels"]] == ["Ressursteam aust"]
    assert response.context["panels"][0]["waiting"] == []
    assert "Ressursteam vest" not in response.text
    assert "Familien Berg" not in response.text
    assert not AccessEvent.objects.filter(actor=stranger).exists()


def test_start_page__unit_staff_outside_teams__sees_no_team_panel(team, staff):
    named_referral(team, family_name="Familien Berg")
    response = _home(staff)
    assert response.context["panels"] == []
    assert "Ressursteam vest" not in response.text


def test_start_page__anonymous_and_ungranted_referrals__show_no_names(team, member):
    anonymous_referral(team, question="Ein gut i 2. klasse, Ola, er mykje borte.")
    hidden = named_referral(team, family_name="Familien Løynd")
    access.revoke_group(team.group, hidden.case.family)
    response = _home(member)
    assert len(response.context["panels"][0]["waiting"]) == 2
    assert "Ola" not in response.text
    assert "Familien Løynd" not in response.text
    assert "Kari" not in response.text
    assert _nb("Anonymous discussion case") in response.text
    assert _nb("Named referral") in response.text
    assert not AccessEvent.objects.filter(actor=member).exists()


def test_start_page__one_view_event_per_named_family_shown(team, leader, member):
    shown = named_referral(team, family_name="Familien Berg")
    los = factories.familielos()
    pending = decided(
        team, leader, Outcome.FAMILIELOS, referral=named_referral(team, family_name="Familien Lo"), familielos=los
    )
    anonymous_referral(team)
    _home(member)
    events = AccessEvent.objects.filter(actor=member)
    assert sorted((event.family_id, event.object_type) for event in events) == sorted(
        [(shown.case.family_id, "overview"), (pending.item.referral.case.family_id, "overview")]
    )


def test_start_page__sender__sees_own_referrals_returned_with_the_question(team, leader, staff):
    mine = named_referral(team, family_name="Familien Berg", opener=staff)
    decided(team, leader, Outcome.MORE_INFO, referral=mine, question="Kor lenge har fråværet vart?")
    others = named_referral(team, family_name="Familien Annan")
    decided(team, leader, Outcome.MORE_INFO, referral=others, question="Kva seier foreldra?")
    response = _home(staff)
    assert [referral.pk for referral in response.context["returned"]] == [mine.pk]
    assert "Kor lenge har fråværet vart?" in response.text
    assert mine.get_absolute_url() in response.text
    assert "Kva seier foreldra?" not in response.text


def _grow(team, leader, count):
    for n in range(count):
        referral = anonymous_referral(team, urgency=Urgency.URGENT if n % 3 == 0 else Urgency.NORMAL)
        if n % 4 == 1:
            decided(team, leader, Outcome.ARENA, referral=referral, follow_up=timezone.localdate() - timedelta(days=1))
    for n in range(count // 5):
        named_referral(team, family_name=f"Familien {count}-{n}")
    workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=count))


def test_start_page__queries_are_the_same_with_5_and_25_referrals(team, leader, member, django_assert_max_num_queries):
    second = factories.RessursteamFactory(name="Ressursteam nord")
    second.members.create(user=member)
    member.groups.add(second.group)
    second_leader = factories.team_member(second, role=TeamRole.LEADER)
    client = client_for(member)
    _grow(team, leader, 5)
    _grow(second, second_leader, 5)
    client.get(reverse("home"))  # what a session's first request does once
    with django_assert_max_num_queries(QUERY_BUDGET) as small:
        assert client.get(reverse("home")).status_code == 200
    _grow(team, leader, 20)
    _grow(second, second_leader, 10)
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse("home"))
    panels = {panel["team"]: panel for panel in response.context["panels"]}
    assert len(panels[team]["waiting"]) > 20


def test_start_page__unit_staff_made_a_team_member__sees_the_team_panel(db):
    team = factories.RessursteamFactory(name="Ressursteam vest")
    teacher = factories.unit_staff(username="laerar-i-team")
    administrator = factories.UserFactory(role=roles.ADMINISTRATOR)
    workflow.add_team_member(actor=administrator, team=team, user=teacher, role=TeamRole.SECRETARY)
    response = client_for(teacher).get("/")
    assert "Ressursteam vest" in response.text
