"""workdays: Norway's public holidays and working days."""

from datetime import date, timedelta

import pytest

from familielos import workdays


@pytest.mark.parametrize("year", [2026, 2027])
def test_public_holidays__every_one_of_a_year(year):
    easter = {2026: date(2026, 4, 5), 2027: date(2027, 3, 28)}[year]
    by_easter = {easter + timedelta(days=offset) for offset in (-3, -2, 0, 1, 39, 49, 50)}
    fixed = {date(year, 1, 1), date(year, 5, 1), date(year, 5, 17), date(year, 12, 25), date(year, 12, 26)}
    assert workdays.public_holidays(year) == fixed | by_easter


@pytest.mark.parametrize(
    ("year", "easter"), [(2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28))]
)
def test_public_holidays__follow_easter(year, easter):
    good_friday, whit_monday = easter - timedelta(days=2), easter + timedelta(days=50)
    assert {good_friday, easter, whit_monday, date(year, 5, 17), date(year, 12, 26)} <= workdays.public_holidays(year)
    assert easter + timedelta(days=7) not in workdays.public_holidays(year)


@pytest.mark.parametrize(
    ("day", "working"),
    [(date(2027, 3, 24), True), (date(2027, 3, 25), False), (date(2027, 5, 8), False), (date(2027, 5, 18), True)],
)
def test_is_working_day(day, working):
    assert workdays.is_working_day(day) is working
