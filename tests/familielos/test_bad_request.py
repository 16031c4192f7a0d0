"""A post the server cannot take (more than a form takes, or malformed): a readable page in the site's layout, or for
htmx a notice before the form that keeps what was typed; never Django's bare "Bad Request (400)", nothing saved."""

import pytest
from django.conf import settings
from django.core.exceptions import BadRequest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from familielos import http, views
from familielos.errors import OutOfDate
from stafettlogg.models import Entry
from tests.conftest import shown

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _not_taken() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return escape(str(http.NOT_TAKEN))


def _note(text: str, **more) -> dict:
    return {"kind": "note", "note-text": text, "note-visibility": "team", **more}


def test_post__larger_than_a_form_takes__is_our_400_page_and_saves_nothing(family, staff_client):
    entries = Entry.objects.count()

    response = staff_client.post(reverse("stafettlogg:post", args=[family.pk]), _note("Å" * 1_400_000))

    assert response.status_code == 400
    assert shown("What you sent could not be taken") in response.text
    assert f'href="{reverse("cases:family_list")}"' in response.text  # the person's menu
    assert "Bad Request" not in response.text
    assert Entry.objects.count() == entries


def test_post__more_fields_than_a_form_takes__is_our_400_page(family, staff_client):
    fields = _note("Hei", **{f"extra-{n}": "x" for n in range(6000)})
    response = staff_client.post(reverse("stafettlogg:post", args=[family.pk]), fields)
    assert response.status_code == 400
    assert shown("What you sent could not be taken") in response.text


def test_post__too_large_with_htmx__is_a_notice_put_before_the_form(family, staff_client):
    response = staff_client.post(reverse("stafettlogg:post", args=[family.pk]), _note("Å" * 1_400_000), **HTMX)
    assert response.status_code == 400
    assert response["HX-Reswap"] == "beforebegin"
    assert _not_taken() in response.text
    assert "<html" not in response.text


def test_post__a_view_refuses_it_as_out_of_date__says_so_on_the_page_or_in_the_htmx_notice(family, staff_client):
    url = reverse("stafettlogg:post", args=[family.pk])
    page = staff_client.post(url, {"kind": "abc"})
    notice = staff_client.post(url, {"kind": "abc"}, **HTMX)

    assert page.status_code == notice.status_code == 400
    assert shown("The page is out of date. Reload it.") in page.text
    assert 'class="site-header"' in page.text
    assert notice["HX-Reswap"] == "beforebegin"
    assert shown("The page is out of date. Reload it.") in notice.text


def test_poll__refused_as_out_of_date_with_htmx__is_swapped_nowhere(family, staff_client):
    response = staff_client.get(reverse("stafettlogg:poll", args=[family.pk]), {"etter": "abc"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Reswap"] == "none"


def test_post__a_host_not_allowed__is_a_plain_400_not_an_error(client):
    response = client.post(reverse("login"), {"username": "x"}, HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_bad_request__djangos_own_reason__is_not_shown_ours_is(staff, rf):
    request = rf.post("/")
    request.user = staff
    django_reason = views.bad_request(request, BadRequest("Invalid Content-Type header."))
    our_reason = views.bad_request(request, OutOfDate("Siden er utdatert."))
    assert django_reason.status_code == our_reason.status_code == 400
    assert "Content-Type" not in django_reason.content.decode()
    assert "Siden er utdatert." in our_reason.content.decode()
