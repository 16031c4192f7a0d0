"""familielos.once for the forms that claim their post in a table (SentForm): two posts of one form at the same
moment make one thing, and the daily job forgets old posts."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
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
def test_claim__the_form_changed_before_sending_again_or_without_a_token__does_its_work_again(staff, family):
    url = reverse("cases:person_new", args=[family.pk])
    data = {"role": "child", "first_name": "Liten", "last_name": "Bror", "birth_date": "2022-02-02"}
    token = once.new_token()
    client = client_for(staff)

    client.post(url, {**data, once.TOKEN_NAME: token})
    client.post(url, {**data, "first_name": "Vesle", once.TOKEN_NAME: token})
    client.post(url, data)
    client.post(url, data)

    assert sorted(family.persons.filter(last_name="Bror").values_list("first_name", flat=True)) == [
        "Liten",
        "Liten",
        "Liten",
        "Vesle",
    ]


@pytest.mark.django_db
def test_claim__a_post_that_is_not_saved_claims_nothing_and_the_same_form_can_be_sent_again(staff, family):
    guardian = family.persons.get(role="guardian")
    url = reverse("cases:consent_new", args=[family.pk])
    unit = factories.ServiceUnitFactory()
    data = {"given_by": guardian.pk, "decision": "given", "units": [unit.pk], once.TOKEN_NAME: once.new_token()}
    data["valid_from"] = timezone.localdate().isoformat()
    client = client_for(staff)
    refused = client.post(url, {**data, "given_by": factories.person(factories.open_case().family).pk})  # not theirs

    assert refused.status_code == 200
    assert not SentForm.objects.exists()
    assert client.post(url, data).status_code == 302
    assert SentForm.objects.count() == 1


@pytest.mark.django_db
def test_claim__another_refusal_by_the_database__is_not_taken_for_a_second_post(staff, family, monkeypatch):
    """Only the claim's own key makes a post a repeat: any other error in the work is raised, and claims nothing."""

    def clashes(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(actions, "add_person", clashes)
    client = client_for(staff)
    client.raise_request_exception = True
    data = {"role": "child", "first_name": "Liten", "last_name": "Bror", "birth_date": "2022-02-02"}

    with pytest.raises(IntegrityError):
        client.post(reverse("cases:person_new", args=[family.pk]), {**data, once.TOKEN_NAME: once.new_token()})
    assert not SentForm.objects.exists()


@pytest.mark.django_db
def test_forget_sent_forms__deletes_those_sent_more_than_a_day_ago():
    SentForm.objects.create(key="a" * 64, url="/familier/1/")
    SentForm.objects.create(key="b" * 64, url="/familier/2/")
    SentForm.objects.filter(key="a" * 64).update(sent_at=timezone.now() - timedelta(days=1, minutes=1))

    assert forget_sent_forms.call() == 1
    assert list(SentForm.objects.values_list("url", flat=True)) == ["/familier/2/"]
