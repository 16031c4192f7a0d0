"""PDFs (invitation letter, samtaleduk 1) and the letter-template editor: access, audit, what the PDF says."""

import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from weasyprint import HTML

from cases import actions
from cases.models import Avklaringssamtale, LetterKind, LetterTemplate, PersonRole
from familielos import pdf, pdf_engine, roles
from familielos.models import AccessAction, AccessEvent, Membership
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
STARTS_AT = datetime(2026, 3, 3, 10, 0, tzinfo=OSLO)
# The language a request without Accept-Language gets (LANGUAGE_CODE); the PDFs are written in it.
PAGE_LANGUAGE = "nb"


def pdf_text(response) -> str:
    """The PDF's text as pdftotext reads it, with every run of whitespace made one space."""
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    result = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def pdf_pages_text(response, first: int, last: int | None = None, *, layout=False) -> str:
    """The text of pages first..last (1-based; last page if None); with `layout`, lines as laid out on the page."""
    pages = ["-f", str(first)] + (["-l", str(last)] if last else [])
    options = ["-layout"] if layout else []
    result = subprocess.run(
        ["pdftotext", *options, *pages, "-", "-"], input=response.content, capture_output=True, check=True
    )
    text = result.stdout.decode()
    return text if layout else " ".join(text.split())


def printed_whole(expected: str, text: str) -> bool:
    """Every word of `expected` is in `text`, in order, with nothing between them but page furniture
    (pdftotext reads a page's footer between two columns of text)."""
    words = expected.split()
    vocabulary = set(words)
    return [word for word in text.split() if word in vocabulary] == words


def pdf_info(response, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(response.content)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout


def pdf_page_count(response, tmp_path) -> int:
    line = next(line for line in pdf_info(response, tmp_path).splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def pdf_page_size(response, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size:"))


def in_page_language(text) -> str:
    """A msgid (plain or lazy) as the PDF's language shows it."""
    with translation.override(PAGE_LANGUAGE):
        return translation.gettext(str(text)) if isinstance(text, str) else str(text)


@pytest.fixture(autouse=True)
def municipality(settings):
    settings.MUNICIPALITY_NAME = "Øygarden kommune"


@pytest.fixture
def sender(staff):
    staff.first_name, staff.last_name = "Lise", "Lærar"
    staff.save()
    unit = factories.ServiceUnitFactory(name="Vestbygd skule", contact="Tlf. 56 00 00 00")
    Membership.objects.create(user=staff, unit=unit)
    return staff


@pytest.fixture
def samtale(case, sender):
    family = case.family
    # A second guardian with parental responsibility, and one without: only the first two get the letter.
    factories.person(family, role=PersonRole.GUARDIAN, parental_responsibility=True, first_name="Per", last_name="Test")
    factories.person(family, role=PersonRole.GUARDIAN, first_name="Stein", last_name="Stefar")
    return actions.book_avklaringssamtale(
        actor=sender, case=case, starts_at=STARTS_AT, place="Møterom 2, Vestbygd skule"
    )


@pytest.fixture
def recorded(samtale, sender):
    return actions.record_avklaringssamtale(
        actor=sender,
        samtale=samtale,
        version=samtale.version,
        agreements=[{"what": "Lærar snakkar med Emma kvar måndag", "who": "Lise", "follow_up": date(2026, 4, 1)}],
        duk_works="Emma likar å teikna.",
        duk_hard="Friminutta er lange.",
        duk_good_at="Fotball.",
        duk_dreams="Å bli dyrlege.",
        duk_help="Ein vaksen i friminuttet: Lise.",
        duk_agreement="Vi møtest igjen om fire veker.",
    )


@pytest.fixture
def leader(db):
    return factories.UserFactory(username="leiar", first_name="Lea", last_name="Leiar", role=roles.LEADER)


def invitation_url(samtale):
    return reverse("print:invitation_letter", args=[samtale.case.family_id, samtale.pk])


def samtaleduk_url(samtale):
    return reverse("print:samtaleduk_filled", args=[samtale.case.family_id, samtale.pk])


def other_familys_samtale():
    other = factories.open_case(opener=factories.unit_staff(), family_name="Familien Annan", child_name="Ola")
    return actions.book_avklaringssamtale(actor=other.opened_by, case=other, starts_at=STARTS_AT, place="Annan skule")


def set_letter(leader, **fields) -> LetterTemplate:
    template = LetterTemplate.objects.get(kind=LetterKind.AVKLARING_INVITATION)
    return actions.update_letter_template(actor=leader, template=template, **fields)


# --- Invitation letter --------------------------------------------------------------------------------------------


def test_invitation__three_ways(samtale, client, outsider_client, staff_client):
    url = invitation_url(samtale)

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    assert outsider_client.get(url).status_code == 404

    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="invitasjon-samtale-2026-03-03.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_invitation__samtale_of_another_family_under_own_family__is_404(family, staff_client):
    other = other_familys_samtale()

    response = staff_client.get(reverse("print:invitation_letter", args=[family.pk, other.pk]))

    assert response.status_code == 404
    assert not AccessEvent.objects.filter(action=AccessAction.PDF).exists()


def test_invitation__family_portal_login__is_404(samtale):
    """The family reads its record, but a letter signed in one's own name is staff work."""
    parent = factories.UserFactory(role=roles.FAMILY_MEMBER)
    guardian = samtale.case.family.persons.filter(role=PersonRole.GUARDIAN).first()
    actions.link_family_login(actor=samtale.created_by, person=guardian, user=parent)

    assert client_for(parent).get(invitation_url(samtale)).status_code == 404


def test_invitation__download__writes_a_pdf_audit_event(samtale, sender, staff_client):
    url = invitation_url(samtale)

    staff_client.get(url)

    event = AccessEvent.objects.get(family_id=samtale.case.family_id)
    assert (event.actor, event.action, event.path) == (sender, AccessAction.PDF, url)
    assert (event.object_type, event.object_id) == ("avklaringssamtale", str(samtale.pk))


def test_invitation__no_grant__writes_no_audit_event(samtale, outsider_client):
    outsider_client.get(invitation_url(samtale))

    assert not AccessEvent.objects.exists()


def test_invitation__pdf__names_child_guardians_time_place_sender_and_municipality(samtale, staff_client):
    text = pdf_text(staff_client.get(invitation_url(samtale)))

    with translation.override(PAGE_LANGUAGE):
        day = date_format(STARTS_AT.astimezone(OSLO), "DATE_FORMAT")
    assert "Invitasjon til samtale om Emma Test" in text  # the default template's subject, filled in
    assert "Guro Test" in text
    assert "Per Test" in text
    assert "Stein Stefar" not in text  # no parental responsibility: not a recipient
    assert day in text
    assert "10:00" in text
    assert "Møterom 2, Vestbygd skule" in text
    assert "Lise Lærar" in text
    assert "Vestbygd skule" in text
    assert "Tlf. 56 00 00 00" in text


def test_invitation__every_placeholder__is_filled(samtale, leader, staff_client):
    set_letter(
        leader,
        letterhead="{kommune}",
        subject="Til {foresatte}",
        body="barn={barn} tid={tidspunkt} stad={sted}",
        signature="{avsender}, {enhet}",
    )

    text = pdf_text(staff_client.get(invitation_url(samtale)))

    assert "{" not in text
    assert "Øygarden kommune" in text
    with translation.override(PAGE_LANGUAGE):
        guardians = translation.gettext("%(names)s and %(last)s") % {"names": "Guro Test", "last": "Per Test"}
    assert f"Til {guardians}" in text
    assert "barn=Emma Test" in text
    assert "stad=Møterom 2, Vestbygd skule" in text
    assert "Lise Lærar, Vestbygd skule" in text


def test_invitation__unknown_placeholders_and_stray_braces__stay_as_text(samtale, leader, staff_client):
    set_letter(leader, body="Hei {ukjend} og {barn}. {0} {barn.namn} { } { Stad: {sted}")
    Avklaringssamtale.objects.filter(pk=samtale.pk).update(place="Rom {barn}")

    response = staff_client.get(invitation_url(samtale))

    assert response.status_code == 200
    text = pdf_text(response)
    assert "Hei {ukjend} og Emma Test. {0} {barn.namn} { } { Stad: Rom {barn}" in text
    # A filled-in value is not filled in again: the place is shown as typed.
    assert "Rom {barn}" in text


def test_invitation__html_in_user_text__is_escaped(samtale, leader, staff_client):
    set_letter(leader, subject="<i>Viktig</i>", body='<b>Hei</b> <img src="https://example.com/x.png"> {sted}')
    Avklaringssamtale.objects.filter(pk=samtale.pk).update(place="<script>alert(1)</script>")

    text = pdf_text(staff_client.get(invitation_url(samtale)))

    assert "<i>Viktig</i>" in text
    assert '<b>Hei</b> <img src="https://example.com/x.png"> <script>alert(1)</script>' in text


def test_invitation__uses_print_css__a4_portrait(samtale, staff_client, tmp_path):
    response = staff_client.get(invitation_url(samtale))

    assert "(A4)" in pdf_page_size(response, tmp_path)
    assert "595.276 x 841.89" in pdf_page_size(response, tmp_path)


# --- Samtaleduk 1 -------------------------------------------------------------------------------------------------


def test_samtaleduk__three_ways(recorded, client, outsider_client, staff_client):
    url = samtaleduk_url(recorded)

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    assert outsider_client.get(url).status_code == 404

    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="samtaleduk-1-2026-03-03.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_samtaleduk__samtale_of_another_family_under_own_family__is_404(family, staff_client):
    other = other_familys_samtale()

    assert staff_client.get(reverse("print:samtaleduk_filled", args=[family.pk, other.pk])).status_code == 404


def test_samtaleduk__download__writes_a_pdf_audit_event(recorded, sender, staff_client):
    staff_client.get(samtaleduk_url(recorded))

    event = AccessEvent.objects.get(family_id=recorded.case.family_id)
    assert (event.actor, event.action, event.object_id) == (sender, AccessAction.PDF, str(recorded.pk))


def test_samtaleduk__pdf__has_the_six_headings_and_the_recorded_answers(recorded, staff_client):
    text = pdf_text(staff_client.get(samtaleduk_url(recorded)))

    for name in Avklaringssamtale.DUK_FIELDS:
        assert in_page_language(Avklaringssamtale._meta.get_field(name).verbose_name) in text
        assert getattr(recorded, name) in text
    assert "Emma Test" in text
    assert "Lærar snakkar med Emma kvar måndag" in text


def test_samtaleduk__html_in_an_answer__is_escaped(recorded, sender, staff_client):
    Avklaringssamtale.objects.filter(pk=recorded.pk).update(duk_dreams="<b>Hest</b> & <u>hund</u>")

    assert "<b>Hest</b> & <u>hund</u>" in pdf_text(staff_client.get(samtaleduk_url(recorded)))


def test_samtaleduk__uses_print_css__a4_landscape(recorded, staff_client, tmp_path):
    response = staff_client.get(samtaleduk_url(recorded))

    assert "841.89 x 595.276" in pdf_page_size(response, tmp_path)


def duk_heading(name: str) -> str:
    return in_page_language(Avklaringssamtale._meta.get_field(name).verbose_name)


def continued_marker(page: int) -> str:
    return f"{in_page_language('Continued on page')} {page} →"


def test_samtaleduk__a_very_long_answer__is_printed_whole_on_a_continuation_sheet(recorded, staff_client):
    """The canvas shows the answer's beginning and where it goes on; the sheets after it have the whole answer."""
    Avklaringssamtale.objects.filter(pk=recorded.pk).update(duk_hard="Setning. " * 600 + "SLUTT")

    response = staff_client.get(samtaleduk_url(recorded))

    canvas = pdf_pages_text(response, 1, 1)
    assert continued_marker(2) in canvas
    assert "Fortsetter på side 2 →" in canvas  # the marker reads as Norwegian
    assert "Setning." in canvas
    assert "SLUTT" not in canvas
    continuation = pdf_pages_text(response, 2)
    assert in_page_language("Samtaleduk 1, continued") in continuation
    assert duk_heading("duk_hard") in continuation
    assert printed_whole("Setning. " * 600 + "SLUTT", continuation)
    # The other answers fitted their boxes: they are on the canvas and not repeated.
    assert "Emma likar å teikna." in canvas
    assert "Emma likar å teikna." not in continuation


@pytest.fixture
def without_agreements(recorded):
    recorded.action_points.all().delete()
    return recorded


def test_samtaleduk__long_header_values__keep_as_many_pages_as_the_blank_canvas(
    without_agreements, staff_client, tmp_path
):
    """Found by a newcomer: a place that wrapped pushed the second row of boxes onto a second sheet."""
    Avklaringssamtale.objects.filter(pk=without_agreements.pk).update(
        place="Vestbygd skule, møterom 1",
        participants="Guro Test (mor), Per Test (far), Emma, Lise Lærar (kontaktlærar), Anne Berg (helsesjukepleiar)",
    )
    blank = staff_client.get(reverse("print:samtaleduk_blank"))

    filled = staff_client.get(samtaleduk_url(without_agreements))

    assert pdf_page_count(filled, tmp_path) == pdf_page_count(blank, tmp_path) == 1
    text = pdf_text(filled)
    assert "Vestbygd skule, møterom 1" in text
    assert "Anne Berg (helsesjukepleiar)" in text
    assert in_page_language("Continued on page") not in text
    for name in Avklaringssamtale.DUK_FIELDS:
        assert getattr(without_agreements, name) in text


def test_samtaleduk__agreements__follow_the_canvas_on_one_more_sheet(recorded, staff_client, tmp_path):
    response = staff_client.get(samtaleduk_url(recorded))

    assert pdf_page_count(response, tmp_path) == 2
    assert "Lærar snakkar med Emma kvar måndag" not in pdf_pages_text(response, 1, 1)
    assert "Lærar snakkar med Emma kvar måndag" in pdf_pages_text(response, 2, 2)


def test_samtaleduk__header_values_too_long_for_the_header__are_printed_whole_after_the_canvas(
    without_agreements, staff_client, tmp_path
):
    place = "Vestbygd skule, " + " ".join(f"stad{number}" for number in range(40)) + " SLUTTSTAD"
    participants = ", ".join(f"Deltakar{number} Etternamn" for number in range(60)) + " SLUTTDELTAKAR"
    Avklaringssamtale.objects.filter(pk=without_agreements.pk).update(place=place[:200], participants=participants)

    response = staff_client.get(samtaleduk_url(without_agreements))

    canvas = pdf_pages_text(response, 1, 1)
    assert canvas.count(continued_marker(2)) == 2
    assert "SLUTTSTAD" not in canvas
    assert "SLUTTDELTAKAR" not in canvas
    for name in Avklaringssamtale.DUK_FIELDS:
        assert duk_heading(name) in canvas
        assert getattr(without_agreements, name) in canvas
    continuation = pdf_pages_text(response, 2)
    assert printed_whole(place[:200], continuation)
    assert printed_whole(participants, continuation)
    assert pdf_page_count(response, tmp_path) == 2


def test_samtaleduk__very_long_answers_in_every_box__every_word_is_printed_and_page_one_is_the_canvas(
    without_agreements, staff_client, tmp_path
):
    answers = {
        name: "\n\n".join(" ".join(f"b{box}p{paragraph}w{word}" for word in range(60)) for paragraph in range(8))
        for box, name in enumerate(Avklaringssamtale.DUK_FIELDS, start=1)
    }
    Avklaringssamtale.objects.filter(pk=without_agreements.pk).update(**answers)

    response = staff_client.get(samtaleduk_url(without_agreements))

    continuation = pdf_pages_text(response, 2)
    for answer in answers.values():
        assert printed_whole(answer, continuation)
    canvas = pdf_pages_text(response, 1, 1)
    assert canvas.count(in_page_language("Continued on page")) == 6
    rows = pdf_pages_text(response, 1, 1, layout=True).splitlines()
    first_row = next(line for line in rows if duk_heading("duk_works") in line)
    assert duk_heading("duk_hard") in first_row
    assert duk_heading("duk_good_at") in first_row
    second_row = next(line for line in rows if duk_heading("duk_dreams") in line)
    assert duk_heading("duk_agreement") in second_row
    assert rows.index(first_row) < rows.index(second_row)
    assert "841.89 x 595.276" in pdf_page_size(response, tmp_path)


def test_samtaleduk_blank__three_ways(client, staff_client):
    url = reverse("print:samtaleduk_blank")
    parent = factories.UserFactory(role=roles.FAMILY_MEMBER)

    assert client.get(url).status_code == 302
    assert client_for(parent).get(url).status_code == 404
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="samtaleduk-1.pdf"'


def test_samtaleduk_blank__has_the_headings_no_family_data_and_writes_no_audit_event(recorded, staff_client):
    text = pdf_text(staff_client.get(reverse("print:samtaleduk_blank")))

    for name in Avklaringssamtale.DUK_FIELDS:
        assert in_page_language(Avklaringssamtale._meta.get_field(name).verbose_name) in text
    assert "Emma" not in text
    assert "Fotball." not in text
    assert not AccessEvent.objects.exists()


# --- The URL fetcher ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/style.css",
        "http://localhost:8000/static/css/print.css",
        "ftp://example.com/x",
        "data:text/css,body{color:red}",
        "file:///etc/passwd",
        "file:///work/main/static/css/print.css",
        "file://example.com/static/css/print.css",
        "file:///static/../etc/passwd",
        "file:///static/css/%2e%2e/%2e%2e/familielos/settings.py",
        "file:///static/css//print.css",
        "file:///static/",
        "file:///static/css/print.css?x=1",
        "file:///static/css/no-such-file.css",
    ],
)
def test_static_files_fetcher__anything_but_a_static_file__is_refused(url):
    with pytest.raises(pdf.URLRefused):
        pdf_engine.StaticFilesFetcher().fetch(url)


def test_static_files_fetcher__a_static_file__is_read_through_the_finders():
    response = pdf_engine.StaticFilesFetcher().fetch("file:///static/css/print.css")

    assert response.content_type == "text/css"
    assert b"@page letter" in response.read()
    response.close()


class RecordingFetcher(pdf_engine.StaticFilesFetcher):
    def __init__(self):
        super().__init__()
        self.asked = []

    def fetch(self, url, headers=None):
        self.asked.append(url)
        return super().fetch(url, headers)


def test_static_files_fetcher__in_weasyprint__never_reaches_the_network_or_other_files(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("a PDF tried to reach the network")

    monkeypatch.setattr("socket.create_connection", no_network)
    monkeypatch.setattr("urllib.request.OpenerDirector.open", no_network)
    fetcher = RecordingFetcher()
    html = (
        '<link rel="stylesheet" href="https://example.com/x.css"><link rel="stylesheet" href="/etc/passwd">'
        '<link rel="stylesheet" href="css/print.css"><img src="http://169.254.169.254/latest/meta-data/">'
    )

    content = HTML(string=html, base_url=pdf.STATIC_BASE_URL, url_fetcher=fetcher).write_pdf()

    assert content.startswith(b"%PDF-")
    assert sorted(fetcher.asked) == sorted(
        [
            "https://example.com/x.css",
            "file:///etc/passwd",
            "file:///static/css/print.css",
            "http://169.254.169.254/latest/meta-data/",
        ]
    )


def test_layout__every_pdf__reads_through_the_static_files_fetcher(monkeypatch):
    """The layout every PDF view goes through (familielos.pdf → pdf_engine.layout) asks the fetcher for every URL,
    relative to the static files' base, and reaches no network."""

    def no_network(*args, **kwargs):
        raise AssertionError("a PDF tried to reach the network")

    monkeypatch.setattr("socket.create_connection", no_network)
    monkeypatch.setattr("urllib.request.OpenerDirector.open", no_network)
    fetcher = RecordingFetcher()
    monkeypatch.setattr(pdf_engine, "STATIC_FILES_FETCHER", fetcher)
    html = '<link rel="stylesheet" href="http://169.254.169.254/x.css"><link rel="stylesheet" href="css/print.css">'

    document = pdf_engine.layout(html)

    assert document.write_pdf().startswith(b"%PDF-")
    assert sorted(fetcher.asked) == ["file:///static/css/print.css", "http://169.254.169.254/x.css"]


def test_overflowing_frames__only_frames_whose_content_ends_below_them():
    html = (
        '<div id="fit-short" style="height: 20mm; overflow: hidden"><p id="fit-short-content">Kort.</p></div>'
        '<div id="fit-long" style="height: 20mm; overflow: hidden">'
        f'<p id="fit-long-content">{"Lang tekst. " * 400}</p></div>'
        '<div id="fit-empty" style="height: 20mm"></div>'
    )

    document = HTML(string=html).render()

    assert pdf.overflowing_frames(document) == {"long"}


def test_pdf_filename__norwegian_letters__become_plain_ascii():
    assert pdf.pdf_filename("Brevmal", "Åsa Ødegård Lærar") == "brevmal-asa-odegard-laerar.pdf"


# --- Letter-template editor ---------------------------------------------------------------------------------------


EDITOR_URLS = [
    ("print:letter_template_list", []),
    ("print:letter_template_edit", [LetterKind.AVKLARING_INVITATION]),
    ("print:letter_template_preview", [LetterKind.AVKLARING_INVITATION]),
]


@pytest.mark.parametrize(("name", "args"), EDITOR_URLS)
def test_letter_editor__three_ways(name, args, client, staff_client, leader):
    url = reverse(name, args=args)

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, {"subject": "x", "body": "y", "letterhead": "z"}).status_code in (404, 405)
    assert client_for(leader).get(url).status_code == 200


def test_letter_editor__unknown_kind__is_404(leader):
    assert client_for(leader).get(reverse("print:letter_template_edit", args=["brev"])).status_code == 404


def test_letter_template_list__shows_both_letters(leader):
    response = client_for(leader).get(reverse("print:letter_template_list"))

    for kind in LetterKind:
        assert reverse("print:letter_template_edit", args=[kind]) in response.text


def test_letter_template_edit__lists_the_placeholders(leader):
    response = client_for(leader).get(reverse("print:letter_template_edit", args=[LetterKind.AVKLARING_INVITATION]))

    for name in ("barn", "foresatte", "tidspunkt", "sted", "avsender", "enhet", "kommune"):
        assert f"<code>{{{name}}}</code>" in response.text


GOOD_LETTER = {
    "letterhead": "Øygarden kommune",
    "subject": "Invitasjon til samtale om {barn}",
    "body": "Hei {foresatte}.\n\nVelkommen {tidspunkt}.",
    "signature": "Helsing\n{avsender}",
}


def test_letter_template_edit__good_input__saves_through_the_action_and_redirects(leader):
    url = reverse("print:letter_template_edit", args=[LetterKind.AVKLARING_INVITATION])

    response = client_for(leader).post(url, GOOD_LETTER)

    assert response.status_code == 302
    assert response.url == url
    template = LetterTemplate.objects.get(kind=LetterKind.AVKLARING_INVITATION)
    assert (template.letterhead, template.body, template.updated_by) == (
        "Øygarden kommune",
        GOOD_LETTER["body"],
        leader,
    )


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"subject": ""}, "subject", "required"),
        ({"subject": "   "}, "subject", "required"),
        ({"body": ""}, "body", "required"),
        ({"letterhead": ""}, "letterhead", "required"),
        ({"subject": "x" * 201}, "subject", "max_length"),
        ({"body": "Linje med tekst {barn}.\n\n" * 400}, "body", "max_length"),
        ({"signature": "x" * 1001}, "signature", "max_length"),
        ({"body": "Hei {barnet}"}, "body", "unknown_placeholder"),
        ({"signature": "{Avsender}"}, "signature", "unknown_placeholder"),
        ({"subject": "Invitasjon {barn"}, "subject", "unpaired_brace"),
        ({"body": "Om barn} og {barn}"}, "body", "unpaired_brace"),
        ({"signature": "Hilsen {avsender"}, "signature", "unpaired_brace"),
        ({"body": "Hei {barn.namn}"}, "body", "unknown_placeholder"),
    ],
)
def test_letter_template_edit__bad_input__shows_field_error_and_saves_nothing(leader, changes, field, code):
    before = LetterTemplate.objects.get(kind=LetterKind.AVKLARING_INVITATION)
    url = reverse("print:letter_template_edit", args=[LetterKind.AVKLARING_INVITATION])

    response = client_for(leader).post(url, {**GOOD_LETTER, **changes})

    assert response.status_code == 200
    form = response.context["form"]
    assert [error.code for error in form.errors.as_data()[field]] == [code]
    assert f'id="id_{field}_error"' in response.text
    assert f'href="#id_{field}"' in response.text
    after = LetterTemplate.objects.get(kind=LetterKind.AVKLARING_INVITATION)
    assert (after.subject, after.body, after.updated_at) == (before.subject, before.body, before.updated_at)


def test_letter_template_preview__a_word_longer_than_the_line__wraps_and_is_printed_whole(leader):
    word = "".join(f"ord{number:04d}" for number in range(300))
    set_letter(leader, subject="Samtale", body=f"Sjå {word} no.")

    response = client_for(leader).get(reverse("print:letter_template_preview", args=[LetterKind.AVKLARING_INVITATION]))

    # pdftotext reads the wrapped lines one after another: joined again, they hold the whole word.
    assert word in pdf_text(response).replace(" ", "")


def test_letter_template_preview__fills_the_saved_template_with_example_data(leader):
    set_letter(leader, subject="Samtale om {barn}", body="Til {foresatte} frå {avsender} i {kommune}.")

    response = client_for(leader).get(reverse("print:letter_template_preview", args=[LetterKind.AVKLARING_INVITATION]))

    text = pdf_text(response)
    assert f"Samtale om {in_page_language('Emma Example')}" in text
    assert in_page_language("Kari Example") in text
    assert "Lea Leiar" in text
    assert "Øygarden kommune" in text
    assert response["Content-Disposition"] == 'attachment; filename="brevmal-avklaring-forhandsvisning.pdf"'
    assert not AccessEvent.objects.exists()


def test_invitation__printed_by_someone_reading_the_app_in_nynorsk__is_all_in_the_municipalitys_language(
    samtale, staff_client
):
    """The letter template is written in the municipality's language: its weekday and headings are too (3 March 2026
    is a Tuesday: "tirsdag" in Bokmål, "tysdag" in Nynorsk)."""
    text = pdf_text(staff_client.get(invitation_url(samtale), HTTP_ACCEPT_LANGUAGE="nn"))
    assert "tirsdag" in text
    assert "tysdag" not in text
    assert in_page_language("Our date") in text
