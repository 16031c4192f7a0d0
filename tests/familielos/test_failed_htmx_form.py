"""An htmx form whose post fails (what it was for is gone, or an error of ours) keeps its text and says so; a failed
htmx request that is not a form is swapped nowhere; a page opened in the browser keeps its own error page."""

import pytest
from django.test import Client
from django.urls import reverse

from stafettlogg import views as stafettlogg_views
from tests import factories
from tests.conftest import client_for, shown

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def missing_step_url(family):
    """A step of a case that does not exist in a family the person works with."""
    return reverse("cases:case_step", args=[family.pk, 10**9, "avklaring"])


def test_htmx_post__what_it_was_for_is_gone__a_notice_before_the_form(staff, missing_step_url):
    response = client_for(staff).post(missing_step_url, {"avklaring-reason": "Lang tekst"}, **HTMX)

    assert response.status_code == 404
    assert response["HX-Reswap"] == "beforebegin"
    assert shown("Not saved") in response.text
    assert "Det du skrev, står fortsatt i skjemaet" in response.text


def test_htmx_post__another_familys_address__says_no_more_than_a_missing_one(staff, missing_step_url):
    other = factories.open_case(family_name="Familien Annan")
    other_url = reverse("cases:case_step", args=[other.family_id, other.pk, "avklaring"])
    client = client_for(staff)

    other_family = client.post(other_url, {"avklaring-reason": "x"}, **HTMX)
    missing = client.post(missing_step_url, {"avklaring-reason": "x"}, **HTMX)

    assert other_family.status_code == missing.status_code == 404
    assert other_family.text == missing.text
    assert other.family.name not in other_family.text


def test_htmx_get__not_found__is_swapped_nowhere(staff, missing_step_url):
    response = client_for(staff).get(missing_step_url, **HTMX)

    assert response.status_code == 404
    assert response["HX-Reswap"] == "none"


def test_plain_request__not_found__is_the_404_page(staff, missing_step_url):
    response = client_for(staff).post(missing_step_url, {"avklaring-reason": "x"})

    assert response.status_code == 404
    assert "HX-Reswap" not in response
    assert shown("The page was not found") in response.text


def test_htmx_post__an_error_of_ours__a_notice_before_the_form(staff, family, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(stafettlogg_views.forms, "post_form", broken)
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    data = {"kind": "note", "note-text": "Lang tekst", "note-visibility": "team"}

    response = client.post(reverse("stafettlogg:post", args=[family.pk]), data, **HTMX)

    assert response.status_code == 500
    assert response["HX-Reswap"] == "beforebegin"
    assert shown("Something went wrong") in response.text
    assert "Det du skrev, står fortsatt i skjemaet" in response.text
