"""What the e2e tests look for, found by role and label as a screen reader would.

The Norwegian catalogue is still being written, so every name is a regex accepting both the English msgid
and the Norwegian text.
"""

import re

from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

PASSWORD = "correct-horse-battery"

USERNAME = re.compile(r"^(Brukernavn|Username)$")
PASSWORD_LABEL = re.compile(r"^(Passord|Password)$")
LOG_IN = re.compile(r"^(Logg inn|Log in)$")
MY_FAMILIES = re.compile(r"^(Mine familier|My families)$")
SEARCH_BY_NAME = re.compile(r"Search by name|Søk", re.IGNORECASE)
SEARCH = re.compile(r"^(Search|Søk)$")
CASE = re.compile(r"^(Case|Sak|Saka|Saken)$")
BTI_LEVEL = re.compile(r"BTI")
REASON = re.compile(r"Reason|Begrunn|Grunn|Årsak", re.IGNORECASE)
TEAM = re.compile(r"^(Ressursteam)$")
# Step labels: the level and the domain word, in any order, whatever verb the translation chooses.
TO_LEVEL_1 = re.compile(r"(?=.*\b(level|nivå) 1\b)(?=.*(clarifying|avklaring))", re.IGNORECASE | re.DOTALL)
REFER_TO_RESSURSTEAM = re.compile(r"(?=.*ressursteam)(?=.*\b(level|nivå) 2\b)", re.IGNORECASE | re.DOTALL)
CASE_UPDATED = re.compile(r"The case is updated|Saken er (oppdatert|endret)", re.IGNORECASE)
NOT_CONSENTED = re.compile(r"not consented|ikke samtykket|samtykke", re.IGNORECASE)
NOT_FOUND = re.compile(r"Not Found|(Fant|finnes) ikke|ikke funnet", re.IGNORECASE)


def level(number: int) -> re.Pattern:
    """A level's display name, e.g. "Level 1 – clarifying conversation" or "Nivå 1 – avklaringssamtale"."""
    return re.compile(rf"^(Level|Nivå) {number}\b")


def log_in(page: Page, user, *, check_page=None) -> None:
    """Log in through the real login form (django-axes sees a normal request) and land on "My families"."""
    page.goto(reverse("login"))
    expect(page.get_by_role("heading", level=1, name=LOG_IN)).to_be_visible()
    if check_page:
        check_page(page, "login")
    page.get_by_label(USERNAME).fill(user.username)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name=LOG_IN).click()
    expect(page.get_by_role("heading", level=1, name=MY_FAMILIES)).to_be_visible()


def case_section(page: Page) -> Locator:
    """The case panel: a region named by its "Case" heading (the #case element htmx swaps)."""
    return page.get_by_role("region", name=CASE)


def bti_level(case: Locator) -> Locator:
    """The value of the "BTI level" fact in the case panel."""
    return case.get_by_role("term").filter(has_text=BTI_LEVEL).locator("xpath=following-sibling::dd[1]")


def step(case: Locator, label: re.Pattern) -> Locator:
    """One "next step" disclosure (a <details> with its form), found by its summary text."""
    return case.get_by_role("group").filter(has=case.page.locator("summary", has_text=label))


def open_step(case: Locator, label: re.Pattern) -> Locator:
    disclosure = step(case, label)
    disclosure.locator("summary").click()
    expect(disclosure.get_by_label(REASON)).to_be_visible()
    return disclosure
