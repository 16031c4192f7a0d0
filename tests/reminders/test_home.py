"""The reminders on the start page: the person's own due items, each linking to where it is dealt with, names only of
families they work with (each name shown an access event), in as many queries for 2 items as for 10."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases.models import Level
from familielos import roles
from familielos.models import AccessEvent
from tests import factories
from tests.conftest import client_for
from tests.reminders.helpers import consent, days, handover, measure, point

pytestmark = pytest.mark.django_db

# The start page's budget (tests/cases/test_query_counts.py); the reminders are one query of it.
QUERY_BUDGET = 12


def _nb(message: str, **params) -> str:
    with translation.override("nb"):
        return translation.gettext(message) % params


def home(user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response


def test_home__shows_the_persons_reminders_with_links(staff):
    case, team, los, _member = factories.case_at(Level.FAMILIELOS, opener=staff, family_name="Familien Lund")
    _membership, worker = factories.familieteam_member(case)
    overdue = measure(case.family, worker, evaluate_in=-2, text="Leksehjelp to dagar i veka")
    late = point(case, factories.familieteam_meeting(case), due_in=-1, owner_user=worker, what="Ringe PPT")
    ending = consent(case, ends_in=10, actor=los)
    bakke, bakke_team, *_ = factories.case_at(Level.RESSURSTEAM, opener=worker, family_name="Familien Bakke")
    handover(bakke.family, to=factories.ressursteam_member(bakke_team), actor=worker)

    response = home(worker)
    reminders = response.context["reminders"]
    assert [(reminder.kind, reminder.object_id) for reminder in reminders] == [
        ("measure", overdue.pk),
        ("action_point", late.pk),
    ]
    html = response.text
    assert _nb("Evaluate the measure: %(title)s", title="Leksehjelp to dagar i veka") in html
    log = reverse("stafettlogg:log", args=[case.family_id])
    assert f'href="{log}?kind=measure#entry-{overdue.pk}"' in html
    assert f'href="{reverse("familieteam:my_action_points")}#action-point-{late.pk}"' in html
    assert _nb("evaluation date %(date)s", date=days(-2).strftime("%d.%m.%Y")) in html

    # The familielos holds the baton: reminded of the measure and of the consent, not of the teacher's point.
    los_reminders = home(los).context["reminders"]
    assert [(reminder.kind, reminder.object_id) for reminder in los_reminders] == [
        ("measure", overdue.pk),
        ("consent", ending.pk),
    ]
    los_html = home(los).text
    expires = _nb(
        "The consent expires %(date)s: talk with the guardians about renewing it",
        date=days(10).strftime("%d.%m.%Y"),
    )
    assert expires in los_html
    assert f'href="{reverse("cases:family_detail", args=[case.family_id])}#consents-heading"' in los_html


def test_home__handover_waiting__links_to_the_baton_page(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff, family_name="Familien Bakke")
    member = factories.ressursteam_member(team)
    handover(case.family, to=member, actor=staff)
    html = home(member).text
    assert _nb("A baton handover is waiting for you to accept or decline it") in html
    assert "Familien Bakke" in html


def test_home__another_familys_items__are_not_shown(staff, outsider):
    other = factories.open_case(opener=outsider, family_name="Familien Annan")
    measure(other.family, outsider, evaluate_in=-1)
    consent(other, ends_in=3)
    response = home(staff)
    assert response.context["reminders"] == []
    assert "Familien Annan" not in response.text
    with translation.override("nb"):
        assert translation.gettext("Reminders") in response.text


def test_home__names_shown__are_access_events(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Lund")
    consent(case, ends_in=3)
    before = AccessEvent.objects.count()
    home(staff)
    events = AccessEvent.objects.order_by("pk")[before:]
    assert case.family_id in {event.family_id for event in events}
    assert {event.object_type for event in events} == {"overview"}


@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.ADMINISTRATOR])
def test_home__someone_who_works_with_no_family__has_no_reminders_panel(role):
    response = home(factories.UserFactory(role=role))
    assert "reminders" not in response.context
    assert 'id="reminders-heading"' not in response.text


def _reminders_for(staff, count):
    for n in range(count):
        case, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name=f"Familien {n:02}")
        measure(case.family, staff, evaluate_in=-1)


def test_home__queries__the_same_for_2_and_10_reminders(staff):
    client = client_for(staff)

    def queries():
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("home"))
        return response, captured

    _reminders_for(staff, 2)
    response, few = queries()
    assert len(response.context["reminders"]) == 2
    _reminders_for(staff, 8)
    response, many = queries()
    assert len(response.context["reminders"]) == 10
    assert len(many) == len(few) <= QUERY_BUDGET, "\n".join(query["sql"][:150] for query in many)
