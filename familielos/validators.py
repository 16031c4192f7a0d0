"""Form validators shared by the apps, and the parsing of ids that pages send."""

import re
import unicodedata
from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

# A database id as a page sends it: ASCII digits only (str.isdigit() and int() also take "²" or "١"; int("²")
# fails), and short enough for a bigint.
_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value) -> int | None:
    """`value` (from a query string, a form or a hidden field) as a database id; None for anything else, a tampered
    or stale page's value included, so that it is refused or ignored and never reaches the database."""
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None


def years_from(day: date, years: int) -> date:
    """The same day `years` later (earlier when negative); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class DateWithin:
    """A date the work plans or records: at most `back` years before today and `ahead` years after it. A mistyped
    year (0001, 9999) is refused with the range it must lie in, rather than stored and shown in every list. With
    `back=0`, a date of what is still to do when it is set (a new action point's, a new measure's evaluation): today
    or later. A record saved again keeps its dates, so its forms look back (an agreement's follow-up: five years)."""

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


def local_moment(day: date, hour: time) -> datetime:
    """The date and time on the municipality's clock, as an aware datetime. A time the clocks skip (the night summer
    time begins) is refused rather than moved an hour without a word; an hour that comes twice (the night it ends)
    is the first of the two."""
    try:
        moment = timezone.make_aware(datetime.combine(day, hour))
        # Through UTC: a datetime already in the zone keeps its wall time when converted to it, skipped or not.
        wall_time = timezone.localtime(moment.astimezone(UTC)).time()
    except OverflowError:
        # The first hours of year 1 or the last of year 9999 fall outside the calendar in UTC.
        raise ValidationError(_("Choose another date."), code="out_of_range") from None
    if wall_time != hour:
        raise ValidationError(
            _("%(date)s has no %(time)s: the clocks go forward an hour that night. Choose another time.")
            % {"date": date_format(day, "d.m.Y"), "time": time_format(hour, "H:i")},
            code="no_such_time",
        )
    return moment


def local_date_and_time(moment: datetime) -> tuple[date, time]:
    """The date and the time of `moment` on the municipality's clock: local_moment's inverse, to fill in a form."""
    local = timezone.localtime(moment)
    return local.date(), local.time()


# Characters that do not show but change how a name reads or compares: controls and format characters (Unicode
# categories Cc and Cf: bidirectional overrides and marks, zero-width spaces and joiners, soft hyphens, tags), line
# and paragraph separators, and the fillers that draw as blank. In a name they can make one person's name pass for
# another's in a list.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
BLANK_FILLERS = {"\u034f", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u2800", "\u3164", "\uffa0"}


def shows_something(value: str) -> bool:
    """Whether the text holds a character that shows: not only spaces, controls, format characters (a right-to-left
    mark, a zero-width space), blank fillers and marks without a letter to sit on."""
    return any(
        not character.isspace()
        and character not in BLANK_FILLERS
        and unicodedata.category(character) not in HIDDEN_CATEGORIES
        and not unicodedata.category(character).startswith("M")  # a mark shows only on a letter
        for character in value
    )


# Characters nobody types into a text: controls other than tab and the line breaks (BEL, ESC, DEL … pasted from a
# terminal or a binary file); the bidirectional embeddings, overrides and isolates, which make a text read in
# another order than it is stored; and the tag characters and interlinear annotations, which carry text that does
# not show. NUL is Django's own refusal (every form CharField has it). The marks (U+200E, U+200F) and joiners stay:
# right-to-left names and emoji use them.
_CONTROLS = re.compile(
    r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls but tab, line feed, carriage return; DEL
    r"\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
    r"\ufff9-\ufffb\U000e0000-\U000e007f]"  # interlinear annotations, tags
)
# What bytes that were not UTF-8 became when Django decoded the form (errors="replace").
_REPLACEMENT_CHARACTER = "\N{REPLACEMENT CHARACTER}"


def typed_characters(value: str) -> None:
    """A text holds only what can be typed: no control characters but tab and line breaks, no bidirectional
    override, and nothing that came in as bytes that were not text."""
    if _REPLACEMENT_CHARACTER in value:
        raise ValidationError(
            _("It holds a character that could not be read (shown as �): type that part in again."),
            code="undecodable",
        )
    if _CONTROLS.search(value):
        raise ValidationError(
            _("It holds control characters that do not show (often from copying and pasting): type it in again."),
            code="control_characters",
        )


def readable(value: str) -> None:
    """A free text holds only what can be typed (`typed_characters`) and something that shows (`shows_something`):
    the rest pass for text but leave nothing to read."""
    typed_characters(value)
    if value and not shows_something(value):
        raise ValidationError(
            _("It holds nothing that can be read: write it with letters or numbers."), code="unreadable"
        )


def visible_name(value: str) -> None:
    """A name (or a short text such as a relation) holds only characters that show, and something that shows (not
    accents alone); pasted controls are told as in any text (typed_characters)."""
    typed_characters(value)
    if any(character in BLANK_FILLERS or unicodedata.category(character) in HIDDEN_CATEGORIES for character in value):
        raise ValidationError(
            _("It holds characters that do not show (often from copying and pasting): type it in again."),
            code="hidden_characters",
        )
    readable(value)
