"""DateWithin: a date the work plans lies within a few years of today; a mistyped year is refused with the range.
visible_name: names hold only characters that show. parse_id: ids a page sends, ASCII digits or nothing."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.forms import AgreementForm, BookSamtaleForm, ConsentForm, RecordSamtaleForm, StepDownForm
from cases.models import Avklaringssamtale, Case, Level
from cases.print_forms import LetterTemplateForm
from familielos.validators import (
    DateWithin,
    local_moment,
    parse_id,
    readable,
    typed_characters,
    visible_name,
    years_from,
)
from familieteam.action_forms import ActionPointForm, ActionPointStatusForm
from familieteam.canvas_forms import CellForm
from familieteam.canvas_forms import EvaluationForm as GoalEvaluationForm
from familieteam.team_forms import FinishMeetingForm
from screening.forms import FactorForm, InstrumentForm, ScreeningForm
from screening.models import Audience, Instrument
from screening.public_forms import SendForm
from stafettlogg.forms import EvaluationForm as MeasureEvaluationForm
from stafettlogg.forms import MeasureForm
from teams.meeting_forms import DecisionForm, MeetingForm


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_date_within__a_mistyped_year__is_refused_naming_the_range(day):
    with pytest.raises(ValidationError) as refused:
        DateWithin(back=1, ahead=2)(day)

    assert refused.value.code == "range"
    assert years_from(timezone.localdate(), 2).strftime("%d.%m.%Y") in refused.value.messages[0]


def test_date_within__the_edges__are_allowed_and_one_day_past_them_is_not():
    today = timezone.localdate()
    within = DateWithin(back=1, ahead=2)

    within(years_from(today, -1))
    within(years_from(today, 2))
    for day in (years_from(today, -1) - timedelta(days=1), years_from(today, 2) + timedelta(days=1)):
        with pytest.raises(ValidationError):
            within(day)


def test_years_from__29_february__lands_on_28_february():
    assert years_from(date(2028, 2, 29), 1) == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (AgreementForm, "follow_up"),
        (BookSamtaleForm, "date"),
        (ConsentForm, "valid_from"),
        (ConsentForm, "valid_to"),
        (DecisionForm, "follow_up"),
        (ActionPointForm, "due"),
        (CellForm, "due"),
        (MeasureForm, "starts_on"),
        (MeasureForm, "evaluate_by"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31"])
def test_planned_date_fields__a_mistyped_year__is_refused_with_the_range(form, field, typed):
    with pytest.raises(ValidationError) as refused:
        form.base_fields[field].clean(typed)

    assert [error.code for error in refused.value.error_list] == ["range"]


@pytest.mark.parametrize(
    "name",
    ["Åse Ødegård", "Ánde Čuđe Ŋáŋŋá", "Máret Šárá Ŧomas", "Jo-Ann O'Neil", "Ïda", "Zoë Læstadius", "Åsa Ha\u0301la"],
)
def test_visible_name__norwegian_and_sami_names__pass(name):
    visible_name(name)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("\u202egnp.exe", "control_characters"),  # right-to-left override: refused in any text
        ("Nils\u200b", "hidden_characters"),  # zero-width space
        ("Ni\u200dls", "hidden_characters"),  # zero-width joiner
        ("Ni\u00adls", "hidden_characters"),  # soft hyphen
        ("Ni\u061cls", "hidden_characters"),  # Arabic letter mark
        ("Nils\U000e0041", "control_characters"),  # tag character: refused in any text
        ("Ni\u2028ls", "hidden_characters"),  # line separator
        ("Ni\x1bls", "control_characters"),  # escape: refused in any text
        ("\u3164", "hidden_characters"),  # Hangul filler: a name that draws as blank
    ],
    ids=["rlo", "zwsp", "zwj", "shy", "alm", "tag", "line-separator", "escape", "hangul-filler"],
)
def test_visible_name__characters_that_do_not_show__are_refused(name, code):
    with pytest.raises(ValidationError) as refused:
        visible_name(name)

    assert refused.value.code == code


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("7", 7),
        ("000123", 123),
        ("9" * 18, int("9" * 18)),
        ("9" * 19, None),
        ("²", None),
        ("١٢", None),
        ("-1", None),
        (" 1", None),
        ("1.0", None),
        ("", None),
        (None, None),
        (7, None),
    ],
)
def test_parse_id__ascii_digits_that_fit_a_bigint__else_none(value, parsed):
    assert parse_id(value) == parsed


@pytest.mark.parametrize(("form", "field"), [(ActionPointForm, "due"), (MeasureForm, "evaluate_by")])
def test_dates_of_what_is_still_to_do__yesterday_is_refused_today_is_not(form, field):
    today = timezone.localdate()
    form.base_fields[field].clean(today.isoformat())
    with pytest.raises(ValidationError) as refused:
        form.base_fields[field].clean((today - timedelta(days=1)).isoformat())

    assert [error.code for error in refused.value.error_list] == ["range"]
    assert today.strftime("%d.%m.%Y") in refused.value.messages[0]


# The night summer time begins in Norway in 2027 (the last Sunday of March): 02:00 becomes 03:00.
SPRING_FORWARD = date(2027, 3, 28)
# The night it ends: 03:00 becomes 02:00, so 02:30 comes twice.
AUTUMN_BACK = date(2027, 10, 31)


def test_local_moment__a_time_the_clocks_skip__is_refused_and_the_others_are_on_the_local_clock():
    with pytest.raises(ValidationError) as refused:
        local_moment(SPRING_FORWARD, time(2, 30))
    assert refused.value.code == "no_such_time"
    assert timezone.localtime(local_moment(SPRING_FORWARD, time(3, 30))).time() == time(3, 30)
    twice = local_moment(AUTUMN_BACK, time(2, 30))
    assert (timezone.localtime(twice).time(), twice.utcoffset()) == (time(2, 30), timedelta(hours=2))


@pytest.mark.parametrize(
    "form",
    [
        lambda: BookSamtaleForm({"date": SPRING_FORWARD, "time": "02:30", "place": "Skulen"}),
        lambda: MeetingForm({"date": SPRING_FORWARD, "time": "02:30", "place": "Rådhuset"}),
    ],
)
def test_booking_forms__a_time_the_clocks_skip__is_an_error_on_the_time(form):
    form = form()
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["time"]] == ["no_such_time"]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Trekkjer seg frå leik.", True),
        ("\u200fRønning\u200b", True),
        ("42", True),
        ("\u00ad\u2060\u200b", False),
        ("\u200b \u3164\n\u2028", False),
        (" \u0301", False),
        ("\u2800\u17b4", False),
        ("Čáhcegáddi ŋ", True),
        ("e\u0301", True),
        ("👨\u200d👩\u200d👧", True),
    ],
)
def test_readable__a_text_of_only_what_does_not_show__is_refused(text, ok):
    if ok:
        readable(text)
    else:
        with pytest.raises(ValidationError) as refused:
            readable(text)
        assert refused.value.code == "unreadable"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Ringte mor\u0007", "control_characters"),
        ("\u001b[31mrødt\u001b[0m", "control_characters"),
        ("slett\u007f", "control_characters"),
        ("ny linje\u0085", "control_characters"),
        ("\u202eexe.txt", "control_characters"),
        ("\u2066isolert\u2069", "control_characters"),
        ("Hei\U000e0068\U000e0069", "control_characters"),
        ("\ufff9ord\ufffaforklaring\ufffb", "control_characters"),
        ("Familien L\ufffde", "undecodable"),
        ("Linje én\r\nlinje to\tmed tab", None),
        ("\u200fRønning", None),
        ("👨\u200d👩\u200d👧", None),
    ],
)
def test_typed_characters__controls_overrides_and_undecodable_bytes__are_refused(text, code):
    if code is None:
        typed_characters(text)
        readable(text)
        return
    for validator in (typed_characters, readable):
        with pytest.raises(ValidationError) as refused:
            validator(text)
        assert refused.value.code == code, validator.__name__


def test_visible_name__bytes_that_were_not_text__are_refused():
    with pytest.raises(ValidationError) as refused:
        visible_name("Familien L\ufffde")

    assert refused.value.code == "undecodable"


# Nothing that shows: zero-width space, non-joiner and joiner; and accents with no letter to sit on.
UNREADABLE = ["\u200b\u200c\u200d", "\u0301\u0301"]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (AgreementForm, "who"),
        (BookSamtaleForm, "participants"),
        (ConsentForm, "note"),
        (DecisionForm, "question"),
        (DecisionForm, "recommendations"),
        (DecisionForm, "note"),
        (LetterTemplateForm, "letterhead"),
        (LetterTemplateForm, "subject"),
        (LetterTemplateForm, "body"),
        (LetterTemplateForm, "signature"),
        (ScreeningForm, "seen"),
        (ScreeningForm, "child_said"),
        (ScreeningForm, "earlier_concern"),
        (ScreeningForm, "child_description"),
        (ScreeningForm, "duration"),
        (SendForm, "message"),
        (GoalEvaluationForm, "comment"),
        (ActionPointStatusForm, "comment"),
        (FinishMeetingForm, "family_present"),
        (MeasureEvaluationForm, "next_steps"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
@pytest.mark.parametrize("typed", UNREADABLE, ids=["zero-width", "accents"])
def test_free_texts__nothing_that_shows__is_refused(form, field, typed):
    with pytest.raises(ValidationError) as refused:
        form.base_fields[field].clean(typed)

    assert [error.code for error in refused.value.error_list] == ["unreadable"]


@pytest.mark.parametrize(
    ("form", "fields"),
    [
        (lambda: RecordSamtaleForm(instance=Avklaringssamtale()), ["concern", "participants", "duk_works"]),
        (
            lambda: StepDownForm(case=Case(level=Level.FAMILIELOS)),
            ["responsible_next"],
        ),
        (lambda: InstrumentForm(instance=Instrument(audience=Audience.STAFF)), ["title", "title_nn", "introduction"]),
        (lambda: FactorForm(), ["label", "label_nn", "help_text"]),
    ],
    ids=["samtale-record", "step-down", "instrument", "factor"],
)
def test_free_texts_made_with_the_form__nothing_that_shows__is_refused(form, fields):
    made = form()
    for field in fields:
        with pytest.raises(ValidationError) as refused:
            made.fields[field].clean(UNREADABLE[0])
        assert [error.code for error in refused.value.error_list] == ["unreadable"], field


def test_visible_name__accents_alone__are_refused():
    with pytest.raises(ValidationError) as refused:
        visible_name("\u0301\u0301")

    assert refused.value.code == "unreadable"


def test_canvas_cell__control_characters__are_refused():
    form = CellForm({"life_area": "", "column": "", "text": "Mål\u001b[31m", "version": "0"})
    form.is_valid()

    assert [error.code for error in form.errors.as_data()["text"]] == ["control_characters"]


def test_canvas_cell__nothing_that_shows__is_an_empty_cell():
    form = CellForm({"life_area": "", "column": "", "text": "\u200b\u2060", "version": "0"})
    form.is_valid()

    assert form.cleaned_data["text"] == ""


@pytest.mark.parametrize(
    ("form", "field", "limit"),
    [(BookSamtaleForm, "participants", 1000), (ScreeningForm, "seen", 4000), (ScreeningForm, "child_said", 4000)],
)
def test_free_texts__past_their_length__are_refused(form, field, limit):
    form.base_fields[field].clean("x" * limit)
    with pytest.raises(ValidationError) as refused:
        form.base_fields[field].clean("x" * (limit + 1))

    assert [error.code for error in refused.value.error_list] == ["max_length"]


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"what": "x" * 301, "who": "Mor"}, "what", "max_length"),
        ({"what": "Ringe PPT\u0007", "who": "Mor"}, "what", "control_characters"),
        ({"what": "Ringe PPT", "who": "\u200b"}, "who", "unreadable"),
    ],
)
def test_agreement__a_field_refused_for_what_was_written__has_that_error_alone(data, field, code):
    form = AgreementForm(data)

    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()[field]] == [code]
