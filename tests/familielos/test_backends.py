import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from familielos import roles
from familielos.backends import OneQueryModelBackend
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def authenticate(**credentials):
    """The password step alone, without the login throttling in front of it."""
    return OneQueryModelBackend().authenticate(None, **credentials)


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


def test_authenticate__password_login_off__refuses_a_family_login_and_reads_staff_roles_once(settings):
    settings.PORTAL_PASSWORD_LOGIN = False
    family_login = factories.UserFactory(username="forelder", role=roles.FAMILY_MEMBER)
    staff = factories.UserFactory(username="laerer", role=roles.UNIT_STAFF)

    assert authenticate(username=family_login.username, password=PASSWORD) is None
    with CaptureQueriesContext(connection) as queries:
        user = authenticate(username=staff.username, password=PASSWORD)
        assert user == staff
        assert roles.role_of(user) == roles.UNIT_STAFF
        assert user.has_perm("cases.add_family")
    assert len(queries) == 2  # the user by name, then their groups with their permissions


def test_authenticate__password_login_on__signs_in_a_family_login(settings):
    settings.PORTAL_PASSWORD_LOGIN = True
    family_login = factories.UserFactory(username="forelder", role=roles.FAMILY_MEMBER)
    assert authenticate(username=family_login.username, password=PASSWORD) == family_login


def test_get_all_permissions__superuser__every_permission():
    user = factories.UserFactory(is_superuser=True)
    permissions = user.get_all_permissions()
    assert {"familielos.view_accessevent", "cases.change_lettertemplate", "auth.add_user"} <= permissions
    assert len(permissions) == Permission.objects.count()


def test_has_perm__a_group_without_permissions__still_gives_its_role():
    user = factories.UserFactory(role=roles.FAMILY_MEMBER)
    assert not user.has_perm("cases.add_family")
    assert roles.role_of(user) == roles.FAMILY_MEMBER
