"""Working days in Norway: not a Saturday, a Sunday or a public holiday. Pure functions."""

from datetime import date, timedelta

FRIDAY = 4  # date.weekday()


def is_working_day(day: date) -> bool:
    return day.weekday() <= FRIDAY and day not in public_holidays(day.year)


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
