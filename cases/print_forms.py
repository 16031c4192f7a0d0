"""Letter templates: their {placeholders}, filling them in, and the leaders' editor form."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import LetterTemplate
from familielos.validators import readable

# The placeholders a letter template may use, with what each one is replaced by.
PLACEHOLDERS = {
    "barn": _("the child's name (several children: all of them)"),
    "foresatte": _("the names of the guardians with parental responsibility"),
    "tidspunkt": _("the date and time of the meeting"),
    "sted": _("the place of the meeting"),
    "avsender": _("the name of the person who sends the letter"),
    "enhet": _("the sender's unit (kindergarten, school, service)"),
    "kommune": _("the municipality's name"),
}
LETTER_FIELDS = ("letterhead", "subject", "body", "signature")

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# What a leader may have meant as a placeholder: anything between a pair of braces.
_BRACED = re.compile(r"\{([^{}]*)\}")


def fill_placeholders(text: str, values: dict) -> str:
    """Replace the known {placeholders} in `text`; anything else, unknown names and stray braces included,
    stays as it was typed. The result is plain text: templates escape it when they show it."""
    return _PLACEHOLDER.sub(lambda match: str(values.get(match[1], match[0])), text)


def fill_letter(template: LetterTemplate, values: dict) -> dict:
    """The template's texts with the placeholders filled in."""
    return {name: fill_placeholders(getattr(template, name), values) for name in LETTER_FIELDS}


def _max_length(name: str) -> int | None:
    return LetterTemplate._meta.get_field(name).max_length


PLACEHOLDER_HELP = _("You can use the placeholders listed above the form, for example {barn}.")


# A letter fits on a sheet or two; a longer text would take the PDF renderer minutes for every family's letter.
LETTER_BODY_MAX = 8000
LETTER_SIGNATURE_MAX = 1000


class LetterTemplateForm(forms.Form):
    """A leader's edit of one letter template; unknown placeholders are refused so a typo is caught here."""

    letterhead = forms.CharField(
        label=_("Letterhead"),
        max_length=_max_length("letterhead"),
        validators=[readable],
        help_text=_("Shown at the top of the letter, usually the municipality's name."),
    )
    subject = forms.CharField(
        label=_("Subject"), max_length=_max_length("subject"), validators=[readable], help_text=PLACEHOLDER_HELP
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=LETTER_BODY_MAX,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("An empty line starts a new paragraph. You can use the placeholders, for example {tidspunkt}."),
    )
    signature = forms.CharField(
        label=_("Signature and contact"),
        required=False,
        max_length=LETTER_SIGNATURE_MAX,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Greeting, name, unit and how to get in touch, for example {avsender}."),
    )

    def clean(self):
        data = super().clean()
        for name in LETTER_FIELDS:
            text = data.get(name) or ""
            unknown = sorted(set(_BRACED.findall(text)) - set(PLACEHOLDERS))
            if any(brace in _BRACED.sub("", text) for brace in "{}"):
                # "{barn" or "barn}" would reach the family as written.
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("A brace without its pair: write a placeholder with a brace on each side, like {barn}."),
                        code="unpaired_brace",
                    ),
                )
            if unknown:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _("Unknown placeholder: %(names)s. Use only the placeholders in the list."),
                        code="unknown_placeholder",
                        params={"names": ", ".join(f"{{{name}}}" for name in unknown)},
                    ),
                )
        return data

    @classmethod
    def for_template(cls, template: LetterTemplate, data=None):
        return cls(data, initial={name: getattr(template, name) for name in LETTER_FIELDS})
