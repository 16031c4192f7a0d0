"""plan.next_meeting_due: the date the finish form suggests for the next familieteam meeting, a working day."""

from datetime import date

import pytest

from familieteam import plan


@pytest.mark.parametrize(
    ("after", "frequency", "due"),
    [
        (date(2026, 12, 8), "monthly", date(2027, 1, 8)),  # a Friday stays
        (date(2026, 12, 4), "monthly", date(2027, 1, 4)),  # a Monday stays
        (date(2026, 12, 2), "bimonthly", date(2027, 2, 2)),
        (date(2026, 12, 5), "monthly", date(2027, 1, 5)),
    ],
)
def test_next_meeting_due__a_weekday_the_frequency_ahead(after, frequency, due):
    assert plan.next_meeting_due(frequency, after) == due


@pytest.mark.parametrize(
    ("after", "due"),
    [
        (date(2026, 12, 9), date(2027, 1, 8)),  # 9 January 2027 is a Saturday
        (date(2026, 12, 10), date(2027, 1, 8)),  # 10 January 2027 is a Sunday
    ],
)
def test_next_meeting_due__on_a_weekend__is_the_friday_before(after, due):
    assert plan.next_meeting_due("monthly", after) == due
    assert due.weekday() == 4


@pytest.mark.parametrize(
    ("after", "due"),
    [
        (date(2026, 12, 2), date(2026, 12, 31)),  # Saturday 2 January, back past New Year's Day
        (date(2027, 2, 25), date(2027, 3, 24)),  # 25 March 2027 is Maundy Thursday, the next day Good Friday
        (date(2027, 3, 29), date(2027, 4, 29)),  # a Thursday a month after Easter Monday stays
        (date(2027, 4, 17), date(2027, 5, 14)),  # Monday 17 May: back past the weekend to Friday 14 May
        (date(2027, 4, 6), date(2027, 5, 5)),  # 6 May 2027 is Ascension Day
    ],
)
def test_next_meeting_due__on_a_public_holiday__is_the_working_day_before(after, due):
    assert plan.next_meeting_due("monthly", after) == due


def test_next_meeting_due__by_need__is_none():
    assert plan.next_meeting_due("by_need", date(2026, 12, 2)) is None
