from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

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


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock():
    """Django's idea of now (session expiry, the refresh stamp), moved forward by the test."""
    frozen = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: frozen.now):
        yield frozen
