"""A text typed into a form for longer than the session's idle age is not lost to it (static/js/still_here.js):
while the person types, the session goes on; once it has ended all the same, the page says so as soon as they type,
with the text still in the form. Here the idle age is a few seconds, and the session is written on every request."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from familielos import middleware
from tests import factories
from tests.e2e.helpers import CONCERN, IC, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A page says the person is still there at most every second at this idle age (familielos_tags.still_here_every).
IDLE_SECONDS = 4
FAMILY_NAME = re.compile(r"^(Familienavn|Family name)", IC)
CHILD_FIRST = re.compile(r"^(Barnets fornavn|Child's first name)", IC)
CHILD_LAST = re.compile(r"^(Barnets etternavn|Child's last name)", IC)
CHILD_BORN = re.compile(r"^(Barnets fødselsdato|Child's date of birth)", IC)
GUARDIAN_FIRST = re.compile(r"^(Foresattes fornavn|Guardian's first name)", IC)
GUARDIAN_LAST = re.compile(r"^(Foresattes etternavn|Guardian's last name)", IC)
REGISTER = re.compile(r"^(Registrer|Register)", IC)
SIGNED_OUT = re.compile(r"^(Du ble logget ut|You were signed out)$", IC)


@pytest.fixture
def signed_in(page, settings, monkeypatch) -> Page:
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    monkeypatch.setattr(middleware, "SESSION_REFRESH_SECONDS", 0)
    sign_in(page, factories.unit_staff(username="laerer"), reverse("cases:family_new"))
    return page


def test_a_form_typed_in_for_longer_than_the_idle_age__is_saved(signed_in):
    page = signed_in
    deadline = time.monotonic() + IDLE_SECONDS + 2
    while time.monotonic() < deadline:
        page.get_by_label(CONCERN).press_sequentially("Kari er stille i timane. ", delay=40)
    page.get_by_label(FAMILY_NAME).fill("Familien Lie")
    page.get_by_label(CHILD_FIRST).fill("Kari")
    page.get_by_label(CHILD_LAST).fill("Lie")
    page.get_by_label(CHILD_BORN).fill("2016-05-04")
    page.get_by_label(GUARDIAN_FIRST).fill("Guro")
    page.get_by_label(GUARDIAN_LAST).fill("Lie")
    page.get_by_role("button", name=REGISTER).click()

    expect(page.get_by_role("heading", level=1, name="Familien Lie")).to_be_visible()


def test_a_form_typed_in_after_the_session_ended__says_so_above_the_form_and_keeps_the_text(signed_in, check_page):
    page = signed_in
    page.get_by_label(CONCERN).fill("Ein lang tekst.")
    page.context.clear_cookies(name="sessionid")
    time.sleep(1.1)
    page.get_by_label(CONCERN).press_sequentially(" Meir.")

    notice = page.get_by_role("alert")
    expect(notice.get_by_role("heading", name=SIGNED_OUT)).to_be_visible()
    # Above the form being typed in, and the keys typed meanwhile stay in the field: the notice takes no focus.
    expect(page.locator("form:has(textarea) >> xpath=preceding-sibling::*[1]")).to_have_attribute("role", "alert")
    page.get_by_label(CONCERN).press_sequentially(" Og meir.")
    expect(page.get_by_label(CONCERN)).to_have_value("Ein lang tekst. Meir. Og meir.")
    expect(page.get_by_label(CONCERN)).to_be_focused()
    check_page(page, "family-new-signed-out")
