"""The screening tool in Nynorsk, in Chromium: a teacher who switches the header's language to Nynorsk screens
anonymously (the school proposes the primary school tool) and reads the factors in Nynorsk; a guardian's
self-assessment on a Nynorsk page.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from familielos.models import Membership, ServiceKind
from tests import factories
from tests.e2e.helpers import CHANGE_LANGUAGE, CONTINUE, LANGUAGE, NEW_SCREENING, SCREENINGS, UNIT, sign_in

pytestmark = [pytest.mark.usefixtures("empty_cache"), pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCHOOL = "Vestbygd skule"
# Instrument data in Nynorsk (screening/defaults.py), shown because the page is in Nynorsk.
STAFF_NN = ["Svake sosiale ferdigheiter", "Vanskar med å få vener", "Høgt fråvær", "Heng etter fagleg"]
STAFF_NB = ["Svake sosiale ferdigheter", "Høyt fravær"]
GUARDIAN_NN = ["Barnet mitt har ingen eller få vener", "Barnet mitt er mykje borte frå skulen eller vil ikkje gå dit"]


@pytest.fixture
def school(staff):
    unit = factories.ServiceUnitFactory(name=SCHOOL, kind=ServiceKind.SKOLE)
    Membership.objects.create(user=staff, unit=unit)
    return unit


def in_nynorsk(page: Page) -> None:
    header = page.get_by_role("banner")
    header.get_by_label(LANGUAGE).select_option(label="Norsk nynorsk")
    header.get_by_role("button", name=CHANGE_LANGUAGE).click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")


def test_screening__anonymous_in_nynorsk__school_proposes_the_tool_and_factors_read_in_nynorsk(
    page, check_page, staff, school
):
    sign_in(page, staff, reverse("home"))
    in_nynorsk(page)
    page.get_by_role("banner").get_by_role("link", name=SCREENINGS).click()
    page.get_by_role("main").get_by_role("link", name=NEW_SCREENING).click()
    expect(page.get_by_role("heading", level=1, name=NEW_SCREENING)).to_be_visible()
    page.get_by_label(UNIT).select_option(label=SCHOOL)
    # Anonymous, and the age group left on automatic: the school's kind gives the primary school tool.
    expect(page.get_by_role("radio", name=re.compile("Automatisk"))).to_be_checked()
    page.get_by_role("button", name=CONTINUE).click()

    main = page.get_by_role("main")
    expect(main).to_contain_text("Vurderingsverktøy – barneskule (6–12 år)")
    expect(page.get_by_role("group", name="Familien og heimen")).to_be_visible()
    for label in STAFF_NN:
        expect(page.get_by_role("checkbox", name=label, exact=True)).to_be_visible()
    for label in STAFF_NB:
        expect(page.get_by_role("checkbox", name=label, exact=True)).to_have_count(0)
    check_page(page, "screening-form-nynorsk")


def test_self_assessment__in_nynorsk__questions_read_in_nynorsk(page, check_page, school):
    page.goto(reverse("selfassessment:start"))
    in_nynorsk(page)
    page.get_by_role("radio", name=re.compile("^Barneskule")).check()
    page.get_by_role("button", name=re.compile("^Start")).click()
    expect(page.get_by_role("heading", level=1, name="Foreldra si eigenvurdering – barneskulebarn")).to_be_visible()
    for label in GUARDIAN_NN:
        expect(page.get_by_role("checkbox", name=label, exact=True)).to_be_visible()
    check_page(page, "self-assessment-nynorsk")
