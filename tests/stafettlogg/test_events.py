"""What the workflow writes in the Stafettlogg besides level changes: one coded event entry per step (a referral
sent or decided, a familieteam meeting held, an action point done, the baton handed over), the team's own, worded
in the reader's language when shown."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from cases import actions, baton
from cases.models import ActionStatus, ChangeKind, Level
from familieteam import workflow as familieteam_workflow
from stafettlogg.events import Event, event_text
from stafettlogg.models import Entry, Kind, Visibility
from teams import workflow as teams_workflow
from teams.models import Outcome, TeamRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def events(family) -> list[Entry]:
    return list(Entry.objects.filter(family=family).exclude(event_code="").order_by("pk"))


def only_event(family, visibility=Visibility.TEAM) -> Entry:
    """The one event the step wrote: the team's own, unless the family reads what it says (FAMILY_EVENTS)."""
    [entry] = events(family)
    assert (entry.kind, entry.visibility, entry.level_change_id, entry.text) == (Kind.SYSTEM, visibility, None, "")
    return entry


@pytest.fixture
def team():
    return factories.RessursteamFactory(name="Ressursteam nord")


@pytest.fixture
def level3():
    case, *_ = factories.case_at(Level.FAMILIELOS, family_name="Familien Dal")
    return case


# The hooks: one event entry each, with its parameters, for the team only.


def test_send_referral__writes_one_event_naming_the_team(staff, team):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    factories.give_consent(case, units=team.units.all())
    referral = teams_workflow.create_referral(actor=staff, team=team, case=case, question="Treng vi fleire tenester?")

    teams_workflow.send_referral(actor=staff, referral=referral)

    entry = only_event(case.family)
    assert (entry.event_code, entry.event_params, entry.author) == (
        Event.REFERRAL_SENT,
        {"team": "Ressursteam nord"},
        staff,
    )
    assert entry.author_role == "unit_staff"


def test_decide__writes_one_event_with_the_outcome_code(staff, team):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    factories.give_consent(case, units=team.units.all())
    leader = factories.team_member(team, role=TeamRole.LEADER)
    referral = teams_workflow.create_referral(actor=staff, team=team, case=case, question="Kva no?")
    teams_workflow.send_referral(actor=staff, referral=referral)
    meeting = teams_workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today())
    sent = events(case.family)

    teams_workflow.decide(
        actor=leader,
        item=meeting.items.get(referral=referral),
        outcome=Outcome.MORE_INFO,
        reasons="Vi treng å vite meir.",
        question="Kva har skulen prøvd?",
    )

    [decided] = events(case.family)[len(sent) :]
    assert (decided.event_code, decided.event_params, decided.visibility, decided.author) == (
        Event.REFERRAL_DECIDED,
        {"team": "Ressursteam nord", "outcome": "more_info"},
        Visibility.TEAM,
        leader,
    )


def test_finish_meeting__writes_one_event_with_the_meetings_time(level3):
    meeting = factories.familieteam_meeting(level3, begun=True)

    familieteam_workflow.finish_meeting(
        actor=level3.familielos,
        meeting=meeting,
        present=[],
        family_present="Guro",
        next_starts_at=meeting.starts_at + timedelta(days=30),
        next_place="Skulen",
    )

    entry = only_event(level3.family, Visibility.TEAM_AND_FAMILY)
    assert (entry.event_code, entry.event_params, entry.author) == (
        Event.MEETING_HELD,
        {"when": meeting.starts_at.isoformat()},
        level3.familielos,
    )


def test_action_point_done__writes_one_event_and_dropping_or_ticking_again_none(level3):
    meeting = factories.familieteam_meeting(level3)
    los = level3.familielos
    owner = familieteam_workflow.Owner("staff", user_id=los.pk)
    due = timezone.localdate() + timedelta(days=7)
    done = familieteam_workflow.set_action_point(actor=los, meeting=meeting, what="Ringje PPT", owner=owner, due=due)
    dropped = familieteam_workflow.set_action_point(actor=los, meeting=meeting, what="Søkje SFO", owner=owner, due=due)

    familieteam_workflow.set_action_point_status(actor=los, point=done, status=ActionStatus.DONE, base_version=1)
    familieteam_workflow.set_action_point_status(
        actor=los, point=done, status=ActionStatus.DONE, comment="Ringt to gonger", base_version=2
    )
    familieteam_workflow.set_action_point_status(actor=los, point=dropped, status=ActionStatus.DROPPED, base_version=1)

    entry = only_event(level3.family, Visibility.TEAM_AND_FAMILY)
    assert (entry.event_code, entry.event_params, entry.author) == (
        Event.ACTION_POINT_DONE,
        {"what": "Ringje PPT"},
        los,
    )


def test_level_1_agreement_done__writes_the_event_too(case, staff):
    samtale = actions.book_avklaringssamtale(actor=staff, case=case, starts_at=factories.begun_today(), place="Skulen")
    samtale.refresh_from_db()
    actions.record_avklaringssamtale(
        actor=staff,
        samtale=samtale,
        version=samtale.version,
        agreements=[{"what": "Fast vaksen i friminutt", "who": "Skulen"}],
        concern="Uro i friminutt.",
    )
    [point] = samtale.action_points.all()

    familieteam_workflow.set_action_point_status(actor=staff, point=point, status=ActionStatus.DONE, base_version=1)

    entry = only_event(case.family, Visibility.TEAM_AND_FAMILY)
    assert (entry.event_code, entry.event_params) == (Event.ACTION_POINT_DONE, {"what": "Fast vaksen i friminutt"})


def test_accept_handover__writes_one_event_naming_the_new_holder_and_declining_none(staff, team):
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff, team=team)
    kari = factories.ressursteam_member(team, first_name="Kari", last_name="Kollega")
    ola = factories.ressursteam_member(team, first_name="Ola", last_name="Nordmann")
    declined = baton.request_handover(actor=staff, family=case.family, to=ola)
    baton.decline_handover(actor=ola, handover=declined)
    handover = baton.request_handover(actor=staff, family=case.family, to=kari)

    baton.accept_handover(actor=kari, handover=handover)

    entry = only_event(case.family, Visibility.TEAM_AND_FAMILY)
    assert (entry.event_code, entry.event_params, entry.author) == (
        Event.BATON_ACCEPTED,
        {"name": "Kari Kollega"},
        kari,
    )


def test_anonymous_referral__sent_and_decided__writes_no_entry(staff, team):
    unit = factories.MembershipFactory(user=staff).unit
    leader = factories.team_member(team, role=TeamRole.LEADER)
    referral = teams_workflow.create_referral(actor=staff, team=team, unit=unit, question="Eit barn i 3. klasse …")
    before = Entry.objects.count()

    teams_workflow.send_referral(actor=staff, referral=referral)
    meeting = teams_workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today())
    teams_workflow.decide(
        actor=leader, item=meeting.items.get(referral=referral), outcome=Outcome.NO_ACTION, reasons="Ingen tiltak."
    )

    assert Entry.objects.count() == before


# Worded in the reader's language.

WORDED = [
    (
        Event.REFERRAL_SENT,
        {"team": "Ressursteam nord"},
        "Henvendelse sendt til Ressursteam nord.",
        "Henvending sendt til Ressursteam nord.",
    ),
    (
        Event.REFERRAL_DECIDED,
        {"team": "Ressursteam nord", "outcome": "familielos"},
        "Ressursteam nord avgjorde: Familielos.",
        "Ressursteam nord avgjorde: Familielos.",
    ),
    (
        Event.MEETING_HELD,
        {"when": "2026-03-02T13:30:00+00:00"},
        "Familieteammøtet 02.03.2026 14:30 er gjennomført.",
        "Familieteammøtet 02.03.2026 14:30 er gjennomført.",
    ),
    (
        Event.ACTION_POINT_DONE,
        {"what": "Ringje PPT"},
        "Aksjonspunkt utført: Ringje PPT",
        "Aksjonspunkt utført: Ringje PPT",
    ),
    (
        Event.BATON_ACCEPTED,
        {"name": "Kari Kollega"},
        "Stafettpinnen gikk videre til Kari Kollega.",
        "Stafettpinnen gjekk vidare til Kari Kollega.",
    ),
]


@pytest.mark.parametrize(("event", "params", "nb", "nn"), WORDED)
def test_event_text__reads_in_bokmal_and_nynorsk(event, params, nb, nn):
    with translation.override("nb"):
        assert event_text(event, params) == nb
    with translation.override("nn"):
        assert event_text(event, params) == nn


def test_event_text__the_outcome_is_worded_with_the_teams_label():
    params = {"team": "Ressursteam nord", "outcome": "arena"}
    with translation.override("nb"):
        assert event_text(Event.REFERRAL_DECIDED, params) == "Ressursteam nord avgjorde: Tiltak på barnets egen arena."


@pytest.mark.parametrize(
    ("event", "params"),
    [
        ("gossip", {}),
        (Event.REFERRAL_SENT, {}),
        (Event.REFERRAL_DECIDED, {"team": "Ressursteam nord", "outcome": "coin_toss"}),
        (Event.MEETING_HELD, {"when": "i går"}),
    ],
)
def test_event_text__unknown_code_or_parameters__reads_neutrally(event, params):
    assert event_text(event, params) == "System entry"
    with translation.override("nb"):
        assert event_text(event, params) == "Systemoppføring"


# The database's rules.


def test_constraint__a_system_entry_with_neither_level_change_nor_event__is_refused(staff, family):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(family=family, author=staff, kind=Kind.SYSTEM, text="Noko skjedde.")


@pytest.mark.parametrize(("kind", "code"), [(Kind.SYSTEM, "gossip"), (Kind.NOTE, Event.REFERRAL_SENT)])
def test_constraint__an_unknown_event_or_an_event_on_a_persons_entry__is_refused(staff, family, kind, code):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(family=family, author=staff, kind=kind, text="x", event_code=code)


def test_constraint__an_event_on_a_level_change__is_refused(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    change = case.level_changes.create(
        actor=staff, kind=ChangeKind.CONCERN, to_level=Level.AVKLARING, reason="Merknad."
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            family=case.family,
            author=staff,
            kind=Kind.SYSTEM,
            text="",
            level_change=change,
            event_code=Event.REFERRAL_SENT,
        )


def test_migration__adding_the_fields_to_a_table_with_entries__fires_no_append_only_trigger(staff, family):
    """The migration's schema changes, undone and run again on a table holding level changes and a note: adding
    columns with a default rewrites no row, so the trigger that refuses UPDATE stays quiet."""
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Berg")
    Entry.objects.create(family=family, author=staff, text="Eit notat.")
    fields = [Entry._meta.get_field("event_code"), Entry._meta.get_field("event_params")]
    [constraint] = [c for c in Entry._meta.constraints if c.name == "entry_system_is_level_change_or_event"]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        editor.remove_constraint(Entry, constraint)
        for field in fields:
            editor.remove_field(Entry, field)
    with connection.schema_editor() as editor:
        for field in fields:
            editor.add_field(Entry, field)
        editor.add_constraint(Entry, constraint)
    assert set(Entry.objects.filter(family__in=[family, case.family]).values_list("event_code", flat=True)) == {""}


# The pages.


def test_log_page__shows_the_event_worded_beside_level_changes(staff, team):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Berg")
    factories.give_consent(case, units=team.units.all())
    referral = teams_workflow.create_referral(actor=staff, team=team, case=case, question="Treng vi fleire tenester?")
    teams_workflow.send_referral(actor=staff, referral=referral)

    page = client_for(staff).get(reverse("stafettlogg:log", args=[case.family.pk])).content.decode()

    assert "Henvendelse sendt til Ressursteam nord." in page
    # Opened, moved to level 1, moved to level 2, and the referral sent: the level changes show as before.
    assert page.count('class="log-entry log-entry-system') == 4
    assert page.count('class="log-entry-title"><strong>') == 3


def test_desk__shows_the_event_worded(level3):
    meeting = factories.familieteam_meeting(level3, begun=True)
    familieteam_workflow.finish_meeting(
        actor=level3.familielos,
        meeting=meeting,
        present=[],
        family_present="",
        next_starts_at=meeting.starts_at + timedelta(days=30),
        next_place="Skulen",
    )
    when = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M")

    page = client_for(level3.familielos).get(reverse("home")).content.decode()

    assert f"Familieteammøtet {when} er gjennomført." in page
