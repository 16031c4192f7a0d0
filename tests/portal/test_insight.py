"""'Who has looked at our data': the family sees others' reads of their data, by service, role, time and kind of
record, and nothing of the staff's own detail."""

from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from familielos import roles
from familielos.models import AccessAction, AccessEvent, Membership
from portal.insight import ACTIONS, KINDS, read_page
from stafettlogg import workflow as log_workflow
from stafettlogg.models import TEAM_ONLY_READ, Entry, Kind, Visibility
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = reverse("portal:insight")
OSLO = ZoneInfo("Europe/Oslo")


def nb(text) -> str:
    """A text as the family reads it: the portal speaks Bokmål unless they choose Nynorsk."""
    with translation.override("nb"):
        return str(text)


@pytest.fixture
def school(staff):
    unit = factories.ServiceUnitFactory(name="Solsida skule")
    Membership.objects.create(user=staff, unit=unit)
    return unit


def events_by_new_readers(family, count: int) -> None:
    """`count` reads of the family's page, each by another staff member of another service."""
    readers = [factories.unit_staff() for _ in range(count)]
    Membership.objects.bulk_create(
        Membership(user=reader, unit=factories.ServiceUnitFactory(name=f"Eining for innsyn {number}"))
        for number, reader in enumerate(readers)
    )
    AccessEvent.objects.bulk_create(
        AccessEvent(
            actor=reader,
            actor_username=reader.username,
            role=roles.UNIT_STAFF,
            action=AccessAction.VIEW,
            family_id=family.pk,
            object_type="family",
            object_id=str(family.pk),
            path=f"/familier/{family.pk}/",
            ip="10.0.0.7",
        )
        for reader in readers
    )


def test_insight__shows_a_staff_read_by_service_role_and_kind_without_staff_detail(
    school, staff, staff_client, family, parent_client
):
    staff_url = reverse("cases:family_detail", args=[family.pk])
    staff_client.get(staff_url, {"q": "Hansen"})
    response = parent_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Solsida skule" in body
    assert nb(roles.LABELS[roles.UNIT_STAFF]) in body
    assert nb(KINDS["family"]) in body
    # Nothing that names the person, where they sat or what they typed.
    assert staff.get_full_name() not in body
    assert staff.username not in body
    assert "127.0.0.1" not in body
    assert staff_url not in body


def test_insight__a_team_only_entry__leaves_no_line_the_family_could_tell_it_by(
    school, staff_client, family, parent_client
):
    post = reverse("stafettlogg:post", args=[family.pk])
    for visibility in ("team_and_family", "team"):
        written = staff_client.post(post, {"kind": "message", "message-text": "Hei", "message-visibility": visibility})
        assert written.status_code == 302
    shown, hidden = Entry.objects.filter(family=family, kind=Kind.MESSAGE).order_by("pk")
    assert hidden.visibility == Visibility.TEAM
    assert AccessEvent.objects.filter(object_type="entry", object_id=str(hidden.pk)).exists()

    reads = read_page(family).reads

    written = [read for read in reads if read.action == nb(ACTIONS[AccessAction.CHANGE])]
    assert [(read.kind, read.times) for read in written] == [(nb(KINDS["entry"]), 1)]
    body = parent_client.get(URL).content.decode()
    assert body.count(nb(ACTIONS[AccessAction.CHANGE])) == 1


def test_insight__reads_that_showed_only_team_only_entries__leave_no_line(school, staff, staff_client, family):
    shared = log_workflow.post_entry(actor=staff, family=family, kind=Kind.NOTE, visibility="team_and_family", text="A")
    before = len(read_page(family).reads)
    log_workflow.post_entry(actor=staff, family=family, kind=Kind.NOTE, visibility="team", text="Berre for teamet")

    # The log page open elsewhere fetches what is new: only the team's entry.
    poll = staff_client.get(reverse("stafettlogg:poll", args=[family.pk]), {"etter": shared.pk})

    assert poll.status_code == 200
    assert AccessEvent.objects.filter(family_id=family.pk, object_type=TEAM_ONLY_READ).exists()
    assert len(read_page(family).reads) == before


def test_insight__reader_changed_service_since__shows_the_service_now_and_says_so(
    school, staff, staff_client, family, parent_client
):
    staff_client.get(reverse("cases:family_detail", args=[family.pk]))
    Membership.objects.filter(user=staff).update(unit=factories.ServiceUnitFactory(name="Nystova skule"))
    body = parent_client.get(URL).content.decode()
    assert "Nystova skule" in body
    assert "Solsida skule" not in body
    with translation.override("nb"):
        note = gettext(
            "The role is the one the person had when it happened. The service is where the person works today: if "
            "they have changed jobs since, it can be another service than the one they worked in then."
        )
    assert note.startswith("Rollen er den personen hadde")
    assert escape(note) in body


def test_insight__leaves_out_the_familys_own_reads(school, staff_client, family, parent, parent_client, youth_login):
    client_for(youth_login).get(reverse("portal:home"))
    parent_client.get(reverse("portal:home"))
    staff_client.get(reverse("cases:family_detail", args=[family.pk]))
    page = read_page(family)
    assert [(read.services, read.kind) for read in page.reads] == [(["Solsida skule"], str(KINDS["family"]))]
    # The family's own look at this page is logged too, and not shown.
    parent_client.get(URL)
    assert AccessEvent.objects.filter(actor=parent, object_type="audit", family_id=family.pk).exists()
    assert len(read_page(family).reads) == 1


def test_insight__groups_identical_reads_within_a_minute(school, staff_client, family):
    for _ in range(3):
        staff_client.get(reverse("cases:family_detail", args=[family.pk]))
    (read,) = read_page(family).reads
    assert read.times == 3


def test_insight__newest_first_and_paged(family, parent_client):
    events_by_new_readers(family, 55)
    first = parent_client.get(URL)
    page = first.context["page"]
    assert len(page.reads) == 50
    assert page.reads[0].services == ["Eining for innsyn 54"]
    assert page.older
    assert page.newer is None
    rest = parent_client.get(URL, {"eldre": page.older}).context["page"]
    assert [read.services for read in rest.reads] == [[f"Eining for innsyn {n}"] for n in range(4, -1, -1)]


def test_insight__shows_time_in_oslo_as_day_month_year(school, staff_client, family, parent_client):
    staff_client.get(reverse("cases:family_detail", args=[family.pk]))
    event = AccessEvent.objects.get(family_id=family.pk, role=roles.UNIT_STAFF)
    body = parent_client.get(URL).content.decode()
    assert f"{event.at.astimezone(OSLO):%d.%m.%Y %H:%M}" in body


def test_insight__query_count_does_not_grow_with_the_events(family, parent_client):
    parent_client.get(URL)  # the session's first save is not the page's
    events_by_new_readers(family, 5)
    with CaptureQueriesContext(connection) as few:
        parent_client.get(URL)
    events_by_new_readers(family, 45)
    with CaptureQueriesContext(connection) as many:
        response = parent_client.get(URL)
    assert len(response.context["page"].reads) == 50
    assert len(many) == len(few)
    assert len(many) <= 10


def test_insight__signed_out__goes_to_the_portal_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign_in"))


def test_insight__staff__is_404(staff_client):
    assert staff_client.get(URL).status_code == 404


def test_insight__guardian_without_parental_responsibility__is_404(parent, guardian):
    guardian.parental_responsibility = False
    guardian.save(update_fields=["parental_responsibility"])
    assert client_for(parent).get(URL).status_code == 404


def test_insight__another_familys_login__sees_only_reads_of_its_own_family(school, staff_client, family, other_case):
    staff_client.get(reverse("cases:family_detail", args=[family.pk]))
    other_login = other_case.family.persons.get(role="guardian").user
    response = client_for(other_login).get(URL)
    assert response.status_code == 200
    assert response.context["page"].reads == []
    assert "Solsida skule" not in response.content.decode()
