"""What every letter to a family is filled with: the sender's unit, names joined as a sentence, the time of a
meeting in words, and the context of the shared letter template (cases/print/letter.html). Used by the case's
PDFs and the familieteam's."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from cases import access
from cases.models import LetterTemplate, Person, PersonRole
from cases.print_forms import fill_letter
from familielos import roles

LETTER_TEMPLATE = "cases/print/letter.html"


def in_letter_language():
    """A letter is in the municipality's language (LANGUAGE_CODE), as its template is written, whoever prints it:
    the weekday and date, names joined and its headings too, not in the language the printer reads the app in."""
    return translation.override(settings.LANGUAGE_CODE)


def invitation_context(template: LetterTemplate, *, sender, case, starts_at, place: str) -> dict:
    """An invitation to the case's guardians (with parental responsibility) to a meeting about its children, from
    `sender`: the letter template filled with the same placeholders for every kind of meeting."""
    guardians = [
        str(person)
        for person in Person.objects.filter(
            family_id=case.family_id, role=PersonRole.GUARDIAN, parental_responsibility=True
        )
    ]
    unit = sender_unit(sender, case)
    values = {
        "barn": join_names(str(child) for child in case.children.all()),
        "foresatte": join_names(guardians),
        "tidspunkt": meeting_time(starts_at),
        "sted": place,
        "avsender": roles.display_name(sender),
        "enhet": unit.name if unit else "",
        "kommune": settings.MUNICIPALITY_NAME,
    }
    return letter_context(template, values, recipients=guardians, unit=unit)


def letter_context(template: LetterTemplate, values: dict, *, recipients: list[str], unit) -> dict:
    """The letter template filled with `values` (the placeholders' keys), with the sender, the unit's contact and
    the recipients around it."""
    return {
        "letter": fill_letter(template, values),
        "letter_date": timezone.localdate(),
        "sender_name": values["avsender"],
        "unit_name": values["enhet"],
        "unit_contact": unit.contact if unit else "",
        "recipients": recipients,
        "children": values["barn"],
        "municipality": values["kommune"],
    }


def sender_unit(user, case):
    """The unit the letter comes from: the case's unit if the sender works there, else the sender's own."""
    units = list(access.user_units(user))
    if case.opened_unit_id and any(unit.pk == case.opened_unit_id for unit in units):
        return case.opened_unit
    return units[0] if units else case.opened_unit


def join_names(names) -> str:
    """Names as a sentence says them: "A", "A and B", "A, B and C"; empty names left out."""
    names = [name for name in names if name]
    if len(names) < 2:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def meeting_time(moment) -> str:
    """When a meeting is, as a letter says it: the weekday, the date and the time, in the app's time zone."""
    local = timezone.localtime(moment)
    return _("%(weekday)s %(date)s at %(time)s") % {
        "weekday": date_format(local, "l"),
        "date": date_format(local, "DATE_FORMAT"),
        "time": time_format(local, "TIME_FORMAT"),
    }
