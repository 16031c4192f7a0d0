import pytest

from cases import actions
from cases.models import PersonRole
from familielos import roles
from familielos.models import Membership
from tests import factories


@pytest.fixture
def writer(staff):
    """The case's opener, a teacher at a school, who holds the family's change grant."""
    Membership.objects.create(user=staff, unit=factories.ServiceUnitFactory(name="Nordvik skule"))
    return staff


@pytest.fixture
def family_login(family):
    """The guardian's own portal login: it reads the family's record and changes nothing."""
    parent = factories.UserFactory(username="forelder", role=roles.FAMILY_MEMBER)
    guardian = family.persons.get(role=PersonRole.GUARDIAN)
    actions.link_family_login(actor=family.cases.first().opened_by, person=guardian, user=parent)
    return parent
