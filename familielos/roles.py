"""Roles are Django groups with model permissions; this module is their single definition.

What a role may do in general lives here; which families a person may see lives in cases/access.py.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from familielos.backends import load_permissions_and_groups

UNIT_STAFF = "unit_staff"
RESSURSTEAM_MEMBER = "ressursteam_member"
FAMILIELOS = "familielos"
LEADER = "leader"
ADMINISTRATOR = "administrator"
RESEARCHER = "researcher"
FAMILY_MEMBER = "family_member"

LABELS = {
    UNIT_STAFF: _("Unit staff"),
    RESSURSTEAM_MEMBER: _("Ressursteam member"),
    FAMILIELOS: _("Familielos"),
    LEADER: _("Leader"),
    ADMINISTRATOR: _("Administrator"),
    RESEARCHER: _("Researcher"),
    FAMILY_MEMBER: _("Family member"),
}

# The roles whose people work with families: they can be a familieteam's service representative and own action
# points; the others (administration, research, a family's own login) cannot.
WORKS_WITH_FAMILIES = (UNIT_STAFF, RESSURSTEAM_MEMBER, FAMILIELOS, LEADER)

# In order of precedence: a person in several roles is shown by the first that applies.
PRECEDENCE = [ADMINISTRATOR, LEADER, FAMILIELOS, RESSURSTEAM_MEMBER, UNIT_STAFF, RESEARCHER, FAMILY_MEMBER]

PERMISSIONS = {
    UNIT_STAFF: [
        "cases.add_family",
        "cases.add_person",
        "cases.add_case",
        "cases.add_consent",
        "cases.add_avklaringssamtale",
        "screening.add_submission",
        "teams.add_referral",
    ],
    RESSURSTEAM_MEMBER: ["cases.add_consent", "teams.view_ressursteam"],
    FAMILIELOS: ["cases.add_person", "cases.add_consent", "teams.view_ressursteam"],
    LEADER: [
        "familielos.view_accessevent",
        "familielos.view_statistics",
        "teams.view_ressursteam",
        "teams.change_familieloscapacity",
        "cases.change_lettertemplate",
        "screening.add_instrument",
        "screening.change_instrument",
    ],
    ADMINISTRATOR: [
        "familielos.view_accessevent",
        "familielos.add_serviceunit",
        "familielos.change_serviceunit",
        "familielos.view_serviceunit",
        "familielos.add_membership",
        "familielos.change_membership",
        "familielos.delete_membership",
        "familielos.view_membership",
        "teams.add_ressursteam",
        "teams.change_ressursteam",
        "teams.view_ressursteam",
        "teams.add_teammember",
        "teams.change_teammember",
        "teams.delete_teammember",
        "teams.view_teammember",
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
        "familieteam.add_lifearea",
        "familieteam.change_lifearea",
        "familieteam.view_lifearea",
    ],
    RESEARCHER: ["familielos.view_statistics"],
    FAMILY_MEMBER: [],
}


def sync_roles() -> None:
    """Create the role groups and set each one's permissions to exactly the list above."""
    for name, perms in PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, app_config=None, **kwargs):
    # post_migrate fires once per app; after the last one every permission is in place.
    if app_config is list(apps.get_app_configs())[-1]:
        sync_roles()


def family_logins(users: QuerySet) -> QuerySet:
    """The users among `users` shown as family members (role_of's rule, in SQL): in the family role's group and in
    none of a staff role."""
    staff_roles = [role for role in PRECEDENCE if role != FAMILY_MEMBER]
    return users.filter(groups__name=FAMILY_MEMBER).exclude(groups__name__in=staff_roles)


def role_of(user) -> str:
    """The role a user is shown with: the first of their groups in order of precedence."""
    if not user.is_authenticated:
        return ""
    if not hasattr(user, "_familielos_role"):
        user._familielos_role = role_from(_group_names(user), is_superuser=user.is_superuser)
    return user._familielos_role


def role_from(group_names, *, is_superuser: bool = False) -> str:
    """The role shown for these groups: the first in order of precedence; a superuser in none is an administrator.
    For a user whose groups are read already (role_of reads them itself)."""
    fallback = ADMINISTRATOR if is_superuser else ""
    return next((name for name in PRECEDENCE if name in group_names), fallback)


def has_role(user, role: str) -> bool:
    """Whether the user is in the role's group (whatever role they are shown with), at no query of its own."""
    return user.is_authenticated and role in _group_names(user)


def works_with_families(user) -> bool:
    return user.is_authenticated and not _group_names(user).isdisjoint(WORKS_WITH_FAMILIES)


def may_register_families(user) -> bool:
    """Whether the user may register a family (and so open it to themselves): by a role that works with families
    and holds cases.add_family. Superuser status passes every has_perm, but it opens no family (cases.access), nor
    registers one: a superuser with a role too registers none."""
    return works_with_families(user) and not user.is_superuser and user.has_perm("cases.add_family")


def _group_names(user) -> set[str]:
    if not hasattr(user, "_group_names"):
        # Read with the permissions, which every page asks for anyway.
        load_permissions_and_groups(user)
    return user._group_names


def display_name(user) -> str:
    """How a person is named on pages, letters and in history: their full name, or their username if none is set."""
    return user.get_full_name() or user.get_username()
