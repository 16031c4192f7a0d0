"""Forms for the guardians' public self-assessment. Nothing here stores anything; sending goes through the workflow."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from familielos.models import ServiceKind, ServiceUnit
from familielos.validators import parse_id, readable, typed_characters, visible_name
from screening import selectors
from screening.models import AgeGroup, Audience, Factor, Instrument, InstrumentStatus

MAX_AGE = 16
_PHONE = re.compile(r"^\+?[0-9 ()-]+$")


def _is_id(value) -> bool:
    """A tampered value is an invalid choice and never reaches the database."""
    return parse_id(str(value)) is not None


class _IdChoiceField(forms.ModelChoiceField):
    """A hidden choice by id: anything but an id written in ASCII digits is an invalid choice."""

    def to_python(self, value):
        if isinstance(value, str) and value not in self.empty_values and not _is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class _IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Hidden choices by id: anything but ids written in ASCII digits is an invalid choice."""

    def clean(self, value):
        if isinstance(value, (list, tuple)) and not all(_is_id(item) for item in value if isinstance(item, str)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""})
        return super().clean(value)

    def _check_values(self, value):
        """The chosen rows, all ids checked by one queryset (they are ASCII digits, after clean): Django's own builds a
        queryset per id (about 0.1 ms each), and this public form takes a post of thousands of fields
        (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)."""
        ids = {int(item) for item in value}
        chosen = self.queryset.filter(pk__in=ids)
        if chosen.count() != len(ids):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""})
        return chosen


class AgeGroupForm(forms.Form):
    """Which version of the self-assessment to show: the age group, or the child's age."""

    age_group = forms.ChoiceField(
        label=_("How old is your child?"),
        choices=AgeGroup.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an age group or write the child's age.")},
    )
    age = forms.IntegerField(
        label=_("Or write the child's age in years"),
        min_value=0,
        max_value=MAX_AGE,
        required=False,
        error_messages={
            "invalid": _("Write the age as a whole number, for example 7."),
            "min_value": _("Write the age as a whole number, for example 7."),
            "max_value": _("This self-assessment is for children up to 16 years old."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if str(self.data.get("age", "")).strip():
            # The age is given instead: the age group follows from it.
            self.fields["age_group"].required = False

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            cleaned["group"] = cleaned.get("age_group") or AgeGroup.for_age(cleaned.get("age"))
        return cleaned


class AnswersForm(forms.Form):
    """The ticked factors, posted back from the instrument page or carried hidden on the result page.

    Any error here means the form was tampered with or is out of date: a guardian cannot make it by ticking boxes.
    """

    instrument = _IdChoiceField(
        queryset=Instrument.objects.filter(audience=Audience.GUARDIAN, status=InstrumentStatus.PUBLISHED),
        widget=forms.HiddenInput,
    )
    factors = _IdMultipleChoiceField(queryset=Factor.objects.none(), required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instrument_id = str(self.data.get("instrument", ""))
        if _is_id(instrument_id):
            # Only this version's factors are valid choices: an id from another version or instrument fails.
            self.fields["factors"].queryset = Factor.objects.filter(instrument_id=instrument_id).select_related("group")


class SendForm(forms.Form):
    """Who the guardian is and where to send the answers. At least one way to contact them."""

    # Its units, label and message follow the age group (__init__).
    unit = forms.ModelChoiceField(queryset=ServiceUnit.objects.none(), empty_label=_("Choose…"))
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[visible_name],
    )
    contact_phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        help_text=_("Give a phone number, an e-mail address, or both."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        # Django's e-mail check lets a right-to-left override through in the domain: shown as a link in the inbox.
        validators=[typed_characters],
        # A text input styled like the others; the browser still offers e-mail keyboards and autofill.
        widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        validators=[readable],
        help_text=_("Anything you want them to know. Do not write anything you do not want to share."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent = forms.BooleanField(
        label=_("I agree that my answers, my message and my contact details are shared with the unit I chose"),
        error_messages={"required": _("Tick the box to agree that your answers are shared, or do not send them.")},
    )

    def __init__(self, *args, age_group: str, **kwargs):
        kwargs.setdefault("prefix", "send")
        super().__init__(*args, **kwargs)
        # The child's own arena: kindergartens for the kindergarten questions, schools for the school ones.
        unit = self.fields["unit"]
        unit.queryset = selectors.receiving_units(age_group)
        if AgeGroup(age_group).receiving_kind == ServiceKind.BARNEHAGE:
            unit.label, refusal = _("Kindergarten"), _("Choose a kindergarten from the list.")
        else:
            unit.label, refusal = _("School"), _("Choose a school from the list.")
        unit.error_messages["invalid_choice"] = refusal

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 8):
            raise ValidationError(_("Write a phone number with at least 8 digits, for example 412 34 567."))
        return phone

    def clean(self):
        cleaned = super().clean()
        has_both_fields = "contact_phone" in cleaned and "contact_email" in cleaned
        if has_both_fields and not (cleaned["contact_phone"] or cleaned["contact_email"]):
            self.add_error("contact_phone", _("Give a phone number or an e-mail address so that they can contact you."))
        return cleaned
