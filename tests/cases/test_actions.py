"""The "Ny familie" form sent twice at the same moment (a double click, a retry): the second post waits for the first
on its claimed post (familielos.once) and is shown the family it registered."""

import pytest
from django.urls import reverse

from cases import actions
from cases.models import Case, Family
from familielos import once
from tests import factories
from tests.cases.test_views import GOOD_FAMILY
from tests.conftest import client_for, two_at_once


@pytest.mark.django_db(transaction=True)
def test_family_new__two_posts_of_one_form_at_once__register_one_family(monkeypatch):
    staff = factories.unit_staff(username="laerer")
    data = {**GOOD_FAMILY, once.TOKEN_NAME: once.new_token()}
    clients = iter([client_for(staff), client_for(staff)])
    url = reverse("cases:family_new")

    # The second waits on the first's claim, inserted and not yet committed: it registers nothing of its own.
    outcomes = two_at_once(monkeypatch, actions.workflow, "open_case", lambda: next(clients).post(url, data))

    assert (Family.objects.count(), Case.objects.count()) == (1, 1)
    family = Family.objects.get()
    assert [response.status_code for response in outcomes] == [302, 302]
    assert outcomes[0].url == outcomes[1].url == family.get_absolute_url()
