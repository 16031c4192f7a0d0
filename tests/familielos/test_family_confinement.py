"""A family's own login lives on the family's own pages (/min-familie/): every other page of the application is a
404 to it, whatever that page would show, generated from the URL conf so that a page added tomorrow is covered."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

from cases.models import PersonRole
from familielos import roles
from familielos.middleware import FamilyLoginConfinementMiddleware
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SENT_TO_PORTAL = FamilyLoginConfinementMiddleware.TO_PORTAL


def _named_routes(patterns=None, namespace=""):
    """Every named route outside the portal, with its converters (admin's regex routes are tried by their index)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and isinstance(pattern.pattern, RoutePattern):
            name = f"{namespace}{pattern.name}"
            if namespace.startswith(tuple(f"{ns}:" for ns in FamilyLoginConfinementMiddleware.OPEN_NAMESPACES)):
                continue
            if name in FamilyLoginConfinementMiddleware.OPEN_NAMES | SENT_TO_PORTAL:
                continue
            yield name, pattern.pattern.converters


STAFF_ROUTES = sorted(_named_routes(), key=lambda route: route[0])


@pytest.fixture(scope="module")
def confined(django_db_setup, django_db_blocker):
    """A family and its guardian's login, made once for the module and rolled back after it (the middleware answers
    before any view, so no test changes them); each test runs in a savepoint inside it, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        case = factories.open_case(opener=factories.unit_staff(username="laerer"), family_name="Familien Hansen")
        login = factories.family_login(case.family.persons.get(role=PersonRole.GUARDIAN), username="forelder")
        yield SimpleNamespace(family=case.family, login=login)
        transaction.set_rollback(True)


def _url(name, converters, family) -> str:
    """The route filled with the family's own id wherever a number goes: the family's own data, not another's."""
    kwargs = {key: family.pk if isinstance(conv, IntConverter) else "x" for key, conv in converters.items()}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("name", "converters"), STAFF_ROUTES, ids=[name for name, _c in STAFF_ROUTES])
def test_staff_page__the_familys_own_login__is_404_for_get_and_post(name, converters, confined):
    client = client_for(confined.login)
    url = _url(name, converters, confined.family)

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_admin__the_familys_own_login__is_404(confined):
    assert client_for(confined.login).get(reverse("admin:index")).status_code == 404


@pytest.mark.parametrize("name", sorted(SENT_TO_PORTAL))
def test_start_and_login_page__send_the_familys_own_login_to_its_own_pages(name, confined):
    response = client_for(confined.login).get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_a_person_with_a_staff_role_too__is_not_confined(confined):
    """Confinement follows the role: a teacher who is also a guardian somewhere keeps the staff pages."""
    teacher = factories.unit_staff(username="laerar_og_forelder")
    teacher.groups.add(Group.objects.get(name=roles.FAMILY_MEMBER))

    assert client_for(teacher).get(reverse("cases:family_list")).status_code == 200


def test_self_assessment_for_parents__the_familys_own_login__may_use_it(confined):
    """Open to everyone without a login, so to a parent signed in to the family's pages too."""
    response = client_for(confined.login).get(reverse("selfassessment:start"))

    assert response.status_code == 200
