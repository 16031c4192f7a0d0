"""A post the server cannot take (more than a form takes, or malformed): a readable page in the site's layout, or for
htmx a notice before the form that keeps what was typed; never Django's bare "Bad Request (400)", nothing saved."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from familielos import http
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
    assert 'class="site-header"' in response.text
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


def test_post__a_views_own_400_with_htmx__is_the_same_notice(family, staff_client):
    response = staff_client.post(reverse("stafettlogg:post", args=[family.pk]), {"kind": "abc"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Reswap"] == "beforebegin"
    assert _not_taken() in response.text


def test_post__too_large__the_page_shows_the_persons_menu(family, staff_client):
    response = staff_client.post(reverse("stafettlogg:post", args=[family.pk]), _note("Å" * 1_400_000))
    assert f'href="{reverse("cases:family_list")}"' in response.text
