"""Fixtures for the family's own pages: a guardian's login on `family` (tests/conftest.py), a young person's, a
family at level 3 with both, and another family to try their ids against."""

from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

from cases.models import Level, PersonRole
from familielos.models import Membership
from tests import factories
from tests.conftest import client_for


@pytest.fixture
def guardian(family):
    return family.persons.get(role=PersonRole.GUARDIAN)


@pytest.fixture
def parent(guardian):
    """The guardian's own login (username `forelder`)."""
    return factories.family_login(guardian, username="forelder")


@pytest.fixture
def parent_client(parent):
    return client_for(parent)


@pytest.fixture
def youth_login(family):
    """A child of 17 in the family, with their own login (username `ungdom`)."""
    today = timezone.localdate()
    person = factories.person(family, first_name="Jonas", birth_date=date(today.year - 17, 1, 1))
    return factories.family_login(person, username="ungdom")


@pytest.fixture(scope="module")
def lund_world(django_db_setup, django_db_blocker):
    """A family at level 3 with a familieteam, a planned meeting, the guardian's login (`lund_forelder`) and a young
    person's (17, `lund_ungdom`): made once per test module and rolled back after it. Each test runs in a savepoint
    inside it, so what one test adds to the family's log, tasks or plan is gone for the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        case, _team, los, _member = factories.case_at(Level.FAMILIELOS, family_name="Familien Lund", child_name="Ida")
        Membership.objects.filter(user=los).update(title="Familielos")
        world = {"case": case, "guardian": case.family.persons.get(role=PersonRole.GUARDIAN)}
        world["login"] = factories.family_login(world["guardian"], username="lund_forelder")
        world["meeting"] = factories.familieteam_meeting(case)
        today = timezone.localdate()
        world["youth"] = factories.person(case.family, first_name="Jonas", birth_date=date(today.year - 17, 1, 1))
        world["youth_login"] = factories.family_login(world["youth"], username="lund_ungdom")
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def lund(db, lund_world):
    """The module's level-3 family read afresh for each test (`case.guardian`, `.login`, `.meeting`, `.youth`,
    `.youth_login`): what a test changed comes back to the next as the rolled-back database holds it."""
    fresh = {key: type(obj)._default_manager.get(pk=obj.pk) for key, obj in lund_world.items()}
    case = fresh.pop("case")
    for key, obj in fresh.items():
        setattr(case, key, obj)
    return case


@pytest.fixture
def other_case():
    """Another school's family, with a guardian's login of its own."""
    case = factories.open_case(opener=factories.unit_staff(username="annan_laerer"), family_name="Familien Berg")
    factories.family_login(case.family.persons.get(role=PersonRole.GUARDIAN), username="annan_forelder")
    return case
