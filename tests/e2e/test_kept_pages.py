"""The pages tests/e2e/conftest.py keeps for later tests: what one test did to a page is gone for the next."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import VIEWPORT, _reset
from tests.e2e.helpers import LOG_IN, MY_FAMILIES, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_reset__a_page_a_test_signed_in_on_and_changed__is_as_a_new_contexts_page(new_page, staff):
    page = new_page()
    sign_in(page, staff, reverse("cases:family_list"))
    page.goto(reverse("home"))
    page.evaluate("() => { localStorage.setItem('left', '1'); sessionStorage.setItem('left', '1'); }")
    page.set_viewport_size(PHONE)
    page.route(re.compile(r"/logg-inn/"), lambda route: route.abort())
    page.context.grant_permissions(["clipboard-read"])

    assert _reset(page, java_script_enabled=True)

    assert page.context.cookies() == []
    assert page.viewport_size == VIEWPORT
    assert page.evaluate("() => history.length") == 1
    assert page.evaluate("() => navigator.permissions.query({name: 'clipboard-read'}).then(s => s.state)") != "granted"
    # Signed out, and the route is gone: the family list sends the page on to the login form, which loads.
    page.goto(reverse("cases:family_list"))
    expect(page.get_by_role("heading", level=1, name=LOG_IN)).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=MY_FAMILIES)).to_have_count(0)
    assert page.evaluate("() => [localStorage.getItem('left'), sessionStorage.getItem('left')]") == [None, None]


def test_reset__a_page_the_test_closed__is_not_kept(new_page):
    page = new_page()
    page.goto(reverse("login"))
    page.close()

    assert not _reset(page, java_script_enabled=True)


def test_new_page__two_in_one_test__have_contexts_of_their_own(new_page, staff, outsider):
    first, second = new_page(), new_page()
    sign_in(first, staff)

    assert first.context is not second.context
    assert second.context.cookies() == []
