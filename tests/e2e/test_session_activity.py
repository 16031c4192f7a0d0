"""A text typed into a form for longer than the session's idle age is not lost to it (static/js/activity.js): while
the person types, the page says so and the idle expiry moves on; when the session has ended all the same (the person
was away), the page says so as soon as they type again, with the text still in the form. The idle age is a few
seconds here, and the session is written on every request."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from familielos import middleware
from tests import factories
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IDLE_SECONDS = 4
IC = re.IGNORECASE
CONCERN = re.compile(r"^(Undringen|Undringa|The concern)", IC)
FAMILY_NAME = re.compile(r"^(Familienavn|Family name)", IC)
CHILD_FIRST = re.compile(r"^(Barnets fornavn|Child's first name)", IC)
CHILD_LAST = re.compile(r"^(Barnets etternavn|Child's last name)", IC)
CHILD_BORN = re.compile(r"^(Barnets fødselsdato|Child's date of birth)", IC)
GUARDIAN_FIRST = re.compile(r"^(Foresattes fornavn|Guardian's first name)", IC)
GUARDIAN_LAST = re.compile(r"^(Foresattes etternavn|Guardian's last name)", IC)
REGISTER = re.compile(r"^(Registrer|Register)", IC)
SIGNED_OUT = re.compile(r"^(Du ble logget ut|You were signed out)$", IC)


@pytest.fixture
def short_sessions(settings, monkeypatch):
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    monkeypatch.setattr(middleware, "SESSION_REFRESH_SECONDS", 0)


def _type_for(page: Page, seconds: float, text: str) -> None:
    """Type `text` into the concern again and again for `seconds`, as a person writing a long text."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page.get_by_label(CONCERN).press_sequentially(text, delay=40)


def test_a_form_typed_in_for_longer_than_the_idle_age__is_saved_and_after_a_pause_the_page_says_signed_out(
    page, check_page, default_data, short_sessions
):
    log_in(page, factories.unit_staff(username="laerer"))
    page.goto(reverse("cases:family_new"))

    _type_for(page, IDLE_SECONDS + 2, "Kari er stille i timane. ")
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_label(FAMILY_NAME).fill("Familien Lie")
    page.get_by_label(CHILD_FIRST).fill("Kari")
    page.get_by_label(CHILD_LAST).fill("Lie")
    page.get_by_label(CHILD_BORN).fill("2016-05-04")
    page.get_by_label(GUARDIAN_FIRST).fill("Guro")
    page.get_by_label(GUARDIAN_LAST).fill("Lie")
    page.get_by_role("button", name=REGISTER).click()
    expect(page.get_by_role("heading", level=1, name="Familien Lie")).to_be_visible()

    page.goto(reverse("cases:family_new"))
    page.get_by_label(CONCERN).fill("Ein lang tekst.")
    time.sleep(IDLE_SECONDS + 1)
    page.get_by_label(CONCERN).press_sequentially(" Meir.")

    notice = page.get_by_role("alert")
    expect(notice.get_by_role("heading", name=SIGNED_OUT)).to_be_visible()
    # The keys typed meanwhile stay in the field: the notice takes no focus.
    page.get_by_label(CONCERN).press_sequentially(" Og meir.")
    expect(page.get_by_label(CONCERN)).to_have_value("Ein lang tekst. Meir. Og meir.")
    expect(page.get_by_label(CONCERN)).to_be_focused()
    check_page(page, "family-new-signed-out")
