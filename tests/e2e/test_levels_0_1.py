"""Levels 0–1 in Chromium: a teacher screens a named child, books and records the avklaringssamtale with samtaleduk 1
and consent, and downloads the invitation letter; the barnevern warning; the screening without JavaScript; and a
guardian's self-assessment arriving, anonymous until opened, in the school's inbox.
"""

import re
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from cases import actions
from cases.models import Avklaringssamtale, Case, Level
from familielos.models import Membership, ServiceKind
from tests import factories
from tests.e2e.helpers import (
    ACTIVE,
    AGE_FROM_CHILD,
    AGREEMENTS,
    BARNEVERN,
    BOOK,
    BOOK_SAMTALE,
    CONCERN,
    CONCERNS_FROM_GUARDIANS,
    CONSENT_GIVEN,
    CONSENTS,
    CONTINUE,
    DATE,
    DECIDE_BY,
    DUK_HARD,
    DUK_WORKS,
    FOLLOW_UP,
    FROM_GUARDIANS,
    GUARDIAN,
    GUARDIANS_SAID,
    INVITATION_PDF,
    INVITED,
    NAMED_CHILD,
    NEW_CONCERN,
    NEW_SCREENING,
    OBSERVE,
    OPEN_CONCERN,
    PHONE,
    PLACE,
    PRIMARY_SCHOOL,
    RECOMMENDATION,
    RECORD,
    RECORD_CONSENT,
    SAMTALE,
    SAMTALEDUK_1,
    SAVE_RECORD,
    SAVED,
    SCHOOL_UNIT,
    SCREENING_RESULT,
    SCREENINGS,
    SEE_RESULT,
    SEEN,
    SEND,
    SEND_TO_SCHOOL,
    SENT,
    SERVICES,
    START,
    SUBMIT,
    TALK_WITH_GUARDIANS,
    TALK_WITH_SCHOOL,
    TIME,
    UNIT,
    VALID_FROM,
    WHAT,
    WHO,
    WHO_SENT_IT,
    WORRIED,
    YOUR_NAME,
    YOUR_RESULT,
    bti_level,
    case_section,
    level,
    log_in,
    select_option_containing,
    sign_in,
)

pytestmark = [pytest.mark.usefixtures("empty_cache"), pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_NOTES = re.compile(r"^(Notes from the conversation|Notat frå samtalen|Notater fra samtalen)$", re.IGNORECASE)
EDIT_RECORD = re.compile(r"^(Edit the record|Endre referatet)$", re.IGNORECASE)
SAMTALER = re.compile(r"^(Clarifying conversations|Avklaringssamtal(ar|er))$", re.IGNORECASE)
MOVE_SAMTALE = re.compile(r"^(Move the (clarifying )?conversation|Flytt (avklarings)?samtalen)$", re.IGNORECASE)
RECORDED_IN_HISTORY = re.compile(r"conversation recorded|samtale registrert", re.IGNORECASE)

# Factors of the default barneskole tool: instrument data, so never translated. Three risk points recommend the
# avklaringssamtale, six the ressursteam.
RISK_FACTORS = ["Svake sosiale ferdigheter", "Vansker med å få venner", "Høyt fravær", "Henger etter faglig"]
ABUSE_FACTOR = "Tegn på vold, overgrep eller alvorlig omsorgssvikt"
# Three risk points: the same recommendation as the staff tool gives for the same ticks (one scoring rule).
GUARDIAN_FACTORS = [
    "Barnet mitt har det vanskelig sammen med andre barn",
    "Barnet mitt har ingen eller få venner",
    "Barnet mitt er mye borte fra skolen eller vil ikke gå dit",
]
SEEN_TEXT = "Emma sit åleine i friminutta og har vore borte åtte dagar sidan haustferien."
PLACE_TEXT = "Møterom 2, Vestbygd skule"
SCHOOL = "Vestbygd skule"


@pytest.fixture
def school(staff):
    """The teacher's school: the unit the screening is made in and the guardians send their answers to."""
    unit = factories.ServiceUnitFactory(name=SCHOOL, kind=ServiceKind.SKOLE, contact="55 11 22 33")
    Membership.objects.create(user=staff, unit=unit)
    return unit


@pytest.fixture
def services():
    """Services a guardian can consent to sharing with, and the barnevern contact the warning names."""
    return [
        factories.ServiceUnitFactory(name="PPT Vestbygd", kind=ServiceKind.PPT),
        factories.ServiceUnitFactory(name="Vestbygd helsestasjon", kind=ServiceKind.HELSESTASJON),
        factories.ServiceUnitFactory(
            name="Barnevernstenesta", kind=ServiceKind.BARNEVERN, contact="Telefon 55 99 88 77"
        ),
    ]


@pytest.fixture
def hansen(staff, school):
    """A family the teacher registered: Emma (8) and two guardians with parental responsibility; level 0."""
    case = actions.register_family(
        actor=staff,
        family_name="Familien Hansen",
        child={"first_name": "Emma", "last_name": "Hansen", "birth_date": timezone.localdate() - timedelta(days=3050)},
        guardians=[{"first_name": "Guro", "last_name": "Hansen"}, {"first_name": "Per", "last_name": "Hansen"}],
        reason="Kontaktlæraren er uroleg for Emma.",
        unit=school,
    )
    return case.family


def open_new_screening(page: Page) -> None:
    page.get_by_role("banner").get_by_role("link", name=SCREENINGS).click()
    expect(page.get_by_role("heading", level=1, name=SCREENINGS)).to_be_visible()
    page.get_by_role("main").get_by_role("link", name=NEW_SCREENING).click()
    expect(page.get_by_role("heading", level=1, name=NEW_SCREENING)).to_be_visible()


def choose_emma(page: Page) -> None:
    """Step 1 of a screening: the unit and the named child, the age group taken from her age."""
    page.get_by_label(UNIT).select_option(label=SCHOOL)
    select_option_containing(page.get_by_role("combobox", name=NAMED_CHILD), "Emma Hansen")
    page.get_by_role("radio", name=AGE_FROM_CHILD).check()
    page.get_by_role("button", name=CONTINUE).click()
    expect(page.get_by_role("checkbox", name=RISK_FACTORS[0], exact=True)).to_be_visible()


def recommendation_so_far(page: Page):
    """The live result beside the form (the aside whose #recommendation htmx swaps)."""
    return page.get_by_role("complementary", name=RECOMMENDATION)


def tick_live(page: Page, label: str, *, untick: bool = False) -> None:
    """Tick (or untick) a factor and wait for htmx's preview of the recommendation."""
    with page.expect_response(lambda response: response.url.endswith("/kartlegging/forhandsvis/")) as preview:
        checkbox = page.get_by_role("checkbox", name=label, exact=True)
        if untick:
            checkbox.uncheck()
        else:
            checkbox.check()
    assert preview.value.request.headers.get("hx-request") == "true"
    assert preview.value.status == 200


def fact(container, term: re.Pattern):
    """The value (<dd>) of a fact in a <dl>, found by its term."""
    return container.get_by_role("term").filter(has_text=term).locator("xpath=following-sibling::dd[1]")


def pdf_text(path) -> str:
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(extracted.split())


def test_teacher_journey__screening_to_recorded_samtale_with_consent__every_page_accessible(
    page, check_page, staff, hansen, services, tmp_path
):
    today = timezone.localdate()
    deadline = (today + timedelta(days=14)).strftime("%d.%m.%Y")
    samtale_day = today + timedelta(days=4)
    family_url = re.compile(re.escape(hansen.get_absolute_url()) + "$")
    log_in(page, staff)

    # The screening: unit and named child, then the factors with the recommendation updating live.
    open_new_screening(page)
    check_page(page, "screening-start")
    choose_emma(page)
    recommendation = recommendation_so_far(page)
    expect(recommendation).to_contain_text(OBSERVE)
    page.evaluate("window.e2eNoReload = true")
    for label in RISK_FACTORS[:2]:
        tick_live(page, label)
    expect(recommendation).to_contain_text(OBSERVE)
    tick_live(page, RISK_FACTORS[2])
    expect(recommendation).to_contain_text(TALK_WITH_GUARDIANS)
    tick_live(page, RISK_FACTORS[3])
    expect(recommendation).to_contain_text(TALK_WITH_GUARDIANS)
    expect(fact(recommendation, re.compile(r"risk|risiko", re.IGNORECASE))).to_have_text("4")
    expect(recommendation.get_by_text(BARNEVERN)).to_have_count(0)
    expect(recommendation.get_by_role("alert")).to_have_count(0)
    assert page.evaluate("window.e2eNoReload") is True
    check_page(page, "screening-form-ticked")

    page.get_by_label(SEEN).fill(SEEN_TEXT)
    page.get_by_role("button", name=SUBMIT).click()

    # The result: the recommendation, the ticked factors, and the case with its decision deadline.
    expect(page.get_by_role("heading", level=1, name=SCREENING_RESULT)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/kartlegging/\d+/$"))
    expect(page.get_by_role("region", name=RECOMMENDATION)).to_contain_text(TALK_WITH_GUARDIANS)
    main = page.get_by_role("main")
    for label in RISK_FACTORS:
        expect(main.get_by_role("listitem").filter(has_text=label)).to_have_count(1)
    expect(main).to_contain_text(SEEN_TEXT)
    expect(main).to_contain_text(deadline)
    check_page(page, "screening-result")

    main.get_by_role("link", name=re.compile("Familien Hansen")).click()
    expect(page).to_have_url(family_url)
    case = case_section(page)
    expect(bti_level(case)).to_have_text(level(0))
    expect(fact(case, DECIDE_BY)).to_have_text(deadline)
    check_page(page, "family")

    # Booking the avklaringssamtale moves the case to level 1.
    page.get_by_role("link", name=BOOK_SAMTALE).click()
    expect(page.get_by_role("heading", level=1, name=BOOK_SAMTALE)).to_be_visible()
    check_page(page, "booking-form")
    page.get_by_label(DATE).fill(samtale_day.isoformat())
    page.get_by_label(TIME).fill("10:00")
    page.get_by_label(PLACE).fill(PLACE_TEXT)
    page.get_by_label(INVITED).fill("Guro og Per Hansen, Emma, kontaktlæraren")
    page.get_by_role("main").get_by_role("button", name=BOOK).click()

    expect(page.get_by_role("heading", level=1, name=SAMTALE)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/samtale/\d+/$"))
    expect(page.get_by_role("main")).to_contain_text(PLACE_TEXT)
    expect(page.get_by_role("main")).to_contain_text(samtale_day.strftime("%d.%m.%Y") + " 10:00")
    assert Case.objects.get(family=hansen).level == Level.AVKLARING
    check_page(page, "samtale")

    # The guardians cannot come at ten: the conversation is moved to half past eleven, and the case history says so.
    page.get_by_role("link", name=MOVE_SAMTALE).click()
    expect(page.get_by_role("heading", level=1, name=MOVE_SAMTALE)).to_be_visible()
    expect(page.get_by_label(PLACE)).to_have_value(PLACE_TEXT)
    check_page(page, "samtale-move")
    page.get_by_label(TIME).fill("11:30")
    page.get_by_role("main").get_by_role("button", name=MOVE_SAMTALE).click()
    expect(page.get_by_role("heading", level=1, name=SAMTALE)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(samtale_day.strftime("%d.%m.%Y") + " 11:30")
    assert Case.objects.get(family=hansen).level_changes.filter(reason_code="samtale_moved").exists()

    # The invitation letter: a PDF download naming the child, the guardians, the place and the day.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=INVITATION_PDF).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    letter = tmp_path / download.suggested_filename
    download.save_as(letter)
    text = pdf_text(letter)
    for expected in ("Emma Hansen", "Guro Hansen", "Per Hansen", PLACE_TEXT):
        assert expected in text, f"{expected!r} is not in the letter: {text}"
    with translation.override("nb"):
        spelled_out = date_format(samtale_day, "DATE_FORMAT")
    days = {spelled_out, date_format(samtale_day, "DATE_FORMAT"), samtale_day.strftime("%d.%m.%Y")}
    assert any(day in text for day in days), f"none of {days} is in the letter: {text}"

    # The day of the conversation has come: it is recorded afterwards, with samtaleduk 1 and an agreement.
    Avklaringssamtale.objects.filter(case__family=hansen).update(starts_at=timezone.now() - timedelta(hours=1))
    page.reload()
    page.get_by_label(CONCERN).fill("Emma er mykje åleine og har høgt fråvær.")
    page.get_by_label(GUARDIANS_SAID).fill("Foreldra ser det same heime: ho vil ikkje på skulen om måndagane.")
    page.locator("summary", has_text=SAMTALEDUK_1).click()
    page.get_by_label(DUK_WORKS).fill("Teikning og fotball med Per.")
    page.get_by_label(DUK_HARD).fill("Friminutta og gymtimane.")
    agreements = page.get_by_role("group", name=AGREEMENTS)
    agreements.get_by_label(WHAT).first.fill("Fast vaksen i friminutta")
    agreements.get_by_label(WHO).first.fill("Kontaktlæraren")
    agreements.get_by_label(FOLLOW_UP).first.fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name=SAVE_RECORD).click()

    # Saved, the conversation reads as a record, with an action to edit it.
    expect(page.get_by_role("status")).to_contain_text(SAVED)
    record = page.get_by_role("region", name=RECORD_NOTES)
    expect(record).to_contain_text("Teikning og fotball med Per.")
    expect(record).to_contain_text("Friminutta og gymtimane.")
    expect(record.get_by_role("row").filter(has_text="Fast vaksen i friminutta")).to_contain_text("Kontaktlæraren")
    expect(page.get_by_label(DUK_WORKS)).to_have_count(0)
    check_page(page, "samtale-recorded")
    samtale_url = page.url
    record.get_by_role("link", name=EDIT_RECORD).click()
    expect(page.get_by_label(DUK_WORKS)).to_have_value("Teikning og fotball med Per.")
    expect(page.get_by_role("group", name=AGREEMENTS).get_by_label(WHAT).first).to_have_value(
        "Fast vaksen i friminutta"
    )
    page.goto(samtale_url)

    # Consent from the samtale page, and back to it.
    page.get_by_role("link", name=RECORD_CONSENT).click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"consent|samtykk", re.IGNORECASE))).to_be_visible()
    check_page(page, "consent-form")
    page.get_by_label(GUARDIAN).select_option(label="Guro Hansen")
    page.get_by_role("radio", name=CONSENT_GIVEN).check()
    chosen = page.get_by_role("group", name=SERVICES)
    chosen.get_by_role("checkbox", name="PPT Vestbygd", exact=True).check()
    chosen.get_by_role("checkbox", name="Vestbygd helsestasjon", exact=True).check()
    expect(page.get_by_label(VALID_FROM)).to_have_value(today.isoformat())
    page.get_by_role("main").get_by_role("button", name=RECORD).click()

    expect(page).to_have_url(samtale_url)
    expect(page.get_by_role("heading", level=1, name=SAMTALE)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"consent|samtykk", re.IGNORECASE))

    # The family page: level 1, the conversation, and the consent as active.
    page.get_by_role("main").get_by_role("link", name=re.compile("Familien Hansen")).click()
    expect(page).to_have_url(family_url)
    expect(bti_level(case_section(page))).to_have_text(level(1))
    expect(fact(case_section(page), DECIDE_BY)).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(re.escape(PLACE_TEXT)))).to_have_count(1)
    # The agreement is an action point of the conversation: what, who, and a tick for when it is done.
    agreement = page.get_by_role("region", name=SAMTALER).get_by_role("listitem").filter(has_text="Fast vaksen")
    expect(agreement.last).to_contain_text("Kontaktlæraren")
    expect(case_section(page).get_by_role("listitem").filter(has_text=RECORDED_IN_HISTORY)).to_have_count(1)
    consent = page.get_by_role("region", name=CONSENTS).get_by_role("row").filter(has_text="Guro Hansen")
    expect(consent).to_have_count(1)
    expect(consent).to_contain_text("PPT Vestbygd")
    expect(consent).to_contain_text("Vestbygd helsestasjon")
    expect(consent.get_by_role("cell").filter(has_text=ACTIVE)).to_have_count(1)
    check_page(page, "family-after-samtale")


def test_screening__abuse_factor_ticked__live_recommendation_says_report_to_barnevern(
    page, check_page, staff, school, services
):
    sign_in(page, staff, reverse("home"))
    open_new_screening(page)
    page.get_by_role("radio", name=PRIMARY_SCHOOL).check()
    page.get_by_role("button", name=CONTINUE).click()
    recommendation = recommendation_so_far(page)
    tick_live(page, RISK_FACTORS[0])
    expect(recommendation.get_by_role("alert")).to_have_count(0)

    tick_live(page, ABUSE_FACTOR)
    warning = recommendation.get_by_role("alert")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(BARNEVERN)
    expect(warning).to_contain_text("Barnevernstenesta: Telefon 55 99 88 77")
    expect(warning).to_contain_text("112")
    check_page(page, "screening-form-barnevern")

    tick_live(page, ABUSE_FACTOR, untick=True)
    expect(recommendation.get_by_role("alert")).to_have_count(0)
    expect(recommendation.get_by_text(BARNEVERN)).to_have_count(0)


def test_screening_without_javascript__submit__shows_the_result_with_the_recommendation(
    new_page, screenshot, staff, hansen
):
    page = new_page(java_script_enabled=False)
    sign_in(page, staff, reverse("home"))
    open_new_screening(page)
    choose_emma(page)
    recommendation = recommendation_so_far(page)
    for label in RISK_FACTORS[:3]:
        page.get_by_role("checkbox", name=label, exact=True).check()
    expect(recommendation).to_contain_text(OBSERVE)
    page.get_by_label(SEEN).fill(SEEN_TEXT)
    screenshot(page, "screening-form-ticked")

    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=SUBMIT).click()
    assert navigation.value.request.redirected_from.method == "POST"

    expect(page.get_by_role("heading", level=1, name=SCREENING_RESULT)).to_be_visible()
    expect(page.get_by_role("region", name=RECOMMENDATION)).to_contain_text(TALK_WITH_GUARDIANS)
    expect(page.get_by_role("main")).to_contain_text(SEEN_TEXT)
    # axe-core is JavaScript: it cannot run here. The same templates are axe-checked in the journey above.
    screenshot(page, "screening-result")


def test_self_assessment__guardian_sends_it__arrives_anonymous_in_the_school_inbox(
    new_page, check_page, staff, school, services
):
    guardian = new_page()
    guardian.goto(reverse("selfassessment:start"))
    expect(guardian.get_by_role("heading", level=1, name=WORRIED)).to_be_visible()
    check_page(guardian, "self-assessment-start")
    guardian.get_by_role("radio", name=PRIMARY_SCHOOL).check()
    guardian.get_by_role("button", name=START).click()

    expect(guardian).to_have_url(re.compile(r"/foreldre/sporsmal/barneskole/$"))
    expect(guardian.get_by_role("heading", level=1)).to_have_text(re.compile(r"egenvurdering", re.IGNORECASE))
    for label in GUARDIAN_FACTORS:
        guardian.get_by_role("checkbox", name=label, exact=True).check()
    check_page(guardian, "self-assessment-questions")
    guardian.get_by_role("button", name=SEE_RESULT).click()

    expect(guardian.get_by_role("heading", level=1, name=YOUR_RESULT)).to_be_visible()
    expect(guardian.get_by_role("region", name=TALK_WITH_SCHOOL)).to_be_visible()
    for label in GUARDIAN_FACTORS:
        expect(guardian.get_by_role("main").get_by_role("listitem").filter(has_text=label)).to_have_count(1)
    check_page(guardian, "self-assessment-result")

    send = guardian.get_by_role("region", name=SEND_TO_SCHOOL)
    send.get_by_role("combobox", name=SCHOOL_UNIT).select_option(label=SCHOOL)
    send.get_by_label(YOUR_NAME).fill("Guro Hansen")
    send.get_by_label(PHONE).fill("412 34 567")
    send.get_by_role("checkbox").check()
    send.get_by_role("button", name=SEND).click()

    expect(guardian).to_have_url(re.compile(r"/foreldre/sendt/$"))
    expect(guardian.get_by_role("heading", level=1, name=SENT)).to_be_visible()
    check_page(guardian, "self-assessment-sent")

    # The teacher finds it in the school's inbox, anonymous until opened.
    teacher = new_page()
    sign_in(teacher, staff, reverse("home"))
    teacher.get_by_role("banner").get_by_role("link", name=FROM_GUARDIANS).click()
    expect(teacher.get_by_role("heading", level=1, name=CONCERNS_FROM_GUARDIANS)).to_be_visible()
    rows = teacher.get_by_role("main").get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)  # the header row and the one concern
    expect(rows.nth(1).get_by_role("cell").filter(has_text=NEW_CONCERN)).to_have_count(1)
    expect(teacher.get_by_role("main")).not_to_contain_text("Guro Hansen")
    check_page(teacher, "inbox")

    rows.nth(1).get_by_role("link").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(CONCERNS_FROM_GUARDIANS)
    expect(teacher.get_by_role("main")).not_to_contain_text("Guro Hansen")
    expect(teacher.get_by_role("main")).not_to_contain_text("412 34 567")
    check_page(teacher, "inbox-concern-unopened")

    teacher.get_by_role("button", name=OPEN_CONCERN).click()
    sender = teacher.get_by_role("region", name=WHO_SENT_IT)
    expect(sender).to_contain_text("Guro Hansen")
    expect(sender).to_contain_text("412 34 567")
    for label in GUARDIAN_FACTORS:
        expect(teacher.get_by_role("main").get_by_role("listitem").filter(has_text=label)).to_have_count(1)
    check_page(teacher, "inbox-concern-opened")


def test_family_page_on_a_phone__its_tables_scroll_by_keyboard_and_the_focus_ring_stands_out(
    page, check_page, staff, hansen
):
    """WCAG 2.1: a table wider than a phone scrolls in a box reached with Tab (2.1.1), and the focus ring has 3:1
    against what surrounds it (1.4.11): dark on the light page, yellow in the dark header."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, staff, hansen.get_absolute_url())
    persons = page.get_by_role("group", name=re.compile(r"^(Personer|People)$"))
    assert persons.evaluate("region => region.scrollWidth > region.clientWidth")
    check_page(page, "family-page-phone")

    persons.focus()
    page.keyboard.press("ArrowRight")
    expect(persons).to_be_focused()
    ring = "element => [getComputedStyle(element).outlineStyle, getComputedStyle(element).outlineColor]"
    assert persons.evaluate(ring) == ["solid", "rgb(29, 36, 51)"]
    brand = page.get_by_role("banner").get_by_role("link").first
    brand.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert brand.evaluate(ring) == ["solid", "rgb(255, 191, 71)"]


CONSENT_REFUSED = re.compile(r"^(Refused|Nektet|Nekta)$", re.IGNORECASE)


def test_a_guardian_refuses_at_level_2__the_case_steps_down_and_the_page_says_so(page, check_page, staff):
    """The refusal is recorded on the consent form, naming no service: it refuses them all, the case goes back to
    level 1 at once, and the teacher is told so on the family page."""
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff, family_name="Familien Berge")
    sign_in(page, staff, case.family.get_absolute_url())
    expect(bti_level(case_section(page))).to_have_text(level(2))

    page.get_by_role("link", name=RECORD_CONSENT).click()
    page.get_by_label(GUARDIAN).select_option(index=1)
    page.get_by_role("radio", name=CONSENT_REFUSED).check()
    check_page(page, "consent-form-refusal")
    page.get_by_role("main").get_by_role("button", name=RECORD).click()

    expect(page).to_have_url(case.family.get_absolute_url())
    notices = page.get_by_role("status")
    expect(notices).to_contain_text(re.compile(r"Nektingen er registrert|The refusal is recorded"))
    expect(notices).to_contain_text(re.compile(r"(Saken gikk tilbake til nivå|The case went back to level) 1"))
    expect(bti_level(case_section(page))).to_have_text(level(1))
    check_page(page, "refusal-stepped-down")
