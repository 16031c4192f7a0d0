"""The familieteam's PDFs: samtaleduk 2 (A3 landscape, blank or filled, long text never cut), the minutes and the
invitation letter (A4): who may download them, the audit event, and what the PDF says."""

import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from cases import access
from cases.models import ActionStatus, LetterKind, LetterTemplate, Level, OwnerKind, PersonRole
from familielos import roles
from familielos.models import AccessAction, AccessEvent
from familieteam import workflow
from familieteam.models import Column, EvaluationResult, LifeArea
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
FIRST_AT = datetime(2026, 3, 3, 10, 0, tzinfo=OSLO)
SECOND_AT = datetime(2026, 4, 7, 13, 30, tzinfo=OSLO)
A3_LANDSCAPE = "Page size:       1190.55 x 841.89 pts (A3)"
A4_PORTRAIT = "Page size:       595.276 x 841.89 pts (A4)"


def pdf_text(response) -> str:
    """The PDF's text as pdftotext reads it, every run of whitespace made one space."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    result = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def squeezed(text: str) -> str:
    """The text without spaces: where a word or an address wrapped at the end of a narrow cell does not matter."""
    return text.replace(" ", "")


def pdf_info(response, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(response.content)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout


def pdf_page_count(response, tmp_path) -> int:
    line = next(line for line in pdf_info(response, tmp_path).splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def printed_whole(expected: str, text: str) -> bool:
    """Every word of `expected` is in `text`, in order, with nothing between them but page furniture (a sheet's
    footer and repeated column headings, where the text continues on the next sheet)."""
    words = expected.split()
    vocabulary = set(words)
    return [word for word in text.split() if word in vocabulary] == words


def in_language(text, language="nb") -> str:
    """A msgid (plain or lazy) as a PDF in `language` shows it."""
    with translation.override(language):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def write(actor, meeting, area, column, text, due=None):
    """Save a cell from the version it has now (carried over or new)."""
    cell = meeting.cells.filter(life_area=area, column=column).first()
    saved = workflow.save_cell(
        actor=actor,
        meeting=meeting,
        life_area=area,
        column=column,
        text=text,
        due=due,
        base_version=cell.version if cell else 0,
    )
    assert saved.saved
    return saved.cell


@pytest.fixture(autouse=True)
def municipality(settings):
    settings.MUNICIPALITY_NAME = "Øygarden kommune"


def _level_3():
    """A case at level 3: (case, the ressursteam member who decided, the familielos)."""
    los = factories.familielos(first_name="Frida", last_name="Los")
    case, _team, los, decider = factories.case_at(Level.FAMILIELOS, los=los, family_name="Familien Berg")
    return case, decider, los


def _member(case):
    """A service member of the familieteam: (member, user)."""
    unit = factories.ServiceUnitFactory(name="PPT Øygarden", contact="Tlf. 56 11 11 11")
    return factories.familieteam_member(case, unit=unit, first_name="Per", last_name="Ppt")


def _trusted(case):
    return factories.trusted_person(case, name="Nabo Nils", relation="Nabo")


def _first(case, member, trusted, areas):
    """The first meeting, planned: an action and a goal written, which the second meeting evaluates."""
    los = case.familielos
    meeting = factories.familieteam_meeting(
        case, starts_at=FIRST_AT, place="Familiens heim", invited=[member[0], trusted]
    )
    write(los, meeting, areas[2], Column.NOW, "Kari tek skulebussen sjølv kvar morgon.")
    write(los, meeting, areas[2], Column.SHORT_GOAL, "Kari er på skulen fire dagar i veka.", due=date(2026, 5, 1))
    return meeting


def _second(case, member, trusted, first, areas):
    """The second meeting, planned, the first one held: a filled canvas, the first one evaluated, three action
    points, a second guardian."""
    los = case.familielos
    meeting = workflow.finish_meeting(
        actor=los,
        meeting=first,
        present=[member[0]],
        family_present="Guro (mor)",
        next_starts_at=SECOND_AT,
        next_place="Møterom 3, Vestbygd skule",
    )
    first.refresh_from_db()
    factories.person(
        case.family, role=PersonRole.GUARDIAN, parental_responsibility=True, first_name="Ole", last_name="Berg"
    )
    for row, area in enumerate(areas):
        for column in (Column.WORKS, Column.HARD, Column.HELPERS):
            write(los, meeting, area, column, f"Tekst i rad {row} kolonne {column.value}.")
    write(los, meeting, areas[0], Column.LONG_GOAL, "Kari søv godt om nettene.", due=date(2026, 12, 1))
    previous_now = first.cells.get(column=Column.NOW)
    previous_goal = first.cells.get(column=Column.SHORT_GOAL)
    workflow.evaluate(
        actor=los, meeting=meeting, cell=previous_now, result=EvaluationResult.PARTLY, comment="Berre tre dagar."
    )
    workflow.evaluate(actor=los, meeting=meeting, cell=previous_goal, result=EvaluationResult.DONE)
    workflow.set_action_point(
        actor=los,
        meeting=meeting,
        what="Ringje PPT om kartlegging",
        owner=workflow.Owner(OwnerKind.STAFF, user_id=member[1].pk),
        due=date(2026, 4, 20),
    )
    guardian = case.family.persons.get(first_name="Guro")
    point = workflow.set_action_point(
        actor=los,
        meeting=meeting,
        what="Melde Kari på fotball",
        owner=workflow.Owner(OwnerKind.GUARDIAN, person_id=guardian.pk),
        due=date(2026, 4, 30),
    )
    workflow.set_action_point_status(actor=los, point=point, status=ActionStatus.DONE, comment="Gjort", base_version=1)
    workflow.set_action_point(
        actor=los,
        meeting=meeting,
        what="Besøk på fritidsklubben",
        owner=workflow.Owner(OwnerKind.TRUSTED, member_id=trusted.pk),
        due=None,
    )
    return meeting


@pytest.fixture(scope="module")
def berg(django_db_setup, django_db_blocker):
    """Familien Berg with its second meeting and another family's familielos, made once for the module and rolled
    back after it; each test runs in a savepoint inside it, rolled back after it, so what one test writes, finishes
    or removes is gone for the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        with translation.override("en"):
            case, decider, los = _level_3()
            member = _member(case)
            trusted = _trusted(case)
            areas = list(LifeArea.objects.filter(active=True))
            second = _second(case, member, trusted, _first(case, member, trusted, areas), areas)
            other_los = factories.case_at(Level.FAMILIELOS, family_name="Familien Annan")[2]
        yield {
            "case": case,
            "decider": decider,
            "los": los,
            "member": member[0],
            "member_user": member[1],
            "second": second,
            "other_los": other_los,
        }
        transaction.set_rollback(True)


@pytest.fixture
def world(db, berg):
    """The module's Familien Berg read afresh for each test, as the rolled-back database holds it."""
    return {key: type(obj)._default_manager.get(pk=obj.pk) for key, obj in berg.items()}


@pytest.fixture
def level_3(world):
    """A case at level 3: (case, the ressursteam member who decided, the familielos)."""
    return world["case"], world["decider"], world["los"]


@pytest.fixture
def case(level_3):
    return level_3[0]


@pytest.fixture
def familielos(level_3):
    return level_3[2]


@pytest.fixture
def member(world):
    """A service member of the familieteam: (member, user)."""
    return world["member"], world["member_user"]


@pytest.fixture
def areas(db):
    return list(LifeArea.objects.filter(active=True))


@pytest.fixture
def second(world):
    """The second meeting, planned: a filled canvas, the first one evaluated, three action points, a second guardian."""
    return world["second"]


@pytest.fixture
def first_alone(db, areas):
    """A family of its own whose first meeting is planned and no second one exists: (familielos, the meeting)."""
    case, _decider, los = _level_3()
    return los, _first(case, _member(case), _trusted(case), areas)


def canvas_url(meeting):
    return reverse("familieteam:canvas_pdf", args=[meeting.pk])


def minutes_url(meeting):
    return reverse("familieteam:minutes_pdf", args=[meeting.pk])


def invitation_url(meeting):
    return reverse("familieteam:invitation_pdf", args=[meeting.pk])


MEETING_PDFS = [canvas_url, minutes_url, invitation_url]


# --- Who may download them ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", MEETING_PDFS)
def test_meeting_pdfs__anonymous__go_to_login(second, client, url):
    response = client.get(url(second))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", MEETING_PDFS)
def test_meeting_pdfs__outside_the_familieteam__are_404_and_not_audited(world, level_3, second, outsider, url):
    """The case's ressursteam member and its opener see the family, but not its team's meetings; another family's
    familielos sees nothing of it."""
    case, decider, _los = level_3
    assert access.can(decider, case.family, access.VIEW)
    assert access.can(case.opened_by, case.family, access.VIEW)
    other_los = world["other_los"]
    for user in (outsider, decider, case.opened_by, other_los):
        assert client_for(user).get(url(second)).status_code == 404
    assert not AccessEvent.objects.filter(action=AccessAction.PDF).exists()


@pytest.mark.parametrize("url", MEETING_PDFS)
def test_meeting_pdfs__removed_member__is_404_at_once(case, member, second, url):
    workflow.remove_member(actor=case.familielos, member=member[0])

    assert client_for(member[1]).get(url(second)).status_code == 404


@pytest.mark.parametrize("url", MEETING_PDFS)
def test_meeting_pdfs__familielos_and_member__download_it_uncached_with_an_audit_event(
    case, familielos, member, second, url
):
    for user in (familielos, member[1]):
        response = client_for(user).get(url(second))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith('attachment; filename="')
        assert response["Content-Disposition"].isascii()
        assert "no-store" in response["Cache-Control"]
        event = AccessEvent.objects.filter(actor=user).get()
        assert (event.action, event.family_id, event.path) == (AccessAction.PDF, case.family_id, url(second))
        assert (event.object_type, event.object_id) == ("familieteammeeting", str(second.pk))


def test_meeting_pdfs__file_names__are_plain_ascii_with_the_date(familielos, second):
    client = client_for(familielos)
    names = [client.get(url(second))["Content-Disposition"] for url in MEETING_PDFS]

    assert names == [
        'attachment; filename="samtaleduk-2-2026-04-07.pdf"',
        'attachment; filename="referat-familieteam-2026-04-07.pdf"',
        'attachment; filename="invitasjon-familieteam-2026-04-07.pdf"',
    ]


def test_canvas_blank__staff_only(client, staff, outsider, familielos):
    url = reverse("familieteam:canvas_blank_pdf")
    parent = factories.UserFactory(role=roles.FAMILY_MEMBER)

    assert client.get(url).url.startswith(reverse("login"))
    assert client_for(parent).get(url).status_code == 404
    for user in (staff, outsider, familielos):
        assert client_for(user).get(url).status_code == 200


# --- Samtaleduk 2 ---------------------------------------------------------------------------------------------------


def test_canvas__a3_landscape__every_written_cell_and_the_headings(familielos, second, areas, tmp_path):
    response = client_for(familielos).get(canvas_url(second))

    assert A3_LANDSCAPE in pdf_info(response, tmp_path)
    text = pdf_text(response)
    assert "Samtaleduk 2" in text
    assert "Familien Berg" in text
    assert "07.04.2026 13:30" in text
    assert "Møterom 3, Vestbygd skule" in text
    assert in_language(translation.pgettext_lazy("samtaleduk 2", "How we have it today")) in text
    for column in Column:
        assert in_language(column.label) in text
    for area in areas:
        assert area.name_nb in text
    for cell in second.cells.exclude(text=""):
        assert cell.text in text
    by_date = in_language(translation.pgettext_lazy("samtaleduk 2 goal", "by %(date)s")) % {"date": "01.12.2026"}
    assert by_date in text


def test_canvas__evaluation_of_the_previous_meeting_and_the_action_points(familielos, second):
    text = pdf_text(client_for(familielos).get(canvas_url(second)))

    evaluation = text[text.index(in_language("Evaluation of the previous meeting")) :]
    assert "Kari tek skulebussen sjølv kvar morgon. " + in_language(EvaluationResult.PARTLY.label) in evaluation
    assert "Berre tre dagar." in evaluation
    assert "Kari er på skulen fire dagar i veka." in evaluation
    assert in_language(EvaluationResult.DONE.label) in evaluation
    points = evaluation[evaluation.index(in_language("Action points")) :]
    assert f"Ringje PPT om kartlegging Per Ppt 20.04.2026 {in_language(ActionStatus.OPEN.label)}" in points
    assert f"Melde Kari på fotball Guro Test 30.04.2026 {in_language(ActionStatus.DONE.label)} Gjort" in points
    assert f"Besøk på fritidsklubben Nabo Nils – {in_language(ActionStatus.OPEN.label)}" in points


def test_canvas__a_3000_character_cell__is_printed_whole_on_the_sheets_after(familielos, second, areas, tmp_path):
    long_text = " ".join(f"ord{number}" for number in range(445))
    assert len(long_text) >= 3000
    write(familielos, second, areas[3], Column.DREAM, long_text)

    response = client_for(familielos).get(canvas_url(second))

    assert printed_whole(long_text, pdf_text(response))
    # The canvas took more than its own sheet; the evaluation and action points follow on the last.
    assert pdf_page_count(response, tmp_path) >= 3


def test_canvas__a_long_word_and_html__are_printed_as_text(familielos, second, areas):
    word = "Skule" + "x" * 300
    write(familielos, second, areas[1], Column.IMPORTANT, f'<b>Viktig</b> <img src="https://example.com/x.png"> {word}')

    text = squeezed(pdf_text(client_for(familielos).get(canvas_url(second))))

    assert '<b>Viktig</b><imgsrc="https://example.com/x.png">' + word in text


def test_canvas__a_life_area_no_longer_in_use__keeps_its_written_row(familielos, second, areas):
    LifeArea.objects.filter(pk=areas[5].pk).update(active=False)
    LifeArea.objects.filter(pk=areas[4].pk).update(active=False)
    second.cells.filter(life_area=areas[4]).delete()

    text = pdf_text(client_for(familielos).get(canvas_url(second)))

    assert "Tekst i rad 5 kolonne works." in text
    assert areas[5].name_nb in text
    assert areas[4].name_nb not in text


def test_canvas__first_meeting__has_no_evaluation(first_alone):
    familielos, first = first_alone
    text = pdf_text(client_for(familielos).get(canvas_url(first)))

    assert "Kari tek skulebussen sjølv kvar morgon." in text
    assert in_language("Evaluation of the previous meeting") not in text


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_canvas_blank__every_heading_and_life_area_in_the_language_and_no_family_data(
    language, staff, second, areas, tmp_path
):
    response = client_for(staff).get(reverse("familieteam:canvas_blank_pdf"), HTTP_ACCEPT_LANGUAGE=language)

    assert response["Content-Disposition"] == 'attachment; filename="samtaleduk-2.pdf"'
    assert A3_LANDSCAPE in pdf_info(response, tmp_path)
    assert pdf_page_count(response, tmp_path) == 1
    text = pdf_text(response)
    for column in Column:
        assert in_language(column.label, language) in text
    for area in areas:
        # A long name may wrap after its slash (Skule/ barnehage).
        assert squeezed(area.name_nn if language == "nn" else area.name_nb) in squeezed(text)
    assert "Familien Berg" not in text
    assert "Tekst i rad" not in text
    assert not AccessEvent.objects.exists()


def test_canvas_blank__nynorsk__life_area_names_in_nynorsk(staff, areas):
    text = pdf_text(client_for(staff).get(reverse("familieteam:canvas_blank_pdf"), HTTP_ACCEPT_LANGUAGE="nn"))

    assert "Heim og kvardag" in text
    assert "Hjem og hverdag" not in text


# --- Minutes --------------------------------------------------------------------------------------------------------


def test_minutes__a4_with_participants_canvas_evaluation_action_points_and_next_meeting(familielos, second, tmp_path):
    workflow.set_action_point(
        actor=familielos,
        meeting=second,
        what="Avtale time hos helsesjukepleiar",
        owner=workflow.Owner(OwnerKind.STAFF, user_id=familielos.pk),
        due=date(2026, 4, 15),
    )
    workflow.finish_meeting(
        actor=familielos,
        meeting=second,
        present=list(second.invited.all()),
        family_present="Guro og Ole",
        next_starts_at=datetime(2026, 5, 12, 9, 0, tzinfo=OSLO),
        next_place="Familiens heim",
    )

    response = client_for(familielos).get(minutes_url(second))

    assert A4_PORTRAIT in pdf_info(response, tmp_path)
    text = pdf_text(response)
    assert "Familien Berg" in text
    assert "07.04.2026 13:30" in text
    assert "Møterom 3, Vestbygd skule" in text
    assert "Frida Los" in text
    present = text[text.index(in_language("Present")) :]
    assert "Per Ppt (PPT Øygarden), Nabo Nils (Nabo)" in present
    assert "Guro og Ole" in text
    works = in_language(Column.WORKS.label)
    assert f"{areas_name(0)} – {works}: Tekst i rad 0 kolonne works." in text
    goal = in_language(Column.LONG_GOAL.label)
    assert f"{areas_name(0)} – {goal}: Kari søv godt om nettene." in text
    assert "Berre tre dagar." in text
    assert in_language(EvaluationResult.PARTLY.label) in text
    assert "Avtale time hos helsesjukepleiar Frida Los 15.04.2026" in text
    assert "Ringje PPT om kartlegging Per Ppt 20.04.2026" in text
    next_meeting = text[text.index(in_language("Next meeting")) :]
    assert "12.05.2026 09:00, Familiens heim" in next_meeting


def areas_name(index: int) -> str:
    return LifeArea.objects.filter(active=True)[index].name_nb


def test_minutes__planned_meeting__says_no_next_meeting_yet(familielos, second):
    text = pdf_text(client_for(familielos).get(minutes_url(second)))

    assert in_language("Next meeting") + " " + in_language("Not set yet.") in text


# --- Invitation -----------------------------------------------------------------------------------------------------


def test_invitation__the_familieteam_letter__filled_and_addressed_to_the_guardians(familielos, second, tmp_path):
    response = client_for(familielos).get(invitation_url(second))

    assert A4_PORTRAIT in pdf_info(response, tmp_path)
    text = pdf_text(response)
    assert "Invitasjon til familieteammøte" in text
    assert "Vi inviterer til møte i familieteamet rundt Kari Test." in text
    assert "Guro Test" in text
    assert "Ole Berg" in text
    assert "13:30" in text
    assert "Sted: Møterom 3, Vestbygd skule" in text
    assert "Frida Los" in text
    assert "{" not in text


def test_invitation__every_placeholder__is_filled(familielos, second):
    template = LetterTemplate.objects.get(kind=LetterKind.FAMILIETEAM_INVITATION)
    template.letterhead = "{kommune}"
    template.subject = "Til {foresatte}"
    template.body = "barn={barn} tid={tidspunkt} stad={sted}"
    template.signature = "{avsender}, {enhet}"
    template.save()

    text = pdf_text(client_for(familielos).get(invitation_url(second)))

    assert "{" not in text
    assert "Øygarden kommune" in text
    and_ = in_language("%(names)s and %(last)s") % {"names": "Guro Test", "last": "Ole Berg"}
    assert f"Til {and_}" in text
    assert "barn=Kari Test" in text
    assert "stad=Møterom 3, Vestbygd skule" in text
    assert "Frida Los, Familielos-tenesta" in text
    with translation.override("nb"):
        assert date_format(SECOND_AT, "DATE_FORMAT") in text


# --- Query counts -------------------------------------------------------------------------------------------------


def fill(meeting, actor, areas, columns):
    for area in areas:
        for column in columns:
            write(actor, meeting, area, column, f"{area.name_nb} {column.value}")


@pytest.mark.parametrize("url", [canvas_url, minutes_url])
def test_meeting_pdfs__query_count__flat_with_few_or_many_cells_and_points(
    familielos, member, second, areas, url, django_assert_max_num_queries
):
    client = client_for(familielos)
    client.get(url(second))  # the session and permissions cached like any later request
    with django_assert_max_num_queries(14) as few:
        client.get(url(second))
    fill(second, familielos, areas, list(Column))
    for number in range(20):
        workflow.set_action_point(
            actor=familielos,
            meeting=second,
            what=f"Punkt {number}",
            owner=workflow.Owner(OwnerKind.STAFF, user_id=member[1].pk),
            due=SECOND_AT.date() + timedelta(days=number),
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(second))
