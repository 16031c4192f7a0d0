"""The grant rule (`access.desired_grants`, pure) and the sync that makes the grant tables match it."""

import pytest

from cases import access, actions, workflow
from cases.models import FamilyUserObjectPermission, Level
from tests import factories

STAFF = frozenset(access.STAFF_PERMS)


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (Level.UNDRING, {("user", 1): STAFF}),
        (Level.AVKLARING, {("user", 1): STAFF}),
        (Level.RESSURSTEAM, {("user", 1): STAFF, ("group", 5): STAFF}),
        (Level.FAMILIELOS, {("user", 1): STAFF, ("group", 5): STAFF, ("user", 7): STAFF}),
    ],
)
def test_desired_grants__by_level(level, expected):
    wanted = access.desired_grants(level=level, openers=[1], team_group=5, familielos=7)
    assert wanted == expected


def test_desired_grants__a_familielos_who_opened_the_case__holds_staff_perms_once():
    wanted = access.desired_grants(level=Level.FAMILIELOS, openers=[7], team_group=5, familielos=7)
    assert wanted[("user", 7)] == STAFF


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
def test_link_family_login__holds_no_staff_grant_but_uses_the_portal(case):
    guardian = case.family.persons.filter(role="guardian").first()
    login = factories.UserFactory(role="family_member")
    actions.link_family_login(actor=case.opened_by, person=guardian, user=login)
    assert not access.can(login, case.family)
    assert not FamilyUserObjectPermission.objects.filter(user=login).exists()
    assert access.portal_person(login) == guardian
