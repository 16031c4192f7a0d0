"""Fixtures for the family's own pages: a guardian's login on `family` (tests/conftest.py), a young person's, and
the same for another family to try their ids against."""

from datetime import date

import pytest
from django.utils import timezone

from cases import actions
from cases.models import PersonRole
from familielos import roles
from tests import factories
from tests.conftest import client_for


def link_login(person, *, username: str, email: str = ""):
    """A family-member login linked to `person` by the family's case opener."""
    user = factories.UserFactory(username=username, email=email or f"{username}@example.no", role=roles.FAMILY_MEMBER)
    actions.link_family_login(actor=person.family.cases.first().opened_by, person=person, user=user)
    return user


@pytest.fixture
def guardian(family):
    return family.persons.get(role=PersonRole.GUARDIAN)


@pytest.fixture
def parent(guardian):
    """The guardian's own login (username `forelder`)."""
    return link_login(guardian, username="forelder")


@pytest.fixture
def parent_client(parent):
    return client_for(parent)


@pytest.fixture
def youth(family):
    """A child of 17 in the family, with their own login (username `ungdom`)."""
    today = timezone.localdate()
    person = factories.person(family, first_name="Jonas", birth_date=date(today.year - 17, 1, 1))
    return link_login(person, username="ungdom")


@pytest.fixture
def other_case():
    """Another school's family, with a guardian's login of its own."""
    case = factories.open_case(opener=factories.unit_staff(username="annan_laerer"), family_name="Familien Berg")
    link_login(case.family.persons.get(role=PersonRole.GUARDIAN), username="annan_forelder")
    return case
