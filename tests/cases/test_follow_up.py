"""The pilot's follow-up page: counts over every family for leaders and researchers, no figure that points at one
family, and nothing for anyone else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import follow_up
from cases.models import Case, Level, LevelChange
from familielos import roles
from tests import factories
from tests.conftest import client_for

URL = reverse("follow_up")


def row(html: str, label: str) -> str:
    """The table row whose heading cell is `label`."""
    start = html.index(f'<th scope="row">{label}</th>')
    return html[start : html.index("</tr>", start)]


def reached(case, level, *, days: int) -> None:
    """Date the case's first change to `level` (or higher) `days` after its opening."""
    first = LevelChange.objects.filter(case=case, to_level__gte=level).order_by("at").first()
    LevelChange.objects.filter(pk=first.pk).update(at=case.opened_at + timedelta(days=days))


@pytest.fixture
def researcher(db):
    return factories.UserFactory(role=roles.RESEARCHER, username="forskar")


@pytest.mark.parametrize("role", [roles.RESEARCHER, roles.LEADER])
def test_counts_the_levels_reached_and_names_no_family(db, role):
    families = [f"Familien Løyndom{n}" for n in range(7)]
    for name in families[:6]:
        factories.case_at(Level.AVKLARING, family_name=name, child_name="Hemmeleg")
    factories.case_at(Level.RESSURSTEAM, family_name=families[6], child_name="Hemmeleg")

    response = client_for(factories.UserFactory(role=role)).get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Løyndom" not in html
    assert "Hemmeleg" not in html
    assert ">7<" in row(html, "Nivå 0 – undring")
    assert ">7<" in row(html, "Nivå 1 – avklaringssamtale")
    assert "100 %" in row(html, "Nivå 1 – avklaringssamtale")
    # One case at level 2: a count that could point at a family, and no share of it either.
    assert "færre enn 5" in row(html, "Nivå 2 – ressursteam")
    assert "%" not in row(html, "Nivå 2 – ressursteam")
    assert ">0<" in row(html, "Nivå 3 – familielos")


@pytest.mark.parametrize(("cases", "median"), [(5, 6), (4, None)])
def test_median_days__over_five_cases_or_more_only(researcher, cases, median):
    days = [2, 4, 6, 30, 60][:cases]
    for n, after in enumerate(days):
        case = factories.case_at(Level.AVKLARING, family_name=f"Familien {n}")[0]
        reached(case, Level.AVKLARING, days=after)

    figures = follow_up.opened_in(timezone.localdate().year)["reached"][0]

    assert figures.figure.count == cases
    assert figures.median_days == (pytest.approx(median, abs=0.01) if median else None)
    shown = row(client_for(researcher).get(URL).content.decode(), "Nivå 1 – avklaringssamtale")
    assert (">6<" if median else "færre enn 5") in shown


def test_counts_only_the_chosen_years_cases(researcher):
    old = factories.open_case(family_name="Familien Gamal")
    Case.objects.filter(pk=old.pk).update(opened_at=old.opened_at.replace(year=old.opened_at.year - 2))
    this_year = timezone.localdate().year

    response = client_for(researcher).get(URL, {"ar": this_year - 2})

    html = response.content.decode()
    assert f'<option value="{this_year - 2}" selected>' in html
    assert "færre enn 5" in row(html, "Nivå 0 – undring")
    assert [figure.count for _, figure in follow_up.open_now()] == [1, 0, 0, 0]


@pytest.mark.parametrize("year", ["abc", "1900", "99999999999999999999", "", "2026.5"])
def test_a_year_not_offered__is_said_and_this_years_figures_shown(researcher, year):
    response = client_for(researcher).get(URL, {"ar": year})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_ar_error"' in html
    assert f"Saker åpnet i {timezone.localdate().year}" in html


def test_in_nynorsk(researcher):
    with translation.override("nn"):
        client = client_for(researcher)
        client.cookies["django_language"] = "nn"
        html = client.get(URL, HTTP_ACCEPT_LANGUAGE="nn").content.decode()
    assert "Oppfølging av piloten" in html
    assert f"Saker opna i {timezone.localdate().year}" in html


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
    factories.case_at(Level.AVKLARING, family_name="Familien Løyndom")
    response = client_for(factories.UserFactory(role=role)).get(URL)
    assert response.status_code == status
    assert "Løyndom" not in response.content.decode()


def test_signed_out__goes_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_menu_offers_it_to_those_who_may_see_it(researcher, staff_client):
    assert f'href="{URL}"' in client_for(researcher).get(reverse("home")).content.decode()
    assert f'href="{URL}"' not in staff_client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("families", [5, 25])
def test_query_count_does_not_grow_with_the_data(researcher, django_assert_max_num_queries, families):
    for n in range(families):
        factories.case_at(Level.AVKLARING, family_name=f"Familien {n}")
    client = client_for(researcher)
    client.get(URL)
    # Session, user, permissions and groups; the years; the cases; the goals; the open cases.
    with django_assert_max_num_queries(7):
        assert client.get(URL).status_code == 200


def test_a_researchers_start_page__leads_to_the_follow_up_and_lists_no_family_work(researcher):
    html = client_for(researcher).get(reverse("home")).content.decode()
    assert "Dine sider" in html
    assert html.count(f'href="{URL}"') == 2
    assert "Undringer som venter på avgjørelse" not in html
