import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def english_messages():
    """Messages raised outside a request read as their English msgids, whatever a request before activated."""
    with translation.override("en"):
        yield


@pytest.fixture
def empty_cache():
    """The shared cache holds rate limits: a test that counts requests starts with a full allowance."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(db):
    """A unit staff member (a teacher) with no families yet."""
    return factories.unit_staff(username="laerer")


@pytest.fixture
def case(staff):
    """A family registered by `staff`, its case open at level 0."""
    return factories.open_case(opener=staff, family_name="Familien Hansen", child_name="Emma")


@pytest.fixture
def family(case):
    return case.family


@pytest.fixture
def outsider(db):
    """Unit staff at another school: may see nothing of `family`."""
    return factories.unit_staff(username="annan")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff):
    return client_for(staff)


@pytest.fixture
def outsider_client(outsider):
    return client_for(outsider)
