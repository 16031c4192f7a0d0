import pytest

from familielos import roles
from tests import factories


@pytest.fixture
def leader(db):
    """A leader: may read audit trails, holds no grant on any family."""
    return factories.UserFactory(username="leiar", role=roles.LEADER)


@pytest.fixture
def superuser(db):
    """A superuser with no grant on any family."""
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)
