"""The meeting pages: planning and the agenda, the triage board with its decisions, who came, and access to all."""

import contextlib
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from cases import access
from cases.models import Level, Status
from familielos import once, roles
from familielos.models import AccessAction, AccessEvent, ServiceKind
from teams import workflow
from teams.models import Decision, Meeting, Outcome, Referral, ReferralStatus, TeamRole, Urgency
from tests import factories
from tests.conftest import SENT_TWICE, client_for, form_token, post_twice, shown

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TOO_LATE = "This referral was sent or answered after the day of the meeting: put it on a later meeting."
LEADER_OR_SECRETARY = re.compile(r"leader or secretary|leder eller sekretær|leiaren eller sekretæren")


@pytest.fixture
def team():
    return factories.RessursteamFactory(name="Ressursteam sør")


@pytest.fixture
def leader(team):
    return factories.team_member(team, role=TeamRole.LEADER, username="rt-leiar", first_name="Lise", last_name="Leiar")


@pytest.fixture
def member(team):
    return factories.team_member(team, role=TeamRole.MEMBER, username="rt-medlem")


@pytest.fixture
def other_member():
    """A member of another ressursteam: sees nothing of this team's meetings."""
    return factories.team_member(factories.RessursteamFactory(name="Ressursteam nord"), username="rt-nord")


def named_referral(
    team, *, family_name="Familien Berg", child_name="Emma", question="Treng vi fleire tenester?", **texts
):
    case, *_ = factories.case_at(Level.AVKLARING, family_name=family_name, child_name=child_name)
    factories.give_consent(case, units=team.units.all())
    referral = workflow.create_referral(actor=case.opened_by, team=team, case=case, question=question, **texts)
    return workflow.send_referral(actor=case.opened_by, referral=referral)


def anonymous_referral(team, *, question="Eit barn i 3. klasse er mykje borte."):
    staff = factories.unit_staff()
    unit = factories.MembershipFactory(user=staff, unit__kind=ServiceKind.SKOLE).unit
    referral = workflow.create_referral(actor=staff, team=team, unit=unit, question=question)
    return workflow.send_referral(actor=staff, referral=referral)


def meeting_with(leader, team, *, begun=False) -> Meeting:
    """A meeting at Rådhuset planned two days ahead, or one that began an hour ago (`begun`): the team records its
    decisions in the meeting, not before."""
    starts_at = factories.begun_today() if begun else timezone.now() + timedelta(days=2)
    return workflow.create_meeting(actor=leader, team=team, starts_at=starts_at, place="Rådhuset")


@pytest.fixture
def meeting(leader, team):
    """A meeting under way, with one named referral on its agenda."""
    named_referral(team)
    return meeting_with(leader, team, begun=True)


NEXT_MONTH = (timezone.localdate() + timedelta(days=30)).isoformat()


def decide_url(meeting, item):
    return reverse("teams:meeting_decide", args=[meeting.pk, item.pk])


def decision_data(item, **fields):
    return {f"item-{item.pk}-{name}": value for name, value in fields.items()}


# Access ---------------------------------------------------------------------------------------------------------


def _meeting_urls(meeting):
    item = meeting.items.get()
    return [
        ("get", reverse("teams:meeting_detail", args=[meeting.pk]), {}),
        ("get", reverse("teams:meeting_agenda", args=[meeting.pk]), {}),
        ("post", reverse("teams:meeting_agenda", args=[meeting.pk]), {"item": item.pk, "action": "down"}),
        ("post", reverse("teams:meeting_present", args=[meeting.pk]), {"present": []}),
        ("get", decide_url(meeting, item), {}),
        ("post", decide_url(meeting, item), decision_data(item, outcome="no_action", reasons="Ikkje behov.")),
        ("post", reverse("teams:meeting_confirm", args=[meeting.pk, item.pk]), {}),
        ("get", reverse("teams:meeting_minutes", args=[meeting.pk]), {}),
        ("get", reverse("teams:meeting_minutes_pdf", args=[meeting.pk]), {}),
        ("get", reverse("teams:meeting_edit", args=[meeting.pk]), {}),
        ("post", reverse("teams:meeting_edit", args=[meeting.pk]), {"date": NEXT_MONTH, "time": "10:00"}),
        ("get", reverse("teams:meeting_cancel", args=[meeting.pk]), {}),
        ("post", reverse("teams:meeting_cancel", args=[meeting.pk]), {}),
    ]


def test_meeting_urls__anonymous__redirect_to_login(meeting, client):
    for method, url, data in _meeting_urls(meeting):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_meeting_urls__member_of_another_team__is_404_and_changes_nothing(meeting, other_member):
    outsider = client_for(other_member)
    for method, url, data in _meeting_urls(meeting):
        assert getattr(outsider, method)(url, data).status_code == 404, url
        assert getattr(outsider, method)(url, data, **HTMX).status_code == 404, url
    assert not Decision.objects.exists()
    assert Meeting.objects.filter(pk=meeting.pk, starts_at=meeting.starts_at).exists()


def test_meeting_urls__missing_meeting__is_the_same_404(leader):
    assert client_for(leader).get(reverse("teams:meeting_detail", args=[999_999])).status_code == 404


def test_meeting_pages__member__are_shown(meeting, member):
    client = client_for(member)
    for name in ("teams:meeting_detail", "teams:meeting_agenda", "teams:meeting_minutes", "teams:meeting_minutes_pdf"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 200, name
    item = meeting.items.get()
    response = client.post(decide_url(meeting, item), decision_data(item, outcome="no_action", reasons="Ikkje behov."))
    assert response.status_code == 302
    assert Decision.objects.filter(item=item, decided_by=member).exists()


def test_meeting_new__three_ways(team, leader, other_member, client):
    url = reverse("teams:meeting_new", args=[team.pk])
    assert client.get(url).url.startswith(reverse("login"))
    assert client_for(other_member).get(url).status_code == 404
    assert client_for(other_member).post(url, {"date": NEXT_MONTH, "time": "09:00"}).status_code == 404
    assert client_for(leader).get(url).status_code == 200
    assert not Meeting.objects.exists()


def test_meeting_list__shows_only_the_users_teams_coming_and_past(member, other_member, team, leader):
    meeting = meeting_with(leader, team)
    past = Meeting.objects.create(team=team, starts_at=timezone.now() - timedelta(days=30), created_by=leader)
    response = client_for(member).get(reverse("teams:meeting_list"))
    assert response.status_code == 200
    assert meeting.get_absolute_url() in response.text
    assert reverse("teams:meeting_minutes", args=[past.pk]) in response.text
    # A plain member is not offered to plan one.
    assert reverse("teams:meeting_new", args=[team.pk]) not in response.text
    assert reverse("teams:meeting_new", args=[team.pk]) in client_for(leader).get(reverse("teams:meeting_list")).text
    assert meeting.get_absolute_url() not in client_for(other_member).get(reverse("teams:meeting_list")).text


def test_meeting_list__anonymous__redirects_to_login(client):
    assert client.get(reverse("teams:meeting_list")).url.startswith(reverse("login"))


# Planning and the agenda ----------------------------------------------------------------------------------------


def test_meeting_new__leader__plans_it_with_the_waiting_referrals_urgent_first(team, leader):
    old = named_referral(team, family_name="Familien Gammal")
    urgent = anonymous_referral(team)
    urgent.urgency = Urgency.URGENT
    urgent.save()
    response = client_for(leader).post(
        reverse("teams:meeting_new", args=[team.pk]), {"date": NEXT_MONTH, "time": "09:30", "place": "Møterom 2"}
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("teams:meeting_agenda", args=[meeting.pk])
    assert meeting.place == "Møterom 2"
    assert [item.referral for item in meeting.items.all()] == [urgent, old]


def test_meeting_new__sent_twice__plans_one_meeting(team, leader):
    named_referral(team)
    url = reverse("teams:meeting_new", args=[team.pk])

    first, again = post_twice(client_for(leader), url, {"date": NEXT_MONTH, "time": "09:30", "place": "Møterom 2"})

    meeting = Meeting.objects.get()
    assert first.url == reverse("teams:meeting_agenda", args=[meeting.pk])
    assert again.redirect_chain == [(first.url, 302)]
    assert meeting.items.count() == 1


def test_meeting_new__plain_member__is_refused_readably_and_nothing_is_made(team, member):
    url = reverse("teams:meeting_new", args=[team.pk])
    client = client_for(member)
    for response in (client.get(url), client.post(url, {"date": NEXT_MONTH, "time": "09:30"})):
        assert response.status_code == 403
        assert 'role="alert"' in response.text
        assert '<form method="post" novalidate' not in response.text
    assert not Meeting.objects.exists()


def test_agenda__leader_moves_an_item_down__the_list_is_swapped_and_keeps_focus(team, leader):
    first, second = named_referral(team, family_name="Familien A"), named_referral(team, family_name="Familien B")
    meeting = meeting_with(leader, team)
    item = meeting.items.get(referral=first)
    response = client_for(leader).post(
        reverse("teams:meeting_agenda", args=[meeting.pk]), {"item": item.pk, "action": "down"}, **HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="agenda"')
    assert [i.referral for i in meeting.items.all()] == [second, first]
    # The moved item is now last: its "move down" is gone, so focus goes to its "move up".
    assert re.search(
        r'value="up" class="[^"]*" autofocus>[^<]*<span class="visually-hidden">: [^<]*Familien A', response.text
    )


def test_agenda__without_javascript__posts_and_redirects(team, leader):
    first, second = named_referral(team, family_name="Familien A"), named_referral(team, family_name="Familien B")
    meeting = meeting_with(leader, team)
    url = reverse("teams:meeting_agenda", args=[meeting.pk])
    response = client_for(leader).post(url, {"item": meeting.items.get(referral=second).pk, "action": "up"})
    assert response.status_code == 302
    assert [i.referral for i in meeting.items.all()] == [second, first]


def test_agenda__plain_member_reorders__is_refused_readably_and_nothing_changes(team, leader, member):
    first, second = named_referral(team, family_name="Familien A"), named_referral(team, family_name="Familien B")
    meeting = meeting_with(leader, team)
    url = reverse("teams:meeting_agenda", args=[meeting.pk])
    client = client_for(member)
    page = client.get(url)
    assert 'value="down"' not in page.text
    for headers in ({}, HTMX):
        response = client.post(url, {"item": meeting.items.get(referral=first).pk, "action": "down"}, **headers)
        assert response.status_code == 403
        assert 'role="alert"' in response.text
        assert LEADER_OR_SECRETARY.search(response.text)
    assert [i.referral for i in meeting.items.all()] == [first, second]


def test_agenda__remove_and_add_again(team, leader):
    referral = named_referral(team)
    meeting = meeting_with(leader, team)
    client = client_for(leader)
    url = reverse("teams:meeting_agenda", args=[meeting.pk])
    client.post(url, {"item": meeting.items.get().pk, "action": "remove"})
    referral.refresh_from_db()
    assert not meeting.items.exists()
    assert referral.status == ReferralStatus.SENT
    assert f'<option value="{referral.pk}"' in client.get(url).text
    client.post(url, {"referral": referral.pk, "action": "add"})
    assert meeting.items.get().referral == referral


@pytest.mark.parametrize("others", [0, 1])
def test_agenda__leader_adds_a_referral__focus_goes_to_its_move_up_or_to_the_heading(team, leader, others):
    for n in range(others):
        named_referral(team, family_name=f"Familien Først{n}")
    meeting = meeting_with(leader, team)
    referral = named_referral(team, family_name="Familien Sist")

    response = client_for(leader).post(
        reverse("teams:meeting_agenda", args=[meeting.pk]), {"referral": referral.pk, "action": "add"}, **HTMX
    )

    assert response.status_code == 200
    focused = re.findall(r"<[^>]* autofocus[^>]*>[^<]*", response.text)
    if others:
        assert len(focused) == 1
        assert re.search(
            r'value="up" class="[^"]*" autofocus>[^<]*<span class="visually-hidden">: [^<]*Sist', response.text
        )
    else:
        assert len(focused) == 1
        assert 'id="agenda-heading"' in focused[0]


def test_meeting_recorded_afterwards__takes_only_what_was_sent_by_its_day(team, leader):
    """A meeting planned for a past day (to record it afterwards) does not propose, offer or take a referral sent
    after that day."""
    before = named_referral(team, family_name="Familien Før")
    twenty_days_ago = timezone.now() - timedelta(days=20)
    Referral.objects.filter(pk=before.pk).update(sent_at=twenty_days_ago, waiting_since=twenty_days_ago)
    after = named_referral(team, family_name="Familien Etter")
    client = client_for(leader)
    response = client.post(
        reverse("teams:meeting_new", args=[team.pk]),
        {"date": (timezone.localdate() - timedelta(days=14)).isoformat(), "time": "13:00"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert [item.referral for item in meeting.items.all()] == [before]

    url = reverse("teams:meeting_agenda", args=[meeting.pk])
    assert f'<option value="{after.pk}"' not in client.get(url).text
    response = client.post(url, {"referral": after.pk, "action": "add"}, **HTMX)
    assert shown(TOO_LATE) in response.text
    after.refresh_from_db()
    assert after.status == ReferralStatus.SENT
    assert [item.referral for item in meeting.items.all()] == [before]


def test_meeting_recorded_afterwards__does_not_take_a_referral_answered_after_its_day(team, leader):
    """Returned with a question, the referral waits again from the answer: a meeting held before it cannot take it."""
    referral = named_referral(team)
    held = workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today() - timedelta(days=5))
    ten_days_ago = timezone.now() - timedelta(days=10)
    Referral.objects.filter(pk=referral.pk).update(sent_at=ten_days_ago, waiting_since=ten_days_ago)
    returning = workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today())
    workflow.decide(
        actor=leader,
        item=returning.items.get(referral=referral),
        outcome=Outcome.MORE_INFO,
        reasons="Treng meir å gå på.",
        question="Kva har skulen prøvd?",
    )
    referral.refresh_from_db()
    workflow.answer_referral(actor=referral.sender, referral=referral, answer="Ekstra tilsyn i friminutta.")

    response = client_for(leader).post(
        reverse("teams:meeting_agenda", args=[held.pk]), {"referral": referral.pk, "action": "add"}, **HTMX
    )

    assert shown(TOO_LATE) in response.text
    assert not held.items.filter(referral=referral).exists()


@pytest.mark.parametrize("waiting", [0, 2])
def test_meeting_new__says_how_many_referrals_wait_or_that_none_do(team, leader, waiting):
    for n in range(waiting):
        named_referral(team, family_name=f"Familien Venter{n}")

    text = client_for(leader).get(reverse("teams:meeting_new", args=[team.pk])).text

    if waiting:
        assert "2 henvendelser venter på teamet" in text
    else:
        empty = "No referral is waiting for the team now. The agenda starts empty: you can add referrals that come in"
        assert shown(f"{empty} before the meeting.") in text


@pytest.mark.parametrize("htmx", [True, False])
def test_present__someone_ticked_who_left_the_team__saves_nothing_and_says_so(meeting, leader, member, htmx):
    gone = factories.team_member(meeting.team, username="slutta")
    admin = factories.UserFactory(username="admin", is_superuser=True)
    workflow.remove_team_member(actor=admin, member=meeting.team.members.get(user=gone))
    url = reverse("teams:meeting_present", args=[meeting.pk])
    before = set(meeting.present.all())

    response = client_for(leader).post(
        url, {"present": [leader.pk, gone.pk]}, follow=not htmx, **(HTMX if htmx else {})
    )

    assert response.status_code == 200
    assert shown("Nothing is saved: someone you ticked is no longer in the team. Tick again in the list below.") in (
        response.text
    )
    assert set(meeting.present.all()) == before


def test_present__leader_saves_who_came_and_a_plain_member_cannot(meeting, leader, member):
    url = reverse("teams:meeting_present", args=[meeting.pk])
    response = client_for(leader).post(url, {"present": [leader.pk]}, **HTMX)
    assert response.status_code == 200
    assert list(meeting.present.all()) == [leader]
    response = client_for(member).post(url, {"present": [member.pk]}, **HTMX)
    assert response.status_code == 403
    assert 'role="alert"' in response.text
    assert list(meeting.present.all()) == [leader]


# The board ------------------------------------------------------------------------------------------------------


def test_board__names_the_family_to_members_with_the_grant_and_records_one_view_each(team, leader, member):
    named_referral(team, family_name="Familien Berg", child_name="Emma")
    anonymous_referral(team, question="Gutten søv i timane.")
    meeting = meeting_with(leader, team)
    response = client_for(member).get(meeting.get_absolute_url())
    assert "Familien Berg (Emma)" in response.text
    assert "Gutten søv i timane." in response.text
    named_case = meeting.items.exclude(referral__case=None).get().referral.case
    assert reverse("cases:family_detail", args=[named_case.family_id]) in response.text
    events = AccessEvent.objects.filter(actor=member, action=AccessAction.VIEW, object_type="meeting")
    assert list(events.values_list("family_id", "object_id")) == [(named_case.family_id, str(meeting.pk))]


def test_access_log__a_meeting_page_is_named_by_the_meeting_and_a_list_of_families_by_no_number(team, leader, member):
    case = named_referral(team, family_name="Familien Berg", child_name="Emma").case
    meeting = meeting_with(leader, team)
    client = client_for(member)
    client.get(meeting.get_absolute_url())
    client.get(reverse("cases:family_list"))

    page = client_for(factories.UserFactory(role=roles.LEADER)).get(reverse("audit_log")).text

    assert re.search(rf"<td>{shown('Ressursteam meeting')} {meeting.pk}</td>", page)
    assert re.search(rf"<td>{shown('Family list')} </td>", page)
    assert f"<td>{shown('Family list')} {case.family_id}</td>" not in page


def test_board__anonymous_case__shows_its_text_and_no_familielos_outcome(team, leader, member):
    anonymous_referral(team, question="Jenta et ikkje.")
    meeting = meeting_with(leader, team, begun=True)
    item = meeting.items.get()
    assert "Jenta et ikkje." in client_for(member).get(meeting.get_absolute_url()).text
    response = client_for(member).get(decide_url(meeting, item), **HTMX)
    assert f'name="item-{item.pk}-outcome" value="no_action"' in response.text
    assert f'name="item-{item.pk}-outcome" value="familielos"' not in response.text
    assert f'name="item-{item.pk}-familielos"' not in response.text
    assert not AccessEvent.objects.filter(actor=member, object_type="meeting").exists()


def test_board__familielos_at_capacity__is_warned_not_refused(meeting, member):
    los = factories.familielos(username="los-full", first_name="Frida", last_name="Fullt")
    workflow.set_capacity(actor=factories.UserFactory(role="leader"), familielos=los, capacity=0)
    item = meeting.items.get()
    response = client_for(member).get(decide_url(meeting, item), **HTMX)
    assert re.search(r"Frida Fullt – 0 (of|av) 0", response.text)
    assert 'class="capacity-warning"' in response.text
    data = decision_data(item, outcome="familielos", reasons="Samansette behov.", familielos=los.pk)
    response = client_for(member).post(decide_url(meeting, item), data, **HTMX)
    assert response.status_code == 200
    assert Decision.objects.get(item=item).familielos == los


def test_board__meeting_not_begun__shows_the_cards_without_a_decision_form(team, leader, member):
    named_referral(team, family_name="Familien Berg", child_name="Emma")
    meeting = meeting_with(leader, team)
    item = meeting.items.get()
    for user in (member, leader):
        response = client_for(user).get(meeting.get_absolute_url())
        assert response.status_code == 200
        assert "Familien Berg (Emma)" in response.text
        assert decide_url(meeting, item) not in response.text
        assert f'name="item-{item.pk}-reasons"' not in response.text
        assert 'role="alert"' not in response.text


def test_board__meeting_begun__offers_every_undecided_card_its_decision_form_loaded_when_opened(team, leader, member):
    named_referral(team)
    anonymous_referral(team)
    meeting = meeting_with(leader, team, begun=True)
    response = client_for(member).get(meeting.get_absolute_url())
    assert meeting.items.count() == 2
    for item in meeting.items.all():
        assert f'hx-get="{decide_url(meeting, item)}"' in response.text
        assert f'name="item-{item.pk}-reasons"' not in response.text
        fragment = client_for(member).get(decide_url(meeting, item), **HTMX)
        assert fragment.status_code == 200
        assert f'name="item-{item.pk}-reasons"' in fragment.text
        assert "<article" not in fragment.text


def test_decision_form__a_field_an_outcome_needs__is_marked_needed_not_optional(meeting, member):
    item = meeting.items.get()
    fragment = client_for(member).get(decide_url(meeting, item), **HTMX).text
    for field in ("follow_up", "service", "question"):
        label = re.search(rf'<label for="id_item-{item.pk}-{field}">(.*?)</label>', fragment, re.S).group(1)
        assert shown("needed for this decision") in label
        assert shown("optional") not in label
    recommendations = re.search(rf'<label for="id_item-{item.pk}-recommendations">(.*?)</label>', fragment, re.S)
    assert shown("optional") in recommendations.group(1)


def test_decision_form__without_javascript__is_the_board_with_that_card_open(team, leader, member):
    named_referral(team, family_name="Familien Berg", child_name="Emma")
    anonymous_referral(team)
    meeting = meeting_with(leader, team, begun=True)
    opened, other = meeting.items.order_by("position", "pk")
    response = client_for(member).get(decide_url(meeting, opened))
    assert response.status_code == 200
    assert "Familien Berg (Emma)" in response.text
    assert f'name="item-{opened.pk}-reasons"' in response.text
    assert f'name="item-{other.pk}-reasons"' not in response.text


def test_decision_form__meeting_not_begun_or_item_decided__is_the_card_as_it_stands(team, leader, member):
    named_referral(team)
    meeting = meeting_with(leader, team)
    item = meeting.items.get()
    response = client_for(member).get(decide_url(meeting, item), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#item-{item.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert f'name="item-{item.pk}-reasons"' not in response.text
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=factories.begun_today())
    item.refresh_from_db()
    workflow.decide(actor=leader, item=item, outcome="no_action", reasons="Skulen handterer dette.")
    response = client_for(member).get(decide_url(meeting, item), **HTMX)
    assert response["HX-Retarget"] == f"#item-{item.pk}"
    assert "Skulen handterer dette." in response.text
    assert f'name="item-{item.pk}-reasons"' not in response.text


def test_decision_form__named_card__names_the_family_only_with_the_grant_and_records_that_view(team, leader, member):
    named_referral(team, family_name="Familien Berg", child_name="Emma")
    meeting = meeting_with(leader, team, begun=True)
    item = meeting.items.get()
    family_id = item.referral.case.family_id
    fragment = client_for(member).get(decide_url(meeting, item), **HTMX)
    assert "Familien Berg (Emma)" in fragment.text
    events = AccessEvent.objects.filter(actor=member, action=AccessAction.VIEW, object_type="meeting")
    assert list(events.values_list("family_id", flat=True)) == [family_id]
    # Without the family's grant the form names the case by its number only, and no view is recorded.
    access.revoke_group(team.group, item.referral.case.family)
    fragment = client_for(member).get(decide_url(meeting, item), **HTMX)
    assert fragment.status_code == 200
    assert "Familien Berg" not in fragment.text
    assert re.search(r"(Case|Sak) 1 \((no names|uten navn)\)", fragment.text)
    assert f'name="item-{item.pk}-reasons"' in fragment.text
    assert events.count() == 1


def test_decision_form__query_count_does_not_grow_with_the_familieloser(meeting, member, django_assert_max_num_queries):
    item = meeting.items.get()
    client = client_for(member)
    url = decide_url(meeting, item)
    factories.familielos(username="los-a")
    client.get(url, **HTMX)
    with CaptureQueriesContext(connection) as few:
        client.get(url, **HTMX)
    for number in range(10):
        factories.familielos(username=f"los-{number}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, **HTMX)
    assert response.text.count(f'name="item-{item.pk}-familielos"') == 11


def _board_queries(client, meeting) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(meeting.get_absolute_url()).status_code == 200
    return len(queries)


def test_board__query_count_does_not_grow_with_the_agenda(team, leader, django_assert_max_num_queries):
    factories.familielos(username="los-q")
    for number in range(5):
        named_referral(team, family_name=f"Familien {number}")
    small = meeting_with(leader, team, begun=True)
    # The 5 against 50 cards; most of the 45 new ones anonymous, which are cheap to make.
    for number in range(5, 50):
        named = number % 5 == 0
        (named_referral if named else anonymous_referral)(
            team, **({"family_name": f"Familien {number}"} if named else {})
        )
    large = meeting_with(leader, team, begun=True)
    assert large.items.count() == 45
    for number in range(5):
        workflow.add_to_agenda(
            actor=leader, meeting=large, referral=named_referral(team, family_name=f"Familien x{number}")
        )
    assert large.items.count() == 50
    client = client_for(leader)
    client.get(small.get_absolute_url())
    with django_assert_max_num_queries(12):
        small_count = _board_queries(client, small)
    assert _board_queries(client, large) == small_count


# Decisions through the page -------------------------------------------------------------------------------------


def test_decide__without_reasons__is_refused_on_the_card_and_nothing_is_saved(meeting, member):
    item = meeting.items.get()
    data = decision_data(item, outcome="no_action", reasons="   ")
    for headers in ({}, HTMX):
        response = client_for(member).post(decide_url(meeting, item), data, **headers)
        assert response.status_code == 200
        assert f'id="id_item-{item.pk}-reasons_error"' in response.text
        # The card opens at its error summary, the one place that takes focus (on a phone it is off screen else).
        assert len(re.findall(r"\bautofocus\b", response.text)) == 1
        assert re.search(r'<div class="error-summary" role="alert"[^>]*autofocus>', response.text)
    assert not Decision.objects.exists()
    case = item.referral.case
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.RESSURSTEAM, Status.OPEN)


def test_decide__meeting_not_begun__is_refused_on_the_card_and_nothing_is_saved(team, leader, member):
    named_referral(team)
    meeting = meeting_with(leader, team)
    item = meeting.items.get()
    data = decision_data(item, outcome="no_action", reasons="Ikkje behov no.")
    for headers in ({}, HTMX):
        response = client_for(member).post(decide_url(meeting, item), data, **headers)
        assert response.status_code == 200
        assert 'role="alert"' in response.text
        assert "Ikkje behov no." in response.text  # what the member wrote, kept
    assert not Decision.objects.exists()
    referral = item.referral
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ON_AGENDA
    case = referral.case
    case.refresh_from_db()
    assert (case.level, case.status) == (Level.RESSURSTEAM, Status.OPEN)


def test_decide__familielos_chosen_but_no_reasons__the_card_keeps_the_choice(meeting, member):
    los = factories.familielos(username="los-valt")
    item = meeting.items.get()
    data = decision_data(item, outcome="familielos", familielos=los.pk, reasons="")
    response = client_for(member).post(decide_url(meeting, item), data, **HTMX)
    assert response.status_code == 200
    assert f'value="{los.pk}" id="id_item-{item.pk}-familielos_0" checked' in response.text
    assert not Decision.objects.exists()


def test_decide__arena_without_follow_up__keeps_the_typed_text(meeting, member):
    item = meeting.items.get()
    data = decision_data(item, outcome="arena", reasons="Tiltak i klassen først.", recommendations="Fast vaksen.")
    response = client_for(member).post(decide_url(meeting, item), data, **HTMX)
    assert f'id="id_item-{item.pk}-follow_up_error"' in response.text
    assert "Tiltak i klassen først." in response.text
    assert "Fast vaksen." in response.text
    assert not Decision.objects.exists()


def test_decide__no_action__closes_the_case_and_the_card_shows_the_decision(meeting, member):
    item = meeting.items.get()
    data = decision_data(item, outcome="no_action", reasons="Ikkje behov no.")
    response = client_for(member).post(decide_url(meeting, item), data, **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<article id="item-{item.pk}"')
    assert "Ikkje behov no." in response.text
    assert f'name="item-{item.pk}-reasons"' not in response.text
    case = item.referral.case
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert AccessEvent.objects.filter(actor=member, action=AccessAction.CHANGE, family_id=case.family_id).exists()


def test_decide__arena__steps_down_to_level_1_with_the_follow_up(meeting, member):
    item = meeting.items.get()
    follow_up = timezone.localdate() + timedelta(days=30)
    data = decision_data(
        item,
        outcome="arena",
        reasons="Prøv i klassen.",
        recommendations="Fast vaksen.",
        follow_up=follow_up.isoformat(),
    )
    response = client_for(member).post(decide_url(meeting, item), data)
    assert response.status_code == 302
    assert response.url.endswith(f"#item-{item.pk}")
    case = item.referral.case
    case.refresh_from_db()
    assert case.level == Level.AVKLARING
    assert Decision.objects.get(item=item).follow_up == follow_up


def test_decide__more_info__returns_the_referral_with_the_question(meeting, member):
    item = meeting.items.get()
    data = decision_data(item, outcome="more_info", reasons="Uklart.", question="Kva seier PPT?")
    client_for(member).post(decide_url(meeting, item), data, **HTMX)
    referral = item.referral
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    assert referral.returned_question == "Kva seier PPT?"


def test_decide__other_service__keeps_level_2_and_names_the_service(meeting, member, team):
    item = meeting.items.get()
    ppt = team.units.get()
    data = decision_data(item, outcome="other_service", reasons="PPT kartlegg.", service=ppt.pk, note="Haster litt.")
    response = client_for(member).post(decide_url(meeting, item), data, **HTMX)
    assert ppt.name in response.text
    decision = Decision.objects.get(item=item)
    assert (decision.service, decision.recommendations) == (ppt, "Haster litt.")


def test_decide__familielos_waiting_for_consent__offers_confirm_once_consent_is_there(meeting, member):
    from cases import workflow as case_workflow

    los = factories.familielos(username="los-v")
    item = meeting.items.get()
    url = decide_url(meeting, item)
    response = client_for(member).post(
        url, decision_data(item, outcome="familielos", reasons="Samansett.", familielos=los.pk), **HTMX
    )
    confirm = reverse("teams:meeting_confirm", args=[meeting.pk, item.pk])
    assert confirm not in response.text
    case = item.referral.case
    factories.give_consent(case, units=case_workflow.familielos_units(los))
    assert confirm in client_for(member).get(meeting.get_absolute_url()).text
    response = client_for(member).post(confirm, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.level == Level.FAMILIELOS


def test_decide__second_member_after_the_first__sees_the_winning_decision_and_keeps_their_text(meeting, leader, member):
    item = meeting.items.get()
    first, second = client_for(member), client_for(leader)
    # Both have the board open; the member saves first.
    first.get(meeting.get_absolute_url())
    second.get(meeting.get_absolute_url())
    first.post(decide_url(meeting, item), decision_data(item, outcome="no_action", reasons="Ikkje behov no."), **HTMX)
    typed = decision_data(item, outcome="more_info", reasons="Vi treng meir.", question="Kva har skulen prøvd?")
    response = second.post(decide_url(meeting, item), typed, **HTMX)
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert "Ikkje behov no." in response.text  # the decision that stands
    assert "Vi treng meir." in response.text  # what the second member wrote, kept
    assert "Kva har skulen prøvd?" in response.text
    assert Decision.objects.get(item=item).decided_by == member


def test_decide__second_member_with_an_outcome_field_missing__still_sees_the_winning_decision_and_keeps_text(
    meeting, leader, member
):
    item = meeting.items.get()
    first, second = client_for(member), client_for(leader)
    first.post(decide_url(meeting, item), decision_data(item, outcome="no_action", reasons="Ikkje behov no."), **HTMX)
    # "More information" without its question: the form is not valid, but what matters is the decision taken.
    typed = decision_data(item, outcome="more_info", reasons="Vi treng meir.", question="")

    for response in (
        second.post(decide_url(meeting, item), typed, **HTMX),
        second.post(decide_url(meeting, item), typed),
    ):
        assert response.status_code == 200
        assert (
            shown("Another member recorded a decision on this referral first. Nothing was overwritten.")
            in response.text
        )
        assert "Ikkje behov no." in response.text
        assert "Vi treng meir." in response.text
    assert Decision.objects.get(item=item).decided_by == member


def test_decide__the_same_form_sent_twice__is_recorded_once_and_the_board_shows_it(meeting, member):
    item = meeting.items.get()
    client = client_for(member)
    form = client.get(decide_url(meeting, item), **HTMX).text
    sent = {**decision_data(item, outcome="no_action", reasons="Ikkje behov no."), "once": form_token(form)}
    client.post(decide_url(meeting, item), sent, **HTMX)

    again = client.post(decide_url(meeting, item), sent, **HTMX)

    # htmx opens the board at the card: the decision as recorded, and a note that the form was sent twice.
    assert again["HX-Redirect"] == f"{meeting.get_absolute_url()}#item-{item.pk}"
    assert shown(SENT_TWICE) in client.get(meeting.get_absolute_url()).text
    assert Decision.objects.filter(item=item).count() == 1


def test_decide__another_decision_by_the_same_member_in_a_second_window__says_it_was_theirs(meeting, member):
    item = meeting.items.get()
    client = client_for(member)
    client.post(decide_url(meeting, item), decision_data(item, outcome="no_action", reasons="Ikkje behov no."), **HTMX)

    other = decision_data(item, outcome="more_info", reasons="Vi treng meir.", question="Kva har skulen prøvd?")
    response = client.post(decide_url(meeting, item), other, **HTMX)

    assert shown("You recorded a decision on this referral first, in another window. Nothing was overwritten.") in (
        response.text
    )
    assert "Vi treng meir." in response.text
    assert Decision.objects.get(item=item).outcome == "no_action"


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2999-01-01"])
def test_meeting_new__date_outside_a_year_back_and_two_ahead__is_a_field_error(team, leader, day):
    response = client_for(leader).post(reverse("teams:meeting_new", args=[team.pk]), {"date": day, "time": "00:30"})
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not Meeting.objects.exists()


def test_decide__reasons_longer_than_the_limit__is_a_field_error_and_nothing_is_saved(team, leader, member):
    named_referral(team)
    meeting = meeting_with(leader, team, begun=True)
    item = meeting.items.get()
    data = decision_data(item, outcome="no_action", reasons="x" * 5001)
    response = client_for(member).post(decide_url(meeting, item), data)
    assert response.status_code == 200
    assert not Decision.objects.exists()


# Moving and cancelling a meeting --------------------------------------------------------------------------------


def _move(meeting, **changes):
    return {"date": NEXT_MONTH, "time": "14:00", "place": "Møterom 4", **changes}


def test_meeting_edit__leader_moves_it__with_its_agenda(team, leader):
    referral = named_referral(team)
    meeting = meeting_with(leader, team)
    client = client_for(leader)
    board = client.get(reverse("teams:meeting_detail", args=[meeting.pk]))
    assert reverse("teams:meeting_edit", args=[meeting.pk]) in board.text
    assert client.get(reverse("teams:meeting_edit", args=[meeting.pk])).context["form"].initial["place"] == "Rådhuset"

    response = client.post(reverse("teams:meeting_edit", args=[meeting.pk]), _move(meeting))

    assert response.status_code == 302
    assert response.url == reverse("teams:meeting_detail", args=[meeting.pk])
    meeting.refresh_from_db()
    moved_to = timezone.localtime(meeting.starts_at)
    assert (moved_to.date().isoformat(), moved_to.strftime("%H:%M"), meeting.place) == (
        NEXT_MONTH,
        "14:00",
        "Møterom 4",
    )
    assert [item.referral for item in meeting.items.all()] == [referral]
    assert f"{moved_to:%d.%m.%Y} 14:00" in client.get(response.url).text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": ""}, "date"),
        ({"date": "9999-12-31"}, "date"),
        ({"date": "i morgon"}, "date"),
        ({"time": "25:00"}, "time"),
        ({"place": "\u200b"}, "place"),
        ({"place": "x" * 201}, "place"),
    ],
)
def test_meeting_edit__bad_input__shows_the_error_keeps_the_input_and_moves_nothing(team, leader, changes, field):
    meeting = meeting_with(leader, team)
    response = client_for(leader).post(
        reverse("teams:meeting_edit", args=[meeting.pk]), _move(meeting, **{"place": "Møterom 4", **changes})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "Møterom 4" in response.text or field == "place"
    assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at


def test_meeting_edit__to_a_day_before_a_referral_on_its_agenda_was_sent__is_refused(team, leader):
    named_referral(team)
    meeting = meeting_with(leader, team)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_for(leader).post(reverse("teams:meeting_edit", args=[meeting.pk]), _move(meeting, date=yesterday))
    assert response.status_code == 200
    with translation.override("nb"):
        said = ngettext(
            "%(count)s referral on the agenda was sent after that day: take it off the agenda, or choose a later day.",
            "%(count)s referrals on the agenda were sent after that day: take them off the agenda, or choose a later "
            "day.",
            1,
        ) % {"count": 1}
    assert response.context["refusal"] == said
    assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at


def _double_booking_refusal(at) -> str:
    at = timezone.localtime(at)
    with translation.override("nb"):
        text = gettext("The team already has a meeting on %(day)s at %(time)s: move that one, or choose another time.")
        return text % {"day": f"{at:%d.%m.%Y}", "time": f"{at:%H:%M}"}


def test_meeting_new__at_the_time_of_the_teams_other_meeting__is_refused_and_keeps_the_input(team, leader):
    url = reverse("teams:meeting_new", args=[team.pk])
    client = client_for(leader)
    assert client.post(url, {"date": NEXT_MONTH, "time": "09:30", "place": "Møterom 2"}).status_code == 302
    first = Meeting.objects.get()

    response = client.post(url, {"date": NEXT_MONTH, "time": "09:30", "place": "Rådhuset"})

    assert response.status_code == 200
    assert response.context["refusal"] == _double_booking_refusal(first.starts_at)
    assert 'value="Rådhuset"' in response.text
    assert list(Meeting.objects.all()) == [first]
    # Another time that day is another meeting.
    assert client.post(url, {"date": NEXT_MONTH, "time": "13:00", "place": "Rådhuset"}).status_code == 302


def test_meeting_edit__onto_the_time_of_the_teams_other_meeting__is_refused(team, leader):
    meeting = meeting_with(leader, team)
    week_later = (meeting.starts_at + timedelta(days=7)).replace(second=0, microsecond=0)
    other = workflow.create_meeting(actor=leader, team=team, starts_at=week_later)
    other_at = timezone.localtime(other.starts_at)

    response = client_for(leader).post(
        reverse("teams:meeting_edit", args=[meeting.pk]),
        _move(meeting, date=other_at.date().isoformat(), time=f"{other_at:%H:%M}"),
    )

    assert response.status_code == 200
    assert response.context["refusal"] == _double_booking_refusal(other.starts_at)
    assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at
    # Saved again at its own time (a new place only), it is not its own double.
    at = timezone.localtime(meeting.starts_at)
    again = _move(meeting, date=at.date().isoformat(), time=f"{at:%H:%M}", place="Møterom 5")
    assert client_for(leader).post(reverse("teams:meeting_edit", args=[meeting.pk]), again).status_code == 302


def test_meeting_edit__plain_member__is_refused_readably_and_not_offered(meeting, member):
    client = client_for(member)
    url = reverse("teams:meeting_edit", args=[meeting.pk])
    assert url not in client.get(reverse("teams:meeting_detail", args=[meeting.pk])).text
    for response in (client.get(url), client.post(url, _move(meeting))):
        assert response.status_code == 403
        assert LEADER_OR_SECRETARY.search(response.text)
        assert "<form" not in response.text.split("<main", 1)[1]
    cancelled = client.post(reverse("teams:meeting_cancel", args=[meeting.pk]), follow=True)
    assert LEADER_OR_SECRETARY.search(cancelled.text)
    assert Meeting.objects.filter(pk=meeting.pk, starts_at=meeting.starts_at).exists()
    with pytest.raises(workflow.Refused):
        workflow.reschedule_meeting(actor=member, meeting=meeting, starts_at=timezone.now() + timedelta(days=9))
    with pytest.raises(workflow.Refused):
        workflow.cancel_meeting(actor=member, meeting=meeting)


def test_meeting_edit__a_meeting_with_a_decision__is_neither_moved_nor_cancelled(meeting, leader):
    item = meeting.items.get()
    workflow.decide(actor=leader, item=item, outcome=Outcome.NO_ACTION, reasons="Ikkje behov.")
    client = client_for(leader)
    refusal = shown("The team has recorded decisions in this meeting, so it stays as it is in the minutes.")

    board = client.get(reverse("teams:meeting_detail", args=[meeting.pk]))
    edit = client.post(reverse("teams:meeting_edit", args=[meeting.pk]), _move(meeting))
    cancel = client.post(reverse("teams:meeting_cancel", args=[meeting.pk]), follow=True)

    assert reverse("teams:meeting_edit", args=[meeting.pk]) not in board.text
    assert edit.status_code == 403
    assert refusal in edit.text
    assert refusal in cancel.text
    assert Meeting.objects.filter(pk=meeting.pk, starts_at=meeting.starts_at).exists()


def test_meeting_cancel__leader__its_referrals_wait_again_and_sent_twice_cancels_once(team, leader):
    first, second = named_referral(team, family_name="Familien A"), named_referral(team, family_name="Familien B")
    meeting = meeting_with(leader, team)
    assert set(Referral.objects.values_list("status", flat=True)) == {ReferralStatus.ON_AGENDA}

    cancelled, again = post_twice(client_for(leader), reverse("teams:meeting_cancel", args=[meeting.pk]), {})

    assert cancelled.url == reverse("teams:team_detail", args=[team.pk])
    assert again.redirect_chain == [(cancelled.url, 302)]
    assert not Meeting.objects.exists()
    assert {first.pk, second.pk} == set(
        Referral.objects.filter(status=ReferralStatus.SENT).values_list("pk", flat=True)
    )
    changed = AccessEvent.objects.filter(action=AccessAction.CHANGE, object_type="referral")
    assert set(changed.values_list("family_id", flat=True)) == {first.case.family_id, second.case.family_id}
    replanned = meeting_with(leader, team)
    assert replanned.items.count() == 2


def test_decide__in_a_meeting_cancelled_meanwhile__is_refused(meeting, leader, member):
    item = meeting.items.get()
    workflow.cancel_meeting(actor=leader, meeting=meeting)

    with pytest.raises(workflow.Refused, match="cancelled meanwhile"):
        workflow.decide(actor=member, item=item, outcome=Outcome.NO_ACTION, reasons="Ikkje behov.")
    assert not Decision.objects.exists()


def test_decide__the_meeting_cancelled_while_it_was_sent__goes_to_the_team_page_with_the_reason(
    meeting, leader, member, monkeypatch
):
    item = meeting.items.get()
    decide = workflow.decide

    def cancelled_first(**kwargs):
        # The leader's cancel commits between the member's page loading the card and the decision taking its lock.
        workflow.cancel_meeting(actor=leader, meeting=meeting)
        return decide(**kwargs)

    monkeypatch.setattr(workflow, "decide", cancelled_first)
    # Without the claim's own transaction, which would take the cancel back with the refused decision.
    monkeypatch.setattr(
        once, "claim", lambda request: contextlib.nullcontext(SimpleNamespace(shown_at=lambda url: None))
    )
    client = client_for(member)
    sent = decision_data(item, outcome="no_action", reasons="Ikkje behov.")

    response = client.post(decide_url(meeting, item), sent, **HTMX)

    team_page = reverse("teams:team_detail", args=[meeting.team_id])
    assert response["HX-Redirect"] == team_page
    assert (
        shown("The meeting was cancelled meanwhile: its referrals wait for another meeting.")
        in client.get(team_page).text
    )
    assert not Decision.objects.exists()


@pytest.mark.parametrize("htmx", [True, False])
def test_decide__the_card_taken_off_the_agenda_before_it_was_sent__goes_to_the_board_with_the_reason(
    meeting, leader, member, htmx
):
    item = meeting.items.get()
    sent = decision_data(item, outcome="no_action", reasons="Ikkje behov.")
    workflow.remove_from_agenda(actor=leader, item=item)
    client = client_for(member)

    response = client.post(decide_url(meeting, item), sent, **(HTMX if htmx else {}))

    board = meeting.get_absolute_url()
    assert (response["HX-Redirect"] if htmx else response.url) == board
    assert shown("This referral was withdrawn or taken off the agenda meanwhile.") in client.get(board).text
    assert not Decision.objects.exists()


def test_decision_form__of_a_card_taken_off_the_agenda__is_404(meeting, leader, member):
    item = meeting.items.get()
    workflow.remove_from_agenda(actor=leader, item=item)

    assert client_for(member).get(decide_url(meeting, item), **HTMX).status_code == 404


def test_decide__in_a_meeting_cancelled_before_it_was_sent__is_a_not_saved_notice(meeting, leader, member):
    item = meeting.items.get()
    workflow.cancel_meeting(actor=leader, meeting=meeting)

    response = client_for(member).post(
        decide_url(meeting, item), decision_data(item, outcome="no_action", reasons="Ikkje behov."), **HTMX
    )

    # The meeting is gone, and with it what its team was: a notice put before the card, which keeps the text.
    assert response.status_code == 404
    assert response["HX-Reswap"] == "beforebegin"
    assert shown("Not saved") in response.text
    assert not Decision.objects.exists()


def test_meeting_cancel__opened_from_the_edit_page__asks_first_and_changes_nothing(meeting, leader, member):
    url = reverse("teams:meeting_cancel", args=[meeting.pk])
    assert f'href="{url}"' in client_for(leader).get(reverse("teams:meeting_edit", args=[meeting.pk])).text

    page = client_for(leader).get(url)

    assert page.status_code == 200
    assert shown("Yes, cancel the meeting") in page.text
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    refused = client_for(member).get(url)
    assert refused.status_code == 403
    assert LEADER_OR_SECRETARY.search(refused.text)
    assert shown("Yes, cancel the meeting") not in refused.text
