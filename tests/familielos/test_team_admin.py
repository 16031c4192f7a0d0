import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from familielos import roles
from familielos.models import ServiceKind, ServiceUnit
from teams.models import Ressursteam, TeamMember, TeamRole
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
NO_MEMBERS = {"members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"}


@pytest.fixture
def administrator():
    return factories.UserFactory(role=roles.ADMINISTRATOR, is_staff=True)


def test_ressursteam_admin__new_team__gets_a_group_of_its_own_whatever_is_posted(administrator):
    unit = factories.ServiceUnitFactory()
    role_group = Group.objects.get(name=roles.ADMINISTRATOR)
    response = client_for(administrator).post(
        reverse("admin:teams_ressursteam_add"),
        {"name": "Ressursteam vest", "units": [unit.pk], "group": role_group.pk, **NO_MEMBERS},
    )
    assert response.status_code == 302
    team = Ressursteam.objects.get(name="Ressursteam vest")
    assert team.group != role_group
    assert team.group.name == "Ressursteam: Ressursteam vest"


def _with_member(user, role=TeamRole.LEADER):
    return {
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-user": user.pk,
        "members-0-role": role,
    }


def test_ressursteam_admin__member_added__holds_the_team_group_and_its_role(administrator):
    unit = factories.ServiceUnitFactory()
    nurse = factories.UserFactory(role=roles.RESSURSTEAM_MEMBER)
    response = client_for(administrator).post(
        reverse("admin:teams_ressursteam_add"), {"name": "Ressursteam aust", "units": [unit.pk], **_with_member(nurse)}
    )
    assert response.status_code == 302
    team = Ressursteam.objects.get(name="Ressursteam aust")
    assert TeamMember.objects.get(team=team, user=nurse).role == TeamRole.LEADER
    assert nurse.groups.filter(pk=team.group_id).exists()


def test_ressursteam_admin__administrator_adds_themselves__is_refused_and_nothing_is_saved(administrator):
    unit = factories.ServiceUnitFactory()
    response = client_for(administrator).post(
        reverse("admin:teams_ressursteam_add"),
        {"name": "Ressursteam sjølv", "units": [unit.pk], **_with_member(administrator)},
    )
    assert response.status_code == 200
    assert not Ressursteam.objects.filter(name="Ressursteam sjølv").exists()
    assert not administrator.groups.filter(name__startswith="Ressursteam").exists()


def test_ressursteam_admin__person_changed_on_a_membership_row__the_old_person_leaves_the_team(administrator):
    team = factories.RessursteamFactory(name="Ressursteam nord")
    old = factories.team_member(team, username="gammal")
    new = factories.UserFactory(role=roles.RESSURSTEAM_MEMBER)
    row = TeamMember.objects.get(team=team, user=old)
    client = client_for(administrator)
    response = client.post(
        reverse("admin:teams_ressursteam_change", args=[team.pk]),
        {
            "name": team.name,
            "units": [unit.pk for unit in team.units.all()],
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "1",
            "members-0-id": row.pk,
            "members-0-team": team.pk,
            "members-0-user": new.pk,
            "members-0-role": TeamRole.MEMBER,
        },
    )
    assert response.status_code == 302
    assert list(TeamMember.objects.filter(team=team).values_list("user", flat=True)) == [new.pk]
    assert not old.groups.filter(pk=team.group_id).exists()
    assert new.groups.filter(pk=team.group_id).exists()


def test_ressursteam_admin__name_with_characters_that_do_not_show__is_refused(administrator):
    unit = factories.ServiceUnitFactory()
    response = client_for(administrator).post(
        reverse("admin:teams_ressursteam_add"), {"name": "Ressursteam\u200b vest", "units": [unit.pk], **NO_MEMBERS}
    )
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert not Ressursteam.objects.exists()


@pytest.mark.parametrize("field", ["name", "contact"])
def test_service_unit_admin__name_or_contact_with_characters_that_do_not_show__is_refused(administrator, field):
    administrator.user_permissions.add(*Permission.objects.filter(codename__in=["add_serviceunit", "view_serviceunit"]))
    data = {"name": "Vestbygd skule", "kind": ServiceKind.SKOLE, "contact": "55 11 22 33"}
    response = client_for(administrator).post(
        reverse("admin:familielos_serviceunit_add"),
        {**data, field: data[field] + "\u200b", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.errors.as_data()[field]] == ["hidden_characters"]
    assert not ServiceUnit.objects.filter(name__startswith="Vestbygd").exists()
