"""The suite's own teardown of a transactional test (tests/conftest.py): nothing a test wrote reaches the next, and
the next finds the rows post_migrate and install_default_data made at the run's first teardown, as they were."""

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

# The rows every test starts from, besides the kept content types and permissions: the role groups post_migrate
# makes, and what install_default_data ships (the screening tools, the letter templates and the life areas, these
# two with their history). A table added here is a change to what every test starts from.
SHIPPED = {
    "auth_group",
    "auth_group_permissions",
    "screening_instrument",
    "screening_factorgroup",
    "screening_factor",
    "cases_lettertemplate",
    "cases_lettertemplateevent",
    "familieteam_lifearea",
    "familieteam_lifeareaevent",
}


def teardown() -> None:
    TransactionTestCase()._fixture_teardown()


def rows(tables) -> dict[str, list[tuple]]:
    """Every row of `tables`, in full."""
    with connection.cursor() as cursor:
        found = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            found[table] = cursor.fetchall()
        return found


def permission_rows() -> list[tuple]:
    return list(Permission.objects.order_by("pk").values_list("pk", "content_type_id", "codename"))


def test_teardown__a_level_3_case_written_and_shipped_rows_changed__leaves_the_shipped_rows_as_they_were():
    teardown()  # whatever ran before, the shipped rows are copied now
    assert set(shipped_tables()) == SHIPPED
    permissions, shipped = permission_rows(), rows(SHIPPED)
    case, *_ = factories.case_at(Level.FAMILIELOS)
    LetterTemplate.objects.update(subject="Changed by a test", updated_by=case.opened_by)
    LifeArea.objects.filter(position=1).delete()
    Group.objects.create(name="A group of a test")
    assert len(tables_with_rows(connection)) > 30

    teardown()

    assert set(tables_with_rows(connection)) == {*KEPT_TABLES, *SHIPPED}
    assert rows(SHIPPED) == shipped
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.PERMISSIONS)
    # Kept, not made again (as Django's flush would, with new ids).
    assert permission_rows() == permissions


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


def test_teardown__a_permission_added__empties_the_kept_tables_too_and_makes_the_shipped_rows_again():
    content_type = ContentType.objects.get_for_model(Group)
    Permission.objects.create(codename="extra_for_a_test", name="Extra", content_type=content_type)

    teardown()

    assert not Permission.objects.filter(codename="extra_for_a_test").exists()
    assert set(tables_with_rows(connection)) == {*KEPT_TABLES, *SHIPPED}
    # The next teardown copies them again, with the permissions as they are now (the old copy's would be gone).
    permissions = permission_rows()
    factories.case_at(Level.FAMILIELOS)
    teardown()
    assert set(tables_with_rows(connection)) == {*KEPT_TABLES, *SHIPPED}
    assert permission_rows() == permissions
    for name, codenames in roles.PERMISSIONS.items():
        assert Group.objects.get(name=name).permissions.count() == len(codenames)
