"""Authentication backends."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value


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
    """Set `user._perm_cache` ("app.codename") and `user._group_names`, from one query."""
    through_groups = Group.objects.filter(user=user).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    )
    own = (
        Permission.objects.filter(user=user)
        .annotate(group_name=Value(None, output_field=CharField()))
        .values_list("group_name", "content_type__app_label", "codename")
    )
    groups, perms = set(), set()
    for group_name, app_label, codename in through_groups.union(own, all=True):
        if group_name is not None:
            groups.add(group_name)
        if codename is not None:
            perms.add(f"{app_label}.{codename}")
    if user.is_superuser:
        perms = {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}
    user._perm_cache = perms
    user._group_names = groups
