"""'Everything about us': the family downloads every record stored about them, and nothing of another family's."""

import json
import subprocess
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases import actions, baton
from cases import workflow as case_workflow
from cases.models import ConsentDecision, HandoverStatus, Level, OwnerKind, PersonRole
from familielos import roles
from familielos.models import AccessAction, AccessEvent, Membership
from familieteam import workflow as familieteam_workflow
from familieteam.models import Column, EvaluationResult, LifeArea
from portal.export import family_data
from screening import workflow as screening_workflow
from screening.models import AgeGroup
from stafettlogg import workflow as log_workflow
from stafettlogg.events import Event, event_text
from stafettlogg.models import Kind, Outcome, Visibility
from teams import workflow as teams_workflow
from teams.models import Outcome as DecisionOutcome
from teams.models import TeamRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URLS = ("portal:export", "portal:export_pdf", "portal:export_json")


def nb(text) -> str:
    """A text as the family reads it: the portal speaks Bokmål unless they choose Nynorsk."""
    with translation.override("nb"):
        return str(text)


def everything(case, *, tag: str, family_login) -> list[str]:
    """One record of every kind for the case's family, each text carrying `tag`, walked through the workflow as the
    app makes them. Returns the texts the export must hold."""
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
    )
    samtale = actions.book_avklaringssamtale(
        actor=opener, case=case, starts_at=now - timedelta(hours=1), place=f"{tag} møterom"
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
        actor=opener, team=team, case=case, question=f"{tag}: spørsmål til teamet", tried=f"{tag}: prøvd før"
    )
    teams_workflow.send_referral(actor=opener, referral=referral)
    leader = factories.team_member(team, role=TeamRole.LEADER)
    meeting = teams_workflow.create_meeting(actor=leader, team=team, starts_at=now + timedelta(days=1))
    item = meeting.items.get(referral=referral)
    teams_workflow.decide(
        actor=leader, item=item, outcome=DecisionOutcome.FAMILIELOS, reasons=f"{tag}: grunngjeving", familielos=los
    )

    case.refresh_from_db()
    member, member_user = factories.familieteam_member(case, mandate=f"{tag}: mandat frå tenesta")
    factories.trusted_person(case, name=f"{tag} Nabo")
    first = factories.familieteam_meeting(case, place=f"{tag} heime")
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
    log_workflow.post_entry(
        actor=los, family=family, kind=Kind.MESSAGE, visibility=Visibility.TEAM_AND_FAMILY, text=f"{tag}: melding"
    )
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
    return [
        f"{tag} skule",
        f"{tag}: sett i friminuttet",
        f"{tag} møterom",
        f"{tag}: fast vaksen i friminutta",
        f"{tag}: uroa slik ho vart lagd fram",
        f"{tag}: det foreldra sa",
        f"{tag}: dette fungerer",
        f"{tag}: vi har ein avtale",
        f"{tag} ressursteam",
        f"{tag}Los Losen",
        f"{tag}: merknad til samtykket",
        f"{tag}: spørsmål til teamet",
        f"{tag}: prøvd før",
        f"{tag}: grunngjeving",
        f"{tag}: mandat frå tenesta",
        f"{tag} Nabo",
        f"{tag} heime",
        f"{tag}: dette gjer vi no",
        f"{tag}: ring PPT",
        f"{tag}: mor og far",
        f"{tag}: det gjekk bra",
        f"{tag}: notat berre for teamet",
        f"{tag}: retta notat",
        f"{tag}: melding",
        f"{tag}: lysglimt",
        f"{tag}: tiltak",
        f"{tag} ansvarleg",
        f"{tag}: evaluering av tiltaket",
        f"{tag}: vidare",
        f"{tag}: melding frå familien",
        f"{tag}: overlevering",
    ]


@pytest.fixture
def both(case, parent, other_case):
    """`family` and the other family, each with one record of every kind."""
    ours = everything(case, tag="QQHANSEN", family_login=parent)
    other_login = other_case.family.persons.get(role=PersonRole.GUARDIAN).user
    theirs = everything(other_case, tag="ZZBERG", family_login=other_login)
    return ours, theirs


def pdf_text(response) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_export_json__holds_every_record_of_the_family_and_none_of_another(both, parent_client, family):
    ours, _theirs = both
    response = parent_client.get(reverse("portal:export_json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Disposition"].endswith('.json"')
    body = response.content.decode()
    for text in ours:
        assert text in body, text
    assert "ZZBERG" not in body
    assert "Familien Berg" not in body
    data = json.loads(body)
    assert data["family"]["name"] == "Familien Hansen"
    assert [case["level"] for case in data["cases"]] == [nb(Level.FAMILIELOS.label)]
    history = data["cases"][0]["level_history"]
    assert history[-1]["to_level"] == nb(Level.FAMILIELOS.label)
    # Every step has its reason; a coded one (the conversation recorded) is worded with its moment.
    samtale = family.cases.get().samtaler.get()
    assert all(change["reason"] for change in history)
    assert any(f"{timezone.localtime(samtale.starts_at):%d.%m.%Y %H:%M}" in change["reason"] for change in history)
    assert data["referrals"][0]["meetings"][0]["decision"]["outcome"] == nb(DecisionOutcome.FAMILIELOS.label)
    assert data["baton"]["holder"]["name"] == "QQHANSENLos Losen"
    assert data["baton_handovers"][0]["status"] == nb(HandoverStatus.PENDING.label)


def test_export_json__marks_team_only_log_entries_and_keeps_their_references(both, parent_client):
    data = json.loads(parent_client.get(reverse("portal:export_json")).content)
    log = {entry["text"]: entry for entry in data["log"]}
    note, correction = log["QQHANSEN: notat berre for teamet"], log["QQHANSEN: retta notat"]
    assert note["team_only"] is True
    assert note["visible_to"] == nb(Visibility.TEAM.label)
    assert correction["corrects"] == note["number"]
    assert log["QQHANSEN: melding"]["team_only"] is False
    assert log["QQHANSEN: evaluering av tiltaket"]["evaluates"] == log["QQHANSEN: tiltak"]["number"]
    # The system's own entries are there too, worded.
    with translation.override("nb"):
        sent = event_text(Event.REFERRAL_SENT, {"team": "QQHANSEN ressursteam"})
    assert sent in log
    # Staff are named with their role and service; the family's own login as a family member.
    familielos = {"name": "QQHANSENLos Losen", "role": nb(roles.LABELS[roles.FAMILIELOS])}
    assert note["by"] == {**familielos, "service": factories.FAMILIELOS_SERVICE}
    assert log["QQHANSEN: melding frå familien"]["by"]["role"] == nb(roles.LABELS[roles.FAMILY_MEMBER])


def test_export_json__holds_no_secrets_or_record_ids(both, parent_client, parent):
    body = parent_client.get(reverse("portal:export_json")).content.decode()
    assert "pbkdf2" not in body
    assert "password" not in body
    assert "sessionid" not in body
    assert '"id"' not in body
    assert '"pk"' not in body


def test_export_pdf__holds_every_record_of_the_family_and_none_of_another(both, parent_client):
    ours, _theirs = both
    response = parent_client.get(reverse("portal:export_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    text = pdf_text(response)
    for expected in ours:
        assert expected in text, expected
    with translation.override("nb"):
        assert gettext("The team only") in text
    assert "ZZBERG" not in text
    assert "Familien Berg" not in text


@pytest.mark.parametrize(("name", "action"), [("portal:export_json", "export"), ("portal:export_pdf", "pdf")])
def test_export_download__writes_an_access_event_of_the_family(parent_client, parent, family, name, action):
    parent_client.get(reverse(name))
    event = AccessEvent.objects.get(actor=parent, object_type="export")
    assert (event.family_id, event.action) == (family.pk, AccessAction(action))


def test_export_page__explains_and_links_both_downloads(parent_client):
    response = parent_client.get(reverse("portal:export"))
    assert response.status_code == 200
    assert reverse("portal:export_pdf") in response.content.decode()
    assert reverse("portal:export_json") in response.content.decode()


def test_export_json__query_count_does_not_grow_with_the_records(both, parent_client, family):
    url = reverse("portal:export_json")
    parent_client.get(url)  # the session's first save is not the export's
    with CaptureQueriesContext(connection) as few:
        parent_client.get(url)
    los = family.cases.get().familielos
    for number in range(20):
        log_workflow.post_entry(
            actor=los, family=family, kind=Kind.NOTE, visibility=Visibility.TEAM, text=f"Notat {number}"
        )
    for number in range(5):
        factories.familieteam_member(family.cases.get(), mandate=f"Mandat {number}")
    with CaptureQueriesContext(connection) as many:
        response = parent_client.get(url)
    assert "Notat 19" in response.content.decode()
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


def test_export__another_familys_login__gets_only_its_own_family(both, other_case):
    other_login = other_case.family.persons.get(role=PersonRole.GUARDIAN).user
    body = client_for(other_login).get(reverse("portal:export_json")).content.decode()
    assert "ZZBERG: melding" in body
    assert "QQHANSEN" not in body
    assert "Familien Hansen" not in body


def test_family_data__an_empty_family__has_empty_sections(family):
    data = family_data(family)
    assert data["consents"] == data["referrals"] == data["familieteams"] == data["action_points"] == []
    assert data["baton"] is None
    json.dumps(data)
