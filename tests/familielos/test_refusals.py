"""One way to say no: a role that may not do something gets our 403 page (or its fragment for htmx)."""

import pytest

from cases import access
from familielos import roles
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_client(family):
    """A ressursteam member with a grant on the family, whose role cannot add people to it."""
    reader = factories.UserFactory(role=roles.RESSURSTEAM_MEMBER)
    access.grant_user(reader, family)
    return client_for(reader)


def test_forbidden_action__page__is_our_readable_403(family, reader_client):
    response = reader_client.get(f"/familier/{family.pk}/personer/ny/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "Ikke tilgjengelig for rollen din" in body
    assert "<html" in body


def test_forbidden_action__htmx__is_the_message_fragment(family, reader_client):
    response = reader_client.get(f"/familier/{family.pk}/personer/ny/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 403
    assert 'role="alert"' in body
    assert "<html" not in body
