"""A teacher's journey: log in, find the family, move its case from level 0 to 1; plus refusal and access.

A step's form loads when the step is opened (htmx), or without JavaScript on a page of its own."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Level
from tests import factories
from tests.e2e.helpers import (
    CASE_UPDATED,
    MY_FAMILIES,
    NOT_CONSENTED,
    NOT_FOUND,
    QUESTION,
    REASON,
    REFER_TO_RESSURSTEAM,
    SAVE_AND_SEND,
    SEARCH,
    SEARCH_BY_NAME,
    TEAM,
    TO_LEVEL_1,
    bti_level,
    case_section,
    level,
    log_in,
    open_step,
    sign_in,
    step,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AVKLARING_REASON = "Foreldra er med på ein avklaringssamtale om skulefråvær."
OPEN_STEP_FORM = re.compile(
    r"^(Open the form for this step|Åpne skjemaet for dette steget|Opne skjemaet for dette steget)$"
)


@pytest.fixture
def other_family(staff):
    """A second family of the same teacher, which the search must filter out."""
    return factories.open_case(opener=staff, family_name="Familien Berg", child_name="Nora").family


def test_staff_journey__search_open_and_move_to_level_1__updates_case_in_place(
    page, check_page, staff, family, other_family
):
    family_url = re.compile(re.escape(family.get_absolute_url()) + "$")
    log_in(page, staff, check_page=check_page)
    check_page(page, "family-list")

    search = page.get_by_role("search")
    search.get_by_label(SEARCH_BY_NAME).fill("Hansen")
    search.get_by_role("button", name=SEARCH).click()
    results = page.get_by_role("table")
    expect(results.get_by_role("link", name="Familien Berg")).to_have_count(0)
    # The search runs in place (htmx): a child's or family's name never lands in the shared PC's history.
    expect(page).not_to_have_url(re.compile(r"Hansen"))
    expect(results.get_by_role("row")).to_have_count(2)  # the header row and one family
    check_page(page, "family-list-search")

    results.get_by_role("link", name="Familien Hansen").click()
    expect(page).to_have_url(family_url)
    expect(page.get_by_role("heading", level=1, name="Familien Hansen")).to_be_visible()
    case = case_section(page)
    expect(bti_level(case)).to_have_text(level(0))
    check_page(page, "family")

    # A marker on the window survives an htmx swap but not a page load.
    page.evaluate("window.e2eNoReload = true")
    disclosure = open_step(case, TO_LEVEL_1)
    disclosure.get_by_label(REASON).fill(AVKLARING_REASON)
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        disclosure.get_by_role("button", name=TO_LEVEL_1).click()
    assert posted.value.request.headers.get("hx-request") == "true"
    assert posted.value.status == 200

    expect(bti_level(case)).to_have_text(level(1))
    entry = case.get_by_role("listitem").filter(has_text=AVKLARING_REASON)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(re.compile(r"(Level|Nivå) 0\b.*→.*(Level|Nivå) 1\b"))
    expect(case.get_by_role("group").filter(has_text=TO_LEVEL_1)).to_have_count(0)
    expect(page).to_have_url(family_url)
    assert page.evaluate("window.e2eNoReload") is True
    check_page(page, "family-after-move")


def test_staff_journey__move_to_level_1_without_javascript__posts_and_redirects(new_page, screenshot, staff, family):
    page = new_page(java_script_enabled=False)
    sign_in(page, staff, family.get_absolute_url())
    case = case_section(page)
    expect(bti_level(case)).to_have_text(level(0))

    # Without JavaScript the step's form is a page of its own, linked from the step.
    disclosure = step(case, TO_LEVEL_1)
    disclosure.locator("summary").click()
    disclosure.get_by_role("link", name=OPEN_STEP_FORM).click()
    expect(page.get_by_role("heading", level=1, name=TO_LEVEL_1)).to_be_visible()
    page.get_by_label(REASON).fill(AVKLARING_REASON)
    with page.expect_navigation() as navigation:
        page.get_by_role("main").get_by_role("button", name=TO_LEVEL_1).click()
    assert navigation.value.request.redirected_from.method == "POST"

    expect(page).to_have_url(re.compile(re.escape(family.get_absolute_url()) + "$"))
    expect(page.get_by_role("status").filter(has_text=CASE_UPDATED).first).to_be_visible()
    expect(bti_level(case)).to_have_text(level(1))
    expect(case.get_by_role("listitem").filter(has_text=AVKLARING_REASON)).to_have_count(1)
    # axe-core is JavaScript: it cannot run here. The same template is axe-checked in the journey above.
    screenshot(page, "family-after-move")


SAVE_AS_DRAFT = re.compile(r"^(Save as draft|Lagre som utkast)$")
SEND_TO_THE_TEAM = re.compile(r"^(Send to the team|Send til teamet)$")
RECORD_CONSENT = re.compile(r"^(Record consent|Registrer samtykke)$")


def test_refer_to_ressursteam__no_consent__offers_a_draft_only_says_why_and_keeps_level(page, check_page, staff):
    case_obj, *_ = factories.case_at(Level.AVKLARING, opener=staff, family_name="Familien Dahl")
    team = factories.RessursteamFactory(name="Ressursteam Sentrum")
    family_url = case_obj.family.get_absolute_url()
    sign_in(page, staff, family_url)
    case = case_section(page)
    expect(bti_level(case)).to_have_text(level(1))

    case.get_by_role("link", name=REFER_TO_RESSURSTEAM).click()
    # Sending would be refused: the page offers the draft only, and says why and what to do.
    expect(page.get_by_role("button", name=SAVE_AND_SEND)).to_have_count(0)
    expect(page.get_by_role("note").filter(has_text=NOT_CONSENTED)).to_be_visible()
    expect(page.get_by_role("link", name=RECORD_CONSENT)).to_be_visible()
    page.get_by_label(TEAM).select_option(label=team.name)
    page.get_by_label(QUESTION).fill("Treng hjelp frå PPT.")
    page.get_by_role("button", name=SAVE_AS_DRAFT).click()

    # Nothing typed is lost: the referral is kept as a draft with the text, and still not offered to send.
    expect(page.get_by_text("Treng hjelp frå PPT.")).to_be_visible()
    expect(page.get_by_role("button", name=SEND_TO_THE_TEAM)).to_have_count(0)
    expect(page.get_by_text(team.units.get().name)).to_be_visible()
    case_obj.refresh_from_db()
    assert case_obj.level == Level.AVKLARING
    check_page(page, "referral-draft-without-consent")


def test_family_detail__staff_without_grant__sees_404(page, screenshot, family, outsider):
    sign_in(page, outsider, reverse("cases:family_list"))
    expect(page.get_by_role("heading", level=1, name=MY_FAMILIES)).to_be_visible()
    expect(page.get_by_role("link", name=family.name)).to_have_count(0)

    response = page.goto(family.get_absolute_url())
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)
    expect(page.get_by_text(family.name)).to_have_count(0)
    screenshot(page, "404")


def test_staff_pages_on_a_phone__wide_tables_scroll_in_their_box_not_the_page(page, screenshot, staff, family):
    """A table wider than a phone (the family's people and consents, the family list) scrolls sideways inside its
    own box: the page stays as wide as the screen, so nothing else on it ends up off screen."""
    factories.give_consent(
        family.cases.get(), units=[factories.ServiceUnitFactory(name="Pedagogisk-psykologisk teneste")]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, staff)
    for name, url in (("family-list", "/familier/"), ("family", family.get_absolute_url()), ("start", "/")):
        page.goto(url)
        widths = page.evaluate(
            "() => ({page: document.documentElement.scrollWidth, window: document.documentElement.clientWidth,"
            " tables: Math.max(0, ...[...document.querySelectorAll('.table')].map(t => t.scrollWidth))})"
        )
        screenshot(page, f"phone-{name}")
        assert widths["page"] <= widths["window"], (name, widths)
    assert widths["tables"] > 0


WITHDRAW = re.compile(r"^(Withdraw|Trekk tilbake)\b")
YES_WITHDRAW = re.compile(r"^(Yes, withdraw the consent|Ja, trekk tilbake samtykket)$")


def test_consent_withdrawn__asks_first_says_the_case_goes_back_and_then_does_it(page, check_page, staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    sign_in(page, staff, case.family.get_absolute_url())

    page.get_by_role("link", name=WITHDRAW).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("(Withdraw the consent|Trekk tilbake)"))
    expect(page.get_by_text(team.name)).to_be_visible()
    check_page(page, "consent-withdraw")
    page.get_by_role("button", name=YES_WITHDRAW).click()

    expect(page).to_have_url(re.compile(re.escape(case.family.get_absolute_url()) + "$"))
    expect(bti_level(case_section(page))).to_have_text(level(1))
