"""Form validators shared by the apps."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def years_from(day: date, years: int) -> date:
    """The same day `years` later (earlier when negative); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class DateWithin:
    """A date the work plans or records: at most `back` years before today and `ahead` years after it. A mistyped
    year (0001, 9999) is refused with the range it must lie in, rather than stored and shown in every list."""

    def __init__(self, *, back: int, ahead: int):
        self.back, self.ahead = back, ahead

    def __call__(self, value: date) -> None:
        today = timezone.localdate()
        earliest, latest = years_from(today, -self.back), years_from(today, self.ahead)
        if not earliest <= value <= latest:
            raise ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s.")
                % {"earliest": date_format(earliest, "d.m.Y"), "latest": date_format(latest, "d.m.Y")},
                code="range",
            )


# Characters that change how a name reads without showing themselves: bidirectional overrides and isolates, zero-width
# spaces and joiners, the byte order mark. In a name they can make one person's name pass for another's in a list.
HIDDEN_CHARACTERS = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def visible_name(value: str) -> None:
    """A name holds no invisible control characters."""
    if HIDDEN_CHARACTERS.search(value):
        raise ValidationError(_("Remove the invisible characters from the name."), code="hidden_characters")
