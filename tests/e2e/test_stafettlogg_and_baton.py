"""The Stafettlogg and the baton in Chromium: a teacher opens the family's log from the family page and posts a
measure for the team and the family (an evaluation half written meanwhile stays as it was, and the new measure can
be chosen in it), then hands the baton to a ressursteam member, who accepts it on their baton page; axe-core checks
every page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases import baton
from cases.models import Level
from stafettlogg import workflow
from stafettlogg.models import Entry, Kind, Visibility
from tests import factories
from tests.e2e.helpers import (
    ADD_MEASURE,
    EVALUATE_BY,
    IC,
    IN_THE_LOG,
    RESPONSIBLE,
    STAFETTLOGG,
    START,
    TEAM_AND_FAMILY,
    WHAT_IS_DONE,
    sign_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HAND_OVER = re.compile(r"^(Gi stafettpinnen videre|Hand over the baton)$", IC)
NEW_HOLDER = re.compile(r"^(Ny stafettholder|New baton holder)", IC)
ASK = re.compile(r"^(Be dem ta over|Ask them to take over)$", IC)
THE_BATON = re.compile(r"^(Stafettpinnen|The baton)$", IC)
ACCEPT = re.compile(r"^(Ta imot|Accept)", IC)
NOTHING_WAITING = re.compile(r"Ingen overlevering venter på deg|No handover is waiting for you", IC)
EVALUATE_A_MEASURE = re.compile(r"^(Evaluer et tiltak|Evaluate a measure)$", IC)
MEASURE = re.compile(r"^(Tiltak|Measure)$", IC)
EVALUATION = re.compile(r"^(Evaluering|Evaluation)$", IC)


def test_teacher_posts_a_measure_and_hands_the_baton_to_the_team(new_page, check_page):
    team = factories.RessursteamFactory(name="Ressursteam Vest")
    teacher = factories.unit_staff(username="laerar-vest", first_name="Liv", last_name="Lærar")
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=teacher, team=team, family_name="Familien Strand")
    member = factories.team_member(team, username="rt-vest", first_name="Rune", last_name="Rådgjevar")
    earlier = workflow.post_measure(
        actor=teacher,
        family=case.family,
        visibility=Visibility.TEAM,
        text="Fast vaksen i friminutta.",
        responsible="Inspektøren",
        starts_on=timezone.localdate() - timedelta(days=30),
        evaluate_by=timezone.localdate() + timedelta(days=7),
    )

    page = new_page()
    sign_in(page, teacher, case.family.get_absolute_url())
    page.get_by_role("link", name=STAFETTLOGG).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Familien Strand"))).to_be_visible()
    check_page(page, "log")

    # An evaluation of the earlier measure, half written, while a new measure is added.
    page.get_by_text(EVALUATE_A_MEASURE).first.click()
    evaluation = page.locator("#log-post-evaluation")
    evaluation.get_by_label(MEASURE).select_option(str(earlier.pk))
    evaluation.get_by_label(EVALUATION).fill("Det hjelper, men ikkje kvar dag")

    page.get_by_text(ADD_MEASURE).first.click()
    form = page.locator("#log-post-measure")
    form.get_by_label(WHAT_IS_DONE).fill("Leksehjelp to dagar i veka.")
    form.get_by_label(RESPONSIBLE).fill("Kontaktlæraren")
    form.get_by_label(START).fill(timezone.localdate().isoformat())
    form.get_by_label(EVALUATE_BY).fill((timezone.localdate() + timedelta(days=42)).isoformat())
    form.get_by_role("radio", name=TEAM_AND_FAMILY).check()
    form.get_by_role("button", name=ADD_MEASURE).click()
    expect(page.get_by_text(IN_THE_LOG)).to_be_visible()
    expect(page.locator(".log-entry", has_text="Leksehjelp to dagar i veka.")).to_be_visible()
    check_page(page, "log-with-measure")
    measure = Entry.objects.get(kind=Kind.MEASURE, text="Leksehjelp to dagar i veka.")
    assert (measure.visibility, measure.responsible) == (Visibility.TEAM_AND_FAMILY, "Kontaktlæraren")
    # The evaluation form offers the new measure, and what was typed and chosen in it is still there.
    expect(evaluation.get_by_label(MEASURE).locator(f'option[value="{measure.pk}"]')).to_have_count(1)
    expect(evaluation.get_by_label(MEASURE)).to_have_value(str(earlier.pk))
    expect(evaluation.get_by_label(EVALUATION)).to_have_value("Det hjelper, men ikkje kvar dag")

    page.goto(case.family.get_absolute_url())
    page.get_by_role("link", name=HAND_OVER).click()
    check_page(page, "handover")
    holder_select = page.get_by_label(NEW_HOLDER)
    rune = next(text for text in holder_select.locator("option").all_inner_texts() if "Rune" in text)
    holder_select.select_option(label=rune)
    page.get_by_role("button", name=ASK).click()

    other = new_page()
    sign_in(other, member, reverse("home"))
    other.get_by_role("navigation").get_by_role("link", name=THE_BATON).click()
    check_page(other, "baton-waiting")
    other.get_by_role("button", name=ACCEPT).first.click()
    expect(other.get_by_text(NOTHING_WAITING)).to_be_visible()
    assert baton.current_holder(case.family) == member


def test_a_note_sent_after_the_session_ended__stays_in_the_form_with_a_notice(page):
    teacher = factories.unit_staff(username="laerar-nord")
    case = factories.open_case(opener=teacher, family_name="Familien Nord")
    sign_in(page, teacher, f"/familier/{case.family_id}/logg/")
    page.locator("summary").filter(has_text=re.compile(r"^(Skriv en merknad|Write a note)$", IC)).click()
    form = page.locator("#log-post-note")
    form.locator("textarea").fill("Ein lang merknad som ikkje må gå tapt.")
    # The session runs out (30 idle minutes) while the note is written.
    page.context.clear_cookies(name="sessionid")

    form.get_by_role("button", name=re.compile(r"^(Skriv en merknad|Write a note)$", IC)).click()

    expect(
        page.get_by_role("alert").filter(has_text=re.compile("Du ble logget ut|You were signed out"))
    ).to_be_visible()
    expect(page.locator("#log-post-note textarea")).to_have_value("Ein lang merknad som ikkje må gå tapt.")
    assert not Entry.objects.filter(family=case.family, kind=Kind.NOTE).exists()


NOT_SAVED = re.compile(r"^(Ikke lagret|Not saved)$", IC)
NOT_TAKEN = re.compile(r"^(Det du sendte, kunne ikke tas imot|What you sent could not be taken)$", IC)
WRITE_A_NOTE = re.compile(r"^(Skriv en merknad|Write a note)$", IC)
# Over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): past the field's maxlength, as a crafted or broken client sends it.
TOO_LARGE = "Å" * 1_400_000


def test_a_post_larger_than_a_form_takes__a_notice_keeps_the_text__without_htmx_our_page(new_page, check_page):
    teacher = factories.unit_staff(username="laerar-nord")
    case, *_ = factories.case_at(Level.AVKLARING, opener=teacher, family_name="Familien Nordvik")
    entries = Entry.objects.count()
    page = new_page()
    sign_in(page, teacher, reverse("stafettlogg:log", args=[case.family.pk]))
    form = page.locator("#log-post-note form")
    page.get_by_text(WRITE_A_NOTE).first.click()
    form.locator("textarea").evaluate("(area, text) => { area.value = text; }", TOO_LARGE)

    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        form.get_by_role("button").click()

    assert posted.value.status == 400
    notice = page.get_by_role("alert").filter(has=page.get_by_role("heading", name=NOT_SAVED))
    expect(notice).to_be_visible()
    expect(notice).to_be_focused()
    assert form.locator("textarea").evaluate("area => area.value.length") == len(TOO_LARGE)
    check_page(page, "post-too-large-notice")

    # The same post as a plain form (no htmx): the site's own 400 page, with the menu.
    with page.expect_navigation():
        form.evaluate("form => form.submit()")  # no submit event: htmx leaves it to the browser
    expect(page.get_by_role("heading", level=1, name=NOT_TAKEN)).to_be_visible()
    check_page(page, "post-too-large-page")
    assert Entry.objects.count() == entries
