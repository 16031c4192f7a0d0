"""Dates of level 3: its planned length and when the next familieteam meeting is due. Pure functions."""

from datetime import date, timedelta

# Level 3 is planned to last 6 to 12 months (the familielos sets the end); the desk flags families past both.
PLAN_MIN_MONTHS = 6
PLAN_MAX_MONTHS = 12
# Months between meetings by the team's planned frequency; none when the team meets by need.
FREQUENCY_MONTHS = {"monthly": 1, "bimonthly": 2}
FRIDAY = 4  # date.weekday()


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
    while due.weekday() > FRIDAY or due in public_holidays(due.year):
        due -= timedelta(days=1)
    return due


def public_holidays(year: int) -> frozenset[date]:
    """Norway's public holidays (helligdager and 1 and 17 May) in `year`: the fixed ones and those set by Easter."""
    easter = _easter_sunday(year)
    by_easter = (-3, -2, 0, 1, 39, 49, 50)  # Maundy Thursday … Whit Monday
    fixed = (date(year, 1, 1), date(year, 5, 1), date(year, 5, 17), date(year, 12, 25), date(year, 12, 26))
    return frozenset(fixed + tuple(easter + timedelta(days=offset) for offset in by_easter))


def _easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday) // 433
    month = (h + weekday - 7 * m + 90) // 25
    return date(year, month, (h + weekday - 7 * m + 33 * month + 19) % 32)
