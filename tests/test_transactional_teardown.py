"""The suite's own teardown of a transactional test (tests/conftest.py): nothing a test wrote reaches the next."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TransactionTestCase

from cases.models import Level
from familielos import roles
from tests import factories
from tests.conftest import KEPT_TABLES, tables_with_rows

pytestmark = pytest.mark.django_db(transaction=True)

# What post_migrate makes when the tables are empty: the content types, the permissions and the role groups.
AFTER_TEARDOWN = {*KEPT_TABLES, "auth_group", "auth_group_permissions"}


def test_teardown__a_level_3_case_written__leaves_only_what_post_migrate_makes_and_the_same_permissions():
    permissions = list(Permission.objects.order_by("pk").values_list("pk", "content_type_id", "codename"))
    factories.case_at(Level.FAMILIELOS)
    assert len(tables_with_rows(connection)) > 30

    TransactionTestCase()._fixture_teardown()

    assert set(tables_with_rows(connection)) == AFTER_TEARDOWN
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.PERMISSIONS)
    # Kept, not made again (as Django's flush would, with new ids).
    assert list(Permission.objects.order_by("pk").values_list("pk", "content_type_id", "codename")) == permissions


def test_teardown__a_permission_added__empties_the_kept_tables_too():
    content_type = ContentType.objects.get_for_model(Group)
    Permission.objects.create(codename="extra_for_a_test", name="Extra", content_type=content_type)

    TransactionTestCase()._fixture_teardown()

    assert not Permission.objects.filter(codename="extra_for_a_test").exists()
    assert set(tables_with_rows(connection)) == AFTER_TEARDOWN
