"""The family's own pages in Chromium at a phone's width: the familielos posts a measure for the team and the family;
the guardian asks for a sign-in link, signs in through it, sees the measure in the log, ticks their own task done,
keeps a lysglimt, and finds the familielos's read of the family in "who has looked at our data". axe-core checks
every portal page at 390 px."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from cases import actions
from cases.models import ActionStatus, Level, OwnerKind, PersonRole
from familielos import roles
from familieteam import workflow as familieteam_workflow
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

PHONE = {"width": 390, "height": 844}
SIGN_IN_HEADING = re.compile(r"^(Logg inn på sidene til familien din|Sign in to your family's pages)$", IC)
EMAIL = re.compile(r"^(E-postadressen din|Your e-mail address)", IC)
SEND_LINK = re.compile(r"^(Send meg en lenke|Send me a link)$", IC)
SIGN_IN = re.compile(r"^(Logg inn|Sign in)$", IC)
LOG = re.compile(r"^(Logg|Log)$", IC)
TASKS = re.compile(r"^(Oppgaver|Tasks)$", IC)
I_HAVE_DONE_THIS = re.compile(r"^(Jeg har gjort dette|I have done this)", IC)
SAVED_DONE = re.compile(r"(Lagret: gjort|Saved: done)", IC)
SHARE_LYSGLIMT = re.compile(r"^(Del et lysglimt|Share a lysglimt)$", IC)
WHAT_WENT_WELL = re.compile(r"^(Hva gikk bra\?|What went well\?)", IC)
KEEP_LYSGLIMT = re.compile(r"^(Lagre lysglimtet|Keep the lysglimt)$", IC)
WHO_HAS_LOOKED = re.compile(r"^(Hvem har sett|Who has looked)", IC)
SIGN_IN_LINK = re.compile(r"http://[^\s]+/min-familie/logg-inn/[^\s/]+/")


def test_guardian_signs_in_by_link_and_uses_the_familys_own_pages(new_page, check_page, live_server, settings):
    # The e-mail's link points at the address the app is served on (SITE_URL): here the live server.
    settings.SITE_URL = live_server.url
    los = factories.familielos(username="los-lund", first_name="Kari", last_name="Los")
    case, *_ = factories.case_at(Level.FAMILIELOS, los=los, family_name="Familien Lund")
    guardian = case.family.persons.get(role=PersonRole.GUARDIAN)
    parent = factories.UserFactory(username="forelder-lund", email="guro@example.no", role=roles.FAMILY_MEMBER)
    actions.link_family_login(actor=case.opened_by, person=guardian, user=parent)
    meeting = factories.familieteam_meeting(case)
    familieteam_workflow.set_action_point(
        actor=los,
        meeting=meeting,
        what="Ringje helsesjukepleiaren",
        owner=familieteam_workflow.Owner(OwnerKind.GUARDIAN, person_id=guardian.pk),
        due=timezone.localdate() + timedelta(days=5),
    )

    staff_page = new_page()
    sign_in(staff_page, los, case.family.get_absolute_url())
    staff_page.get_by_role("link", name=STAFETTLOGG).click()
    staff_page.get_by_text(ADD_MEASURE).first.click()
    form = staff_page.locator("#log-post-measure")
    form.get_by_label(WHAT_IS_DONE).fill("Leksehjelp to dagar i veka.")
    form.get_by_label(RESPONSIBLE).fill("Kontaktlæraren")
    form.get_by_label(START).fill(timezone.localdate().isoformat())
    form.get_by_label(EVALUATE_BY).fill((timezone.localdate() + timedelta(days=42)).isoformat())
    form.get_by_role("radio", name=TEAM_AND_FAMILY).check()
    form.get_by_role("button", name=ADD_MEASURE).click()
    expect(staff_page.get_by_text(IN_THE_LOG)).to_be_visible()

    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto("/min-familie/")
    expect(page.get_by_role("heading", level=1, name=SIGN_IN_HEADING)).to_be_visible()
    check_page(page, "sign-in")
    page.get_by_label(EMAIL).fill("guro@example.no")
    page.get_by_role("button", name=SEND_LINK).click()
    check_page(page, "link-sent")
    [message] = mail.outbox
    assert message.to == ["guro@example.no"]
    page.goto(SIGN_IN_LINK.search(message.body).group(0))
    check_page(page, "sign-in-link")
    page.get_by_role("button", name=SIGN_IN).click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"Guro"))).to_be_visible()
    check_page(page, "home")

    page.get_by_role("navigation").get_by_role("link", name=LOG).click()
    expect(page.locator(".log-entry", has_text="Leksehjelp to dagar i veka.")).to_be_visible()
    check_page(page, "log")

    page.get_by_role("navigation").get_by_role("link", name=TASKS).click()
    check_page(page, "tasks")
    page.get_by_role("button", name=I_HAVE_DONE_THIS).click()
    expect(page.get_by_text(SAVED_DONE)).to_be_attached()
    check_page(page, "task-done")
    assert case.family.action_points.get().status == ActionStatus.DONE

    page.get_by_role("navigation").get_by_role("link", name=LOG).click()
    page.get_by_text(SHARE_LYSGLIMT).click()
    page.get_by_label(WHAT_WENT_WELL).fill("Ida sykla til skulen åleine i dag.")
    page.get_by_role("button", name=KEEP_LYSGLIMT).click()
    expect(page.locator(".log-entry", has_text="Ida sykla til skulen åleine i dag.")).to_be_visible()
    lysglimt = Entry.objects.get(kind=Kind.LYSGLIMT)
    assert (lysglimt.author, lysglimt.visibility) == (parent, Visibility.TEAM_AND_FAMILY)

    page.get_by_role("navigation").get_by_role("link", name=WHO_HAS_LOOKED).click()
    reads = page.locator("main")
    expect(reads).to_contain_text(re.compile(r"Familielos"))
    expect(reads).not_to_contain_text("Kari Los")
    check_page(page, "who-has-looked")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
