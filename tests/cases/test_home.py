"""The start page of a role that works with no family: its own pages, none of the family panels."""

import pytest
from django.urls import reverse

from familielos import roles
from tests import factories
from tests.conftest import client_for


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (roles.RESEARCHER, ["pilot_figures"]),
        (roles.ADMINISTRATOR, ["audit_log"]),
    ],
)
def test_start_page__a_role_with_no_families__lists_its_own_pages_and_no_family_panel(db, role, links):
    html = client_for(factories.UserFactory(role=role)).get(reverse("home")).text

    own_pages = html[html.index('id="own-pages-heading"') :]
    for name in links:
        assert f'href="{reverse(name)}"' in own_pages
    assert 'id="decisions-heading"' not in html
    assert reverse("cases:family_list") not in own_pages


def test_start_page__a_role_with_families__keeps_its_panels(staff_client):
    html = staff_client.get(reverse("home")).text
    assert 'id="decisions-heading"' in html
    assert 'id="own-pages-heading"' not in html
