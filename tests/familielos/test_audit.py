"""The access log and the change history: written on every look and write, and never rewritten afterwards."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from cases import workflow
from cases.models import Family
from familielos import roles
from familielos.models import AccessAction, AccessEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FamilyEvent = apps.get_model("cases", "FamilyEvent")
CaseEvent = apps.get_model("cases", "CaseEvent")


def execute_refused(sql: str, params: list) -> None:
    """Run `sql` in its own savepoint and expect the database to refuse it."""
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


# --- Access events ----------------------------------------------------------------------------------------------


def test_family_detail__granted_view__writes_one_access_event(staff, family):
    client = client_for(staff)
    client.defaults["REMOTE_ADDR"] = "10.20.30.40"
    url = family.get_absolute_url()

    response = client.get(url)

    assert response.status_code == 200
    event = AccessEvent.objects.get(family_id=family.pk)
    assert event.actor == staff
    assert event.actor_username == "laerer"
    assert event.role == roles.UNIT_STAFF
    assert event.action == AccessAction.VIEW
    assert event.object_type == "family"
    assert event.object_id == str(family.pk)
    assert event.ip == "10.20.30.40"
    assert event.path == url


def test_family_detail__no_grant__writes_no_access_event(outsider_client, family):
    response = outsider_client.get(family.get_absolute_url())

    assert response.status_code == 404
    assert not AccessEvent.objects.filter(family_id=family.pk).exists()


def test_family_detail__anonymous__writes_no_access_event(client, family):
    client.get(family.get_absolute_url())

    assert not AccessEvent.objects.filter(family_id=family.pk).exists()


@pytest.fixture
def access_event(staff_client, family):
    staff_client.get(family.get_absolute_url())
    return AccessEvent.objects.get(family_id=family.pk)


def test_access_event_table__raw_update__is_refused(access_event):
    execute_refused("UPDATE familielos_accessevent SET actor_username = %s WHERE id = %s", ["someone", access_event.pk])

    access_event.refresh_from_db()
    assert access_event.actor_username == "laerer"


def test_access_event_table__raw_delete__is_refused(access_event):
    execute_refused("DELETE FROM familielos_accessevent WHERE id = %s", [access_event.pk])

    assert AccessEvent.objects.filter(pk=access_event.pk).exists()


def test_access_event__orm_update_and_delete__are_refused(access_event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=access_event.pk).update(ip="192.0.2.1")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=access_event.pk).delete()

    access_event.refresh_from_db()
    assert access_event.ip == "127.0.0.1"


# --- Change history (pghistory) --------------------------------------------------------------------------------


def test_family_history__registered__keeps_insert_event_with_acting_user(staff, family):
    event = FamilyEvent.objects.get(pgh_obj=family)

    assert event.pgh_label == "insert"
    assert event.name == "Familien Hansen"
    assert event.pgh_context is not None
    assert event.pgh_context.metadata["user"] == staff.pk


def test_family_history__save__keeps_update_event(family):
    family.name = "Familien Hansen-Berg"
    family.save()

    labels_and_names = list(
        FamilyEvent.objects.filter(pgh_obj=family).order_by("pgh_id").values_list("pgh_label", "name")
    )
    assert labels_and_names == [("insert", "Familien Hansen"), ("update", "Familien Hansen-Berg")]


def test_family_history__bulk_update__keeps_update_event(family):
    Family.objects.filter(pk=family.pk).update(name="Familien Bulk")

    assert FamilyEvent.objects.filter(pgh_obj=family, pgh_label="update", name="Familien Bulk").exists()


def test_family_history__raw_sql_update__keeps_update_event(family):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_family SET name = %s WHERE id = %s", ["Familien Raw", family.pk])

    assert FamilyEvent.objects.filter(pgh_obj=family, pgh_label="update", name="Familien Raw").exists()


def test_case_history__workflow_step__carries_acting_user(staff, case):
    workflow.move_to_avklaring(actor=staff, case=case, reason="Samtale med foreldra.")

    event = CaseEvent.objects.filter(pgh_obj=case, pgh_label="update").latest("pgh_id")
    assert event.level == 1
    assert event.pgh_context.metadata["user"] == staff.pk
    assert event.pgh_context.metadata["action"] == "move_to_avklaring"


def test_person_history__added_through_page__carries_user_and_address(staff_client, staff, family):
    url = reverse("cases:person_new", args=[family.pk])

    response = staff_client.post(url, {"role": "other", "first_name": "Bestemor", "last_name": "Hansen"})

    assert response.status_code == 302
    person_event = apps.get_model("cases", "PersonEvent").objects.get(first_name="Bestemor", pgh_label="insert")
    assert person_event.pgh_context.metadata["user"] == staff.pk
    assert person_event.pgh_context.metadata["url"] == url


def test_family_event_table__raw_update__is_refused(family):
    event = FamilyEvent.objects.get(pgh_obj=family)

    execute_refused("UPDATE cases_familyevent SET name = %s WHERE pgh_id = %s", ["Forfalska", event.pk])

    event.refresh_from_db()
    assert event.name == "Familien Hansen"


def test_family_event_table__raw_delete__is_refused(family):
    event = FamilyEvent.objects.get(pgh_obj=family)

    execute_refused("DELETE FROM cases_familyevent WHERE pgh_id = %s", [event.pk])

    assert FamilyEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    ("model_name", "lookup"), [("FamilyEvent", "pgh_obj"), ("PersonEvent", "family"), ("CaseEvent", "family")]
)
def test_event_tables__orm_delete__is_refused(family, model_name, lookup):
    events = apps.get_model("cases", model_name).objects.filter(**{lookup: family})
    count = events.count()
    assert count > 0

    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        events.delete()

    assert events.count() == count


# --- The audit trail page ----------------------------------------------------------------------------------------


def test_family_audit__leader__sees_trail(leader, staff, family):
    client_for(staff).get(family.get_absolute_url())
    client = client_for(leader)

    response = client.get(reverse("cases:family_audit", args=[family.pk]))

    assert response.status_code == 200
    # The trail is read by family number: a leader without a grant does not learn the family's name.
    assert "Familien Hansen" not in response.text
    assert str(family.pk) in response.text
    assert "laerer" in response.text
    assert "leiar" in response.text  # opening the trail is itself logged


def test_family_audit__no_events_for_that_number__is_404(leader, family):
    assert client_for(leader).get(reverse("cases:family_audit", args=[family.pk])).status_code == 404


def test_family_audit__leader__is_logged_as_audit_view(leader, staff, family):
    client_for(staff).get(family.get_absolute_url())
    client_for(leader).get(reverse("cases:family_audit", args=[family.pk]))

    event = AccessEvent.objects.filter(family_id=family.pk).first()
    assert event.actor == leader
    assert event.role == roles.LEADER
    assert event.object_type == "audit"


def test_family_audit__leader__does_not_open_family_record(leader, family):
    response = client_for(leader).get(family.get_absolute_url())

    assert response.status_code == 404


def test_family_audit__unit_staff_with_grant__is_404(staff_client, family):
    response = staff_client.get(reverse("cases:family_audit", args=[family.pk]))

    assert response.status_code == 404


def test_family_audit__anonymous__redirects_to_login(client, family):
    url = reverse("cases:family_audit", args=[family.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"
