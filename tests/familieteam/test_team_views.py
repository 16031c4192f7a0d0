"""The familieteam's own pages: the team with its plan, members and meetings; adding and removing members; booking,
changing and finishing meetings. The familielos does each thing through the pages, a service member reads, and
everyone else (the ressursteam, the case's opener, another familielos, a removed member) gets a 404."""

import re
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import ngettext

from cases import access, actions
from cases import workflow as case_workflow
from cases.models import Case, Level
from familielos.errors import Refused
from familielos.models import AccessAction, AccessEvent, Membership
from familieteam import plan, workflow
from familieteam.models import (
    Column,
    EvaluationResult,
    FamilieteamMeeting,
    Frequency,
    LifeArea,
    MeetingStatus,
    MemberKind,
)
from stafettlogg.events import Event
from stafettlogg.models import Entry
from tests import factories
from tests.conftest import client_for, post_twice, shown

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + timedelta(days=1)
YESTERDAY = timezone.localdate() - timedelta(days=1)


def finish_data(**change) -> dict:
    """A good "finish the meeting" post: who came, and the next meeting a month ahead at the school."""
    return {
        "present": [],
        "family_present": "Mor",
        "next_date": (TOMORROW + timedelta(days=30)).isoformat(),
        "next_time": "09:00",
        "next_place": "Skulen",
        **change,
    }


@pytest.fixture(scope="module")
def lund(django_db_setup, django_db_blocker):
    """A level-3 family whose familieteam has no one and nothing in it yet, made once for the module and rolled back
    after it; each test runs in a savepoint inside it, rolled back after it, so what one test adds or changes is gone
    for the next. Its value is the case's id: `case` reads the case afresh for every test."""
    with django_db_blocker.unblock(), transaction.atomic():
        case, _team, _los, _member = factories.case_at(Level.FAMILIELOS, family_name="Familien Lund")
        yield case.pk
        transaction.set_rollback(True)


@pytest.fixture
def case(db, lund):
    return Case.objects.get(pk=lund)


@pytest.fixture
def team(case):
    return case.familieteam


@pytest.fixture
def los_client(case):
    return client_for(case.familielos)


@pytest.fixture
def service_member(case):
    return factories.familieteam_member(
        case, unit=factories.ServiceUnitFactory(name="PPT Vest"), first_name="Siri", last_name="Skule"
    )


def team_url(case, name="team", **kwargs):
    return reverse(f"familieteam:{name}", kwargs={"family_pk": case.family_id, **kwargs})


def meeting_url(meeting, name):
    return reverse(f"familieteam:{name}", args=[meeting.pk])


def meeting_post(*, date=TOMORROW, time="10:00", place="Familiens heim", invited=()):
    return {"date": date.isoformat(), "time": time, "place": place, "invited": [member.pk for member in invited]}


def staff_in(unit_name, **names):
    """A staff member of a service unit (created if new); returns (user, membership)."""
    unit = factories.ServiceUnitFactory(name=unit_name)
    user = factories.unit_staff(**names)
    return user, Membership.objects.create(user=user, unit=unit)


# The team page --------------------------------------------------------------------------------------------------


def test_team_page__familielos__shows_family_leader_plan_members_and_first_meeting_to_do(
    case, team, los_client, service_member
):
    factories.trusted_person(case, name="Bestemor Berit", relation="Bestemor", contact="911 22 333")
    response = los_client.get(team_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Familien Lund" in html
    assert case.family.get_absolute_url() in html
    assert case.familielos.get_full_name() in html
    assert team.started_on.strftime("%d.%m.%Y") in html
    assert team.planned_end.strftime("%d.%m.%Y") in html
    assert "Siri Skule" in html
    assert "PPT Vest" in html
    assert "Følgje opp skulen." in html
    assert "Bestemor Berit" in html
    assert "911 22 333" in html
    for url in (
        team_url(case, "plan"),
        team_url(case, "member_add"),
        team_url(case, "trusted_add"),
        team_url(case, "member_remove", member_pk=service_member[0].pk),
        team_url(case, "meeting_new"),
        reverse("familieteam:canvas_blank_pdf"),
    ):
        assert url in html
    assert re.search(r"first meeting with the family|første møtet med familien", html)
    assert AccessEvent.objects.filter(
        actor=case.familielos, family_id=case.family_id, action=AccessAction.VIEW, object_type="familieteam"
    ).exists()


@pytest.mark.parametrize(("days_left", "past"), [(-1, True), (0, False), (30, False)])
def test_team_page__planned_end__says_when_it_has_passed(case, team, los_client, days_left, past):
    team.started_on = timezone.localdate() - timedelta(days=200)
    team.planned_end = timezone.localdate() + timedelta(days=days_left)
    team.save(update_fields=["started_on", "planned_end"])

    html = los_client.get(team_url(case)).content.decode()

    assert bool(re.search(r"past the planned end|forbi planlagt slutt", html)) is past


def test_team_page__service_member__reads_without_any_form(case, service_member):
    factories.trusted_person(case, name="Nabo Nils")
    response = client_for(service_member[1]).get(team_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Siri Skule" in html
    assert "Nabo Nils" in html
    assert '<form method="post" action="' + team_url(case, "plan") not in html
    for url in (
        team_url(case, "member_add"),
        team_url(case, "trusted_add"),
        team_url(case, "member_remove", member_pk=service_member[0].pk),
        team_url(case, "meeting_new"),
    ):
        assert url not in html


def test_team_page__consent_withdrawn__member_is_shown_without_access(case, los_client, service_member):
    consent = case.family.consents.filter(units=service_member[0].unit).get()
    actions.withdraw_consent(actor=case.familielos, consent=consent)
    html = los_client.get(team_url(case)).content.decode()
    assert re.search(r"does not cover this service|dekker ikke denne tjenesten|dekkjer ikkje denne tenesta", html)
    assert reverse("cases:consent_new", args=[case.family_id]) in html


def test_team_page__meetings__newest_first_next_highlighted_with_links(case, los_client, service_member):
    start = timezone.now() - timedelta(days=40)
    first = factories.familieteam_meeting(case, starts_at=start, invited=[service_member[0]])
    second = workflow.finish_meeting(
        actor=case.familielos,
        meeting=first,
        present=[service_member[0]],
        family_present="Mor og Emma",
        # The next meeting is under way: every link is offered, finishing it too.
        next_starts_at=timezone.now() - timedelta(hours=1),
        next_place="Rådhuset",
    )
    html = los_client.get(team_url(case)).content.decode()
    assert html.index(meeting_url(second, "meeting")) < html.rindex(meeting_url(first, "meeting"))
    assert "ft-timeline-next" in html
    assert meeting_url(second, "invitation_pdf") in html
    assert meeting_url(second, "meeting_edit") in html
    assert meeting_url(second, "meeting_finish") in html
    assert meeting_url(first, "invitation_pdf") not in html
    assert "Mor og Emma" in html
    assert team_url(case, "meeting_new") not in html  # one planned meeting at a time


def test_team_page__planned_meeting_not_begun__offers_no_finish_link(case, los_client):
    meeting = factories.familieteam_meeting(case)
    html = los_client.get(team_url(case)).content.decode()
    assert meeting_url(meeting, "meeting_edit") in html
    assert meeting_url(meeting, "meeting_finish") not in html


def test_team_page__planned_meeting_begun__offers_the_finish_link(case, los_client):
    meeting = factories.familieteam_meeting(case, begun=True)
    html = los_client.get(team_url(case)).content.decode()
    assert meeting_url(meeting, "meeting_edit") in html
    assert meeting_url(meeting, "meeting_finish") in html


def _team_with(case, members: int, meetings: int):
    for index in range(members):
        factories.familieteam_member(case, unit=factories.ServiceUnitFactory(name=f"Teneste {index}"))
    invited = list(case.familieteam.members.all())
    meeting = factories.familieteam_meeting(
        case, starts_at=timezone.now() - timedelta(days=30 * meetings), invited=invited
    )
    for index in range(1, meetings):
        meeting = workflow.finish_meeting(
            actor=case.familielos,
            meeting=meeting,
            present=invited,
            family_present="Mor",
            next_starts_at=timezone.now() - timedelta(days=30 * (meetings - index)) + timedelta(days=31),
            next_place="Heime",
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_team_page__query_count_is_flat_in_members_and_meetings(django_assert_max_num_queries):
    small, *_ = factories.case_at(Level.FAMILIELOS, family_name="Familien Liten")
    large, *_ = factories.case_at(Level.FAMILIELOS, family_name="Familien Stor")
    _team_with(small, members=2, meetings=1)
    _team_with(large, members=8, meetings=5)
    assert large.familieteam.meetings.count() == 5
    small_client, large_client = client_for(small.familielos), client_for(large.familielos)
    _queries(small_client, team_url(small))  # warm the per-user caches alike
    _queries(large_client, team_url(large))
    assert _queries(small_client, team_url(small)) == _queries(large_client, team_url(large))
    with django_assert_max_num_queries(10):
        large_client.get(team_url(large))


# The plan -------------------------------------------------------------------------------------------------------


def test_plan__familielos_sets_the_end_and_frequency(case, team, los_client):
    planned_end = plan.add_months(team.started_on, 9)
    response = los_client.post(
        team_url(case, "plan"), {"planned_end": planned_end.isoformat(), "frequency": Frequency.BIMONTHLY}
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.planned_end, team.frequency) == (planned_end, Frequency.BIMONTHLY)
    assert AccessEvent.objects.filter(family_id=case.family_id, action=AccessAction.CHANGE).exists()


def test_plan__end_past_twelve_months__field_error_and_the_date_kept(case, team, los_client):
    too_late = plan.add_months(team.started_on, 13)
    response = los_client.post(
        team_url(case, "plan"), {"planned_end": too_late.isoformat(), "frequency": Frequency.BY_NEED}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert plan.add_months(team.started_on, 12).strftime("%d.%m.%Y") in html
    assert f'value="{too_late.isoformat()}"' in html
    team.refresh_from_db()
    assert team.frequency == Frequency.MONTHLY


def test_plan__invalid_date__field_error(case, team, los_client):
    response = los_client.post(team_url(case, "plan"), {"planned_end": "1.13.2027", "frequency": "weekly"})
    html = response.content.decode()
    assert 'id="id_planned_end_error"' in html
    assert 'id="id_frequency_error"' in html
    assert 'value="1.13.2027"' in html


# Members --------------------------------------------------------------------------------------------------------


def test_member_add__offers_staff_by_service_and_the_person_sees_the_family_at_once(case, team, los_client):
    user, membership = staff_in("Helsestasjonen", first_name="Helga", last_name="Helse")
    factories.give_consent(case, units=[membership.unit])
    html = los_client.get(team_url(case, "member_add")).content.decode()
    assert '<optgroup label="Helsestasjonen">' in html
    assert "Helga Helse – Helsestasjonen" in html
    choices = html.split('name="membership"')[1].split("</select>")[0]
    assert "Helga Helse" in choices
    assert case.familielos.get_full_name() not in choices
    response = los_client.post(
        team_url(case, "member_add"), {"membership": membership.pk, "mandate": "Helsekontroll og vaksinar."}
    )
    assert response.status_code == 302
    member = team.members.get(user=user)
    assert (member.unit, member.mandate) == (membership.unit, "Helsekontroll og vaksinar.")
    assert access.can(user, case.family, access.CHANGE)
    assert client_for(user).get(team_url(case)).status_code == 200


def test_member_add__service_without_consent__refusal_links_to_consent_and_keeps_what_was_typed(case, team, los_client):
    user, membership = staff_in("Barnevernet", first_name="Bjørn", last_name="Vern")
    response = los_client.post(
        team_url(case, "member_add"), {"membership": membership.pk, "mandate": "Råd om tiltak i heimen."}
    )
    html = response.content.decode()
    assert response.status_code == 200
    consent_link = f'href="{reverse("cases:consent_new", args=[case.family_id])}?tjeneste={membership.unit_id}"'
    assert f'{consent_link} target="_blank"' in html  # a tab of its own: this form keeps what was typed
    assert "Barnevernet" in html.split('role="alert"')[1]
    assert "Råd om tiltak i heimen." in html
    assert f'value="{membership.pk}" selected' in html
    assert not team.members.filter(user=user).exists()
    assert not access.can(user, case.family, access.VIEW)


@pytest.mark.parametrize(
    ("chosen", "mandate", "field"),
    [
        ("offered", "", "mandate"),
        ("offered", "x" * 301, "mandate"),
        ("", "Mandat", "membership"),
        ("familielos", "Mandat", "membership"),
        ("member", "Mandat", "membership"),
        ("inactive", "Mandat", "membership"),
        ("missing", "Mandat", "membership"),
    ],
)
def test_member_add__bad_input__field_error_and_nothing_added(
    case, team, los_client, service_member, chosen, mandate, field
):
    _user, offered = staff_in("Skulen")
    inactive_user, inactive = staff_in("Skulen")
    inactive_user.is_active = False
    inactive_user.save()
    membership = {
        "offered": offered.pk,
        "": "",
        "familielos": Membership.objects.get(user=case.familielos).pk,
        "member": Membership.objects.get(user=service_member[1]).pk,
        "inactive": inactive.pk,
        "missing": 987654,
    }[chosen]
    before = team.members.count()
    response = los_client.post(team_url(case, "member_add"), {"membership": membership, "mandate": mandate})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    if mandate:
        assert mandate in html
    assert team.members.count() == before


def test_trusted_add__adds_a_person_without_access(case, team, los_client):
    response = los_client.post(
        team_url(case, "trusted_add"), {"name": "Trenar Tor", "relation": "Fotballtrenar", "contact": "tor@example.no"}
    )
    assert response.status_code == 302
    member = team.members.get(kind=MemberKind.TRUSTED)
    assert (member.name, member.relation, member.contact, member.user) == (
        "Trenar Tor",
        "Fotballtrenar",
        "tor@example.no",
        None,
    )
    assert AccessEvent.objects.filter(family_id=case.family_id, action=AccessAction.CREATE, object_id=str(member.pk))


def test_trusted_add__sent_twice__adds_the_person_once(case, team, los_client):
    data = {"name": "Tante Test", "relation": "Tante", "contact": "900 00 000"}

    first, again = post_twice(los_client, team_url(case, "trusted_add"), data)

    assert again.redirect_chain == [(first.url, 302)]
    assert team.members.filter(kind=MemberKind.TRUSTED, name="Tante Test").count() == 1


def test_trusted_add__a_name_already_in_the_team__is_refused_with_what_was_typed_kept(case, team, los_client):
    workflow.add_trusted_person(actor=case.familielos, team=team, name="Tante Test", relation="Tante")

    response = los_client.post(team_url(case, "trusted_add"), {"name": " tante test ", "relation": "Nabo"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "tante test er allerede med i familieteamet." in html
    assert 'value="Nabo"' in html
    assert team.members.filter(kind=MemberKind.TRUSTED).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "relation": "Nabo", "contact": "900 00 000"}, "name"),
        ({"name": "   ", "relation": "Nabo", "contact": "900 00 000"}, "name"),
        ({"name": "N" * 201, "relation": "Nabo", "contact": "900 00 000"}, "name"),
        ({"name": "Nabo Nils", "relation": "R" * 101, "contact": "900 00 000"}, "relation"),
        ({"name": "Nabo Nils", "relation": "Nabo", "contact": "9" * 201}, "contact"),
        ({"name": "\u202eslin obaN", "relation": "Nabo", "contact": "900 00 000"}, "name"),
        ({"name": "Nabo Nils", "relation": "Na\u200bbo", "contact": "900 00 000"}, "relation"),
    ],
)
def test_trusted_add__bad_input__field_error_and_what_was_typed_kept(case, team, los_client, data, field):
    response = los_client.post(team_url(case, "trusted_add"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    assert 'value="900 00 000"' in html or 'value="Nabo"' in html
    assert not team.members.exists()


def test_member_remove__asks_first_then_the_member_loses_access_at_once(case, team, los_client, service_member):
    member, user = service_member
    url = team_url(case, "member_remove", member_pk=member.pk)
    confirm = los_client.get(url)
    assert confirm.status_code == 200
    assert "Siri Skule" in confirm.content.decode()
    assert team.members.filter(pk=member.pk).exists()
    assert los_client.post(url).status_code == 302
    assert not team.members.filter(pk=member.pk).exists()
    assert not access.can(user, case.family, access.VIEW)
    assert client_for(user).get(team_url(case)).status_code == 404


def test_member_remove__member_of_another_team__is_404(case, los_client):
    other, *_ = factories.case_at(Level.FAMILIELOS, family_name="Familien Annan", los=case.familielos)
    stranger = factories.trusted_person(other, name="Framand")
    response = los_client.post(team_url(case, "member_remove", member_pk=stranger.pk))
    assert response.status_code == 404
    assert other.familieteam.members.filter(pk=stranger.pk).exists()


# Meetings -------------------------------------------------------------------------------------------------------


def test_meeting_new__books_the_meeting_with_the_invited_members(case, team, los_client, service_member):
    trusted = factories.trusted_person(case, name="Nabo Nils")
    form = los_client.get(team_url(case, "meeting_new")).content.decode()
    assert f'value="{service_member[0].pk}"' in form
    assert re.search(r"family is always invited|familien er alltid invitert", form, re.IGNORECASE)
    response = los_client.post(team_url(case, "meeting_new"), meeting_post(invited=[service_member[0]]))
    assert response.status_code == 302
    meeting = team.meetings.get()
    local = timezone.localtime(meeting.starts_at)
    assert (local.date(), local.strftime("%H:%M"), meeting.place) == (TOMORROW, "10:00", "Familiens heim")
    assert list(meeting.invited.all()) == [service_member[0]]
    assert trusted not in meeting.invited.all()
    assert AccessEvent.objects.filter(family_id=case.family_id, action=AccessAction.CREATE, object_id=str(meeting.pk))


@pytest.mark.parametrize(
    ("post", "field"),
    [
        (lambda: meeting_post(date=YESTERDAY), "date"),
        (lambda: meeting_post(date=timezone.localdate() + timedelta(days=800)), "date"),
        # Built when the test runs, not when it is collected: collected before midnight, "today" would be yesterday.
        (lambda: meeting_post(date=timezone.localdate(), time="00:00"), "time"),
        (lambda: meeting_post(place=""), "place"),
        (lambda: meeting_post(place="P" * 201), "place"),
        (lambda: {**meeting_post(), "date": "31.02.2030"}, "date"),
        # Year 1 before 00:43 falls outside the calendar in UTC: a field error, not a server error.
        (lambda: {**meeting_post(time="00:10"), "date": "0001-01-01"}, "date"),
        (lambda: {**meeting_post(time="23:50"), "date": "9999-12-31"}, "date"),
    ],
)
def test_meeting_new__bad_input__field_error_and_nothing_booked(case, team, los_client, post, field):
    data = post()
    response = los_client.post(team_url(case, "meeting_new"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    if data["place"]:
        assert data["place"] in html
    assert not team.meetings.exists()


def test_meeting_new__member_of_another_team__is_refused(case, team, los_client):
    other, *_ = factories.case_at(Level.FAMILIELOS, family_name="Familien Annan")
    stranger = factories.trusted_person(other, name="Framand")
    response = los_client.post(team_url(case, "meeting_new"), meeting_post(invited=[stranger]))
    assert 'id="id_invited_error"' in response.content.decode()
    assert not team.meetings.exists()


def test_meeting_new__a_meeting_is_already_planned__the_refusal_is_shown(case, team, los_client):
    planned = factories.familieteam_meeting(case, starts_at=timezone.now() + timedelta(days=2))
    form = los_client.get(team_url(case, "meeting_new")).content.decode()
    assert meeting_url(planned, "meeting_edit") in form
    response = los_client.post(team_url(case, "meeting_new"), meeting_post(date=TOMORROW + timedelta(days=5)))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert "Familiens heim" in html
    assert team.meetings.count() == 1


def test_second_planned_meeting__written_past_the_workflow__the_database_refuses_it(case, team):
    planned = factories.familieteam_meeting(case, starts_at=timezone.now() + timedelta(days=2))
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilieteamMeeting.objects.create(
            team=team, starts_at=planned.starts_at + timedelta(days=7), place="Skulen", created_by=planned.created_by
        )
    assert list(team.meetings.all()) == [planned]


def test_meeting_edit__reschedules_and_changes_the_invited(case, los_client, service_member):
    meeting = factories.familieteam_meeting(case, invited=[service_member[0]])
    form = los_client.get(meeting_url(meeting, "meeting_edit")).content.decode()
    assert 'value="Familiens heim"' in form
    later = TOMORROW + timedelta(days=7)
    response = los_client.post(meeting_url(meeting, "meeting_edit"), meeting_post(date=later, place="Skulen"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (timezone.localtime(meeting.starts_at).date(), meeting.place) == (later, "Skulen")
    assert not meeting.invited.exists()


def test_meeting_edit__past_date__field_error_and_unchanged(case, los_client):
    meeting = factories.familieteam_meeting(case)
    response = los_client.post(meeting_url(meeting, "meeting_edit"), meeting_post(date=YESTERDAY, place="Skulen"))
    assert 'id="id_date_error"' in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == "Familiens heim"


def test_meeting_edit__a_meeting_under_way__keeps_its_time_when_only_the_place_changes(case, los_client):
    meeting = factories.familieteam_meeting(case, begun=True)
    begun = timezone.localtime(meeting.starts_at)
    data = meeting_post(date=begun.date(), time=begun.strftime("%H:%M"), place="Skulen, møterom 2")
    response = los_client.post(meeting_url(meeting, "meeting_edit"), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.place) == (begun, "Skulen, møterom 2")
    earlier = begun - timedelta(minutes=1)
    response = los_client.post(
        meeting_url(meeting, "meeting_edit"), meeting_post(date=earlier.date(), time=earlier.strftime("%H:%M"))
    )
    assert re.search(r'id="id_(date|time)_error"', response.content.decode())


@pytest.mark.parametrize("change", [{"next_date": "0001-01-01", "next_time": "00:10"}, {"next_date": "9999-12-31"}])
def test_meeting_finish__a_date_out_of_the_calendar__is_a_field_error(case, los_client, change):
    meeting = factories.familieteam_meeting(case, begun=True)
    response = los_client.post(meeting_url(meeting, "meeting_finish"), finish_data(**change))
    assert response.status_code == 200
    assert 'id="id_next_date_error"' in response.content.decode()


def _held_meeting(case):
    meeting = factories.familieteam_meeting(case, starts_at=timezone.now() - timedelta(days=1))
    workflow.finish_meeting(
        actor=case.familielos,
        meeting=meeting,
        present=[],
        family_present="",
        next_starts_at=timezone.now() + timedelta(days=20),
        next_place="Heime",
    )
    return meeting


@pytest.mark.parametrize("name", ["meeting_edit", "meeting_finish"])
def test_held_meeting__edit_or_finish__goes_back_to_its_canvas_unchanged(case, los_client, name):
    meeting = _held_meeting(case)
    response = los_client.post(meeting_url(meeting, name), meeting_post(place="Ny stad"))
    assert response.status_code == 302
    assert response.url == meeting_url(meeting, "meeting")
    meeting.refresh_from_db()
    assert meeting.place == "Familiens heim"


def test_meeting_finish__ticks_the_invited_and_suggests_the_next_date(case, los_client, service_member):
    trusted = factories.trusted_person(case)
    meeting = factories.familieteam_meeting(case, begun=True, invited=[service_member[0]])
    html = los_client.get(meeting_url(meeting, "meeting_finish")).content.decode()
    due = plan.next_meeting_due(Frequency.MONTHLY, timezone.localtime(meeting.starts_at).date())
    assert f'value="{due.isoformat()}"' in html
    assert re.search(rf'value="{service_member[0].pk}"[^>]*checked', html)
    assert not re.search(rf'value="{trusted.pk}"[^>]*checked', html)


def _meeting_after_one_with_goals(case, goals: int, evaluated: int):
    """A meeting under way after one that set `goals` goals, `evaluated` of them evaluated in this meeting."""
    los = case.familielos
    previous = factories.familieteam_meeting(case, starts_at=timezone.now() - timedelta(days=30))
    areas = list(LifeArea.objects.order_by("position")[:goals])
    for area in areas:
        workflow.save_cell(
            actor=los, meeting=previous, life_area=area, column=Column.NOW, text="Eit mål", due=None, base_version=0
        )
    meeting = workflow.finish_meeting(
        actor=los,
        meeting=previous,
        present=[],
        family_present="",
        next_starts_at=timezone.now() - timedelta(minutes=5),
        next_place="Skulen",
    )
    for cell in previous.cells.order_by("pk")[:evaluated]:
        workflow.evaluate(actor=los, meeting=meeting, cell=cell, result=EvaluationResult.DONE)
    return meeting


def test_meeting_finish__goals_not_evaluated__the_page_says_how_many_and_links_to_them(case, los_client):
    meeting = _meeting_after_one_with_goals(case, goals=3, evaluated=1)

    html = los_client.get(meeting_url(meeting, "meeting_finish")).content.decode()

    with translation.override("nb"):
        told = ngettext(
            "%(counter)s goal or action from the previous meeting is not evaluated. Once this meeting is finished, "
            "it can no longer be evaluated.",
            "%(counter)s goals and actions from the previous meeting are not evaluated. Once this meeting is "
            "finished, they can no longer be evaluated.",
            2,
        ) % {"counter": 2}
    assert escape(told) in html
    assert f'href="{meeting.get_absolute_url()}#evaluation-heading"' in html


def test_meeting_finish__every_goal_evaluated__says_nothing_of_it(case, los_client):
    meeting = _meeting_after_one_with_goals(case, goals=2, evaluated=2)

    html = los_client.get(meeting_url(meeting, "meeting_finish")).content.decode()

    assert "#evaluation-heading" not in html


def test_meeting_page__the_minutes_are_offered_once_the_meeting_is_held(case, los_client):
    meeting = _meeting_after_one_with_goals(case, goals=1, evaluated=0)
    minutes = meeting_url(meeting, "minutes_pdf")

    assert minutes not in los_client.get(meeting.get_absolute_url()).content.decode()
    held = los_client.get(meeting.previous.get_absolute_url()).content.decode()
    assert meeting_url(meeting.previous, "minutes_pdf") in held


def test_meeting_finish__records_who_came_and_opens_the_next_meetings_canvas(case, team, los_client, service_member):
    meeting = factories.familieteam_meeting(case, begun=True, invited=[service_member[0]])
    next_date = TOMORROW + timedelta(days=30)
    response = los_client.post(
        meeting_url(meeting, "meeting_finish"),
        {
            "present": [service_member[0].pk],
            "family_present": "Mor, far og Emma",
            "next_date": next_date.isoformat(),
            "next_time": "13:30",
            "next_place": "Skulen",
        },
    )
    following = team.meetings.get(status=MeetingStatus.PLANNED)
    assert response.status_code == 302
    assert response.url == meeting_url(following, "meeting")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.family_present == "Mor, far og Emma"
    assert list(meeting.present.all()) == [service_member[0]]
    assert following.previous == meeting
    assert timezone.localtime(following.starts_at).strftime("%d.%m.%Y %H:%M") == next_date.strftime("%d.%m.%Y 13:30")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"next_date": YESTERDAY.isoformat()}, "next_date"),
        ({"next_place": ""}, "next_place"),
        ({"family_present": "F" * 301}, "family_present"),
        ({"present": [987654]}, "present"),
    ],
)
def test_meeting_finish__bad_input__field_error_and_the_meeting_still_planned(case, los_client, change, field):
    meeting = factories.familieteam_meeting(case, begun=True)
    response = los_client.post(meeting_url(meeting, "meeting_finish"), finish_data(**change))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert FamilieteamMeeting.objects.filter(team=meeting.team).count() == 1


def test_meeting_finish__refused_by_the_workflow__the_refusal_is_shown_with_the_form_kept(
    case, los_client, monkeypatch
):
    # What the workflow refuses beyond the form (the next meeting not after this one, tested there; another window
    # finishing it first) reaches the page as a refusal; the refusal stands in for them here.
    meeting = factories.familieteam_meeting(case, begun=True)

    def refuse(**kwargs):
        raise Refused("Neste møte må komme etter dette.")

    monkeypatch.setattr(workflow, "finish_meeting", refuse)
    response = los_client.post(meeting_url(meeting, "meeting_finish"), finish_data())
    html = response.content.decode()
    assert not response.context["form"].errors  # refused by the workflow, not the form
    assert response.context["refusal"]
    assert 'role="alert"' in html
    assert "Neste møte må komme etter dette." in html
    assert 'value="Mor"' in html
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_meeting_finish__not_begun__get_and_post_go_back_to_its_canvas_and_finish_nothing(case, team):
    meeting = factories.familieteam_meeting(case)
    url = meeting_url(meeting, "meeting_finish")
    data = finish_data()
    # A client each, so each says why on its own.
    for response in (client_for(case.familielos).get(url), client_for(case.familielos).post(url, data)):
        assert response.status_code == 302
        assert response.url == meeting_url(meeting, "meeting")
        assert [message.level for message in get_messages(response.wsgi_request)] == [messages.INFO]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.family_present == ""
    assert list(team.meetings.all()) == [meeting]
    assert not Entry.objects.filter(family=case.family, event_code=Event.MEETING_HELD).exists()


# Who may do what ------------------------------------------------------------------------------------------------


@pytest.fixture
def urls(case, service_member):
    """Every URL of these pages, for the case's familieteam, with a planned meeting under way and a member."""
    meeting = factories.familieteam_meeting(case, begun=True, invited=[service_member[0]])
    return {
        "team": team_url(case),
        "plan": team_url(case, "plan"),
        "member_add": team_url(case, "member_add"),
        "trusted_add": team_url(case, "trusted_add"),
        "member_remove": team_url(case, "member_remove", member_pk=service_member[0].pk),
        "meeting_new": team_url(case, "meeting_new"),
        "meeting_edit": meeting_url(meeting, "meeting_edit"),
        "meeting_finish": meeting_url(meeting, "meeting_finish"),
    }


URL_NAMES = [
    "team",
    "plan",
    "member_add",
    "trusted_add",
    "member_remove",
    "meeting_new",
    "meeting_edit",
    "meeting_finish",
]


def _outsider(case, service_member, who):
    if who == "ressursteam member":
        return factories.ressursteam_member(case.ressursteam)
    if who == "opener":
        return case.opened_by
    if who == "other familielos":
        other, *_ = factories.case_at(Level.FAMILIELOS, family_name="Familien Annan")
        return other.familielos
    member, user = service_member
    workflow.remove_member(actor=case.familielos, member=member)
    return user


@pytest.mark.parametrize("who", ["ressursteam member", "opener", "other familielos", "removed member"])
def test_every_page__outside_the_familieteam__is_404_for_get_and_post(case, service_member, urls, who):
    """Every URL in one test, the team made once: a refused request changes nothing, so one does not disturb the
    next."""
    user = _outsider(case, service_member, who)
    # They see the family (except the other familielos and the removed member), but not its team.
    assert access.can(user, case.family, access.VIEW) == (who in ("ressursteam member", "opener"))
    client = client_for(user)
    before = _team_state(case.familieteam)
    statuses = {
        name: {method: getattr(client, method)(urls[name]).status_code for method in ("get", "post")}
        for name in URL_NAMES
    }
    # The team page takes no POST and the plan no GET: 405 for every family alike, which tells nothing.
    assert statuses == {
        name: {"get": 405 if name == "plan" else 404, "post": 405 if name == "team" else 404} for name in URL_NAMES
    }
    assert _team_state(case.familieteam) == before


def _team_state(team) -> tuple:
    """All that these pages change: the plan, the members and the meetings (each refused request must leave it, or
    a later URL in the same test could be refused for the wrong reason)."""
    team = type(team).objects.get(pk=team.pk)
    return (
        team.planned_end,
        team.frequency,
        sorted(team.members.values_list("pk", "kind", "user_id", "unit_id", "mandate", "name", "relation", "contact")),
        sorted(team.meetings.values_list("pk", "starts_at", "place", "status", "family_present")),
    )


@pytest.mark.parametrize("name", URL_NAMES)
def test_every_page__anonymous__goes_to_login(urls, name):
    response = Client().get(urls[name]) if name != "plan" else Client().post(urls[name])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", [name for name in URL_NAMES if name != "team"])
def test_every_change__service_member__is_refused_and_nothing_changes(case, service_member, urls, name):
    client = client_for(service_member[1])
    data = {
        "planned_end": plan.add_months(case.familieteam.started_on, 9).isoformat(),
        "frequency": Frequency.BY_NEED,
        "name": "Nabo",
        "mandate": "Mandat",
        "membership": Membership.objects.get(user=service_member[1]).pk,
        **meeting_post(),
        "next_date": (TOMORROW + timedelta(days=30)).isoformat(),
        "next_time": "09:00",
        "next_place": "Skulen",
    }
    team = case.familieteam
    before = (team.members.count(), team.meetings.count(), team.frequency)
    response = client.post(urls[name], data)
    assert response.status_code == 403
    assert 'role="alert"' in response.content.decode()
    team.refresh_from_db()
    assert (team.members.count(), team.meetings.count(), team.frequency) == before
    if name != "plan":
        page = client.get(urls[name])
        assert page.status_code == 403
        assert '<form method="post" novalidate' not in page.content.decode()


def _step_down(case):
    case_workflow.step_down(
        actor=case.familielos, case=case, to_level=Level.RESSURSTEAM, reason="Betre no.", responsible_next="Rektor"
    )


def _close(case):
    """Closed from level 3: the familielos keeps the grants of the level it left, so they still see the team."""
    case_workflow.close_case(actor=case.familielos, case=case, reason="Familien flytta.")


CHANGES = ["plan", "member_add", "trusted_add", "member_remove", "meeting_new", "meeting_edit", "meeting_finish"]


@pytest.mark.parametrize("name", CHANGES)
def test_every_change__familielos_of_a_case_closed_from_level_3__is_told_why_and_gets_no_form(
    case, service_member, urls, name
):
    """The familielos still sees the team, but every change is refused plainly, never with a form that the workflow
    would always refuse."""
    _close(case)
    client = client_for(case.familielos)
    team = case.familieteam
    before = (team.members.count(), team.meetings.count(), team.frequency)
    data = {"frequency": Frequency.BY_NEED, "name": "Nabo", **meeting_post()}
    for page in [client.post(urls[name], data)] + ([client.get(urls[name])] if name != "plan" else []):
        html = page.content.decode()
        assert page.status_code == 403
        assert 'role="alert"' in html
        assert re.search(r"open at level 3|åpen på nivå 3|open på nivå 3", html)
        assert '<form method="post" novalidate' not in html
    team.refresh_from_db()
    assert (team.members.count(), team.meetings.count(), team.frequency) == before


@pytest.mark.parametrize("name", CHANGES)
def test_every_change__familielos_after_a_step_down_to_level_2__is_404_and_nothing_changes(
    case, service_member, urls, name
):
    """At level 2 the familielos no longer holds the family's grant: the team's pages are gone for them."""
    _step_down(case)
    client = client_for(case.familielos)
    team = case.familieteam
    before = (team.members.count(), team.meetings.count(), team.frequency)
    data = {"frequency": Frequency.BY_NEED, "name": "Nabo", **meeting_post()}
    assert client.post(urls[name], data).status_code == 404
    team.refresh_from_db()
    assert (team.members.count(), team.meetings.count(), team.frequency) == before


def test_team_page__familielos_of_a_closed_case__reads_it_without_links_to_change_it(case, service_member, urls):
    _close(case)
    response = client_for(case.familielos).get(urls["team"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Siri Skule" in html
    for name in CHANGES:
        assert urls[name] not in html


def test_family_page__after_a_step_down__names_no_familielos_and_no_level_3(case):
    los = case.familielos
    member = factories.ressursteam_member(case.ressursteam)
    level_3 = shown("Since %(start)s, planned to end %(end)s").split("%")[0]
    named = f"<dt>{shown('Familielos')}</dt><dd>{los.get_full_name()}</dd>"
    assert named in client_for(member).get(case.family.get_absolute_url()).text

    _step_down(case)
    page = client_for(member).get(case.family.get_absolute_url()).text

    # The case keeps its familielos and team for a reopening, but they no longer lead it.
    assert named not in page
    assert level_3 not in page


def test_step_down_form__at_level_3__says_the_familielos_loses_access_and_who_can_return_it(case):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, case_workflow.STEP_DOWN])

    page = client_for(case.familielos).get(url, HTTP_HX_REQUEST="true").text

    assert (
        shown(
            "Below level 3 the familielos no longer works with the family, and their access to its pages ends at once. "
            "The ressursteam can return the family to level 3, with the same familieteam and canvas."
        )
        in page
    )
