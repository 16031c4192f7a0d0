"""An address that only takes a sent form, opened as a page; and the language switch on the answer to a form."""

import re

import pytest
from django.urls import reverse

from tests.conftest import shown

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["stafettlogg:post", "stafettlogg:correct"])
def test_get__an_address_that_only_takes_a_form__is_a_readable_405_page_with_a_way_back(family, staff_client, name):
    page = reverse("stafettlogg:log", args=[family.pk])

    response = staff_client.get(reverse(name, args=[family.pk]), HTTP_REFERER=f"http://testserver{page}")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert shown("This address only takes a form that is sent") in response.text
    assert f'<a href="{page}">' in response.text
    assert 'class="site-header"' in response.text


def test_get__an_address_that_only_takes_a_form__from_another_site__links_to_the_overview(family, staff_client):
    response = staff_client.get(reverse("stafettlogg:post", args=[family.pk]), HTTP_REFERER="https://evil.example/x")
    assert response.status_code == 405
    assert "evil.example" not in response.text
    assert f'<a href="{reverse("home")}">' in response.text


def test_language_switch__on_the_answer_to_a_sent_form__returns_to_the_page_the_form_was_on(family, staff_client):
    page = reverse("stafettlogg:log", args=[family.pk])
    data = {"kind": "note", "note-text": "", "note-visibility": "team"}

    response = staff_client.post(
        reverse("stafettlogg:post", args=[family.pk]), data, HTTP_REFERER=f"http://testserver{page}"
    )

    assert response.status_code == 200
    assert re.search(rf'<input name="next" type="hidden" value="{re.escape(page)}">', response.text)
    assert f'value="{page}?filter=1"' in staff_client.get(f"{page}?filter=1").text


def test_get__a_referer_path_that_leads_off_the_site__is_not_linked(family, staff_client):
    referer = "http://testserver//evil.example/x"
    response = staff_client.get(reverse("stafettlogg:post", args=[family.pk]), HTTP_REFERER=referer)
    assert "evil.example" not in response.text
    assert f'<a href="{reverse("home")}">' in response.text


def test_get__a_parents_form_address__leads_back_to_the_parents_start_not_the_staffs(client):
    response = client.get(reverse("selfassessment:send"))
    assert response.status_code == 405
    assert f'<a href="{reverse("selfassessment:start")}">' in response.text


def test_head__an_address_that_only_takes_a_form__is_left_as_django_answers_it(family, staff_client):
    response = staff_client.head(reverse("stafettlogg:post", args=[family.pk]))
    assert response.status_code == 405
    assert response.content == b""
