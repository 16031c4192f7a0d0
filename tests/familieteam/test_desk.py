"""The familielos's desk on the start page: their families against their capacity, the next meetings, first
meetings to book, action points overdue or due this week, phase-out due, recent Stafettlogg activity; only of the
families they lead, in as many queries for 2 families as for 10."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases import workflow as case_workflow
from cases.models import ActionStatus, ChangeKind, Level, OwnerKind, ReasonCode
from familielos.models import AccessEvent
from familieteam import workflow
from familieteam.models import Column, Familieteam, LifeArea
from familieteam.plan import add_months
from stafettlogg.models import Entry, read_type
from teams.models import FamilielosCapacity
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# A whole request: session, user and permissions, the start page's own reads, the desk's three, the reminders' one,
# one audit insert.
QUERY_BUDGET = 12


def _nb(message: str, **params) -> str:
    with translation.override("nb"):
        return translation.gettext(message) % params if params else translation.gettext(message)


@pytest.fixture
def los():
    return factories.familielos(first_name="Frida", last_name="Losvik")


def level_3(los, name):
    case, *_ = factories.case_at(Level.FAMILIELOS, los=los, family_name=name)
    return case


@pytest.fixture(scope="module")
def families(django_db_setup, django_db_blocker):
    """Two familielos, one leading Familien Berg alone and one leading Familien Berg and Familien Dal, made once for
    the module and rolled back after it; each test runs in a savepoint inside it, rolled back after it, so what one
    test adds or changes is gone for the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        with translation.override("en"):
            alone = factories.familielos(first_name="Frida", last_name="Losvik")
            pair = factories.familielos(first_name="Frida", last_name="Losvik")
            made = {
                "alone": alone,
                "alone_berg": level_3(alone, "Familien Berg"),
                "pair": pair,
                "pair_berg": level_3(pair, "Familien Berg"),
                "pair_dal": level_3(pair, "Familien Dal"),
            }
        yield made
        transaction.set_rollback(True)


@pytest.fixture
def world(db, families):
    """The module's familielos and families read afresh for each test, as the rolled-back database holds them."""
    return {key: type(obj)._default_manager.get(pk=obj.pk) for key, obj in families.items()}


@pytest.fixture
def one_family(world):
    """A familielos with one family at level 3: (familielos, Familien Berg's case)."""
    return world["alone"], world["alone_berg"]


@pytest.fixture
def two_families(world):
    """A familielos with two families at level 3: (familielos, Familien Berg's case, Familien Dal's case)."""
    return world["pair"], world["pair_berg"], world["pair_dal"]


def desk(user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response, response.context["desk"]


def names(rows):
    return [row.case.family.name for row in rows]


def point(case, meeting, what, due, *, owner=None):
    return workflow.set_action_point(
        actor=case.familielos,
        meeting=meeting,
        what=what,
        owner=owner or workflow.Owner(OwnerKind.STAFF, user_id=case.familielos_id),
        due=due,
    )


def test_desk__families__counted_against_capacity_with_links_to_family_and_familieteam(two_families):
    los, berg, dal = two_families
    response, panels = desk(los)
    assert names(panels["teams"]) == ["Familien Berg", "Familien Dal"]
    assert (panels["capacity"], panels["full"]) == (8, False)
    for case in (berg, dal):
        assert case.family.get_absolute_url() in response.text
        assert reverse("familieteam:team", args=[case.family_id]) in response.text
        assert f"{case.familieteam.planned_end:%d.%m.%Y}" in response.text
    assert f"{timezone.localdate():%d.%m.%Y}" in response.text
    assert _nb("At capacity") not in response.text


def test_desk__at_and_above_capacity__says_so(two_families):
    los, _berg, _dal = two_families
    FamilielosCapacity.objects.create(user=los, capacity=2)
    response, panels = desk(los)
    assert panels["full"]
    assert _nb("At capacity") in response.text
    FamilielosCapacity.objects.filter(user=los).update(capacity=1)
    response, _panels = desk(los)
    assert _nb("Above capacity") in response.text


def test_desk__shows_nothing_of_another_familielos_families(one_family):
    los, mine = one_family
    other = level_3(factories.familielos(), "Familien Annan")
    meeting = factories.familieteam_meeting(other)
    point(other, meeting, "Ringje skulen", timezone.localdate())
    Entry.objects.create(family=other.family, author=other.familielos, text="Samtale med mor i dag.")
    response, panels = desk(los)
    assert names(panels["teams"]) == ["Familien Berg"]
    assert panels["meetings"] == panels["points"] == []
    assert {entry.family_id for entry in panels["entries"]} == {mine.family_id}
    assert "Familien Annan" not in response.text
    assert "Ringje skulen" not in response.text
    assert "Samtale med mor i dag." not in response.text


def test_desk__a_family_stepped_down__leaves_the_desk(one_family):
    los, case = one_family
    case_workflow.step_down(
        actor=los, case=case, to_level=Level.RESSURSTEAM, reason="Betre no.", responsible_next="Ressursteamet"
    )
    _response, panels = desk(los)
    assert panels["teams"] == []


def test_desk__not_a_familielos__has_no_desk(staff):
    response = client_for(staff).get(reverse("home"))
    assert response.context["desk"] is None
    assert _nb("My families at level 3") not in response.text


def test_desk__first_meeting__is_a_to_do_until_booked(one_family):
    los, case = one_family
    response, panels = desk(los)
    assert names(panels["to_book"]) == ["Familien Berg"]
    assert reverse("familieteam:meeting_new", args=[case.family_id]) in response.text
    factories.familieteam_meeting(case)
    response, panels = desk(los)
    assert panels["to_book"] == []
    assert reverse("familieteam:meeting_new", args=[case.family_id]) not in response.text


def test_desk__next_meetings__planned_soonest_first_with_links(two_families):
    los, later, sooner = two_families
    now = timezone.now()
    held = factories.familieteam_meeting(later, starts_at=now - timedelta(days=20))
    late = workflow.finish_meeting(
        actor=los, meeting=held, present=[], family_present="Mor", next_starts_at=now + timedelta(days=9), next_place=""
    )
    soon = factories.familieteam_meeting(sooner, starts_at=now + timedelta(days=2), place="Heime hos familien")
    response, panels = desk(los)
    assert panels["meetings"] == [soon, late]
    assert soon.get_absolute_url() in response.text
    assert held.get_absolute_url() not in response.text
    assert "Heime hos familien" in response.text


def test_desk__action_points__overdue_and_due_within_seven_days_of_any_owner(one_family):
    los, case = one_family
    _member, staff = factories.familieteam_member(case, first_name="Siri", last_name="Skule")
    trusted = factories.trusted_person(case, name="Nabo Nils")
    meeting = factories.familieteam_meeting(case)
    today = timezone.localdate()
    overdue = point(case, meeting, "Søkje om fritidskort", today - timedelta(days=1))
    due_today = point(
        case, meeting, "Følgje til trening", today, owner=workflow.Owner(OwnerKind.TRUSTED, member_id=trusted.pk)
    )
    last_day = point(
        case,
        meeting,
        "Møte med kontaktlærar",
        today + timedelta(days=7),
        owner=workflow.Owner(OwnerKind.STAFF, user_id=staff.pk),
    )
    point(case, meeting, "Ny kartlegging", today + timedelta(days=8))
    point(case, meeting, "Utan dato", None)
    done = point(case, meeting, "Ferdig allereie", today - timedelta(days=3))
    workflow.set_action_point_status(actor=los, point=done, status=ActionStatus.DONE, base_version=done.version)
    response, panels = desk(los)
    assert panels["points"] == [overdue, due_today, last_day]
    assert "Nabo Nils" in response.text
    assert "Siri Skule" in response.text
    assert response.text.count(_nb("Overdue")) == 1
    assert meeting.get_absolute_url() in response.text
    assert "Ny kartlegging" not in response.text
    # A point done is no longer due; the Stafettlogg panel below tells that it was done.
    due_panel, log_panel = response.text.split('id="desk-log-heading"')
    assert "Ferdig allereie" not in due_panel
    assert _nb("Action point done: %(what)s", what="Ferdig allereie") in log_panel


@pytest.mark.parametrize(
    ("months_ago", "days_more", "past_min", "past_max"),
    [(5, 0, False, False), (6, -1, False, False), (6, 0, True, False), (11, 20, True, False), (12, 0, True, True)],
)
def test_desk__phase_out__flags_past_6_and_past_12_months_at_level_3(
    one_family, months_ago, days_more, past_min, past_max
):
    los, case = one_family
    today = timezone.localdate()
    started = add_months(today, -months_ago) - timedelta(days=days_more)
    # Level 3 started earlier than the test can wait for; the plan stays after today.
    Familieteam.objects.filter(pk=case.familieteam.pk).update(
        started_on=started, planned_end=today + timedelta(days=30)
    )
    response, panels = desk(los)
    (team,) = panels["teams"]
    assert (team.past_min, team.past_max, team.past_end) == (past_min, past_max, False)
    assert names(panels["phase_out"]) == (["Familien Berg"] if past_min else [])
    if past_max:
        assert _nb("past %(months)s months", months=12) in response.text


def test_desk__past_the_planned_end__is_phase_out_due(one_family):
    los, case = one_family
    today = timezone.localdate()
    Familieteam.objects.filter(pk=case.familieteam.pk).update(
        started_on=today - timedelta(days=100), planned_end=today - timedelta(days=1)
    )
    response, panels = desk(los)
    assert names(panels["phase_out"]) == ["Familien Berg"]
    (team,) = panels["phase_out"]
    assert (team.past_end, team.past_min) == (True, False)
    yesterday = f"{today - timedelta(days=1):%d.%m.%Y}"
    assert _nb("past the planned end (%(date)s)", date=yesterday) in response.text


def test_desk__stafettlogg__newest_ten_with_coded_reasons_worded(one_family):
    los, case = one_family
    for n in range(11):
        Entry.objects.create(family=case.family, author=los, text=f"Logg {n:02d}")
    when = timezone.now().isoformat()
    case_workflow.record_in_history(
        actor=los,
        case=case,
        kind=ChangeKind.RECORDED,
        reason_code=ReasonCode.SAMTALE_BOOKED,
        reason_params={"when": when},
    )
    response, panels = desk(los)
    assert len(panels["entries"]) == 10
    newest = panels["entries"][0]
    assert newest.level_change.reason_code == ReasonCode.SAMTALE_BOOKED
    with translation.override("nb"):
        assert newest.level_change.reason_shown in response.text
    assert "Logg 10" in response.text
    assert "Logg 01" not in response.text
    assert "Frida Losvik" in response.text


def test_desk__families_shown__are_access_events(two_families):
    los, berg, dal = two_families
    before = AccessEvent.objects.count()
    _response, panels = desk(los)
    events = AccessEvent.objects.order_by("pk")[before:]
    assert {event.family_id for event in events} >= {berg.family_id, dal.family_id}
    # A family whose log entries the desk shows had its log read (the family's "who has looked" says so).
    # Only the team's own entries shown of a family: a read of those, which the family's "who has looked" leaves out.
    shown = {
        family_id: [entry for entry in panels["entries"] if entry.family_id == family_id]
        for family_id in {entry.family_id for entry in panels["entries"]}
    }
    assert shown
    assert {(event.family_id, event.object_type) for event in events} == {
        (family_id, read_type(shown[family_id]) if family_id in shown else "overview")
        for family_id in {event.family_id for event in events}
    }
    assert len(events) == len({event.family_id for event in events})


def _busy_family(los, n):
    """A level-3 family with a staff member and a trusted person, a held and a planned meeting with a canvas,
    action points due around today, and log entries."""
    case = level_3(los, f"Familien {n:02d}")
    _member, staff = factories.familieteam_member(case)
    trusted = factories.trusted_person(case)
    held = factories.familieteam_meeting(case, starts_at=timezone.now() - timedelta(days=14))
    workflow.save_cell(
        actor=los,
        meeting=held,
        life_area=LifeArea.objects.first(),
        column=Column.NOW,
        text="Tiltak",
        due=None,
        base_version=0,
    )
    today = timezone.localdate()
    point(case, held, "Overdue", today - timedelta(days=2), owner=workflow.Owner(OwnerKind.STAFF, user_id=staff.pk))
    point(case, held, "Soon", today + timedelta(days=2), owner=workflow.Owner(OwnerKind.TRUSTED, member_id=trusted.pk))
    workflow.finish_meeting(
        actor=los,
        meeting=held,
        present=[trusted],
        family_present="Mor",
        next_starts_at=timezone.now() + timedelta(days=n + 1),
        next_place="Heime",
    )
    Entry.objects.create(family=case.family, author=staff, text="Notat")


def _desk_queries(user):
    client = client_for(user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return queries


def test_desk__query_count__the_same_for_2_and_10_families(los, django_assert_max_num_queries):
    for n in range(2):
        _busy_family(los, n)
    small = len(_desk_queries(los))
    for n in range(2, 10):
        _busy_family(los, n)
    large = _desk_queries(los)
    assert len(large) == small, "\n".join(query["sql"][:150] for query in large)
    client = client_for(los)
    client.get(reverse("home"))
    with django_assert_max_num_queries(min(small, QUERY_BUDGET)):
        response = client.get(reverse("home"))
    assert len(response.context["desk"]["teams"]) == 10
    assert len(response.context["desk"]["points"]) == 20


# A service member's start page ------------------------------------------------------------------------------------


def test_start_page__service_member__has_their_familieteams_next_meetings(los):
    case = level_3(los, "Familien Haugen")
    member, user = factories.familieteam_member(case)
    meeting = factories.familieteam_meeting(case, invited=[member], place="Skulen, møterom 2")
    other = level_3(los, "Familien Vik")
    factories.familieteam_meeting(other)

    response = client_for(user).get(reverse("home"))

    assert [shown.meeting_id for shown in response.context["familieteam_meetings"]] == [meeting.pk]
    assert f'href="{meeting.get_absolute_url()}"' in response.text
    assert "Familien Haugen" in response.text
    assert "Familien Vik" not in response.text
    assert AccessEvent.objects.filter(actor=user, family_id=case.family_id, object_type="overview").exists()

    # Taken off the team, they no longer have its meetings.
    workflow.remove_member(actor=los, member=member)
    assert not client_for(user).get(reverse("home")).context["familieteam_meetings"]


def test_start_page__service_member__query_count_does_not_grow_with_the_teams(los, django_assert_max_num_queries):
    user = factories.unit_staff()
    client = client_for(user)

    def sit_in(count, start):
        for number in range(start, start + count):
            case = level_3(los, f"Familien {number:02d}")
            unit = factories.ServiceUnitFactory()
            factories.MembershipFactory(user=user, unit=unit)
            factories.give_consent(case, units=[unit], actor=los)
            member = workflow.add_service_member(actor=los, team=case.familieteam, user=user, unit=unit, mandate="")
            factories.familieteam_meeting(case, invited=[member])

    sit_in(2, 0)
    client.get(reverse("home"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("home"))
    sit_in(6, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))

    assert len(response.context["familieteam_meetings"]) == 8
    assert len(many) == len(few)
