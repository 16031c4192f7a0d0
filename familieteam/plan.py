"""Dates of level 3: its planned length and when the next familieteam meeting is due. Pure functions."""

from datetime import date, timedelta

from familielos import workdays

# Level 3 is planned to last 6 to 12 months (the familielos sets the end); the desk flags families past both.
PLAN_MIN_MONTHS = 6
PLAN_MAX_MONTHS = 12
# Months between meetings by the team's planned frequency; none when the team meets by need.
FREQUENCY_MONTHS = {"monthly": 1, "bimonthly": 2}


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it has no such day (31 January + 1 → 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 until the same day of the next month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def plan_bounds(started_on: date) -> tuple[date, date]:
    """The earliest and latest planned end of level 3 that started on `started_on`."""
    return add_months(started_on, PLAN_MIN_MONTHS), add_months(started_on, PLAN_MAX_MONTHS)


def next_meeting_due(frequency: str, after: date) -> date | None:
    """When the next meeting should be at the latest, by the team's planned frequency (None by need): a working day,
    so a weekend or a public holiday moves back to the working day before."""
    months = FREQUENCY_MONTHS.get(frequency)
    if not months:
        return None
    due = add_months(after, months)
    while not workdays.is_working_day(due):
        due -= timedelta(days=1)
    return due
