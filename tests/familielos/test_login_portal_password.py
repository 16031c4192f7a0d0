"""A family login signs in with a password only where PORTAL_PASSWORD_LOGIN allows it (the demo).

Elsewhere whoever can set its password (an administrator) could sign in as the family and read the family's pages;
the family signs in by ID-porten or a one-time link instead.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases import actions
from cases.models import PersonRole
from familielos import roles
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(family):
    """A guardian's family login that has a password, as the demo's `forelder` has."""
    user = factories.UserFactory(username="forelder", role=roles.FAMILY_MEMBER)
    guardian = family.persons.get(role=PersonRole.GUARDIAN)
    actions.link_family_login(actor=family.cases.first().opened_by, person=guardian, user=user)
    return user


def _sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login__family_login_with_the_right_password_and_password_login_off__is_refused_as_a_wrong_password(
    client, parent, settings
):
    settings.PORTAL_PASSWORD_LOGIN = False

    response = _sign_in(client, "forelder")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    error = list(response.context["form"].non_field_errors())
    assert error == list(_sign_in(client, "forelder", "wrong password").context["form"].non_field_errors())
    assert escape(error[0]) in response.text
    assert client.get(reverse("portal:home")).url.startswith(reverse("portal:sign_in"))


def test_login__family_login_with_password_login_on__signs_in_to_the_familys_pages(client, parent, settings):
    settings.PORTAL_PASSWORD_LOGIN = True

    response = _sign_in(client, "forelder")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(parent.pk)
    assert client.get(reverse("portal:home")).status_code == 200


def test_login__staff_with_password_login_off__signs_in(client, staff, settings):
    settings.PORTAL_PASSWORD_LOGIN = False
    response = _sign_in(client, staff.username)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_login__family_login_signed_in_by_link__stays_signed_in_with_password_login_off(client, parent, settings):
    # The one-time link signs in through the same backend; only its password step refuses a family login.
    settings.PORTAL_PASSWORD_LOGIN = False
    client.force_login(parent, backend="familielos.backends.OneQueryModelBackend")
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("portal:home")).status_code == 200
