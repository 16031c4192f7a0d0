"""The suite's own teardown of a transactional test (tests/conftest.py): nothing a test wrote reaches the next, and
the next finds the rows the migrations ship as they were."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.test import TransactionTestCase

from cases.models import LetterTemplate, Level
from familielos import roles
from familielos.models import AccessEvent
from familieteam.models import LifeArea
from tests import factories
from tests.conftest import KEPT_TABLES, shipped_tables, tables_with_rows

pytestmark = pytest.mark.django_db(transaction=True)

# What post_migrate makes when the tables are empty: the content types, the permissions and the role groups.
AFTER_POST_MIGRATE = {*KEPT_TABLES, "auth_group", "auth_group_permissions"}


def teardown() -> None:
    TransactionTestCase()._fixture_teardown()


def shipped_rows() -> dict[str, list[tuple]]:
    """Every row of the shipped tables, in full."""
    with connection.cursor() as cursor:
        rows = {}
        for table in shipped_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1, 2")
            rows[table] = cursor.fetchall()
        return rows


def test_teardown__a_level_3_case_written_and_shipped_rows_changed__leaves_the_shipped_rows_as_they_were():
    teardown()  # whatever ran before, the shipped rows are in place now
    permissions = list(Permission.objects.order_by("pk").values_list("pk", "content_type_id", "codename"))
    shipped, with_rows = shipped_rows(), set(tables_with_rows(connection))
    assert {"screening_instrument", "cases_lettertemplate", "familieteam_lifearea"} < with_rows
    case, *_ = factories.case_at(Level.FAMILIELOS)
    LetterTemplate.objects.update(subject="Changed by a test", updated_by=case.opened_by)
    LifeArea.objects.filter(position=1).delete()
    Group.objects.create(name="A group of a test")
    assert len(tables_with_rows(connection)) > 30

    teardown()

    assert set(tables_with_rows(connection)) == with_rows
    assert shipped_rows() == shipped
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.PERMISSIONS)
    # Kept, not made again (as Django's flush would, with new ids).
    assert list(Permission.objects.order_by("pk").values_list("pk", "content_type_id", "codename")) == permissions


def test_teardown__done__the_triggers_set_aside_for_it_act_again():
    factories.case_at(Level.FAMILIELOS)
    teardown()

    template = LetterTemplate.objects.first()
    template.subject = "Written after the teardown"
    template.save()
    assert template.events.filter(subject="Written after the teardown").count() == 1
    user = factories.UserFactory()
    AccessEvent.objects.create(
        actor=user, actor_username=user.username, action="viewed", family_id=1, object_type="family"
    )
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        AccessEvent.objects.all().delete()


def test_teardown__a_permission_added__empties_the_kept_tables_too_and_then_puts_the_shipped_rows_back():
    content_type = ContentType.objects.get_for_model(Group)
    Permission.objects.create(codename="extra_for_a_test", name="Extra", content_type=content_type)

    teardown()

    assert not Permission.objects.filter(codename="extra_for_a_test").exists()
    assert set(tables_with_rows(connection)) == AFTER_POST_MIGRATE
    # The next teardown makes the shipped rows and the groups anew, with the permissions as they are now.
    factories.case_at(Level.FAMILIELOS)
    teardown()
    assert {"screening_instrument", "cases_lettertemplate", "familieteam_lifearea"} < set(tables_with_rows(connection))
    for name, permissions in roles.PERMISSIONS.items():
        assert Group.objects.get(name=name).permissions.count() == len(permissions)
