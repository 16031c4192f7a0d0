"""The database backend (familielos.postgresql): parameters bound on the server, repeated queries kept prepared,
and django-pghistory's change context still reaching the history of every write."""

import pghistory
import pytest
from django.apps import apps
from django.db import connection, transaction

from cases.models import Family

pytestmark = pytest.mark.django_db

FamilyEvent = apps.get_model("cases", "FamilyEvent")


def prepared_statements_naming(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{table}%"])
        return cursor.fetchone()[0]


def test_connection__query_run_again_and_again__is_prepared_once(family):
    assert prepared_statements_naming("cases_family") == 0

    for _ in range(7):
        assert Family.objects.filter(pk=family.pk).exists()

    assert prepared_statements_naming("cases_family") == 1


def test_history_context__write_through_the_orm__reaches_the_event(family):
    with pghistory.context(reason="omorganisering"):
        family.name = "Familien Hansen-Berg"
        family.save()

    event = FamilyEvent.objects.filter(pgh_obj=family, pgh_label="update").get()
    assert event.name == "Familien Hansen-Berg"
    assert event.pgh_context.metadata["reason"] == "omorganisering"


def test_history_context__raw_write_with_named_parameters__reaches_the_event(family):
    with pghistory.context(reason="retting"), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_family SET name = %(name)s WHERE id = %(id)s", {"name": "Familien Lie", "id": family.pk}
        )
        assert cursor.rowcount == 1

    event = FamilyEvent.objects.filter(pgh_obj=family, pgh_label="update").get()
    assert event.name == "Familien Lie"
    assert event.pgh_context.metadata["reason"] == "retting"


def test_history_context__insert_returning__gives_the_new_row_its_id(staff):
    with pghistory.context(reason="ny"):
        family = Family.objects.create(name="Familien Berg", created_by=staff)

    assert family.pk is not None
    assert FamilyEvent.objects.get(pgh_obj_id=family.pk, pgh_label="insert").pgh_context.metadata["reason"] == "ny"


# Outside the test's wrapping transaction: each statement commits on its own unless something holds them together.


@pytest.mark.django_db(transaction=True)
def test_history_context__write_outside_atomic__reaches_the_event_and_is_committed(family):
    with pghistory.context(reason="utan transaksjon"):
        Family.objects.filter(pk=family.pk).update(name="Familien Dahl")

    assert connection.get_autocommit()
    event = FamilyEvent.objects.filter(pgh_obj=family, pgh_label="update").get()
    assert event.name == "Familien Dahl"
    assert event.pgh_context.metadata["reason"] == "utan transaksjon"


@pytest.mark.django_db(transaction=True)
def test_history_context__first_write_of_an_atomic_block__rolls_back_with_the_block(family):
    def rename_then_fail():
        with transaction.atomic(), pghistory.context(reason="angra"):
            Family.objects.filter(pk=family.pk).update(name="Familien Dahl")
            raise RuntimeError("the block fails after its first write")

    with pytest.raises(RuntimeError):
        rename_then_fail()

    assert Family.objects.get(pk=family.pk).name == "Familien Hansen"
    assert not FamilyEvent.objects.filter(pgh_obj=family, pgh_label="update").exists()
