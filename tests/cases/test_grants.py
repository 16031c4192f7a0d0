"""The grant rule (`access.desired_grants`, pure) and the sync that makes the grant tables match it."""

import pytest

from cases import access, actions, workflow
from cases.models import FamilyUserObjectPermission, Level
from tests import factories

STAFF = frozenset(access.STAFF_PERMS)
FAMILY = frozenset(access.FAMILY_PERMS)


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (Level.UNDRING, {("user", 1): STAFF, ("user", 9): FAMILY}),
        (Level.AVKLARING, {("user", 1): STAFF, ("user", 9): FAMILY}),
        (Level.RESSURSTEAM, {("user", 1): STAFF, ("user", 9): FAMILY, ("group", 5): STAFF}),
        (Level.FAMILIELOS, {("user", 1): STAFF, ("user", 9): FAMILY, ("group", 5): STAFF, ("user", 7): STAFF}),
    ],
)
def test_desired_grants__by_level(level, expected):
    wanted = access.desired_grants(level=level, openers=[1], family_logins=[9], team_group=5, familielos=7)
    assert wanted == expected


def test_desired_grants__a_familielos_who_opened_the_case__holds_staff_perms_once():
    wanted = access.desired_grants(level=Level.FAMILIELOS, openers=[7], family_logins=[], team_group=5, familielos=7)
    assert wanted[("user", 7)] == STAFF


def test_desired_grants__a_guardian_login_who_is_also_staff_opener__keeps_staff_perms():
    wanted = access.desired_grants(
        level=Level.UNDRING, openers=[3], family_logins=[3], team_group=None, familielos=None
    )
    assert wanted == {("user", 3): STAFF}


@pytest.mark.django_db
def test_sync_case_grants__a_grant_no_rule_gives__is_removed(case, outsider):
    access.grant_user(outsider, case.family)
    workflow.move_to_avklaring(actor=case.opened_by, case=case, reason="Samtale.")
    assert not access.can(outsider, case.family)
    assert access.can(case.opened_by, case.family, access.CHANGE)


@pytest.mark.django_db
def test_sync_case_grants__rows_match_the_rule_exactly(staff):
    case, team, los, member = factories.case_at(Level.FAMILIELOS, opener=staff)
    rows = set(
        FamilyUserObjectPermission.objects.filter(content_object=case.family).values_list(
            "user_id", "permission__codename"
        )
    )
    assert rows == {
        (staff.pk, "view_family"),
        (staff.pk, "change_family"),
        (los.pk, "view_family"),
        (los.pk, "change_family"),
    }
    assert access.can(member, case.family, access.CHANGE)


@pytest.mark.django_db
def test_link_family_login__reads_but_cannot_change(case):
    guardian = case.family.persons.filter(role="guardian").first()
    login = factories.UserFactory(role="family_member")
    actions.link_family_login(actor=case.opened_by, person=guardian, user=login)
    assert access.can(login, case.family)
    assert not access.can(login, case.family, access.CHANGE)
