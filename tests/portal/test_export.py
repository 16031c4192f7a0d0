"""'Everything about us': a guardian downloads every record stored about the family except what the team keeps for
itself, a young person what their own pages show, and neither anything of another family's."""

import json
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from cases import actions, baton
from cases import workflow as case_workflow
from cases.models import ChangeKind, ConsentDecision, HandoverStatus, Level, OwnerKind, PersonRole
from familielos import roles
from familielos.models import AccessAction, AccessEvent, Membership
from familieteam import workflow as familieteam_workflow
from familieteam.models import Column, EvaluationResult, FamilieteamMeeting, LifeArea, MeetingStatus
from portal import export, insight
from portal.export import family_data
from portal.selectors import ENTRY_LABELS
from screening import workflow as screening_workflow
from screening.models import AgeGroup
from stafettlogg import workflow as log_workflow
from stafettlogg.events import Event, event_text
from stafettlogg.models import Entry, Kind, Outcome, Visibility
from teams import workflow as teams_workflow
from teams.models import Outcome as DecisionOutcome
from teams.models import Referral, TeamRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URLS = ("portal:export", "portal:export_pdf", "portal:export_json")


def nb(text) -> str:
    """A text as the family reads it: the portal speaks Bokmål unless they choose Nynorsk."""
    with translation.override("nb"):
        return str(text)


@dataclass
class Texts:
    """The distinctive texts of one family's records, by who may download them."""

    youth: list[str]
    """On a young person's own pages, so in every download of the family."""
    guardians: list[str]
    """In a guardian's download only: what the guardians said, the rest of the family's records."""
    team: list[str]
    """The team's own, in no download: team-only log entries, level-change reasons, screenings."""


def everything(case, *, tag: str, family_login) -> Texts:
    """One record of every kind for the case's family, each text carrying `tag`, walked through the workflow as the
    app makes them."""
    family, opener = case.family, case.opened_by
    now, today = timezone.now(), timezone.localdate()
    guardian = family.persons.get(role=PersonRole.GUARDIAN, parental_responsibility=True)
    child = case.children.first()
    school = factories.ServiceUnitFactory(name=f"{tag} skule")
    Membership.objects.create(user=opener, unit=school)

    instrument = screening_workflow.current_instrument(AgeGroup.BARNESKOLE)
    screening_workflow.save_screening(
        actor=opener,
        instrument=instrument,
        unit=school,
        factor_ids=[instrument.factors.first().pk],
        child=child,
        submit=True,
        seen=f"{tag}: sett i friminuttet",
        child_said=f"{tag}: det barnet sa",
    )
    case_workflow.report_to_barnevern(actor=opener, case=case, reason=f"{tag}: meldt til barnevernet")
    samtale = actions.book_avklaringssamtale(
        actor=opener, case=case, starts_at=now - timedelta(days=14), place=f"{tag} møterom"
    )
    actions.record_avklaringssamtale(
        actor=opener,
        samtale=samtale,
        version=samtale.version,
        agreements=[{"what": f"{tag}: fast vaksen i friminutta", "who": "Læraren", "follow_up": today}],
        concern=f"{tag}: uroa slik ho vart lagd fram",
        guardians_said=f"{tag}: det foreldra sa",
        duk_works=f"{tag}: dette fungerer",
        duk_agreement=f"{tag}: vi har ein avtale",
    )

    team = factories.RessursteamFactory(name=f"{tag} ressursteam")
    los = factories.familielos(first_name=f"{tag}Los", last_name="Losen")
    actions.record_consent(
        actor=opener,
        family=family,
        given_by=guardian,
        decision=ConsentDecision.GIVEN,
        units=[*team.units.all(), *case_workflow.familielos_units(los)],
        valid_from=today - timedelta(days=1),
        valid_to=today + timedelta(days=365),
        note=f"{tag}: merknad til samtykket",
    )
    case.refresh_from_db()
    referral = teams_workflow.create_referral(
        actor=opener,
        team=team,
        case=case,
        question=f"{tag}: spørsmål til teamet",
        tried=f"{tag}: prøvd før",
        guardian_view=f"{tag}: det foreldra meiner",
    )
    teams_workflow.send_referral(actor=opener, referral=referral)
    # Sent before the meeting a week ago that decides it.
    Referral.objects.filter(pk=referral.pk).update(
        sent_at=now - timedelta(days=8), waiting_since=now - timedelta(days=8)
    )
    leader = factories.team_member(team, role=TeamRole.LEADER)
    meeting = teams_workflow.create_meeting(actor=leader, team=team, starts_at=now - timedelta(days=7))
    item = meeting.items.get(referral=referral)
    teams_workflow.decide(
        actor=leader, item=item, outcome=DecisionOutcome.FAMILIELOS, reasons=f"{tag}: grunngjeving", familielos=los
    )

    case.refresh_from_db()
    member, member_user = factories.familieteam_member(case, mandate=f"{tag}: mandat frå tenesta")
    factories.trusted_person(case, name=f"{tag} Nabo")
    first = factories.familieteam_meeting(case, begun=True, place=f"{tag} heime")
    area = LifeArea.objects.filter(active=True).first()
    cell = familieteam_workflow.save_cell(
        actor=los,
        meeting=first,
        life_area=area,
        column=Column.NOW,
        text=f"{tag}: dette gjer vi no",
        due=None,
        base_version=0,
    ).cell
    familieteam_workflow.set_action_point(
        actor=los,
        meeting=first,
        what=f"{tag}: ring PPT",
        owner=familieteam_workflow.Owner(kind=OwnerKind.STAFF, user_id=member_user.pk),
        due=today + timedelta(days=7),
    )
    second = familieteam_workflow.finish_meeting(
        actor=los,
        meeting=first,
        present=[member],
        family_present=f"{tag}: mor og far",
        next_starts_at=first.starts_at + timedelta(days=30),
        next_place="Skulen",
    )
    familieteam_workflow.evaluate(
        actor=los, meeting=second, cell=cell, result=EvaluationResult.DONE, comment=f"{tag}: det gjekk bra"
    )

    note = log_workflow.post_entry(
        actor=los, family=family, kind=Kind.NOTE, visibility=Visibility.TEAM, text=f"{tag}: notat berre for teamet"
    )
    log_workflow.correct_entry(actor=los, entry=note, text=f"{tag}: retta notat")
    message = log_workflow.post_entry(
        actor=los, family=family, kind=Kind.MESSAGE, visibility=Visibility.TEAM_AND_FAMILY, text=f"{tag}: melding"
    )
    log_workflow.correct_entry(actor=los, entry=message, text=f"{tag}: retta melding")
    log_workflow.post_entry(
        actor=los, family=family, kind=Kind.LYSGLIMT, visibility=Visibility.TEAM_AND_FAMILY, text=f"{tag}: lysglimt"
    )
    measure = log_workflow.post_measure(
        actor=los,
        family=family,
        visibility=Visibility.TEAM_AND_FAMILY,
        text=f"{tag}: tiltak",
        responsible=f"{tag} ansvarleg",
        starts_on=today,
        evaluate_by=today + timedelta(days=30),
        life_area=area,
    )
    log_workflow.evaluate_measure(
        actor=los,
        family=family,
        measure=measure,
        outcome=Outcome.WELL,
        visibility=Visibility.TEAM_AND_FAMILY,
        text=f"{tag}: evaluering av tiltaket",
        next_steps=f"{tag}: vidare",
    )
    log_workflow.post_from_family(actor=family_login, kind=Kind.MESSAGE, text=f"{tag}: melding frå familien")
    baton.request_handover(actor=los, family=family, to=member_user, note=f"{tag}: overlevering")
    return Texts(
        youth=[
            f"{tag} skule",
            f"{tag} møterom",
            f"{tag}: fast vaksen i friminutta",
            f"{tag}Los Losen",
            f"{tag} heime",
            f"{tag}: dette gjer vi no",
            f"{tag}: ring PPT",
            f"{tag}: det gjekk bra",
            f"{tag}: melding",
            f"{tag}: retta melding",
            f"{tag}: lysglimt",
            f"{tag}: tiltak",
            f"{tag} ansvarleg",
            f"{tag}: evaluering av tiltaket",
            f"{tag}: vidare",
            f"{tag}: melding frå familien",
        ],
        guardians=[
            f"{tag}: uroa slik ho vart lagd fram",
            f"{tag}: det foreldra sa",
            f"{tag}: dette fungerer",
            f"{tag}: vi har ein avtale",
            f"{tag} ressursteam",
            f"{tag}: merknad til samtykket",
            f"{tag}: spørsmål til teamet",
            f"{tag}: prøvd før",
            f"{tag}: det foreldra meiner",
            f"{tag}: grunngjeving",
            f"{tag}: mandat frå tenesta",
            f"{tag} Nabo",
            f"{tag}: mor og far",
        ],
        team=[
            f"{tag}: sett i friminuttet",
            f"{tag}: det barnet sa",
            f"{tag}: meldt til barnevernet",
            "Bekymring over tid.",
            f"{tag}: notat berre for teamet",
            f"{tag}: retta notat",
            f"{tag}: overlevering",
        ],
    )


@dataclass
class World:
    """Two families with one record of every kind each; `family` has a guardian's and a young person's login."""

    family: object
    parent: object
    youth: object
    ours: Texts
    other_family: object
    other_parent: object
    theirs: Texts


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module through the workflows and rolled back after it; each test runs in a savepoint inside
    it, rolled back after the test, so the tests that write (the query count's extra rows) leave it as it was. The
    logins' usernames differ from the function fixtures' (forelder, ungdom, laerer...) that some tests here use."""
    with django_db_blocker.unblock(), transaction.atomic():
        case = factories.open_case(
            opener=factories.unit_staff(username="eksport_laerer"), family_name="Familien Hansen", child_name="Emma"
        )
        parent = factories.family_login(case.family.persons.get(role=PersonRole.GUARDIAN), username="eksport_forelder")
        jonas = factories.person(case.family, first_name="Jonas", birth_date=date(timezone.localdate().year - 17, 1, 1))
        youth = factories.family_login(jonas, username="eksport_ungdom")
        other = factories.open_case(opener=factories.unit_staff(username="eksport_annan"), family_name="Familien Berg")
        other_parent = factories.family_login(
            other.family.persons.get(role=PersonRole.GUARDIAN), username="eksport_annan_forelder"
        )
        ours = everything(case, tag="QQHANSEN", family_login=parent)
        theirs = everything(other, tag="ZZBERG", family_login=other_parent)
        yield World(case.family, parent, youth, ours, other.family, other_parent, theirs)
        transaction.set_rollback(True)


def pdf_text(response) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def export_json(user) -> str:
    response = client_for(user).get(reverse("portal:export_json"))
    assert response.status_code == 200
    return response.content.decode()


def test_export_json__guardian__holds_every_record_the_policy_includes_and_none_of_another(world):
    response = client_for(world.parent).get(reverse("portal:export_json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Disposition"].endswith('.json"')
    body = response.content.decode()
    for text in world.ours.youth + world.ours.guardians:
        assert text in body, text
    assert "ZZBERG" not in body
    assert "Familien Berg" not in body
    data = json.loads(body)
    assert data["family"]["name"] == "Familien Hansen"
    assert {person["first_name"] for person in data["persons"]} == {"Emma", "Guro", "Jonas"}
    assert [case["level"] for case in data["cases"]] == [nb(Level.FAMILIELOS.label)]
    assert data["referrals"][0]["meetings"][0]["decision"]["outcome"] == nb(DecisionOutcome.FAMILIELOS.label)
    assert data["baton"]["holder"]["name"] == "QQHANSENLos Losen"
    assert data["baton_handovers"][0]["status"] == nb(HandoverStatus.PENDING.label)


def test_export_json__guardian__leaves_out_what_the_team_keeps(world):
    body = export_json(world.parent)
    for text in world.ours.team:
        assert text not in body, text
    data = json.loads(body)
    assert "screenings" not in data
    assert "duty_to_report_to_barnevern" not in body
    # The case's moves between levels, by date, without the reasons, and without the history rows at one level
    # (here a report to barnevern).
    history = data["cases"][0]["level_history"]
    assert [change["to_level"] for change in history] == [
        nb(Level.UNDRING.label),
        nb(Level.AVKLARING.label),
        nb(Level.RESSURSTEAM.label),
        nb(Level.FAMILIELOS.label),
    ]
    assert all(set(change) == {"at", "change", "from_level", "to_level"} for change in history)
    assert nb(ChangeKind.REPORTED.label) not in body
    # Only the entries written for the family, and nothing of the team's: no mark, no gap in the numbering.
    # In the words of the family's own log page.
    assert {entry["kind"] for entry in data["log"]} >= {nb(ENTRY_LABELS[Kind.MESSAGE]), nb(ENTRY_LABELS[Kind.SYSTEM])}
    assert [entry["number"] for entry in data["log"]] == list(range(1, len(data["log"]) + 1))
    with translation.override("nb"):
        assert event_text(Event.REFERRAL_SENT, {"team": "QQHANSEN ressursteam"}) not in body
        assert gettext("The team only") not in body


def test_export_json__says_what_it_leaves_out_in_the_same_words_for_every_family(world, parent):
    data = json.loads(export_json(world.parent))
    empty = json.loads(export_json(parent))
    assert data["about"] == empty["about"] == json.loads(json.dumps(export.about(world.parent.person)))
    assert data["about"]["not_included"] == [nb(text) for text in export.FAMILY_LEAVES_OUT]
    assert data["about"]["full_copy"].startswith("Du kan be kommunen om full innsyn")
    assert "personopplysningsloven § 16" in data["about"]["why"]


def test_export_json__keeps_the_log_entries_references_and_names_the_writers(world):
    data = json.loads(export_json(world.parent))
    log = {entry["text"]: entry for entry in data["log"]}
    message, correction = log["QQHANSEN: melding"], log["QQHANSEN: retta melding"]
    assert correction["corrects"] == message["number"]
    assert log["QQHANSEN: evaluering av tiltaket"]["evaluates"] == log["QQHANSEN: tiltak"]["number"]
    # The system's entries written for the family are there, worded.
    held = Entry.objects.get(family=world.family, event_code=Event.MEETING_HELD)
    with translation.override("nb"):
        assert held.shown_text in log
    # Staff are named with their role and service; the family's own login as a family member.
    familielos = {"name": "QQHANSENLos Losen", "role": nb(roles.LABELS[roles.FAMILIELOS])}
    assert message["by"] == {**familielos, "service": factories.FAMILIELOS_SERVICE}
    assert log["QQHANSEN: melding frå familien"]["by"]["role"] == nb(roles.LABELS[roles.FAMILY_MEMBER])


def test_export_json__the_log_is_in_the_words_of_the_familys_own_log_page(world):
    los = Entry.objects.filter(family=world.family).exclude(author=None).first().author
    Entry.objects.create_event(
        family_id=world.family.pk, actor=los, event=Event.ACTION_POINT_DONE, params={"what": "QQHANSEN: ringje PPT"}
    )

    data = json.loads(export_json(world.parent))

    done = next(entry for entry in data["log"] if "QQHANSEN: ringje PPT" in entry["text"])
    # A task, as the family's pages call it, not an action point; the kind as their log page names it.
    with translation.override("nb"):
        as_family = event_text(Event.ACTION_POINT_DONE, {"what": "QQHANSEN: ringje PPT"}, for_family=True)
        as_staff = event_text(Event.ACTION_POINT_DONE, {"what": "QQHANSEN: ringje PPT"})
    assert as_family != as_staff
    assert (done["kind"], done["text"]) == (nb(ENTRY_LABELS[Kind.SYSTEM]), as_family)


def test_export_json__moments_are_local_and_dates_are_days(world):
    data = json.loads(export_json(world.parent))
    entry = Entry.objects.get(text="QQHANSEN: melding")
    message = next(item for item in data["log"] if item["text"] == "QQHANSEN: melding")
    assert message["at"].startswith(f"{timezone.localtime(entry.at):%Y-%m-%dT%H:%M:%S}")
    assert message["at"].endswith(f"{timezone.localtime(entry.at):%z}"[:3] + ":00")
    emma = next(person for person in data["persons"] if person["first_name"] == "Emma")
    assert emma["born_on"] == "2018-05-17"


def test_export_pdf__prints_moments_as_day_month_year_and_free_text_as_written(world):
    entry = log_workflow.post_from_family(actor=world.parent, kind=Kind.MESSAGE, text="2025-03-01")
    text = pdf_text(client_for(world.parent).get(reverse("portal:export_pdf")))
    assert f"{timezone.localtime(entry.at):%d.%m.%Y %H:%M}" in text
    assert "2025-03-01" in text
    assert "01.03.2025" not in text


def test_export_json__holds_no_secrets_or_record_ids(world):
    body = export_json(world.parent)
    assert "pbkdf2" not in body
    assert "password" not in body
    assert "sessionid" not in body
    assert '"id"' not in body
    assert '"pk"' not in body


def test_export_pdf__guardian__holds_what_the_policy_includes_says_what_it_leaves_out_and_none_of_another(world):
    response = client_for(world.parent).get(reverse("portal:export_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    text = pdf_text(response)
    for expected in world.ours.youth + world.ours.guardians:
        assert expected in text, expected
    for withheld in world.ours.team:
        assert withheld not in text, withheld
    assert "Du kan be kommunen om full innsyn" in text
    assert "forvaltningsloven § 19" in text
    with translation.override("nb"):
        assert gettext("The team only") not in text
        assert gettext("Ticked factors") not in text
    assert "ZZBERG" not in text
    assert "Familien Berg" not in text


def test_export_json__young_person__holds_only_what_their_pages_show(world):
    body = export_json(world.youth)
    for text in world.ours.youth:
        assert text in body, text
    for text in world.ours.guardians + world.ours.team:
        assert text not in body, text
    assert "ZZBERG" not in body
    data = json.loads(body)
    assert [person["first_name"] for person in data["persons"]] == ["Jonas"]
    assert "Emma" not in body
    for section in ("cases", "consents", "clarifying_conversations", "referrals", "familieteams", "baton_handovers"):
        assert section not in data
    assert data["about"]["not_included"] == [nb(text) for text in export.YOUTH_LEAVES_OUT]
    assert data["baton"]["holder"]["name"] == "QQHANSENLos Losen"
    assert [meeting["place"] for meeting in data["meetings"]] == ["QQHANSEN møterom", "QQHANSEN heime", "Skulen"]


def test_export_pdf__young_person__holds_only_what_their_pages_show(world):
    text = pdf_text(client_for(world.youth).get(reverse("portal:export_pdf")))
    for expected in ("QQHANSEN: dette gjer vi no", "QQHANSEN: ring PPT", "QQHANSEN: melding", "QQHANSEN heime"):
        assert expected in text, expected
    for withheld in world.ours.guardians + world.ours.team:
        assert withheld not in text, withheld
    assert "Emma" not in text
    assert "ZZBERG" not in text


@pytest.mark.parametrize(("name", "action"), [("portal:export_json", "export"), ("portal:export_pdf", "pdf")])
def test_export_download__writes_an_access_event_of_the_family(parent_client, parent, family, name, action):
    parent_client.get(reverse(name))
    event = AccessEvent.objects.get(actor=parent, object_type="export")
    assert (event.family_id, event.action) == (family.pk, AccessAction(action))


def test_export_page__guardian__says_what_is_left_out_and_links_both_downloads(parent_client):
    body = parent_client.get(reverse("portal:export")).content.decode()
    assert reverse("portal:export_pdf") in body
    assert reverse("portal:export_json") in body
    for text in [*export.FAMILY_HOLDS, *export.FAMILY_LEAVES_OUT, export.FAMILY_WHY, export.FAMILY_FULL_COPY]:
        assert escape(nb(text)) in body, text
    assert nb(export.FAMILY_FULL_COPY).startswith("Du kan be kommunen om full innsyn")


def test_export_page__young_person__says_what_their_download_holds(youth_login):
    body = client_for(youth_login).get(reverse("portal:export")).content.decode()
    for text in [*export.YOUTH_HOLDS, *export.YOUTH_LEAVES_OUT, export.YOUTH_WHY, export.YOUTH_FULL_COPY]:
        assert escape(nb(text)) in body, text
    assert escape(nb(export.FAMILY_LEAVES_OUT[0])) not in body


@pytest.mark.parametrize("who", ["parent", "youth"])
def test_export_json__query_count_does_not_grow_with_the_records(world, who):
    user = getattr(world, who)
    client = client_for(user)
    url = reverse("portal:export_json")
    client.get(url)  # the session's first save is not the export's
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    case = world.family.cases.get()
    for number in range(20):
        log_workflow.post_entry(
            actor=case.familielos,
            family=world.family,
            kind=Kind.MESSAGE,
            visibility=Visibility.TEAM_AND_FAMILY,
            text=f"Melding {number}",
        )
    planned = FamilieteamMeeting.objects.get(team__case=case, status=MeetingStatus.PLANNED)
    for number in range(5):
        factories.familieteam_member(case, mandate=f"Mandat {number}")
        familieteam_workflow.set_action_point(
            actor=case.familielos,
            meeting=planned,
            what=f"Oppgåve {number}",
            owner=familieteam_workflow.Owner(kind=OwnerKind.GUARDIAN, person_id=world.parent.person.pk),
            due=None,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "Melding 19" in response.content.decode()
    assert "Oppgåve 4" in response.content.decode()
    assert len(many) == len(few)
    assert len(many) <= 30


@pytest.mark.parametrize("name", URLS)
def test_export__signed_out__goes_to_the_portal_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign_in"))


@pytest.mark.parametrize("name", URLS)
def test_export__staff__is_404(staff_client, name):
    assert staff_client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", URLS)
def test_export__guardian_without_parental_responsibility__is_404(parent, guardian, name):
    guardian.parental_responsibility = False
    guardian.save(update_fields=["parental_responsibility"])
    assert client_for(parent).get(reverse(name)).status_code == 404


def test_export__another_familys_login__gets_only_its_own_family(world):
    body = export_json(world.other_parent)
    for text in world.theirs.youth + world.theirs.guardians:
        assert text in body, text
    assert "QQHANSEN" not in body
    assert "Familien Hansen" not in body


def test_family_data__an_empty_family__has_empty_sections(guardian):
    data = family_data(guardian)
    assert data["consents"] == data["referrals"] == data["familieteams"] == data["action_points"] == []
    assert data["baton"] is None
    json.dumps(data, cls=DjangoJSONEncoder)


def test_export_json__guardian__has_a_cells_earlier_texts_and_the_one_that_lost__the_young_person_not(lund):
    """Every text saved in a cell is stored (CellVersion), the one a save made first kept out of the cell too: a
    guardian's download holds them all; a young person's holds the plan as their pages show it."""
    meeting, area = lund.meeting, LifeArea.objects.filter(active=True).first()

    def save(text, base_version):
        return familieteam_workflow.save_cell(
            actor=lund.familielos,
            meeting=meeting,
            life_area=area,
            column=Column.NOW,
            text=text,
            due=None,
            base_version=base_version,
        )

    save("Kveldsrutine kvar dag", 0)
    save("Kveldsrutine fire dagar i veka", 1)
    save("Kveldsrutine, og tur i helga", 1)  # typed from version 1 while version 2 was saved: a conflict

    guardian = json.loads(export_json(lund.login))
    youth = export_json(lund.youth_login)

    [cell] = [
        cell
        for team in guardian["familieteams"]
        for each in team["meetings"]
        for cell in each["samtaleduk_2"]
        if cell["text"] == "Kveldsrutine fire dagar i veka"
    ]
    assert [(earlier["text"], earlier["not_saved_someone_saved_first"]) for earlier in cell["earlier_texts"]] == [
        ("Kveldsrutine kvar dag", False),
        ("Kveldsrutine, og tur i helga", True),
    ]
    assert cell["earlier_texts"][0]["written_by"]["name"] == lund.familielos.get_full_name()
    assert "Kveldsrutine fire dagar i veka" in youth
    assert "Kveldsrutine kvar dag" not in youth
    assert "og tur i helga" not in youth
    printed = pdf_text(client_for(lund.login).get(reverse("portal:export_pdf")))
    with translation.override("nb"):
        assert f"{gettext('Earlier text')}, " in printed
        assert f"{gettext('Not saved, someone saved first')}, " in printed
    assert "Kveldsrutine kvar dag" in printed


def test_export__guardian__holds_who_has_looked_at_their_data_as_the_insight_page_tells_it(lund):
    """The right of access covers who the data was shown to (GDPR art. 15(1)(c)): the service and role, when and what,
    never the staff member's name; the family's own reads are not in it."""
    client_for(lund.familielos).get(lund.family.get_absolute_url())

    data = json.loads(export_json(lund.login))
    printed = pdf_text(client_for(lund.login).get(reverse("portal:export_pdf")))

    looked = {(read["role"], read["did"], read["what"]) for read in data["who_has_looked"]}
    family_page = (
        nb(roles.LABELS[roles.FAMILIELOS]),
        nb(insight.ACTIONS[AccessAction.VIEW]),
        nb(insight.KINDS["family"]),
    )
    assert family_page in looked
    assert nb(roles.LABELS[roles.FAMILY_MEMBER]) not in {role for role, _did, _what in looked}
    assert lund.familielos.get_full_name() not in json.dumps(data["who_has_looked"])
    with translation.override("nb"):
        assert gettext("Who has looked at our data") in printed


def test_export_pdf__a_cell_saved_many_times__prints_its_last_20_earlier_texts_and_says_the_json_has_all(lund):
    meeting, area = lund.meeting, LifeArea.objects.filter(active=True).first()
    for version in range(25):
        familieteam_workflow.save_cell(
            actor=lund.familielos,
            meeting=meeting,
            life_area=area,
            column=Column.NOW,
            text=f"Utkast nummer {version + 1:02d}",
            due=None,
            base_version=version,
        )

    printed = pdf_text(client_for(lund.login).get(reverse("portal:export_pdf")))
    data = json.loads(export_json(lund.login))

    with translation.override("nb"):
        note = ngettext(
            "%(count)s earlier text; the last 20 are here, every one is in the data file (JSON).",
            "%(count)s earlier texts; the last 20 are here, every one is in the data file (JSON).",
            24,
        ) % {"count": 24}
    assert " ".join(note.split()) in printed
    assert "Utkast nummer 04" not in printed
    assert "Utkast nummer 05" in printed
    assert "Utkast nummer 01" in json.dumps(data, ensure_ascii=False)
