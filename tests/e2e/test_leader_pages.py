"""A leader's pages in Chromium: a new version of the screening tool, the letter template editor, the access log;
plus switching the language to Nynorsk and back, and a case step taken with the keyboard only.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cases import pilot_figures
from cases.models import Case
from familielos import roles
from screening.models import Audience, Instrument, InstrumentStatus
from tests import factories
from tests.e2e.helpers import (
    ACCESS_LOG,
    ADD_FACTOR,
    ADD_THE_FACTOR,
    BACK_TO_VERSION,
    BTI_LEVEL,
    CASE,
    CHANGE_LANGUAGE,
    CONSENTS,
    DRAFT_NEW_VERSION,
    DRAFT_SAVED,
    DRAFTED,
    EDIT_LETTER,
    ERROR_SUMMARY,
    FACTOR_ADDED,
    FACTOR_GROUP,
    FACTOR_LABEL,
    FACTOR_WEIGHT,
    FAMILY_NUMBER,
    FEWER_THAN_5,
    FILTER,
    FILTER_USERNAME,
    LANGUAGE,
    LETTER_SAVED,
    LETTERS,
    NEVER_CHANGES,
    PILOT_FOLLOW_UP,
    PREVIEW_PDF,
    PUBLISH,
    PUBLISHED,
    PUBLISHED_STATUS,
    READ_ONLY,
    REASON,
    SAVE_DRAFT,
    SAVE_LETTER,
    SCREENING_TOOL,
    SHOW,
    STAFF_PRIMARY_SCHOOL,
    SUBJECT,
    TO_LEVEL_1,
    YEAR,
    bti_level,
    case_section,
    cases_opened_in,
    level,
    pdf_text,
    sign_in,
    step,
    trail_heading,
    version,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Factor texts are the instrument's data, in Bokmål whatever the interface language.
CHANGED_FACTOR = "Svake sosiale ferdigheter"
CHANGED_LABEL = "Svake sosiale ferdigheter over tid"
NEW_FACTOR = "Sover dårlig eller er ofte sliten"
NEW_SUBJECT = "Samtale om trivselen til {barn}"


@pytest.fixture
def leader(db):
    return factories.UserFactory(username="leiar", first_name="Lise", last_name="Leiar", role=roles.LEADER)


def nav_link(page: Page, name: re.Pattern):
    return page.get_by_role("navigation").get_by_role("link", name=name)


def message(page: Page, text: re.Pattern):
    """A message the page shows after a redirect (in the status region under the header)."""
    return page.get_by_role("status").filter(has_text=text)


def factor_weight(page: Page, label: str):
    """The weight cell of one factor in a version's read-only tables (the label cell also holds its help text)."""
    return page.locator(f'xpath=//tr[td[1][normalize-space(text()[1])="{label}"]]/td[3]')


def test_instrument_editor__draft_edit_and_publish_version_2__version_1_stays_readable(page, check_page, leader):
    version_1 = Instrument.objects.get(audience=Audience.STAFF, age_group="barneskole", version=1)
    old_weight = version_1.factors.get(label=CHANGED_FACTOR).weight
    sign_in(page, leader, reverse("home"))
    nav_link(page, SCREENING_TOOL).click()
    versions = page.get_by_role("table", name=STAFF_PRIMARY_SCHOOL)
    expect(versions.get_by_role("row")).to_have_count(2)  # the header row and version 1
    check_page(page, "instrument-list")

    versions.get_by_role("link", name=version(1)).click()
    expect(page.get_by_role("heading", level=1, name=version_1.title)).to_be_visible()
    check_page(page, "version-1")

    page.get_by_role("button", name=DRAFT_NEW_VERSION).click()
    expect(message(page, DRAFTED)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"(version|versjon) 2", re.IGNORECASE))
    check_page(page, "version-2-edit")

    # One factor gets a new label and weight; each factor is a fieldset named by its label.
    factor = page.get_by_role("group", name=CHANGED_FACTOR, exact=True)
    factor.get_by_label(FACTOR_LABEL).fill(CHANGED_LABEL)
    factor.get_by_label(FACTOR_WEIGHT).fill(str(old_weight + 2))
    page.get_by_role("button", name=SAVE_DRAFT).click()
    expect(message(page, DRAFT_SAVED)).to_be_visible()
    expect(page.get_by_role("group", name=CHANGED_LABEL, exact=True)).to_be_visible()

    add = page.get_by_role("region", name=ADD_FACTOR)
    add.get_by_label(FACTOR_GROUP).select_option(label="Familien og hjemmet")
    add.get_by_label(FACTOR_LABEL).fill(NEW_FACTOR)
    add.get_by_label(FACTOR_WEIGHT).fill("2")
    add.get_by_role("button", name=ADD_THE_FACTOR).click()
    expect(message(page, FACTOR_ADDED)).to_be_visible()
    expect(page.get_by_role("group", name=NEW_FACTOR, exact=True)).to_be_visible()
    check_page(page, "version-2-edited")

    page.get_by_role("link", name=BACK_TO_VERSION).click()
    page.get_by_role("button", name=PUBLISH).click()
    expect(message(page, PUBLISHED)).to_be_visible()
    expect(page.get_by_text(READ_ONLY)).to_be_visible()
    expect(factor_weight(page, CHANGED_LABEL)).to_have_text(str(old_weight + 2))
    expect(factor_weight(page, NEW_FACTOR)).to_have_text("2")
    check_page(page, "version-2-published")
    version_2 = Instrument.objects.get(audience=Audience.STAFF, age_group="barneskole", version=2)
    assert version_2.status == InstrumentStatus.PUBLISHED

    # The list: version 2 published above version 1, which is still there to read.
    nav_link(page, SCREENING_TOOL).click()
    rows = versions.get_by_role("row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1).get_by_role("link", name=version(2))).to_be_visible()
    expect(rows.nth(1).get_by_role("cell").nth(2)).to_have_text(PUBLISHED_STATUS)
    expect(rows.nth(2).get_by_role("link", name=version(1))).to_be_visible()
    check_page(page, "instrument-list-after")

    versions.get_by_role("link", name=version(1)).click()
    expect(factor_weight(page, CHANGED_FACTOR)).to_have_text(str(old_weight))
    expect(factor_weight(page, CHANGED_LABEL)).to_have_count(0)
    expect(factor_weight(page, NEW_FACTOR)).to_have_count(0)
    check_page(page, "version-1-after")

    # The published version cannot be edited: its edit address says why and shows the version read-only.
    page.goto(reverse("screening:instrument_edit", args=[version_2.pk]))
    expect(page).to_have_url(re.compile(re.escape(reverse("screening:instrument_detail", args=[version_2.pk])) + "$"))
    expect(page.get_by_text(NEVER_CHANGES)).to_be_visible()
    expect(page.get_by_text(READ_ONLY)).to_be_visible()
    expect(page.get_by_role("button", name=SAVE_DRAFT)).to_have_count(0)
    expect(page.get_by_role("textbox")).to_have_count(0)
    check_page(page, "version-2-edit-refused")
    version_2.refresh_from_db()
    assert version_2.factors.get(label=CHANGED_LABEL).weight == old_weight + 2


def test_letter_template_editor__empty_subject_then_valid__summary_links_and_preview_shows_subject(
    page, check_page, leader, tmp_path
):
    sign_in(page, leader, reverse("home"))
    nav_link(page, LETTERS).click()
    check_page(page, "letter-list")
    page.get_by_role("link", name=EDIT_LETTER).click()
    subject = page.get_by_label(SUBJECT)
    expect(subject).not_to_have_value("")
    check_page(page, "letter-edit")

    subject.fill("")
    page.get_by_role("button", name=SAVE_LETTER).click()
    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name=ERROR_SUMMARY))
    expect(summary).to_be_visible()
    error_link = summary.get_by_role("link", name=SUBJECT)
    expect(error_link).to_have_count(1)
    expect(subject).to_have_attribute("aria-invalid", "true")
    check_page(page, "letter-edit-error")
    error_link.click()
    expect(subject).to_be_focused()

    subject.fill(NEW_SUBJECT)
    page.get_by_role("button", name=SAVE_LETTER).click()
    expect(message(page, LETTER_SAVED)).to_be_visible()
    expect(subject).to_have_value(NEW_SUBJECT)
    expect(page.get_by_role("alert")).to_have_count(0)
    check_page(page, "letter-saved")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=PREVIEW_PDF).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    preview = tmp_path / download.suggested_filename
    download.save_as(preview)
    text = pdf_text(preview)
    assert re.search(r"Samtale om trivselen til Emma \w+", text), text
    assert "{barn}" not in text, text


def test_access_log__staff_viewed_family__listed_filtered_and_trail_by_number_without_name(
    new_page, check_page, leader, staff, family
):
    colleague = factories.unit_staff(username="kollega")
    factories.open_case(opener=colleague, family_name="Familien Berg", child_name="Nora")
    for user, name in ((staff, family.name), (colleague, "Familien Berg")):
        staff_page = new_page()
        sign_in(staff_page, user, reverse("cases:family_list"))
        staff_page.get_by_role("link", name=name).click()
        expect(staff_page.get_by_role("heading", level=1, name=name)).to_be_visible()

    page = new_page()
    sign_in(page, leader, reverse("home"))
    nav_link(page, ACCESS_LOG).click()
    events = page.get_by_role("table")
    viewed = events.get_by_role("row").filter(has=page.get_by_role("cell", name=staff.username, exact=True))
    expect(viewed.filter(has=page.get_by_role("link", name=str(family.pk), exact=True)).first).to_be_visible()
    expect(events.get_by_role("cell", name=colleague.username, exact=True).first).to_be_visible()
    check_page(page, "access-log")

    page.get_by_label(FILTER_USERNAME).fill(staff.username)
    page.get_by_role("button", name=FILTER).click()
    expect(page).to_have_url(re.compile(rf"username={staff.username}"))
    expect(events.get_by_role("cell", name=colleague.username, exact=True)).to_have_count(0)
    rows = events.locator("tbody tr")
    expect(rows.first).to_be_visible()
    for row in rows.all():
        expect(row.get_by_role("cell").nth(1)).to_have_text(staff.username)
    check_page(page, "access-log-filtered")

    # The trail is read by family number: a leader who does not work with the family never sees its name.
    events.get_by_role("link", name=str(family.pk), exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(trail_heading(family.pk))
    expect(page.get_by_role("cell", name=staff.username, exact=True).first).to_be_visible()
    expect(page.get_by_text("Hansen")).to_have_count(0)
    expect(page.get_by_text("Emma")).to_have_count(0)
    assert "Hansen" not in page.content()
    check_page(page, "family-trail")

    # The same trail from the filter's family number field.
    nav_link(page, ACCESS_LOG).click()
    page.get_by_label(FAMILY_NUMBER).fill(str(family.pk))
    page.get_by_role("button", name=FILTER).click()
    family_cells = events.locator("tbody tr td:nth-child(5)")
    expect(family_cells.first).to_be_visible()
    for cell in family_cells.all():
        expect(cell).to_have_text(str(family.pk))
    check_page(page, "access-log-by-family-number")


def test_language__staff_switches_to_nynorsk_and_back__family_page_follows(page, check_page, staff, family):
    sign_in(page, staff, family.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=2, name="Personer", exact=True)).to_be_visible()

    header = page.get_by_role("banner")
    header.get_by_label(LANGUAGE).select_option(label="Norsk nynorsk")
    header.get_by_role("button", name=CHANGE_LANGUAGE).click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page).to_have_url(re.compile(re.escape(family.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=2, name="Personar", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Samtykke", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Avklaringssamtalar", exact=True)).to_be_visible()
    expect(header.get_by_role("button", name="Byt", exact=True)).to_be_visible()
    expect(header.get_by_label(LANGUAGE)).to_have_value("nn")
    check_page(page, "family-nynorsk")

    # The choice is kept: the next page is in Nynorsk too.
    page.goto(reverse("cases:family_list"))
    expect(page.get_by_role("heading", level=1, name="Mine familiar")).to_be_visible()
    page.goto(family.get_absolute_url())

    header.get_by_label(LANGUAGE).select_option(label="Norsk bokmål")
    header.get_by_role("button", name=CHANGE_LANGUAGE).click()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=2, name="Personer", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=CONSENTS)).to_have_text("Samtykker")
    expect(header.get_by_role("button", name="Bytt", exact=True)).to_be_visible()
    check_page(page, "family-bokmal")


def test_case_step__keyboard_only__opens_submits_and_keeps_the_case_section(page, check_page, staff, family):
    sign_in(page, staff, family.get_absolute_url())
    case = case_section(page)
    expect(bti_level(case)).to_have_text(level(0))
    disclosure = step(case, TO_LEVEL_1)
    summary = disclosure.locator("summary")

    # Tab from the top of the freshly loaded page to the step's summary.
    for _ in range(60):
        page.keyboard.press("Tab")
        if summary.evaluate("element => element === document.activeElement"):
            break
    expect(summary).to_be_focused()

    # Space opens and closes the disclosure, Enter opens it again.
    page.keyboard.press("Space")
    expect(disclosure.get_by_label(REASON)).to_be_visible()
    page.keyboard.press("Space")
    expect(disclosure.get_by_label(REASON)).to_be_hidden()
    page.keyboard.press("Enter")
    reason = disclosure.get_by_label(REASON)
    expect(reason).to_be_visible()
    check_page(page, "family-step-open")

    page.keyboard.press("Tab")
    expect(reason).to_be_focused()
    page.keyboard.type("Foreldra vil gjerne snakke om skulestarten.")
    page.keyboard.press("Tab")
    expect(disclosure.get_by_role("button", name=TO_LEVEL_1)).to_be_focused()
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.keyboard.press("Enter")
    assert posted.value.request.headers.get("hx-request") == "true"

    expect(bti_level(case)).to_have_text(level(1))
    expect(case.get_by_role("heading", level=2, name=CASE)).to_be_visible()
    expect(case.get_by_role("term").filter(has_text=BTI_LEVEL)).to_have_count(1)
    expect(step(case, TO_LEVEL_1)).to_have_count(0)
    # The button that had focus went with the step: focus moves to the new case panel's heading, not the page body,
    # and the next Tab goes on inside the panel.
    expect(case.get_by_role("heading", level=2, name=CASE)).to_be_focused()
    page.keyboard.press("Tab")
    assert case.evaluate("section => section.contains(document.activeElement)"), page.evaluate(
        "document.activeElement.outerHTML.slice(0, 200)"
    )
    check_page(page, "family-after-keyboard-step")


def test_pilot_figures__from_the_menu__counts_without_names_and_another_year(page, check_page, leader, family):
    # The figures count up to the end of last month: the family's case was opened then, another a year before.
    cutoff = pilot_figures.until()
    latest = pilot_figures.last_day(cutoff).year
    Case.objects.filter(family=family).update(opened_at=cutoff - timedelta(days=20))
    old = factories.open_case(family_name="Familien Fjor", child_name="Ivar")
    Case.objects.filter(pk=old.pk).update(opened_at=old.opened_at.replace(year=latest - 1, month=6, day=15))
    sign_in(page, leader, reverse("home"))
    nav_link(page, PILOT_FOLLOW_UP).click()
    expect(page.get_by_role("heading", level=1, name=PILOT_FOLLOW_UP)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=cases_opened_in(latest))).to_be_visible()
    # One case opened this year: a count that could point at the family is shown as "fewer than 5".
    expect(page.get_by_role("row", name=level(0)).get_by_role("cell").first).to_have_text(FEWER_THAN_5)
    assert family.name not in page.content()
    check_page(page, "pilot-follow-up")

    page.get_by_label(YEAR).select_option(str(latest - 1))
    page.get_by_role("button", name=SHOW).click()
    expect(page.get_by_role("heading", level=2, name=cases_opened_in(latest - 1))).to_be_visible()
    expect(page.get_by_role("row", name=level(0)).get_by_role("cell").first).to_have_text(FEWER_THAN_5)
    assert "Familien Fjor" not in page.content()
    check_page(page, "pilot-follow-up-last-year")
