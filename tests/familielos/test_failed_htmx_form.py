"""An htmx form whose post fails (what it was for is gone, or an error of ours) keeps its text under a notice; a failed
htmx request that is not a form is swapped nowhere; a page opened in the browser keeps its own error page."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.conftest import client_for, shown

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
GONE = (
    "What this form was for is no longer there: someone removed or changed it meanwhile. Nothing was saved. What you "
    "wrote is still in the form: copy it and load the page again to see how it stands now."
)
ERROR = (
    "An error happened on our side, and what you sent may not have been saved. What you wrote is still in the form: "
    "copy it, load the page again and check."
)


@pytest.fixture
def missing_step_url(family):
    """A step of a case that does not exist in a family the person works with."""
    return reverse("cases:case_step", args=[family.pk, 10**9, "avklaring"])


@pytest.fixture
def raising(staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    return client


def test_htmx_post__what_it_was_for_is_gone__a_notice_before_the_form_never_cached(staff, missing_step_url):
    response = client_for(staff).post(missing_step_url, {"avklaring-reason": "Lang tekst"}, **HTMX)

    assert response.status_code == 404
    assert response["HX-Reswap"] == "beforebegin"
    assert shown("Not saved") in response.text
    assert shown(GONE) in response.text
    assert "no-store" in response["Cache-Control"]


def test_htmx_post__another_familys_address__answers_as_a_missing_one(staff, missing_step_url):
    other = factories.open_case(family_name="Familien Annan")
    other_url = reverse("cases:case_step", args=[other.family_id, other.pk, "avklaring"])
    client = client_for(staff)

    other_family = client.post(other_url, {"avklaring-reason": "x"}, **HTMX)
    missing = client.post(missing_step_url, {"avklaring-reason": "x"}, **HTMX)

    assert other_family.status_code == missing.status_code == 404
    assert other_family.text == missing.text


def test_htmx_get__not_found__is_swapped_nowhere(staff, missing_step_url):
    response = client_for(staff).get(missing_step_url, **HTMX)

    assert response.status_code == 404
    assert response["HX-Reswap"] == "none"


def test_plain_request__not_found__is_the_404_page(staff, missing_step_url):
    response = client_for(staff).post(missing_step_url, {"avklaring-reason": "x"})

    assert response.status_code == 404
    assert "HX-Reswap" not in response
    assert shown("The page was not found") in response.text


@pytest.mark.urls("tests.familielos.raising_urls")
def test_htmx_post__an_error_of_ours__a_notice_before_the_form(raising):
    response = raising.post(reverse("broken"), {"text": "Lang tekst"}, **HTMX)

    assert response.status_code == 500
    assert response["HX-Reswap"] == "beforebegin"
    assert shown("Something went wrong") in response.text
    assert shown(ERROR) in response.text


@pytest.mark.urls("tests.familielos.raising_urls")
def test_htmx_get__an_error_of_ours__is_swapped_nowhere(raising):
    response = raising.get(reverse("broken"), **HTMX)

    assert response.status_code == 500
    assert response["HX-Reswap"] == "none"


@pytest.mark.urls("tests.familielos.raising_urls")
def test_plain_post__an_error_of_ours__is_the_500_page(raising):
    response = raising.post(reverse("broken"), {"text": "Lang tekst"})

    assert response.status_code == 500
    assert "HX-Reswap" not in response
    assert shown("Something went wrong") in response.text


def test_htmx_post__signed_out__keeps_its_own_notice_with_the_link_to_sign_in(family, client):
    response = client.post(reverse("stafettlogg:post", args=[family.pk]), {"kind": "note"}, **HTMX)

    assert response.status_code == 403
    assert shown("You were signed out") in response.text
