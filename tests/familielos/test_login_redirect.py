"""A session that has run out sends people back to a page, never into a fragment or a POST-only address."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import shown
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_htmx_post__signed_out__keeps_the_page_and_its_text_and_offers_to_sign_in_in_a_new_tab(case, client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    page = case.family.get_absolute_url()
    response = client.post(
        url, {"avklaring-reason": "x"}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}"
    )
    # Not a redirect, which would leave the page and what was typed in its form: a notice put before the form.
    assert response.status_code == 403
    assert "HX-Redirect" not in response
    assert response["HX-Reswap"] == "beforebegin"
    assert shown("You were signed out") in response.text
    assert f'href="{reverse("login")}?next={page}" target="_blank"' in response.text


def test_htmx_get__signed_out__redirects_the_whole_page_to_login_and_back(case, client):
    page = case.family.get_absolute_url()
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={page}"


def test_htmx_post__a_stale_form__keeps_the_form_and_says_to_copy_the_text(family, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    url = reverse("stafettlogg:post", args=[family.pk])
    data = {"kind": "note", "note-text": "Lang tekst", "note-visibility": "team", "csrfmiddlewaretoken": "gammal"}

    response = client.post(url, data, HTTP_HX_REQUEST="true")

    assert response.status_code == 403
    assert response["HX-Reswap"] == "beforebegin"
    assert shown("The form has expired") in response.text


def test_plain_post__signed_out__returns_to_the_form_page_after_login(case, client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    page = case.family.get_absolute_url()
    response = client.post(url, {"avklaring-reason": "x"}, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={page}"


def test_plain_post__signed_out_from_another_site__does_not_follow_its_referer(case, client):
    url = reverse("cases:case_step", args=[case.family_id, case.pk, "avklaring"])
    response = client.post(url, {"avklaring-reason": "x"}, HTTP_REFERER="https://evil.example/x")
    assert response.url == f"{reverse('login')}?next=/"


def test_get__signed_out__keeps_the_requested_page_as_next(family, client):
    response = client.get(family.get_absolute_url())
    assert response.url == f"{reverse('login')}?next={family.get_absolute_url()}"


def test_language_switch_on_the_login_page__returns_to_it_in_that_language(client):
    response = client.post(reverse("set_language"), {"next": reverse("login"), "language": "nn"})

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "Brukarnamn" in client.get(response.url).text


def test_log_out__the_next_person_starts_on_their_own_start_page(family, staff_client):
    response = staff_client.post(reverse("logout"), HTTP_REFERER=f"http://testserver{family.get_absolute_url()}")

    assert response.status_code == 302
    assert response.url == reverse("login")


def test_log_in__with_the_login_page_as_next__goes_to_the_start_page(staff, client):
    login = f"{reverse('login')}?next={reverse('login')}"

    response = client.post(login, {"username": staff.username, "password": PASSWORD})

    assert response.url == reverse("home")
    # Signed in, the same address: the start page, not Django's redirect loop error.
    assert client.get(login).url == reverse("home")


@pytest.mark.parametrize("poll", ["canvas", "log"])
def test_poll__signed_out__takes_the_page_to_login_so_no_family_data_stays_on_screen(client, poll, family):
    url = {
        "canvas": reverse("familieteam:cell_changes", args=[1]),
        "log": reverse("stafettlogg:poll", args=[family.pk]),
    }[poll]
    page = family.get_absolute_url()

    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}")

    assert response["HX-Redirect"] == f"{reverse('login')}?next={page}"


def test_language_switch_on_a_login_page_with_a_next__keeps_it_and_the_language(client):
    login = f"{reverse('login')}?next=/familier/"

    response = client.post(reverse("set_language"), {"next": login, "language": "nn"})

    assert response.url == login
    assert response.cookies["django_language"].value == "nn"
