"""Roles exist after migrate with exactly their permissions; per-family grants use guardian's direct FK models."""

import pytest
from django.contrib.auth.models import Group
from guardian.models import GroupObjectPermission, UserObjectPermission

from cases import access
from cases.models import FamilyGroupObjectPermission, FamilyUserObjectPermission
from familielos import roles
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ROLE_NAMES = [
    "unit_staff",
    "ressursteam_member",
    "familielos",
    "leader",
    "administrator",
    "researcher",
    "family_member",
]


def permissions_of(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_roles__after_migrate__every_role_group_exists():
    names = set(Group.objects.values_list("name", flat=True))

    assert set(ROLE_NAMES) <= names
    assert set(roles.PERMISSIONS) == set(ROLE_NAMES)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_roles__after_migrate__group_has_exactly_its_permissions(role):
    group = Group.objects.get(name=role)

    assert permissions_of(group) == set(roles.PERMISSIONS[role])


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_roles__any_role__holds_no_model_permission_to_read_families(role):
    held = permissions_of(Group.objects.get(name=role))

    family_data = ("family", "person", "case", "consent", "levelchange", "avklaringssamtale", "actionpoint")
    assert not {f"cases.{verb}_{model}" for verb in ("view", "change") for model in family_data} & held


def test_sync_roles__group_permission_added_by_hand__is_reset():
    group = Group.objects.get(name=roles.RESEARCHER)
    group.permissions.add(*Group.objects.get(name=roles.ADMINISTRATOR).permissions.all())

    roles.sync_roles()

    assert permissions_of(group) == set(roles.PERMISSIONS[roles.RESEARCHER])


def test_role_of__several_groups__shows_highest_precedence():
    user = factories.unit_staff()
    user.groups.add(Group.objects.get(name=roles.LEADER))

    assert roles.role_of(user) == roles.LEADER


def test_grant_user__after_migrate__opens_family_through_direct_fk_table(family, outsider):
    access.grant_user(outsider, family)

    rows = FamilyUserObjectPermission.objects.filter(user=outsider, content_object=family)
    assert set(rows.values_list("permission__codename", flat=True)) == {"view_family", "change_family"}
    assert not UserObjectPermission.objects.exists()
    assert outsider.has_perm("cases.view_family", family)
    assert not outsider.has_perm("cases.view_family")
    assert client_for(outsider).get(family.get_absolute_url()).status_code == 200


def test_grant_group__after_migrate__opens_family_to_members_through_direct_fk_table(family):
    team = factories.RessursteamFactory()
    member = factories.ressursteam_member(team)

    access.grant_group(team.group, family)

    rows = FamilyGroupObjectPermission.objects.filter(group=team.group, content_object=family)
    assert set(rows.values_list("permission__codename", flat=True)) == {"view_family", "change_family"}
    assert not GroupObjectPermission.objects.exists()
    assert client_for(member).get(family.get_absolute_url()).status_code == 200


def test_revoke_user__granted__closes_family_again(family, outsider):
    access.grant_user(outsider, family)

    access.revoke_user(outsider, family)

    assert not FamilyUserObjectPermission.objects.filter(user=outsider, content_object=family).exists()
    assert client_for(outsider).get(family.get_absolute_url()).status_code == 404


def test_grant_user__view_only__does_not_allow_change(family, outsider):
    access.grant_user(outsider, family, (access.VIEW,))

    assert access.can(outsider, family, access.VIEW)
    assert not access.can(outsider, family, access.CHANGE)
    assert client_for(outsider).get(family.get_absolute_url()).status_code == 200
