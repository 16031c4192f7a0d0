import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familielos import roles
from tests import factories

pytestmark = pytest.mark.django_db


def test_has_perm__role_and_direct_permissions__both_count_in_one_query():
    user = factories.UserFactory(role=roles.UNIT_STAFF)
    user.user_permissions.add(Permission.objects.get(codename="view_accessevent"))
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("cases.add_family")
        assert user.has_perm("familielos.view_accessevent")
        assert not user.has_perm("cases.change_lettertemplate")
    assert len(queries) == 1


def test_has_perm__inactive_user__has_none():
    user = factories.UserFactory(role=roles.UNIT_STAFF, is_active=False)
    assert not user.has_perm("cases.add_family")


def test_role_and_permissions__read_together_in_one_query():
    user = factories.UserFactory(role=roles.LEADER)
    with CaptureQueriesContext(connection) as queries:
        assert roles.role_of(user) == roles.LEADER
        assert user.has_perm("familielos.view_accessevent")
    assert len(queries) == 1
