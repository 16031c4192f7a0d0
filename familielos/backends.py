"""Authentication backends."""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


class OneQueryModelBackend(ModelBackend):
    """Django's model permissions and the user's group names, read in one query where Django reads three (the
    user's own permissions, their groups' permissions, and the groups for the role shown on every page).

    Every signed-in page asks `has_perm` and shows the role, so this is two queries less on each.

    A family login signs in with a password only where PORTAL_PASSWORD_LOGIN allows it (the demo): elsewhere it
    signs in by ID-porten or a one-time link, so no one who can set its password (an administrator) can sign in as
    the family. Only the password step refuses it: `user_can_authenticate` also decides whether a session stays
    signed in, and the one-time link signs in through this backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or settings.PORTAL_PASSWORD_LOGIN:
            return user
        from familielos import roles  # roles reads the groups through this module

        # The same query that reads the permissions: the login that follows asks nothing again.
        return None if roles.role_of(user) == roles.FAMILY_MEMBER else user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            load_permissions_and_groups(user_obj)
        return user_obj._perm_cache


def load_permissions_and_groups(user) -> None:
    """Set `user._perm_cache` ("app.codename") and `user._group_names`, from one query.

    Every request reads them (the role in the page header, the family-login check), so the query is plain SQL: the
    ORM took over a millisecond to build it as a union of two querysets, most of what it cost.
    """
    groups, perms = set(), set()
    with connection.cursor() as cursor:
        cursor.execute(_permissions_and_groups_sql(), [user.pk, user.pk])
        for group_name, app_label, codename in cursor.fetchall():
            if group_name is not None:
                groups.add(group_name)
            if codename is not None:
                perms.add(f"{app_label}.{codename}")
    if user.is_superuser:
        perms = {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}
    user._perm_cache = perms
    user._group_names = groups


@functools.cache
def _permissions_and_groups_sql() -> str:
    """The user's groups with their permissions, then the user's own permissions (the user's id twice)."""
    user_model = get_user_model()
    user_groups = user_model.groups.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    user_permissions = user_model.user_permissions.through._meta.db_table
    permission, content_type = Permission._meta.db_table, ContentType._meta.db_table
    return (
        f"SELECT grp.name, kind.app_label, perm.codename FROM {user_groups} membership "
        f"JOIN {Group._meta.db_table} grp ON grp.id = membership.group_id "
        f"LEFT JOIN {group_permissions} granted ON granted.group_id = grp.id "
        f"LEFT JOIN {permission} perm ON perm.id = granted.permission_id "
        f"LEFT JOIN {content_type} kind ON kind.id = perm.content_type_id "
        "WHERE membership.user_id = %s "
        f"UNION ALL SELECT NULL, kind.app_label, perm.codename FROM {user_permissions} own "
        f"JOIN {permission} perm ON perm.id = own.permission_id "
        f"JOIN {content_type} kind ON kind.id = perm.content_type_id "
        "WHERE own.user_id = %s"
    )
