"""The minutes of a ressursteam meeting: the page and the A4 PDF, with names only where the reader holds the grant."""

import re
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from familielos.models import AccessAction, AccessEvent
from teams import workflow
from teams.models import Outcome, TeamRole
from tests import factories
from tests.conftest import client_for
from tests.teams.test_meeting_views import anonymous_referral, named_referral

pytestmark = pytest.mark.django_db

NO_NAMES = re.compile(r"(Case|Sak) 1 \((no names|uten navn|utan namn)\)")


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    result = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


@pytest.fixture
def decided_meeting():
    """A held meeting: one case sent back to its arena (the team loses the grant), one to PPT (the team keeps it),
    and one anonymous case closed."""
    team = factories.RessursteamFactory(name="Ressursteam vest")
    leader = factories.team_member(team, role=TeamRole.LEADER, first_name="Lise", last_name="Leiar")
    member = factories.team_member(team, first_name="Mona", last_name="Medlem")
    named_referral(team, family_name="Familien Berg", child_name="Maiken-Sol")
    named_referral(team, family_name="Familien Dal", child_name="Ola")
    anonymous_referral(team, question="Eit barn er mykje borte.")
    meeting = workflow.create_meeting(
        actor=leader, team=team, starts_at=factories.begun_today(), place="Rådhuset, møterom 3"
    )
    workflow.set_present(actor=leader, meeting=meeting, users=[leader])
    arena, service, anonymous = meeting.items.all()
    workflow.decide(
        actor=member,
        item=arena,
        outcome=Outcome.ARENA,
        reasons="Klassen prøver fast vaksen først.",
        recommendations="Fast vaksen i friminutta.",
        follow_up=timezone.localdate() + timedelta(days=30),
    )
    workflow.decide(
        actor=member,
        item=service,
        outcome=Outcome.OTHER_SERVICE,
        reasons="PPT må kartleggje lesinga.",
        service=team.units.get(),
    )
    workflow.decide(actor=leader, item=anonymous, outcome=Outcome.NO_ACTION, reasons="Skulen handterer dette sjølv.")
    return meeting, member, service.referral.case.family


def test_minutes_pdf__holds_every_decision_and_names_only_families_the_reader_may_see(decided_meeting):
    meeting, member, dal = decided_meeting
    response = client_for(member).get(reverse("teams:meeting_minutes_pdf", args=[meeting.pk]))
    text = pdf_text(response)
    assert response["Content-Disposition"].startswith("attachment")
    for reasons in ("Klassen prøver fast vaksen først.", "PPT må kartleggje lesinga.", "Skulen handterer dette sjølv."):
        assert reasons in text
    assert "Fast vaksen i friminutta." in text
    assert "Ressursteam vest" in text
    assert "Rådhuset, møterom 3" in text
    assert "Lise Leiar" in text
    # Back at level 1 the team no longer holds the Berg family's grant: that item is in the minutes without names.
    assert NO_NAMES.search(text)
    assert "Familien Berg" not in text
    assert "Maiken-Sol" not in text
    assert "Familien Dal (Ola)" in text
    events = AccessEvent.objects.filter(actor=member, action=AccessAction.PDF)
    assert list(events.values_list("family_id", flat=True)) == [dal.pk]


def test_minutes_page__same_contents_and_one_view_event_per_named_family(decided_meeting):
    meeting, member, dal = decided_meeting
    response = client_for(member).get(reverse("teams:meeting_minutes", args=[meeting.pk]))
    assert response.status_code == 200
    assert "Klassen prøver fast vaksen først." in response.text
    assert NO_NAMES.search(response.text)
    assert "Familien Berg" not in response.text
    assert "Familien Dal (Ola)" in response.text
    events = AccessEvent.objects.filter(actor=member, action=AccessAction.VIEW, object_type="minutes")
    assert list(events.values_list("family_id", flat=True)) == [dal.pk]


def test_board__after_the_grant_is_gone__shows_the_card_without_names_or_text(decided_meeting):
    meeting, member, _dal = decided_meeting
    response = client_for(member).get(meeting.get_absolute_url())
    assert "Familien Berg" not in response.text
    assert "Maiken-Sol" not in response.text
    assert "Klassen prøver fast vaksen først." in response.text
