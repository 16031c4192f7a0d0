"""The pilot's figures: counts over every family for leaders and researchers, up to the end of last month, none
that points at a family, and nothing for anyone else."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cases import pilot_figures
from cases import workflow as case_workflow
from cases.models import Case, Level, LevelChange
from familielos import roles
from familieteam import workflow as familieteam_workflow
from familieteam.models import Column, EvaluationResult, LifeArea
from tests import factories
from tests.conftest import client_for

URL = reverse("pilot_figures")
CUTOFF = pilot_figures.until()
# The day the tests' cases were opened: in the last whole month, the last one the figures count.
OPENED = CUTOFF - timedelta(days=20)
YEAR = OPENED.year


def row(html: str, label: str) -> str:
    """The table row whose heading cell is `label`."""
    start = html.index(f'<th scope="row">{label}</th>')
    return html[start : html.index("</tr>", start)]


def opened_last_month(case, *, level_after_days: int = 0) -> Case:
    """Date the case's opening OPENED, and every later change `level_after_days` after it."""
    Case.objects.filter(pk=case.pk).update(opened_at=OPENED)
    LevelChange.objects.filter(case=case).update(at=OPENED + timedelta(days=level_after_days, minutes=1))
    return case


def cases_at(level, count, *, name="Familien Test", level_after_days=0):
    return [
        opened_last_month(
            factories.case_at(level, family_name=f"{name}{n}", child_name="Hemmeleg")[0],
            level_after_days=level_after_days,
        )
        for n in range(count)
    ]


@pytest.fixture
def researcher(db):
    return factories.UserFactory(role=roles.RESEARCHER, username="forskar")


@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.LEADER])
def test_counts_rounded_small_ones_hidden_and_no_family_named(db, role):
    cases_at(Level.AVKLARING, 6, name="Familien Løyndom")
    cases_at(Level.RESSURSTEAM, 1, name="Familien Løyndom")

    response = client_for(factories.UserFactory(role=role)).get(URL, {"ar": YEAR})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Løyndom" not in html
    assert "Hemmeleg" not in html
    # 7 opened and 7 reached level 1: both shown rounded to 5, and no share, as no case stayed at level 0.
    assert ">5<" in row(html, "Nivå 0 – undring")
    assert ">5<" in row(html, "Nivå 1 – avklaringssamtale")
    assert "%" not in row(html, "Nivå 1 – avklaringssamtale")
    # One case at level 2: "fewer than 5", and no share of it either.
    assert "færre enn 5" in row(html, "Nivå 2 – ressursteam")
    assert "%" not in row(html, "Nivå 2 – ressursteam")
    assert ">0<" in row(html, "Nivå 3 – familielos")


def test_a_share__only_when_the_counted_and_the_rest_are_5_or_more(researcher):
    cases_at(Level.AVKLARING, 5)
    cases_at(Level.UNDRING, 5)

    figures = pilot_figures.opened_in(YEAR, CUTOFF)

    assert [reached.share for reached in figures["reached"]] == [50, None, None]
    assert "50 %" in row(client_for(researcher).get(URL, {"ar": YEAR}).text, "Nivå 1 – avklaringssamtale")


def test_a_share__from_the_rounded_counts_so_it_does_not_give_the_exact_ones_away(researcher):
    cases_at(Level.AVKLARING, 7)
    cases_at(Level.UNDRING, 6)

    reached = pilot_figures.opened_in(YEAR, CUTOFF)["reached"][0]

    # 7 of 13 would be 54 %: shown as 5 of 15.
    assert reached.share == 33


@pytest.mark.parametrize(("cases", "median"), [(10, 5.5), (9, None)])
def test_median_days__over_10_cases_or_more_only(researcher, cases, median):
    for days in range(1, cases + 1):
        cases_at(Level.AVKLARING, 1, name=f"Familien {days}", level_after_days=days)

    figures = pilot_figures.opened_in(YEAR, CUTOFF)["reached"][0]

    assert figures.figure.count == cases
    assert figures.median_days == (pytest.approx(median, abs=0.01) if median else None)
    shown = row(client_for(researcher).get(URL, {"ar": YEAR}).text, "Nivå 1 – avklaringssamtale")
    assert (">6<" if median else ">–<") in shown


def test_stops_at_the_end_of_last_month(researcher):
    cases_at(Level.UNDRING, 5)
    # Opened this month, and a case of last month that reached level 1 this month: neither counts yet.
    factories.open_case(family_name="Familien Ny")
    cases_at(Level.AVKLARING, 1, level_after_days=(CUTOFF - OPENED).days + 1)

    figures = pilot_figures.opened_in(YEAR, CUTOFF)

    assert figures["opened"].count == 6
    assert figures["reached"][0].figure.count == 0


def test_closed_cases__counted(researcher):
    for case in cases_at(Level.UNDRING, 5):
        case_workflow.close_case(actor=case.opened_by, case=case, reason="Tiltak i barnehagen har hjelpt.")
        LevelChange.objects.filter(case=case).update(at=OPENED + timedelta(minutes=1))

    html = client_for(researcher).get(URL, {"ar": YEAR}).text

    assert '<dd id="closed">5</dd>' in html


def evaluated_goals(columns, *, name="Familien Mål") -> None:
    """A level-3 family whose meeting last month evaluated a goal in each of `columns` as done."""
    case, _team, los, _member = factories.case_at(Level.FAMILIELOS, family_name=name)
    meeting = factories.familieteam_meeting(case, begun=True)
    area = LifeArea.objects.filter(active=True).first()
    cells = [
        familieteam_workflow.save_cell(
            actor=los, meeting=meeting, life_area=area, column=column, text="Mål", due=None, base_version=0
        ).cell
        for column in columns
    ]
    following = familieteam_workflow.finish_meeting(
        actor=los,
        meeting=meeting,
        present=[],
        family_present="Mor",
        next_starts_at=meeting.starts_at + timedelta(days=30),
        next_place="Heime",
    )
    for cell in cells:
        familieteam_workflow.evaluate(actor=los, meeting=following, cell=cell, result=EvaluationResult.DONE, comment="")
    type(following).objects.filter(pk=following.pk).update(starts_at=OPENED)


def test_goals__evaluated_in_the_years_meetings_by_result_in_five_families(researcher):
    for n in range(5):
        evaluated_goals((Column.NOW, Column.SHORT_GOAL) if n else (Column.NOW,), name=f"Familien Mål{n}")

    goals = pilot_figures.goals_evaluated_in(YEAR, CUTOFF)

    # Done, partly done, not done, changed.
    assert (goals.families, goals.shown) == (5, True)
    assert [figure.count for _label, figure in goals.by_result] == [9, 0, 0, 0]
    assert ">10<" in row(client_for(researcher).get(URL, {"ar": YEAR}).text, "Utført")


def test_goals__of_fewer_than_five_families__are_not_shown_however_many(researcher):
    """A pilot with one familieteam: its goals' figures would be that family's."""
    evaluated_goals((Column.NOW, Column.SHORT_GOAL, Column.LONG_GOAL))
    evaluated_goals((Column.NOW, Column.SHORT_GOAL, Column.LONG_GOAL), name="Familien Andre")

    goals = pilot_figures.goals_evaluated_in(YEAR, CUTOFF)
    html = client_for(researcher).get(URL, {"ar": YEAR}).text

    assert (goals.families, goals.shown) == (2, False)
    assert '<th scope="row">Utført</th>' not in html
    assert 'id="goals-too-few"' in html
    assert "færre enn 5 familier" in html


def test_a_year_before_the_cases__offered_only_back_to_the_first(researcher):
    old = cases_at(Level.UNDRING, 1)[0]
    Case.objects.filter(pk=old.pk).update(opened_at=OPENED.replace(year=YEAR - 2, month=6, day=15))

    html = client_for(researcher).get(URL, {"ar": YEAR - 2}).text

    assert f'<option value="{YEAR - 2}" selected>' in html
    assert f'<option value="{YEAR - 3}"' not in html
    assert "færre enn 5" in row(html, "Nivå 0 – undring")


@pytest.mark.parametrize("year", ["abc", "1900", "99999999999999999999", "", "2026.5"])
def test_a_year_not_offered__is_said_and_the_latest_years_figures_shown(researcher, year):
    response = client_for(researcher).get(URL, {"ar": year})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_ar_error"' in html
    assert f"Saker åpnet i {pilot_figures.last_day(CUTOFF).year}" in html


def test_in_nynorsk(researcher):
    client = client_for(researcher)
    client.cookies["django_language"] = "nn"
    html = client.get(URL).text
    assert "Oppfølging av piloten" in html
    assert f"Saker opna i {pilot_figures.last_day(CUTOFF).year}" in html


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.UNIT_STAFF, 403),
        (roles.RESSURSTEAM_MEMBER, 403),
        (roles.FAMILIELOS, 403),
        (roles.ADMINISTRATOR, 403),
        # A family's own login finds no staff page at all.
        (roles.FAMILY_MEMBER, 404),
    ],
)
def test_no_one_else_sees_it(db, role, status):
    cases_at(Level.AVKLARING, 1, name="Familien Løyndom")
    response = client_for(factories.UserFactory(role=role)).get(URL)
    assert response.status_code == status
    assert "Løyndom" not in response.content.decode()


def test_signed_out__goes_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_menu_offers_it_to_those_who_may_see_it(researcher, staff_client):
    assert f'href="{URL}"' in client_for(researcher).get(reverse("cases:family_list")).text
    assert f'href="{URL}"' not in staff_client.get(reverse("cases:family_list")).text


@pytest.mark.parametrize("families", [5, 25])
def test_query_count_does_not_grow_with_the_data(researcher, django_assert_max_num_queries, families):
    cases_at(Level.AVKLARING, families)
    client = client_for(researcher)
    client.get(URL)
    # Session, user, permissions and groups; the years; the cases; the goals.
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200
