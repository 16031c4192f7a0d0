"""plan.next_meeting_due: the date the finish form suggests for the next familieteam meeting."""

from datetime import date

import pytest

from familieteam import plan


@pytest.mark.parametrize(
    ("after", "frequency", "due"),
    [
        (date(2026, 12, 2), "monthly", date(2027, 1, 1)),  # a Friday stays
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


def test_next_meeting_due__by_need__is_none():
    assert plan.next_meeting_due("by_need", date(2026, 12, 2)) is None
