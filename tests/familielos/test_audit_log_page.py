import pytest
from django.urls import reverse

from familielos import roles
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_audit_log__three_ways(family, staff_client, client):
    url = reverse("audit_log")
    leader = factories.UserFactory(role=roles.LEADER)
    assert client.get(url).status_code == 302
    assert staff_client.get(url).status_code == 404
    assert client_for(leader).get(url).status_code == 200


def test_audit_log__filters_by_person_and_family(staff, staff_client, family):
    other = factories.open_case(opener=staff, family_name="Familien Annan").family
    staff_client.get(family.get_absolute_url())
    staff_client.get(other.get_absolute_url())
    leader_client = client_for(factories.UserFactory(role=roles.LEADER))
    response = leader_client.get(reverse("audit_log"), {"family": family.pk})
    assert {event.family_id for event in response.context["page"].events} == {family.pk}
    response = leader_client.get(reverse("audit_log"), {"username": "nobody"})
    assert response.context["page"].events == []


def test_audit_log__bad_family_number__shows_field_error(db):
    leader_client = client_for(factories.UserFactory(role=roles.LEADER))
    response = leader_client.get(reverse("audit_log"), {"family": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors["family"]


def test_family_list__writes_one_view_event_per_family_shown(staff, staff_client, family):
    from familielos.models import AccessEvent

    factories.open_case(opener=staff, family_name="Familien Annan")
    staff_client.get(reverse("cases:family_list"))
    events = AccessEvent.objects.filter(object_type="family_list")
    assert events.count() == 2
    assert {event.actor for event in events} == {staff}


def test_home__writes_view_events_for_the_families_it_names(staff, staff_client, case):
    from cases import workflow
    from familielos.models import AccessEvent

    workflow.note_concern(actor=staff, child=case.children.get(), reason="x")
    staff_client.get(reverse("home"))
    assert list(AccessEvent.objects.filter(object_type="overview").values_list("family_id", flat=True)) == [
        case.family_id
    ]


def test_audit_log__filtered_by_a_family__is_itself_in_that_familys_trail(staff, staff_client, family):
    from familielos.models import AccessAction, AccessEvent

    staff_client.get(family.get_absolute_url())
    leader = factories.UserFactory(role=roles.LEADER)
    leader_client = client_for(leader)

    leader_client.get(reverse("audit_log"), {"family": family.pk})
    leader_client.get(reverse("audit_log"), {"family": 987654321})  # no such family: nothing to log

    read = AccessEvent.objects.filter(actor=leader)
    assert list(read.values_list("family_id", "action", "object_type")) == [(family.pk, AccessAction.VIEW, "audit")]
