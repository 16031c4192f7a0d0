import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from familielos import roles
from teams.models import Ressursteam
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_ressursteam_admin__new_team__gets_a_group_of_its_own_whatever_is_posted():
    admin = factories.UserFactory(role=roles.ADMINISTRATOR, is_staff=True)
    unit = factories.ServiceUnitFactory()
    role_group = Group.objects.get(name=roles.ADMINISTRATOR)
    response = client_for(admin).post(
        reverse("admin:teams_ressursteam_add"), {"name": "Ressursteam vest", "units": [unit.pk], "group": role_group.pk}
    )
    assert response.status_code == 302
    team = Ressursteam.objects.get(name="Ressursteam vest")
    assert team.group != role_group
    assert team.group.name == "Ressursteam: Ressursteam vest"
