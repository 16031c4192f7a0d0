"""The team pages: the member's teams, one team's page with its statistics, and the familieloser's capacity."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import access
from cases.models import Level
from familielos import roles
from familielos.models import AccessEvent, ServiceKind
from teams import workflow
from teams.models import FamilielosCapacity, Outcome, Referral, ReferralStatus, TeamRole, Urgency
from teams.selectors import school_term, waiting_summary
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# A whole request (session, user, permissions, the page's reads, one audit insert), however many referrals.
QUERY_BUDGET = 15


@pytest.fixture
def team():
    team = factories.RessursteamFactory(name="Ressursteam vest", meeting_schedule="Annan kvar tysdag kl. 9")
    team.covers.add(factories.ServiceUnitFactory(name="Vestbygd skule", kind=ServiceKind.SKOLE))
    return team


@pytest.fixture
def leader(team):
    return factories.team_member(team, role=TeamRole.LEADER, username="rt-leiar", first_name="Lise", last_name="Leiar")


@pytest.fixture
def member(team):
    return factories.team_member(team, username="rt-medlem", first_name="Mats", last_name="Medlem")


@pytest.fixture
def other_member():
    """A member of another ressursteam: sees nothing of this team."""
    return factories.team_member(factories.RessursteamFactory(name="Ressursteam aust"), username="rt-aust")


def named_referral(team, *, family_name="Familien Berg", urgency=Urgency.NORMAL, opener=None):
    case, *_ = factories.case_at(Level.AVKLARING, opener=opener, family_name=family_name)
    factories.give_consent(case, units=team.units.all())
    referral = workflow.create_referral(
        actor=case.opened_by, team=team, case=case, question="Treng vi fleire tenester?", urgency=urgency
    )
    return workflow.send_referral(actor=case.opened_by, referral=referral)


def anonymous_referral(team, *, question="Eit barn i 3. klasse er mykje borte.", urgency=Urgency.NORMAL):
    staff = factories.unit_staff()
    unit = factories.MembershipFactory(user=staff, unit__kind=ServiceKind.SKOLE).unit
    referral = workflow.create_referral(actor=staff, team=team, unit=unit, question=question, urgency=urgency)
    return workflow.send_referral(actor=staff, referral=referral)


def sent_days_ago(referral, days):
    sent_at = timezone.now() - timedelta(days=days)
    Referral.objects.filter(pk=referral.pk).update(sent_at=sent_at, waiting_since=sent_at)
    return referral


def decided(team, leader, outcome, *, referral=None, **fields):
    """A referral of `team` decided with `outcome` in a meeting planned now."""
    referral = referral or anonymous_referral(team)
    meeting = workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today())
    item = meeting.items.get(referral=referral)
    defaults = {
        Outcome.ARENA: {"follow_up": timezone.localdate() + timedelta(days=30)},
        Outcome.OTHER_SERVICE: {"service": team.units.first()},
        Outcome.MORE_INFO: {"question": "Kor lenge har det vart?"},
    }.get(outcome, {})
    return workflow.decide(actor=leader, item=item, outcome=outcome, reasons="Drøfta i møtet.", **defaults | fields)


def _nb(message: str) -> str:
    """A message as the pages show it (in Bokmål, the default language)."""
    with translation.override("nb"):
        return translation.gettext(message)


def team_url(team):
    return reverse("teams:team_detail", args=[team.pk])


# Access ---------------------------------------------------------------------------------------------------------


def test_team_urls__anonymous__redirect_to_login(team, client):
    for url in (reverse("teams:team_list"), team_url(team), reverse("teams:capacity")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert client.post(reverse("teams:capacity"), {"capacity": "3"}).url.startswith(reverse("login"))


def test_team_detail__member_of_another_team_or_no_team__is_404(team, other_member, staff_client):
    assert client_for(other_member).get(team_url(team)).status_code == 404
    assert staff_client.get(team_url(team)).status_code == 404


def test_team_detail__missing_team__is_the_same_404(member):
    assert client_for(member).get(reverse("teams:team_detail", args=[999999])).status_code == 404


def test_team_detail__member__sees_members_with_roles_services_schools_and_schedule(team, leader, member):
    response = client_for(member).get(team_url(team))
    assert response.status_code == 200
    text = response.text
    assert [(m.user.get_full_name(), m.role) for m in response.context["members"]] == [
        ("Lise Leiar", TeamRole.LEADER),
        ("Mats Medlem", TeamRole.MEMBER),
    ]
    assert "Lise Leiar" in text
    assert _nb("Team leader") in text
    assert team.units.get().name in text
    assert "Vestbygd skule" in text
    assert "Annan kvar tysdag kl. 9" in text


def test_team_detail__leader_sees_plan_a_meeting__a_plain_member_does_not(team, leader, member):
    new_meeting = reverse("teams:meeting_new", args=[team.pk])
    assert new_meeting in client_for(leader).get(team_url(team)).text
    assert new_meeting not in client_for(member).get(team_url(team)).text


def test_team_list__one_team__redirects_to_it(team, member):
    response = client_for(member).get(reverse("teams:team_list"))
    assert response.status_code == 302
    assert response.url == team_url(team)


def test_team_list__two_teams__lists_both_with_the_role(team, member):
    second = factories.RessursteamFactory(name="Ressursteam nord")
    second.members.create(user=member, role=TeamRole.SECRETARY)
    member.groups.add(second.group)
    response = client_for(member).get(reverse("teams:team_list"))
    assert response.status_code == 200
    assert [m.team.name for m in response.context["memberships"]] == ["Ressursteam nord", "Ressursteam vest"]
    assert _nb("Secretary") in response.text


def test_team_list__no_team__says_so(staff_client):
    response = staff_client.get(reverse("teams:team_list"))
    assert response.status_code == 200
    assert response.context["memberships"] == []
    assert _nb("You are not a member of any ressursteam.") in response.text


def test_team_list__no_team__lists_the_teams_and_what_they_cover_and_no_family(team, staff_client):
    named_referral(team, family_name="Familien Berg")

    response = staff_client.get(reverse("teams:team_list"))

    assert response.status_code == 200
    assert "Ressursteam vest" in response.text
    assert "Vestbygd skule" in response.text
    assert "Annan kvar tysdag kl. 9" in response.text
    assert "Familien Berg" not in response.text
    assert team_url(team) not in response.text


# Statistics -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (date(2026, 8, 1), (date(2026, 8, 1), date(2026, 12, 31))),
        (date(2026, 12, 31), (date(2026, 8, 1), date(2026, 12, 31))),
        (date(2027, 1, 1), (date(2027, 1, 1), date(2027, 7, 31))),
        (date(2027, 7, 31), (date(2027, 1, 1), date(2027, 7, 31))),
    ],
)
def test_school_term__autumn_from_august__spring_from_january(day, term):
    assert school_term(day) == term


@pytest.mark.parametrize(
    ("days", "median", "longest"),
    [([], None, None), ([5], 5, 5), ([1, 4, 10, 30], 7, 30), ([3, 0, 9], 3, 9)],
)
def test_waiting_summary__median_and_longest(days, median, longest):
    assert waiting_summary(days) == {"median": median, "longest": longest}


def test_team_detail__waiting_referrals__median_and_longest_days_of_those_still_waiting(team, leader, member):
    for days in (1, 4, 10, 30):
        sent_days_ago(anonymous_referral(team), days)
    decided(team, leader, Outcome.NO_ACTION, referral=sent_days_ago(anonymous_referral(team), 90))
    withdrawn = sent_days_ago(anonymous_referral(team), 80)
    workflow.withdraw_referral(actor=withdrawn.sender, referral=withdrawn)
    returned = decided(team, leader, Outcome.MORE_INFO, referral=sent_days_ago(anonymous_referral(team), 2))
    assert Referral.objects.get(pk=returned.item.referral_id).status == ReferralStatus.RETURNED
    response = client_for(member).get(team_url(team))
    assert sorted(referral.waiting_days for referral in response.context["waiting"]) == [1, 2, 4, 10, 30]
    assert response.context["waiting_summary"] == {"median": 4, "longest": 30}


def test_team_detail__decisions_per_outcome__this_term_only_and_this_team_only(team, leader, member):
    for outcome in (Outcome.NO_ACTION, Outcome.NO_ACTION, Outcome.ARENA, Outcome.OTHER_SERVICE, Outcome.MORE_INFO):
        decided(team, leader, outcome)
    last_term = decided(team, leader, Outcome.NO_ACTION)
    start, _end = school_term(timezone.localdate())
    type(last_term).objects.filter(pk=last_term.pk).update(decided_at=timezone.now().replace(year=start.year - 1))
    other_team = factories.RessursteamFactory(name="Ressursteam aust")
    decided(other_team, factories.team_member(other_team, role=TeamRole.LEADER), Outcome.NO_ACTION)
    response = client_for(member).get(team_url(team))
    counts = {row["outcome"].value: row["count"] for row in response.context["outcomes"]}
    assert counts == {"arena": 1, "other_service": 1, "familielos": 0, "more_info": 1, "no_action": 2}


def test_team_detail__names__only_with_the_grant__anonymous_never(team, member):
    named_referral(team, family_name="Familien Synleg")
    hidden = named_referral(team, family_name="Familien Løynd")
    access.revoke_group(team.group, hidden.case.family)
    anonymous_referral(team, question="Eit barn i 3. klasse er mykje borte.")
    text = client_for(member).get(team_url(team)).text
    assert "Familien Synleg" in text
    assert "Familien Løynd" not in text
    assert "Kari" not in text
    assert _nb("Anonymous discussion case") in text
    assert _nb("Named referral") in text


def test_team_detail__records_one_view_event_per_named_family_shown(team, member):
    shown = named_referral(team, family_name="Familien Synleg")
    hidden = named_referral(team, family_name="Familien Løynd")
    access.revoke_group(team.group, hidden.case.family)
    anonymous_referral(team)
    client_for(member).get(team_url(team))
    events = AccessEvent.objects.filter(actor=member)
    assert [(event.family_id, event.action, event.object_type) for event in events] == [
        (shown.case.family_id, "view", "ressursteam")
    ]


def test_team_detail__past_and_coming_meetings_link_to_the_meeting(team, leader, member):
    past = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() - timedelta(days=14))
    coming = workflow.create_meeting(actor=leader, team=team, starts_at=timezone.now() + timedelta(days=7))
    response = client_for(member).get(team_url(team))
    assert list(response.context["upcoming"]) == [coming]
    assert list(response.context["past"]) == [past]
    assert coming.get_absolute_url() in response.text
    assert reverse("teams:meeting_minutes", args=[past.pk]) in response.text


def _lists(member, team):
    """The coming and past meetings as the team page, the meetings list and the start page show them."""
    page = client_for(member).get(team_url(team)).context
    listed = client_for(member).get(reverse("teams:meeting_list")).context
    (panel,) = client_for(member).get(reverse("home")).context["panels"]
    return {
        "team page": (list(page["upcoming"]), list(page["past"])),
        "meetings list": (list(listed["upcoming"]), list(listed["past"])),
        "start page": panel["next_meeting"],
    }


def test_coming_meetings__one_under_way__is_coming_on_every_page_until_its_agenda_is_decided(team, leader, member):
    anonymous_referral(team)
    under_way = workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today())
    assert _lists(member, team) == {
        "team page": ([under_way], []),
        "meetings list": ([under_way], []),
        "start page": under_way,
    }
    assert re.search(r"Under way|Pågår", client_for(member).get(team_url(team)).text)
    item = under_way.items.get()
    workflow.decide(actor=leader, item=item, outcome=Outcome.NO_ACTION, reasons="Skulen handterer dette.")
    assert _lists(member, team) == {
        "team page": ([], [under_way]),
        "meetings list": ([], [under_way]),
        "start page": None,
    }


@pytest.mark.parametrize("case", ["begun yesterday, undecided", "begun today, nothing on the agenda"])
def test_coming_meetings__begun_yesterday_or_with_nothing_to_decide__is_past_on_every_page(team, leader, member, case):
    if case == "begun yesterday, undecided":
        # Sent before the meeting: a meeting does not take a referral sent after its day.
        sent_days_ago(anonymous_referral(team), 2)
        meeting = workflow.create_meeting(
            actor=leader, team=team, starts_at=factories.begun_today() - timedelta(days=1)
        )
        assert meeting.items.exists()
    else:
        meeting = workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today())
        assert not meeting.items.exists()
    assert _lists(member, team) == {"team page": ([], [meeting]), "meetings list": ([], [meeting]), "start page": None}


def _grow(team, leader, count):
    for n in range(count):
        referral = anonymous_referral(team, urgency=Urgency.URGENT if n % 3 == 0 else Urgency.NORMAL)
        if n % 2:
            decided(team, leader, Outcome.NO_ACTION, referral=referral)
    for n in range(count // 5):
        named_referral(team, family_name=f"Familien {count}-{n}")


def test_team_detail__queries_are_the_same_with_5_and_25_referrals(team, leader, member, django_assert_max_num_queries):
    client = client_for(member)
    _grow(team, leader, 5)
    client.get(team_url(team))  # what a session's first request does once
    with django_assert_max_num_queries(QUERY_BUDGET) as small:
        assert client.get(team_url(team)).status_code == 200
    _grow(team, leader, 20)
    with django_assert_max_num_queries(len(small)):
        assert client.get(team_url(team)).status_code == 200


# Familielos capacity --------------------------------------------------------------------------------------------


@pytest.fixture
def boss():
    return factories.UserFactory(role=roles.LEADER, username="leiar")


@pytest.fixture
def los():
    return factories.familielos(username="los", first_name="Frida", last_name="Los")


def test_capacity__anonymous_login__not_a_leader_our_403__leader_200(boss, los, member, client):
    url = reverse("teams:capacity")
    assert client.get(url).url.startswith(reverse("login"))
    assert client_for(member).get(url).status_code == 403
    assert client_for(member).post(url, {"familielos": los.pk, "capacity": 3}).status_code == 403
    assert client_for(los).get(url).status_code == 403
    assert client_for(boss).get(url).status_code == 200
    assert not FamilielosCapacity.objects.exists()


def test_capacity__shows_each_familielos_open_level_3_families_against_capacity(boss, los, settings):
    settings.FAMILIELOS_CASELOAD_WARNING = 1
    factories.case_at(Level.FAMILIELOS, los=los)
    response = client_for(boss).get(reverse("teams:capacity"))
    row = next(row for row in response.context["rows"] if row.pk == los.pk)
    assert (row.caseload, row.capacity, row.full) == (1, 1, True)
    assert "Frida Los" in response.text
    assert _nb("At capacity") in response.text


def test_capacity__leader_sets_it__saved_and_said(boss, los):
    response = client_for(boss).post(reverse("teams:capacity"), {"familielos": los.pk, "capacity": "6"}, follow=True)
    assert FamilielosCapacity.objects.get(user=los).capacity == 6
    with translation.override("nb"):
        said = translation.ngettext(
            "%(name)s can now follow %(count)s family.", "%(name)s can now follow %(count)s families.", 6
        ) % {"name": "Frida Los", "count": 6}
    assert said in response.text


@pytest.mark.parametrize(
    ("capacity", "error", "params"),
    [
        ("-1", "Ensure this value is greater than or equal to %(limit_value)s.", {"limit_value": 0}),
        ("sju", "Write a whole number.", {}),
        ("1000000", "Ensure this value is less than or equal to %(limit_value)s.", {"limit_value": 30}),
        ("", "This field is required.", {}),
    ],
)
def test_capacity__bad_number__readable_error_at_the_field_and_nothing_saved(boss, los, capacity, error, params):
    response = client_for(boss).post(reverse("teams:capacity"), {"familielos": los.pk, "capacity": capacity})
    assert response.status_code == 200
    assert (_nb(error) % params if params else _nb(error)) in response.text
    assert f'aria-describedby="capacity-{los.pk}-error"' in response.text
    assert f'href="#capacity-{los.pk}"' in response.text
    assert re.search(r'<div class="error-summary"[^>]*\bautofocus\b', response.text)
    assert not FamilielosCapacity.objects.exists()


@pytest.mark.parametrize("who", ["another_user", "missing", "text"])
def test_capacity__not_a_familielos__readable_error_and_nothing_saved(boss, los, member, who):
    familielos = {"another_user": member.pk, "missing": 999999, "text": "x"}[who]
    response = client_for(boss).post(reverse("teams:capacity"), {"familielos": familielos, "capacity": "4"})
    assert response.status_code == 200
    assert _nb("The person chosen is not a familielos.") in response.text
    assert not FamilielosCapacity.objects.exists()


def test_team_list__no_team__queries_are_the_same_with_2_and_8_teams(staff_client, django_assert_max_num_queries):
    def add_teams(count):
        for _ in range(count):
            team = factories.RessursteamFactory()
            team.covers.add(factories.ServiceUnitFactory(), factories.ServiceUnitFactory())

    add_teams(2)
    with django_assert_max_num_queries(9) as few:
        assert len(staff_client.get(reverse("teams:team_list")).context["directory"]) == 2
    add_teams(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(staff_client.get(reverse("teams:team_list")).context["directory"]) == 8
