"""What the e2e tests look for, found by role and label as a screen reader would.

The Norwegian catalogue is still being written, so every name is a regex accepting both the English msgid
and the Norwegian text.
"""

import re
import subprocess

from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from tests.factories import PASSWORD

USERNAME = re.compile(r"^(Brukernavn|Username)$")
PASSWORD_LABEL = re.compile(r"^(Passord|Password)$")
LOG_IN = re.compile(r"^(Logg inn|Log in)$")
MY_FAMILIES = re.compile(r"^(Mine familier|Mine familiar|My families)$")
OVERVIEW = re.compile(r"^(Oversikt|Overview)$")
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
QUESTION = re.compile(r"question to the team|Spørsmålet ditt til teamet", re.IGNORECASE)
SAVE_AND_SEND = re.compile(r"^(Save and send|Lagre og send)$")
NOT_CONSENTED = re.compile(r"not consented|ikke samtykket|samtykke", re.IGNORECASE)
# The Stafettlogg's measure form.
STAFETTLOGG = re.compile(r"^Stafettlogg$")
ADD_MEASURE = re.compile(r"^(Legg inn et tiltak|Add a measure)$", re.IGNORECASE)
WHAT_IS_DONE = re.compile(r"^(Hva som gjøres|What is done)", re.IGNORECASE)
RESPONSIBLE = re.compile(r"^(Hvem som har ansvaret|Who is responsible)", re.IGNORECASE)
START = re.compile(r"^(Start)$", re.IGNORECASE)
EVALUATE_BY = re.compile(r"^(Evalueres innen|Evaluate by)", re.IGNORECASE)
TEAM_AND_FAMILY = re.compile(r"^(Teamet og familien|The team and the family)$", re.IGNORECASE)
IN_THE_LOG = re.compile(r"Innlegget står i loggen|The entry is in the log", re.IGNORECASE)
NOT_FOUND = re.compile(r"Not Found|(Fant|finnes) ikke|ikke funnet", re.IGNORECASE)


def cases_opened_in(year: int) -> re.Pattern:
    """The pilot figures' heading for a year's cases, in any of the three languages."""
    return re.compile(rf"^(Cases opened in|Saker åpnet i|Saker opna i) {year}$")


def level(number: int) -> re.Pattern:
    """A level's display name, e.g. "Level 1 – clarifying conversation" or "Nivå 1 – avklaringssamtale"."""
    return re.compile(rf"^(Level|Nivå) {number}\b")


def log_in(page: Page, user, *, check_page=None) -> None:
    """Log in through the real login form on screen (django-axes sees a normal request) then go to "My families".
    For the journeys, which a person starts at the login page; the other tests use `sign_in`."""
    page.goto(reverse("login"))
    expect(page.get_by_role("heading", level=1, name=LOG_IN)).to_be_visible()
    if check_page:
        check_page(page, "login")
    page.get_by_label(USERNAME).fill(user.username)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name=LOG_IN).click()
    # The start page (the overview with decision deadlines) comes first; then on to "My families" by the menu.
    expect(page.get_by_role("heading", level=1, name=OVERVIEW)).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name=MY_FAMILIES).click()
    expect(page.get_by_role("heading", level=1, name=MY_FAMILIES)).to_be_visible()


def sign_in(page: Page, user, path: str | None = None) -> None:
    """Log in by posting the login form through the page's browser context (which keeps the session cookie), without
    showing the form, then open `path` if given. For the tests of what comes after the login: it spares each of them
    the login page, the start page and "My families"."""
    request = page.context.request
    form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', request.get(reverse("login")).text())
    assert form, "the login page has no form"
    sent = {"csrfmiddlewaretoken": form.group(1), "username": user.username, "password": PASSWORD}
    response = request.post(reverse("login"), form=sent, max_redirects=0)
    refused = re.search(r'<div class="error-summary".*?</div>', response.text(), re.DOTALL)
    assert response.status == 302, f"{user.username} was not logged in ({response.status}): {refused and refused[0]}"
    if path:
        page.goto(path)


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


# Levels 0–1: the screening, the clarifying conversation, consent, and the guardians' self-assessment.
# Translations are still being chosen: the patterns accept the msgid and the likely Bokmål and Nynorsk words.
IC = re.IGNORECASE
SCREENINGS = re.compile(r"^(Screenings|Kartlegging(ar|er)?)$", IC)
NEW_SCREENING = re.compile(r"^(New screening|Ny kartlegging)$", IC)
UNIT = re.compile(r"^(Unit|Enhet|Eining)$", IC)
NAMED_CHILD = re.compile(r"child|barn", IC)
AGE_FROM_CHILD = re.compile(r"child's age|alder", IC)
PRIMARY_SCHOOL = re.compile(r"^(Primary school|Barneskole)", IC)
CONTINUE = re.compile(r"^(Continue|Fortsett|Gå vid[ea]re|Hald fram|Neste|Vid[ea]re)$", IC)
RECOMMENDATION = re.compile(r"recommendation|anbefaling|tilråding", IC)
OBSERVE = re.compile(r"continue observing|observ", IC)
TALK_WITH_GUARDIANS = re.compile(r"clarifying conversation|avklaringssamtale", IC)
BARNEVERN = re.compile(r"barnevern", IC)
SEEN = re.compile(r"What was seen or heard|sett eller h(ø|øy)rt", IC)
SUBMIT = re.compile(r"^(Submit|Send inn|Lever)$", IC)
SCREENING_RESULT = re.compile(r"result|resultat", IC)
DECIDE_BY = re.compile(r"decide by|frist|avgj", IC)
BOOK_SAMTALE = re.compile(r"(?=.*\b(book|bestill|avtal|planlegg|inviter)\w*)(?=.*(clarifying|avklaring))", IC)
DATE = re.compile(r"^(Date|Dato)$", IC)
TIME = re.compile(r"^(Time|Tid|Tidspunkt|Klokkeslett|Klokkeslag)$", IC)
PLACE = re.compile(r"^(Place|Sted|Stad)$", IC)
INVITED = re.compile(r"^(Invited|Inviter|Innkal)", IC)
BOOK = re.compile(r"^(Book|Bestill|Avtal|Planlegg)", IC)
SAMTALE = re.compile(r"^(Clarifying conversation|Avklaringssamtale)$", IC)
INVITATION_PDF = re.compile(r"(invitation|invitasjon|innkalling).*PDF", IC)
CONCERN = re.compile(r"^(The concern|Bekymring|Uro|Undring)", IC)
GUARDIANS_SAID = re.compile(r"guardians said|foresatte|føresette", IC)
SAMTALEDUK_1 = re.compile(r"samtaleduk 1", IC)
DUK_WORKS = re.compile(r"^(What works|Det som fungerer)", IC)
DUK_HARD = re.compile(r"^(What is hard|Det som er vanskel)", IC)
AGREEMENTS = re.compile(r"^(Agreements|Avtaler|Avtalar)$", IC)
WHAT = re.compile(r"^(What|Hva|Kva)\b", IC)
WHO = re.compile(r"^(Who|Hvem|Kven)\b", IC)
FOLLOW_UP = re.compile(r"follow up|følg|oppfølging", IC)
SAVE_RECORD = re.compile(r"^(Save the record|Lagre)", IC)
SAVED = re.compile(r"recorded|saved|registrert|lagret|lagra", IC)
RECORD_CONSENT = re.compile(r"^(Record consent|Registrer samtykk(e|je))$", IC)
GUARDIAN = re.compile(r"^(Guardian|Foresatt|Føresett)$", IC)
CONSENT_GIVEN = re.compile(r"^(Given|Gitt|Gjeve)$", IC)
SERVICES = re.compile(r"services|tjenester|tenester", IC)
VALID_FROM = re.compile(r"^(Valid from|Gyldig fr[aå])$", IC)
RECORD = re.compile(r"^(Record|Registrer)$", IC)
CONSENTS = re.compile(r"^(Consents|Samtykker|Samtykke|Samtykkje)$", IC)
ACTIVE = re.compile(r"^(Active|Aktivt?)$", IC)
FROM_GUARDIANS = re.compile(r"^(From guardians|Fr[aå] (foresatte|føresette))$", IC)
CONCERNS_FROM_GUARDIANS = re.compile(r"guardian|foresatt|føresett", IC)
NEW_CONCERN = re.compile(r"^(New|Ny)$", IC)
OPEN_CONCERN = re.compile(r"^(Open|Åpne|Opne)\b", IC)
WHO_SENT_IT = re.compile(r"who sent it|hvem som sendte|kven som sende", IC)
# The guardians' self-assessment.
WORRIED = re.compile(r"worried|bekymr|uroa", IC)
START = re.compile(r"^(Start|Begynn|Kom i gang)$", IC)
SEE_RESULT = re.compile(r"^(See the result|Se resultatet|Sjå resultatet|Vis resultatet)$", IC)
YOUR_RESULT = re.compile(r"^(Your result|Resultatet ditt|Ditt resultat)$", IC)
TALK_WITH_SCHOOL = re.compile(r"^(Talk with|Snakk med)", IC)
SEND_TO_SCHOOL = re.compile(r"^(Send this|Send dette|Send til)", IC)
# The unit the guardian sends to: schools only, for the school-age questions.
SCHOOL_UNIT = re.compile(r"^(School|Skole|Skule)\b", IC)
YOUR_NAME = re.compile(r"^(Your name|Navnet ditt|Namnet ditt|Ditt navn|Namn|Navn)$", IC)
PHONE = re.compile(r"^(Phone|Telefon)", IC)
SEND = re.compile(r"^(Send to|Send til)", IC)
SENT = re.compile(r"sent|sendt", IC)


# A leader's pages: the screening tool editor, the letter templates, the access log; the header's language form.
SCREENING_TOOL = re.compile(r"^(Screening tool|Vurderingsverktøy)$", IC)
STAFF_PRIMARY_SCHOOL = re.compile(r"^(Staff|Ansatte|Tilsette) – (Primary school|Barneskule|Barneskole)\b", IC)
DRAFT_NEW_VERSION = re.compile(r"^(Draft a new version|Lag utkast til ny versjon)$", IC)
DRAFTED = re.compile(r"is drafted|Utkast til versjon \d+ er lag(et|a)", IC)
FACTOR_LABEL = re.compile(r"^(Label|Tekst)$", IC)
FACTOR_WEIGHT = re.compile(r"^(Weight|Vekt)$", IC)
FACTOR_GROUP = re.compile(r"^(Group|Gruppe)$", IC)
SAVE_DRAFT = re.compile(r"^(Save the draft|Lagre utkastet)$", IC)
DRAFT_SAVED = re.compile(r"The draft is saved|Utkastet er lagr(et|a)", IC)
ADD_FACTOR = re.compile(r"^(Add a factor|Legg til (en|ein) faktor)$", IC)
ADD_THE_FACTOR = re.compile(r"^(Add the factor|Legg til faktoren)$", IC)
FACTOR_ADDED = re.compile(r"The factor is added|Faktoren er la(gt|gd) til", IC)
BACK_TO_VERSION = re.compile(r"^(Back to the version|Tilbake til versjonen)$", IC)
PUBLISH = re.compile(r"^(Publish this version|Publiser denne versjonen)$", IC)
PUBLISHED = re.compile(r"The version is published|Versjonen er publisert", IC)
PUBLISHED_STATUS = re.compile(r"^(Published|Publisert)$", IC)
READ_ONLY = re.compile(r"published and read-only|publisert og kan ikk?j?e endr", IC)
NEVER_CHANGES = re.compile(r"A published version never changes|(En|Ein) publisert versjon blir aldri endr", IC)
LETTERS = re.compile(r"^(Letters|Brevmal(er|ar))$", IC)
EDIT_LETTER = re.compile(r"^(Invitation to a clarifying conversation|Invitasjon til avklaringssamtale)$", IC)
SUBJECT = re.compile(r"^(Subject|Emne)\b", IC)
SAVE_LETTER = re.compile(r"^(Save the letter template|Lagre brevmalen)$", IC)
LETTER_SAVED = re.compile(r"The letter template is saved|Brevmalen er lagr(et|a)", IC)
PREVIEW_PDF = re.compile(r"^(Preview PDF with example data|F(o|ø)r(e)?h(a|å)ndsvis PDF med eksempeldata)$", IC)
ERROR_SUMMARY = re.compile(r"^(Please correct the following|Rett opp (følgende|dette))$", IC)
ACCESS_LOG = re.compile(r"^(Access log|Tilgangslogg)$", IC)
PILOT_FOLLOW_UP = re.compile(r"^(Pilot follow-up|Oppfølging av piloten)$", IC)
YEAR = re.compile(r"^(Year|År)$", IC)
SHOW = re.compile(r"^(Show|Vis)$", IC)
FEWER_THAN_5 = re.compile(r"^(fewer than 5|færre enn 5)$", IC)
FILTER = re.compile(r"^(Filter|Filtrer)$", IC)
FAMILY_NUMBER = re.compile(r"^(Family number|Familienummer)\b", IC)
FILTER_USERNAME = re.compile(r"^(Username|Brukernavn|Brukarnamn)\b", IC)  # the label goes on with "(optional)"
LANGUAGE = re.compile(r"^(Language|Språk)$", IC)
CHANGE_LANGUAGE = re.compile(r"^(Change|Bytt|Byt)$", IC)


def version(number: int) -> re.Pattern:
    """A version's link text in the screening tool list: "Version 2" or "Versjon 2"."""
    return re.compile(rf"^(Version|Versjon) {number}$", IC)


def trail_heading(family_number: int) -> re.Pattern:
    """A family's audit trail heading when the family is shown by its number only."""
    return re.compile(rf"^(Audit trail|Tilgangslogg): (family number|familie ?nummer) {family_number}$", IC)


def pdf_text(path) -> str:
    """The text of a PDF, whitespace collapsed to single spaces (pdftotext from poppler-utils)."""
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(extracted.split())


def select_option_containing(select: Locator, text: str) -> None:
    """Choose the one option whose label contains `text` (labels such as "Emma Hansen, 8 yrs (…)" are translated)."""
    option = select.locator("option", has_text=text)
    expect(option).to_have_count(1)
    select.select_option(value=option.get_attribute("value"))
