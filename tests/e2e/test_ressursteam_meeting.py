"""A ressursteam meeting in Chromium: the team leader plans it with three referrals, reorders the agenda and decides
all three on the triage board with the keyboard only, then downloads the minutes; axe-core checks every page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Level, Status
from teams import workflow
from teams.models import Decision, Meeting, Outcome, ReferralStatus, TeamRole
from tests import factories
from tests.e2e.helpers import DATE, IC, LOG_IN, PASSWORD, PASSWORD_LABEL, TIME, USERNAME, pdf_text, sign_in
from tests.teams.test_meeting_views import named_referral

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLACE = re.compile(r"^(Place|Sted)\b", IC)  # the label goes on with "(optional)"
MEETINGS = re.compile(r"^(Ressursteam meetings|Ressursteammøter)$", IC)
PLAN_A_MEETING = re.compile(r"^(Plan a meeting|Planlegg et møte)", IC)
PLAN_THE_MEETING = re.compile(r"^(Plan the meeting|Planlegg møtet)$", IC)
MOVE_OR_CANCEL = re.compile(r"^(Move or cancel the meeting|Flytt eller avlys møtet)$", IC)
MOVE_THE_MEETING = re.compile(r"^(Move the meeting|Flytt møtet)$", IC)
AGENDA = re.compile(r"^(Referrals on the agenda|Henvendelser på sakslisten)$", IC)
OPEN_BOARD = re.compile(r"^(Open the triage board|Åpne sakstavlen)$", IC)
REASONS = re.compile(r"^(Reasons|Begrunnelse)$", IC)
RECOMMENDATIONS = re.compile(r"^(Recommendations for the unit|Anbefalinger til enheten)", IC)
FOLLOW_UP = re.compile(r"^(Follow up by|Følges opp innen)", IC)
QUESTION = re.compile(r"^(Question to the sender|Spørsmål til avsenderen)", IC)
RECORD_DECISION = re.compile(r"^(Record the decision|Registrer avgjørelsen)", IC)
WRITE_DECISION = re.compile(r"^(Write the decision|Skriv avgjørelsen)", IC)
TEAMS_DECISION = re.compile(r"^(The team's decision|Teamets avgjørelse)$", IC)
MINUTES = re.compile(r"^(Minutes|Referat)$", IC)
MINUTES_PDF = re.compile(r"^(Download the minutes \(PDF\)|Last ned referatet \(PDF\))$", IC)


def move_down(name: str) -> re.Pattern:
    return re.compile(rf"^(Move down|Flytt ned)\s*: .*{name}", IC)


def move_up(name: str) -> re.Pattern:
    return re.compile(rf"^(Move up|Flytt opp)\s*: .*{name}", IC)


@pytest.fixture
def team():
    return factories.RessursteamFactory(name="Ressursteam Øygarden")


@pytest.fixture
def leader(team):
    return factories.team_member(team, role=TeamRole.LEADER, username="rt-leiar", first_name="Lise", last_name="Leiar")


@pytest.fixture
def referrals(team):
    return [
        named_referral(team, family_name=f"Familien {name}", child_name=child, question=question)
        for name, child, question in (
            ("Aune", "Ida", "Ida er mykje borte frå skulen."),
            ("Bakke", "Jon", "Jon slit med lesinga trass i tiltak."),
            ("Dahl", "Siri", "Siri er stille og trekkjer seg unna."),
        )
    ]


def log_in_to_meetings(page: Page, user) -> None:
    """Log in through the login form, straight on to the meetings (as a link to them would)."""
    page.goto(reverse("login") + "?next=" + reverse("teams:meeting_list"))
    page.get_by_label(USERNAME).fill(user.username)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name=LOG_IN).click()
    expect(page.get_by_role("heading", level=1, name=MEETINGS)).to_be_visible()


def agenda_titles(page: Page) -> list[str]:
    return [title.strip() for title in page.locator(".agenda-title strong").all_inner_texts()]


def card(page: Page, family: str):
    return page.get_by_role("article").filter(has=page.get_by_role("heading", level=2, name=re.compile(family)))


def decide_with_keyboard(page: Page, article, outcome: Outcome, reasons: str, fill_extra) -> None:
    """Open the card's decision form with Enter (it loads then), choose the outcome with Space, type the reasons and
    the outcome's own fields, and send it with Enter."""
    # Found by id afterwards: a decision that sends the case back to level 1 takes the family's name off the card.
    decided = page.locator(f"article#{article.get_attribute('id')}")
    summary = article.locator("summary", has_text=WRITE_DECISION)
    # The board done with the last swap (a slow run saw Enter reach a card before htmx had settled the one before).
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    summary.focus()
    with page.expect_response(lambda response: response.request.method == "GET" and "/vedtak/" in response.url):
        page.keyboard.press("Enter")
    radio = article.locator(f'input[type="radio"][value="{outcome.value}"]')
    expect(radio).to_be_visible()
    # The form arrived under the summary, which keeps the focus.
    expect(summary).to_be_focused()
    radio.focus()
    page.keyboard.press("Space")
    expect(radio).to_be_checked()
    page.keyboard.press("Tab")
    expect(article.get_by_label(REASONS)).to_be_focused()
    page.keyboard.type(reasons)
    fill_extra()
    button = article.get_by_role("button", name=RECORD_DECISION)
    # Chromium's date field takes one Tab per part (day, month, year) before focus leaves it.
    for _ in range(4):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    expect(button).to_be_focused()
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.keyboard.press("Enter")
    assert posted.value.request.headers.get("hx-request") == "true"
    expect(decided.get_by_role("heading", level=3, name=TEAMS_DECISION)).to_be_visible()
    expect(decided).to_contain_text(reasons)
    # The form is gone: focus is on the card's own heading, not lost to the page body.
    expect(decided.get_by_role("heading", level=2)).to_be_focused()


def test_ressursteam_meeting__leader_plans_reorders_decides_with_keyboard_and_downloads_minutes(
    page, check_page, screenshot, team, leader, referrals, tmp_path
):
    aune, bakke, dahl = referrals
    log_in_to_meetings(page, leader)
    check_page(page, "meetings")

    page.get_by_role("link", name=PLAN_A_MEETING).click()
    day = timezone.localdate() + timedelta(days=1)
    page.get_by_label(DATE).fill(day.isoformat())
    page.get_by_label(TIME).fill("09:00")
    page.get_by_label(PLACE).fill("Rådhuset, møterom 2")
    check_page(page, "meeting-new")
    page.get_by_role("button", name=PLAN_THE_MEETING).click()

    expect(page.get_by_role("heading", level=2, name=AGENDA)).to_be_visible()
    assert [title.split(" (")[0] for title in agenda_titles(page)] == [
        "Familien Aune",
        "Familien Bakke",
        "Familien Dahl",
    ]
    check_page(page, "agenda")

    # Reorder with the keyboard: Familien Aune one place down; focus stays on its buttons after the swap.
    page.get_by_role("button", name=move_down("Familien Aune")).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".agenda-title strong").first).to_contain_text("Familien Bakke")
    expect(page.get_by_role("button", name=move_down("Familien Aune"))).to_be_focused()
    assert [title.split(" (")[0] for title in agenda_titles(page)] == [
        "Familien Bakke",
        "Familien Aune",
        "Familien Dahl",
    ]
    check_page(page, "agenda-reordered")

    page.get_by_role("link", name=OPEN_BOARD).click()
    expect(page.get_by_role("article")).to_have_count(3)
    # Before the meeting the cards take no decision.
    expect(page.locator("summary", has_text=WRITE_DECISION)).to_have_count(0)
    # The meeting is moved to half past ten the same day; its agenda goes with it.
    page.get_by_role("link", name=MOVE_OR_CANCEL).click()
    expect(page.get_by_label(PLACE)).to_have_value("Rådhuset, møterom 2")
    check_page(page, "meeting-move")
    page.get_by_label(TIME).fill("10:30")
    page.get_by_role("main").get_by_role("button", name=MOVE_THE_MEETING).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(day.strftime("%d.%m.%Y") + " 10:30")
    expect(page.get_by_role("article")).to_have_count(3)
    # The day of the meeting comes: it is under way, and the team decides on the board.
    Meeting.objects.filter(team=team).update(starts_at=factories.begun_today())
    page.reload()
    expect(page.locator("summary", has_text=WRITE_DECISION)).to_have_count(3)
    # The forms load when they are opened: none is on the board yet.
    expect(page.get_by_role("button", name=RECORD_DECISION)).to_have_count(0)
    assert (
        page.get_by_role("article").first.get_by_role("heading", level=2).inner_text().startswith(("Sak 1", "Case 1"))
    )
    check_page(page, "board")

    follow_up = timezone.localdate() + timedelta(days=42)

    def arena_fields():
        page.keyboard.press("Tab")
        page.keyboard.type("Fast vaksen i friminutta.")
        page.keyboard.press("Tab")
        expect(card(page, "Familien Bakke").get_by_label(FOLLOW_UP)).to_be_focused()
        card(page, "Familien Bakke").get_by_label(FOLLOW_UP).fill(follow_up.isoformat())

    def question_field():
        page.keyboard.press("Tab")
        expect(card(page, "Familien Dahl").get_by_label(QUESTION)).to_be_focused()
        page.keyboard.type("Kva seier helsesjukepleiaren?")

    decide_with_keyboard(
        page, card(page, "Familien Bakke"), Outcome.ARENA, "Prøv tiltak i klassen først.", arena_fields
    )
    decide_with_keyboard(page, card(page, "Familien Aune"), Outcome.NO_ACTION, "Skulen handterer dette.", lambda: None)
    decide_with_keyboard(page, card(page, "Familien Dahl"), Outcome.MORE_INFO, "Vi veit for lite.", question_field)
    check_page(page, "board-decided")

    assert Decision.objects.count() == 3
    bakke.case.refresh_from_db()
    aune.case.refresh_from_db()
    dahl.refresh_from_db()
    assert bakke.case.level == Level.AVKLARING
    assert aune.case.status == Status.CLOSED
    assert dahl.status == ReferralStatus.RETURNED

    page.get_by_role("link", name=MINUTES).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("Minutes|Referat"))
    check_page(page, "minutes")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=MINUTES_PDF).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = pdf_text(path)
    for reasons in ("Prøv tiltak i klassen først.", "Skulen handterer dette.", "Vi veit for lite."):
        assert reasons in text
    assert "Kva seier helsesjukepleiaren?" in text
    assert "Rådhuset, møterom 2" in text
    assert "Lise Leiar" in text
    screenshot(page, "minutes-after-download")


def test_agenda_and_board__a_place_typed_as_one_long_word__wraps_inside_the_window(page, team, leader, referrals):
    meeting = workflow.create_meeting(
        actor=leader, team=team, starts_at=timezone.now() + timedelta(days=2), place="Møterom" + "x" * 190
    )
    sign_in(page, leader)
    pages = (
        reverse("teams:meeting_agenda", args=[meeting.pk]),
        meeting.get_absolute_url(),
        reverse("teams:meeting_list"),
    )
    for url in pages:
        page.goto(url)
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], url


NOT_SAVED = re.compile(r"^(Not saved|Ikke lagret)$", IC)


def test_board__the_meeting_cancelled_while_a_decision_is_written__keeps_the_text_with_a_notice(
    page, screenshot, team, leader, referrals
):
    meeting = workflow.create_meeting(actor=leader, team=team, starts_at=factories.begun_today(), place="Rådhuset")
    sign_in(page, leader, meeting.get_absolute_url())
    article = card(page, "Aune")
    article.locator("summary", has_text=WRITE_DECISION).click()
    article.locator(f'input[type="radio"][value="{Outcome.NO_ACTION.value}"]').check()
    article.get_by_label(REASONS).fill("Familien har fått hjelp frå helsestasjonen.")
    # The leader cancels the meeting in another tab while the card's text is still being written.
    workflow.cancel_meeting(actor=leader, meeting=meeting)

    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        article.get_by_role("button", name=RECORD_DECISION).click()

    assert posted.value.status == 404
    notice = page.get_by_role("alert").filter(has=page.get_by_role("heading", name=NOT_SAVED))
    expect(notice).to_be_visible()
    expect(notice).to_be_focused()
    expect(article.get_by_label(REASONS)).to_have_value("Familien har fått hjelp frå helsestasjonen.")
    screenshot(page, "board-cancelled-meanwhile")
    assert not Decision.objects.exists()


CANCEL_THE_MEETING = re.compile(r"^(Cancel the meeting|Avlys møtet)$", IC)
YES_CANCEL = re.compile(r"^(Yes, cancel the meeting|Ja, avlys møtet)$", IC)


def test_cancel__the_leader_reads_what_follows_then_cancels__the_referrals_wait_again(
    page, check_page, team, leader, referrals
):
    meeting = workflow.create_meeting(
        actor=leader, team=team, starts_at=timezone.now() + timedelta(days=2), place="Rådhuset"
    )
    sign_in(page, leader, reverse("teams:meeting_edit", args=[meeting.pk]))
    page.get_by_role("link", name=CANCEL_THE_MEETING).click()

    expect(
        page.get_by_role("heading", level=1, name=re.compile(r"^(Cancel the meeting|Avlys møtet) – ", IC))
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"\b3 (henvendelsene|referrals) "))
    check_page(page, "meeting-cancel-confirm")
    assert Meeting.objects.filter(pk=meeting.pk).exists()

    page.get_by_role("button", name=YES_CANCEL).click()

    expect(page).to_have_url(re.compile(reverse("teams:team_detail", args=[team.pk]) + "$"))
    expect(page.locator(".messages")).to_contain_text(re.compile(r"\b3 (henvendelser venter|referrals wait)"))
    check_page(page, "meeting-cancelled")
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    for referral in referrals:
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.SENT
