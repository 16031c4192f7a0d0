"""The suite's own cleanup after a transactional test (tests/conftest.py): nothing a test wrote reaches the next."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import TransactionTestCase

from cases.models import Level
from familielos import roles
from tests import factories
from tests.conftest import KEPT_TABLES, _empty_the_written_tables


def _tables_with_rows() -> set[str]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"(SELECT %s FROM {quote(table)} LIMIT 1)" for table in tables), tables)
        return {table for (table,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_teardown__a_level_3_case_written__leaves_only_the_migrations_rows_and_the_role_groups():
    factories.case_at(Level.FAMILIELOS)
    written = _tables_with_rows()
    assert len(written) > 30

    _empty_the_written_tables(TransactionTestCase())

    assert _tables_with_rows() == KEPT_TABLES | {"auth_group", "auth_group_permissions"}
    assert set(Group.objects.values_list("name", flat=True)) == set(roles.PERMISSIONS)
