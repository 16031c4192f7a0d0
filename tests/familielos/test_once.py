"""familielos.once for the forms that claim their post in a table (SentForm): two posts of one form at the same
moment make one thing, and the daily job forgets old posts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import actions
from familielos import once
from familielos.models import SentForm
from familielos.tasks import forget_sent_forms
from tests import factories
from tests.conftest import client_for, two_at_once


@pytest.mark.django_db(transaction=True)
def test_claim__one_form_posted_twice_at_once__the_second_waits_and_is_sent_to_what_the_first_made(monkeypatch):
    staff = factories.unit_staff(username="laerer")
    family = factories.open_case(opener=staff).family
    url = reverse("cases:person_new", args=[family.pk])
    data = {"role": "child", "first_name": "Liten", "last_name": "Bror", "birth_date": "2022-02-02"}
    data[once.TOKEN_NAME] = once.new_token()
    clients = iter([client_for(staff), client_for(staff)])

    outcomes = two_at_once(monkeypatch, actions, "add_person", lambda: next(clients).post(url, data))

    assert family.persons.filter(first_name="Liten").count() == 1
    assert [response.status_code for response in outcomes] == [302, 302]
    assert outcomes[0].url == outcomes[1].url == family.get_absolute_url()


@pytest.mark.django_db
def test_forget_sent_forms__deletes_those_sent_more_than_a_day_ago():
    SentForm.objects.create(key="a" * 64, url="/familier/1/")
    SentForm.objects.create(key="b" * 64, url="/familier/2/")
    SentForm.objects.filter(key="a" * 64).update(sent_at=timezone.now() - timedelta(days=1, minutes=1))

    assert forget_sent_forms.call() == 1
    assert list(SentForm.objects.values_list("url", flat=True)) == ["/familier/2/"]
