"""The canvas page of a familieteam meeting: the grid, saving as you type, two people in one cell, the poll for
the others' changes, history and restore, evaluation of the previous meeting, who may see it, and its query
counts."""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Level
from familielos.models import AccessAction, AccessEvent
from familieteam import workflow
from familieteam.canvas_forms import CellForm
from familieteam.models import CanvasCell, CellVersion, Column, Evaluation, LifeArea, MeetingStatus
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
CURSOR = re.compile(r'id="canvas-cursor" name="cursor" value="([^"]*)"')


@pytest.fixture(scope="module")
def shared_setting(django_db_setup, django_db_blocker):
    """The setting below and everyone outside its familieteam, made once for the module and rolled back after it;
    each test runs in a savepoint inside it, rolled back after it, so what one test writes is gone for the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        with translation.override("en"):
            case, _team, los, ressursteam_member = factories.case_at(Level.FAMILIELOS)
            member_row, member = factories.familieteam_member(case)
            meeting = factories.familieteam_meeting(case, begun=True)
            other_case, _team, _other_los, _member = factories.case_at(Level.FAMILIELOS)
            removed_row, removed = factories.familieteam_member(case, unit=factories.ServiceUnitFactory())
            workflow.remove_member(actor=los, member=removed_row)
            outsider = factories.unit_staff()
        yield {
            "case": case,
            "los": los,
            "member": member,
            "member_row": member_row,
            "ressursteam_member": ressursteam_member,
            "meeting": meeting,
            "other_case": other_case,
            "removed": removed,
            "outsider": outsider,
        }
        transaction.set_rollback(True)


@pytest.fixture
def world(db, shared_setting):
    """The module's objects read afresh for each test, as the rolled-back database holds them."""
    return {key: type(obj)._default_manager.get(pk=obj.pk) for key, obj in shared_setting.items()}


@pytest.fixture
def setting(world):
    """A case at level 3 with its familielos, a service member of the team, the ressursteam member who decided,
    and a planned meeting under way (it began an hour ago)."""
    keys = ("case", "los", "member", "member_row", "ressursteam_member", "meeting")
    return {key: world[key] for key in keys}


@pytest.fixture
def other_case(world):
    """Another family's case at level 3, with its own familielos."""
    return world["other_case"]


@pytest.fixture
def outsiders(world):
    """Everyone who is not in the setting's familieteam: an outsider, the ressursteam member who decided, the case's
    opener, another family's familielos and a member removed from the team."""
    return {
        "outsider": world["outsider"],
        "ressursteam member": world["ressursteam_member"],
        "opener": world["case"].opened_by,
        "other familielos": world["other_case"].familielos,
        "removed member": world["removed"],
    }


@pytest.fixture
def area():
    return LifeArea.objects.filter(active=True).first()


def _url(name, meeting, *args):
    return reverse(f"familieteam:{name}", args=[meeting.pk, *args])


def _save(client, meeting, area, column, text, version, *, htmx=True, **extra):
    data = {"life_area": area.pk, "column": column, "text": text, "version": version, "due": "", **extra}
    return client.post(_url("cell_save", meeting), data, headers=HTMX if htmx else {})


def _write(actor, meeting, area, column, text, base=0, due=None):
    return workflow.save_cell(
        actor=actor, meeting=meeting, life_area=area, column=column, text=text, due=due, base_version=base
    ).cell


def _finish(setting, meeting=None):
    """The familielos finishes the setting's meeting (or `meeting`), the next one a month after it."""
    meeting = meeting or setting["meeting"]
    return workflow.finish_meeting(
        actor=setting["los"],
        meeting=meeting,
        present=[],
        family_present="Mor",
        next_starts_at=meeting.starts_at + timedelta(days=30),
        next_place="Skulen",
    )


# The page -------------------------------------------------------------------------------------------------------


def test_meeting_page__shows_every_area_and_column_and_the_saved_texts(setting, area):
    meeting = setting["meeting"]
    _write(setting["member"], meeting, area, Column.HARD, "Morgonane er tunge")
    response = client_for(setting["los"]).get(meeting.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("nb"):
        for life_area in LifeArea.objects.filter(active=True):
            for word in life_area.name.split("/"):
                assert word in html
            for column in Column:
                assert f'id="cell-{life_area.pk}-{column.value}-text"' in html
        for column in Column:
            assert str(column.label) in html
    assert '<th scope="colgroup" colspan="2" class="canvas-group">' in html
    assert "Morgonane er tunge" in html
    assert reverse("familieteam:meeting_finish", args=[meeting.pk]) in html
    assert reverse("familieteam:canvas_pdf", args=[meeting.pk]) in html
    assert reverse("familieteam:team", args=[setting["case"].family_id]) in html


def test_meeting_page__a_life_area_name__escaped_and_may_wrap_after_a_slash(setting):
    LifeArea.objects.create(name_nb="<b>Skole</b>/barnehage", name_nn="Skule/barnehage", position=99)
    html = client_for(setting["los"]).get(setting["meeting"].get_absolute_url()).content.decode()
    assert '<th scope="row" class="canvas-area">&lt;b&gt;Skole&lt;/<wbr>b&gt;/<wbr>barnehage</th>' in html


def test_meeting_page__a_member_does_not_get_the_finish_link(setting):
    meeting = setting["meeting"]
    response = client_for(setting["member"]).get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert reverse("familieteam:meeting_finish", args=[meeting.pk]) not in response.content.decode()


def test_meeting_page__before_the_meeting_begins__the_familielos_gets_no_finish_link(setting):
    meeting = workflow.reschedule_meeting(
        actor=setting["los"], meeting=setting["meeting"], starts_at=timezone.now() + timedelta(days=1), place="Skulen"
    )
    response = client_for(setting["los"]).get(meeting.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("familieteam:canvas_pdf", args=[meeting.pk]) in html
    assert reverse("familieteam:meeting_finish", args=[meeting.pk]) not in html


def test_meeting_page__once_the_meeting_has_begun__the_familielos_gets_the_finish_link(setting):
    meeting = setting["meeting"]
    assert meeting.has_begun()
    html = client_for(setting["los"]).get(meeting.get_absolute_url()).content.decode()
    assert reverse("familieteam:meeting_finish", args=[meeting.pk]) in html


def test_meeting_page__the_columns_read_as_on_the_paper_canvas(setting):
    """DOMAIN.md: how we have it today (what works, what is hard) · what matters to us · today's situation · what we
    do now · short- and long-term goals · … because we dream of · who can help us."""
    html = client_for(setting["los"]).get(setting["meeting"].get_absolute_url()).content.decode()
    with translation.override("nb"):
        headings = [
            "Det som fungerer for oss",
            "Det som er vanskelig for oss",
            "Det som er viktig for oss",
            "Dagens situasjon",
            "Dette skal vi gjøre nå",
            "Kortsiktig mål (innen dato)",
            "Langsiktig mål (innen dato)",
            "… fordi vi drømmer om",
            "Hvem kan hjelpe oss",
        ]
        assert [str(column.label) for column in Column] == headings
    # The first two stand in the heading's second row, under "how we have it today"; the others span both rows.
    positions = [html.find(f">{heading}</th>") for heading in headings[2:]]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert html.find(f">{headings[0]}</th>") < html.find(f">{headings[1]}</th>")


def test_meeting_page__the_goal_columns_have_a_date_field(setting, area):
    html = client_for(setting["los"]).get(setting["meeting"].get_absolute_url()).content.decode()
    assert f'id="cell-{area.pk}-short_goal-due"' in html
    assert f'id="cell-{area.pk}-long_goal-due"' in html
    assert f'id="cell-{area.pk}-now-due"' not in html


# Saving ---------------------------------------------------------------------------------------------------------


def test_cell_save__answers_the_saved_state_and_new_version_without_the_textarea(setting, area):
    meeting = setting["meeting"]
    response = _save(client_for(setting["member"]), meeting, area, Column.NOW, "Ringe skulen", 0)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="saved"' in html
    assert f'id="cell-{area.pk}-now-version" hx-swap-oob="true"' in html
    assert 'value="1"' in html
    assert "<textarea" not in html
    cell = CanvasCell.objects.get(meeting=meeting, life_area=area, column=Column.NOW)
    assert (cell.text, cell.version, cell.updated_by) == ("Ringe skulen", 1, setting["member"])


def test_cell_save__keeps_the_date_of_a_goal(setting, area):
    meeting = setting["meeting"]
    due = (timezone.localdate() + timedelta(days=180)).isoformat()
    _save(client_for(setting["los"]), meeting, area, Column.SHORT_GOAL, "Sove heile natta", 0, due=due)
    cell = CanvasCell.objects.get(meeting=meeting, column=Column.SHORT_GOAL)
    assert cell.due.isoformat() == due


def test_cell_save__without_javascript_redirects_to_the_cell(setting, area):
    meeting = setting["meeting"]
    response = _save(client_for(setting["los"]), meeting, area, Column.NOW, "Ringe PPT", 0, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == f"{meeting.get_absolute_url()}#cell-{area.pk}-now"


def test_two_clients_save_one_cell_from_one_version__the_first_wins_and_the_second_sees_both(setting, area):
    meeting = setting["meeting"]
    first = _save(client_for(setting["los"]), meeting, area, Column.NOW, "Kari søv betre", 0)
    second = _save(client_for(setting["member"]), meeting, area, Column.NOW, "Kari et frukost", 0)
    assert 'data-state="saved"' in first.content.decode()
    html = second.content.decode()
    assert 'data-state="conflict"' in html
    assert "Kari søv betre" in html
    assert "Kari et frukost" in html
    assert html.count('name="resolve"') == 3  # use mine, use theirs, merge
    assert f'id="cell-{area.pk}-now-conflict" hx-swap-oob="true"' in html
    assert f'id="cell-{area.pk}-now-version"' not in html  # still the old version: no save over the newer text
    cell = CanvasCell.objects.get(meeting=meeting, column=Column.NOW)
    assert (cell.text, cell.version) == ("Kari søv betre", 1)
    history = [(v.text, v.conflict) for v in cell.versions.all()]
    assert history == [("Kari søv betre", False), ("Kari et frukost", True)]


def test_use_mine_after_a_conflict_saves_on_top_of_the_newer_version(setting, area):
    meeting = setting["meeting"]
    _write(setting["los"], meeting, area, Column.NOW, "Kari søv betre")
    member = client_for(setting["member"])
    _save(member, meeting, area, Column.NOW, "Kari et frukost", 0)
    response = _save(member, meeting, area, Column.NOW, "Kari et frukost", 1, resolve="1")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="saved"' in html
    assert "Kari et frukost</textarea>" in html
    cell = CanvasCell.objects.get(meeting=meeting, column=Column.NOW)
    assert (cell.text, cell.version) == ("Kari et frukost", 2)


def test_a_conflict_without_javascript_shows_the_page_with_both_texts(setting, area):
    meeting = setting["meeting"]
    _write(setting["los"], meeting, area, Column.NOW, "Kari søv betre")
    response = _save(client_for(setting["member"]), meeting, area, Column.NOW, "Kari et frukost", 0, htmx=False)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" in html
    assert 'data-state="conflict"' in html
    assert "Kari et frukost" in html
    assert "Kari søv betre" in html


@pytest.mark.parametrize(
    ("field", "value"),
    [("text", "x" * 5001), ("life_area", "999999"), ("column", "nope"), ("due", "2030-13-45"), ("version", "abc")],
)
def test_cell_save__bad_input_is_an_error_and_writes_nothing(setting, area, field, value):
    meeting = setting["meeting"]
    data = {"life_area": area.pk, "column": Column.SHORT_GOAL, "text": "Ny tekst", "version": 0, "due": ""}
    data[field] = value
    response = client_for(setting["los"]).post(_url("cell_save", meeting), data, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="error"' in html
    with translation.override("nb"):
        assert str(CellForm.base_fields[field].label) in html
    assert not CanvasCell.objects.filter(meeting=meeting).exists()
    assert not CellVersion.objects.exists()


@pytest.mark.parametrize("saved_before", [False, True])
def test_cell_save__a_version_the_cell_never_had__is_refused_at_the_cell(setting, area, saved_before):
    meeting = setting["meeting"]
    if saved_before:
        _write(setting["los"], meeting, area, Column.NOW, "Fyrste tekst")
    versions = CellVersion.objects.count()

    response = _save(client_for(setting["member"]), meeting, area, Column.NOW, "Tukla med", 7)

    assert response.status_code == 200
    assert 'data-state="error"' in response.content.decode()
    with translation.override("nb"):
        message = translation.gettext("Your page shows a version of this cell that it never had. Load the page again.")
    assert message in response.content.decode()
    assert CellVersion.objects.count() == versions
    assert CanvasCell.objects.filter(meeting=meeting).count() == int(saved_before)


def test_cell_save__bad_input_without_javascript_keeps_the_typed_text(setting, area):
    meeting = setting["meeting"]
    data = {"life_area": area.pk, "column": Column.NOW, "text": "Tekst som vert igjen", "version": 0, "due": "x"}
    response = client_for(setting["los"]).post(_url("cell_save", meeting), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tekst som vert igjen</textarea>" in html
    assert 'class="error-summary"' in html
    assert not CanvasCell.objects.filter(meeting=meeting).exists()


# Live updates ---------------------------------------------------------------------------------------------------


def test_cell_changes__only_the_cells_changed_since_the_cursor_and_nothing_when_none(setting, area):
    meeting = setting["meeting"]
    los = client_for(setting["los"])
    _write(setting["los"], meeting, area, Column.WORKS, "Før sida vart opna")
    cursor = CURSOR.search(los.get(meeting.get_absolute_url()).content.decode()).group(1)
    poll = los.get(_url("cell_changes", meeting), {"cursor": cursor}, headers=HTMX)
    assert poll.status_code == 204
    assert poll.content == b""

    _write(setting["member"], meeting, area, Column.DREAM, "Ein tur til Danmark")
    poll = los.get(_url("cell_changes", meeting), {"cursor": cursor}, headers=HTMX)
    assert poll.status_code == 200
    html = poll.content.decode()
    assert f'id="cell-{area.pk}-dream" data-version="1" hx-swap-oob="true"' in html
    assert "Ein tur til Danmark" in html
    assert f"cell-{area.pk}-works" not in html
    assert "Før sida vart opna" not in html

    cursor = CURSOR.search(html).group(1)
    assert los.get(_url("cell_changes", meeting), {"cursor": cursor}, headers=HTMX).status_code == 204


def test_cell_changes__a_malformed_cursor_is_a_bad_request(setting):
    response = client_for(setting["los"]).get(_url("cell_changes", setting["meeting"]), {"cursor": "x:1-a"})
    assert response.status_code == 400


# History and restore --------------------------------------------------------------------------------------------


def test_cell_history__shows_every_version_and_the_conflict_copy(setting, area):
    meeting = setting["meeting"]
    cell = _write(setting["los"], meeting, area, Column.NOW, "Første tekst")
    workflow.save_cell(
        actor=setting["member"],
        meeting=meeting,
        life_area=area,
        column=Column.NOW,
        text="Tapte",
        due=None,
        base_version=0,
    )
    _write(setting["los"], meeting, area, Column.NOW, "Andre tekst", base=1)
    response = client_for(setting["member"]).get(_url("cell_history", meeting, cell.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Første tekst", "Andre tekst", "Tapte"):
        assert text in html
    assert "history-conflict" in html
    assert 'name="version"' not in html  # a member does not restore


def test_restore__the_familielos_puts_an_earlier_text_back(setting, area):
    meeting = setting["meeting"]
    cell = _write(setting["los"], meeting, area, Column.NOW, "Første tekst")
    _write(setting["member"], meeting, area, Column.NOW, "Andre tekst", base=1)
    first = cell.versions.get(version=1)
    response = client_for(setting["los"]).post(_url("cell_history", meeting, cell.pk), {"version": first.pk})
    assert response.status_code == 302
    cell.refresh_from_db()
    assert (cell.text, cell.version) == ("Første tekst", 3)


def test_restore__a_member_is_refused(setting, area):
    meeting = setting["meeting"]
    cell = _write(setting["los"], meeting, area, Column.NOW, "Første tekst")
    _write(setting["los"], meeting, area, Column.NOW, "Andre tekst", base=1)
    first = cell.versions.get(version=1)
    response = client_for(setting["member"]).post(_url("cell_history", meeting, cell.pk), {"version": first.pk})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    cell.refresh_from_db()
    assert (cell.text, cell.version) == ("Andre tekst", 2)


# Carry-over, evaluation, held meetings --------------------------------------------------------------------------


def test_the_next_meeting_starts_from_the_canvas_and_marks_what_was_carried(setting, area):
    meeting = setting["meeting"]
    _write(setting["los"], meeting, area, Column.NOW, "Ta bussen sjølv")
    following = _finish(setting)
    html = client_for(setting["los"]).get(following.get_absolute_url()).content.decode()
    assert "Ta bussen sjølv</textarea>" in html
    assert 'data-state="carried"' in html
    assert meeting.get_absolute_url() in html


def test_evaluation__saved_with_htmx_and_shown_on_both_canvases(setting, area):
    meeting = setting["meeting"]
    goal = _write(setting["los"], meeting, area, Column.SHORT_GOAL, "Sove heile natta")
    following = _finish(setting)
    member = client_for(setting["member"])
    page = member.get(following.get_absolute_url()).content.decode()
    assert f'id="eval-{goal.pk}"' in page
    data = {f"eval-{goal.pk}-result": "partly", f"eval-{goal.pk}-comment": "Betre nokre netter"}
    response = member.post(_url("evaluate", following, goal.pk), data, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<li class="evaluation-item" id="eval-{goal.pk}">' in html
    assert "Betre nokre netter" in html
    evaluation = Evaluation.objects.get(cell=goal)
    assert (evaluation.meeting, evaluation.result, evaluation.by) == (following, "partly", setting["member"])
    assert "Betre nokre netter" in member.get(following.get_absolute_url()).content.decode()
    held = member.get(meeting.get_absolute_url()).content.decode()
    assert "Betre nokre netter" in held
    assert 'class="cell-evaluation evaluation-partly"' in held


def test_evaluation__the_meeting_finished_meanwhile__says_so_and_keeps_the_comment(setting, area):
    meeting = setting["meeting"]
    goal = _write(setting["los"], meeting, area, Column.SHORT_GOAL, "Sove heile natta")
    following = _finish(setting)
    # It begins, and another window finishes it while the member still writes the evaluation.
    following.starts_at = timezone.now() - timedelta(minutes=1)
    following.save(update_fields=["starts_at"])
    _finish(setting, following)
    data = {f"eval-{goal.pk}-result": "partly", f"eval-{goal.pk}-comment": "Betre nokre netter"}
    member = client_for(setting["member"])

    for htmx in (True, False):
        response = member.post(_url("evaluate", following, goal.pk), data, headers=HTMX if htmx else {})
        html = response.content.decode()
        assert response.status_code == 200
        assert 'role="alert"' in html
        assert len(re.findall(r'class="kept-text">.*?Betre nokre netter', html, re.S)) == 1, htmx
    assert not Evaluation.objects.exists()


def test_evaluation__without_a_result_is_an_error_and_writes_nothing(setting, area):
    goal = _write(setting["los"], setting["meeting"], area, Column.NOW, "Ringe PPT")
    following = _finish(setting)
    data = {f"eval-{goal.pk}-result": "", f"eval-{goal.pk}-comment": "Kommentar"}
    response = client_for(setting["los"]).post(_url("evaluate", following, goal.pk), data, headers=HTMX)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert not Evaluation.objects.exists()


def test_evaluation__a_cell_not_on_the_previous_canvas_is_refused(setting, area):
    meeting = setting["meeting"]
    cell = _write(setting["los"], meeting, area, Column.NOW, "Ringe PPT")
    data = {f"eval-{cell.pk}-result": "done", f"eval-{cell.pk}-comment": ""}
    response = client_for(setting["los"]).post(_url("evaluate", meeting, cell.pk), data, headers=HTMX)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert not Evaluation.objects.exists()


def test_next_meeting__links_to_the_minutes_of_the_one_just_finished(setting, area):
    meeting = setting["meeting"]
    _write(setting["los"], meeting, area, Column.NOW, "Slik det var")
    following = _finish(setting)

    html = client_for(setting["los"]).get(following.get_absolute_url()).content.decode()

    assert f'href="{_url("minutes_pdf", meeting)}"' in html


def test_held_meeting__is_read_only_and_a_save_is_refused(setting, area):
    meeting = setting["meeting"]
    _write(setting["los"], meeting, area, Column.NOW, "Slik det var")
    _finish(setting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    los = client_for(setting["los"])
    html = los.get(meeting.get_absolute_url()).content.decode()
    assert "Slik det var" in html
    assert "<textarea" not in html
    assert 'hx-trigger="every 3s"' not in html
    assert reverse("familieteam:meeting_finish", args=[meeting.pk]) not in html
    for htmx in (True, False):
        response = _save(los, meeting, area, Column.NOW, "Etterpå", 1, htmx=htmx)
        assert response.status_code == 200
        # With htmx the text stays in the person's textarea; without, the page shows it beside the cell to copy.
        assert ("Etterpå" in response.content.decode()) == (not htmx)
        if not htmx:
            assert re.search(
                r'class="kept-text">.*?<dd class="typed-text">Etterpå</dd>', response.content.decode(), re.S
            )
    html = _save(los, meeting, area, Column.NOW, "Valt etterpå", 1, resolve="1").content.decode()
    assert html.startswith(f'\n<div class="cell" id="cell-{area.pk}-now"')  # the whole cell, refused in it
    assert 'data-state="error"' in html
    assert "Valt etterpå" in html  # the chosen text stays in front of the person
    cell = CanvasCell.objects.get(meeting=meeting, column=Column.NOW)
    assert (cell.text, cell.version) == ("Slik det var", 1)


# Who may see it -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "ressursteam member", "opener", "other familielos", "removed member"])
def test_everyone_outside_the_familieteam_gets_404_on_every_url(setting, outsiders, area, who):
    meeting = setting["meeting"]
    cell = _write(setting["los"], meeting, area, Column.NOW, "Hemmeleg")
    user = outsiders[who]
    client = client_for(user)
    gets = [
        _url("meeting", meeting),
        _url("cell_changes", meeting) + "?cursor=0:",
        _url("cell_history", meeting, cell.pk),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = {
        _url("cell_save", meeting): {"life_area": area.pk, "column": "now", "text": "Inn", "version": 1},
        _url("cell_history", meeting, cell.pk): {"version": cell.versions.get().pk},
        _url("evaluate", meeting, cell.pk): {f"eval-{cell.pk}-result": "done"},
    }
    for url, data in posts.items():
        assert client.post(url, data, headers=HTMX).status_code == 404, url
    cell.refresh_from_db()
    assert (cell.text, cell.version) == ("Hemmeleg", 1)


def test_a_cell_of_another_meeting_is_404_in_the_history(setting, other_case, area):
    other_meeting = factories.familieteam_meeting(other_case)
    other_cell = _write(other_case.familielos, other_meeting, area, Column.NOW, "Annan familie")
    response = client_for(setting["los"]).get(_url("cell_history", setting["meeting"], other_cell.pk))
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(setting):
    response = Client().get(setting["meeting"].get_absolute_url())
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_reading_and_saving_are_in_the_audit_log(setting, area):
    meeting = setting["meeting"]
    family_id = setting["case"].family_id
    client = client_for(setting["member"])
    client.get(meeting.get_absolute_url())
    _save(client, meeting, area, Column.NOW, "Ringe skulen", 0)
    events = AccessEvent.objects.filter(family_id=family_id, actor=setting["member"])
    assert events.filter(action=AccessAction.VIEW, object_type="familieteammeeting").exists()
    assert events.filter(action=AccessAction.CHANGE, object_type="canvascell").exists()


# Query counts ---------------------------------------------------------------------------------------------------

PAGE_BUDGET = 16
CHANGES_BUDGET = 8
# An autosave of a cell saved before, the request sent while someone types: its transaction's statements with the
# session, the user and the audit event.
SAVE_BUDGET = 13


def _slots():
    return [(life_area, column) for life_area in LifeArea.objects.filter(active=True) for column in Column]


def _fill(actor, meeting, slots):
    for life_area, column in slots:
        _write(actor, meeting, life_area, column, f"{life_area.name} {column.value}")


def _meeting_with_cells(count):
    """A second meeting whose canvas carries `count` cells from the first (its goals and actions to evaluate) and
    has `count` more written in it. Returns (familielos, meeting)."""
    case, _team, los, _member = factories.case_at(Level.FAMILIELOS)
    first = factories.familieteam_meeting(case, begun=True)
    slots = _slots()
    _fill(los, first, slots[:count])
    following = workflow.finish_meeting(
        actor=los,
        meeting=first,
        present=[],
        family_present="",
        next_starts_at=first.starts_at + timedelta(days=30),
        next_place="Heime",
    )
    _fill(los, following, slots[count : 2 * count])
    return los, following


def test_meeting_page__queries_are_the_same_with_4_and_24_filled_cells(django_assert_max_num_queries):
    los, meeting = _meeting_with_cells(4)
    client = client_for(los)
    with django_assert_max_num_queries(PAGE_BUDGET) as few:
        assert client.get(meeting.get_absolute_url()).status_code == 200
    los, meeting = _meeting_with_cells(24)
    client = client_for(los)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(meeting.get_absolute_url()).status_code == 200


def test_cell_changes__queries_are_the_same_with_2_and_30_changed_cells(setting, django_assert_max_num_queries):
    meeting = setting["meeting"]
    client = client_for(setting["los"])
    slots = _slots()
    cursor = CURSOR.search(client.get(meeting.get_absolute_url()).content.decode()).group(1)
    _fill(setting["member"], meeting, slots[:2])
    with django_assert_max_num_queries(CHANGES_BUDGET) as few:
        response = client.get(_url("cell_changes", meeting), {"cursor": cursor}, headers=HTMX)
    assert response.content.decode().count('hx-swap-oob="true"') == 2 + 1
    _fill(setting["member"], meeting, slots[2:32])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("cell_changes", meeting), {"cursor": cursor}, headers=HTMX)
    assert response.content.decode().count('hx-swap-oob="true"') == 32 + 1


def test_cell_save__of_a_saved_cell__within_its_budget(setting, area, django_assert_max_num_queries):
    meeting = setting["meeting"]
    client = client_for(setting["los"])
    assert _save(client, meeting, area, Column.NOW, "Kari søv betre", 0).status_code == 200
    with django_assert_max_num_queries(SAVE_BUDGET):
        assert _save(client, meeting, area, Column.NOW, "Kari søv betre om natta", 1).status_code == 200
    cell = CanvasCell.objects.get(meeting=meeting, life_area=area, column=Column.NOW)
    assert (cell.text, cell.version) == ("Kari søv betre om natta", 2)


def test_cell_changes__a_cursor_past_any_date_is_a_bad_request_not_an_error(setting):
    response = client_for(setting["los"]).get(_url("cell_changes", setting["meeting"]), {"cursor": f"{10**18}:"})
    assert response.status_code == 400


def test_cell_save__a_retired_life_area_stays_editable_where_the_canvas_has_text_in_it(setting, area):
    meeting = setting["meeting"]
    _write(setting["los"], meeting, area, Column.NOW, "Skrive før området gjekk ut")
    area.active = False
    area.save()
    los = client_for(setting["los"])
    assert _save(los, meeting, area, Column.NOW, "Skrive etterpå", 1).status_code == 200
    assert CanvasCell.objects.get(meeting=meeting, life_area=area, column=Column.NOW).text == "Skrive etterpå"

    unused = LifeArea.objects.create(name_nb="Gammalt", name_nn="Gamalt", position=99, active=False)
    response = _save(los, meeting, unused, Column.NOW, "Ikkje her", 0)
    assert 'data-state="error"' in response.content.decode()
    assert not CanvasCell.objects.filter(life_area=unused).exists()
