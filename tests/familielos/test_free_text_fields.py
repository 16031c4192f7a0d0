"""Every text field of every form refuses what nobody types: control characters, bidirectional overrides and bytes
that were not text (familielos.validators.typed_characters). Generated over the apps' form modules, so a new form's
field is checked without being listed here."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError

from cases.forms import FamilySearchForm, PersonForm, RecordSamtaleForm
from cases.models import Avklaringssamtale
from familielos.forms import AuditFilterForm
from screening.forms import FactorForm, InstrumentForm, NewFactorForm
from screening.models import Audience, Instrument
from screening.public_forms import SendForm

# Forms that give their model fields the validator when made: checked as made.
MADE = {
    PersonForm: PersonForm,
    RecordSamtaleForm: lambda: RecordSamtaleForm(instance=Avklaringssamtale()),
    InstrumentForm: lambda: InstrumentForm(instance=Instrument(audience=Audience.STAFF)),
    FactorForm: FactorForm,
    NewFactorForm: lambda: NewFactorForm(instrument=Instrument(pk=0)),
}
# Text fields with a rule of their own, and why.
OWN_RULE = {
    (FamilySearchForm, "q"): "a search term: matched, never stored or shown but in its own field",
    (AuditFilterForm, "username"): "a filter on the access log: matched, never stored",
    (SendForm, "contact_phone"): "a phone number: digits, spaces and + only (_PHONE)",
}


def _form_modules():
    """Every module of the project's own apps (under BASE_DIR, not the virtualenv's packages there): forms are also
    made in views (the baton's handover)."""
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)) or "site-packages" in config.path:
            continue
        for module in pkgutil.iter_modules([config.path]):
            if not module.ispkg:
                yield importlib.import_module(f"{config.name}.{module.name}")


def _text_fields():
    for module in _form_modules():
        for form in vars(module).values():
            if not (inspect.isclass(form) and issubclass(form, forms.BaseForm) and form.__module__ == module.__name__):
                continue
            fields = MADE[form]().fields if form in MADE else form.base_fields
            for name, field in fields.items():
                typed = isinstance(field, forms.CharField) and not isinstance(field, (forms.URLField, forms.SlugField))
                shown = not isinstance(field.widget, (forms.HiddenInput, forms.PasswordInput))
                if typed and shown and (form, name) not in OWN_RULE:
                    yield pytest.param(field, id=f"{form.__name__}.{name}")


TEXT_FIELDS = list(_text_fields())


def test_the_walk__finds_the_forms_text_fields():
    # A form module renamed out of the walk would make the test below check nothing.
    assert len(TEXT_FIELDS) > 60


# A name (validators.visible_name) refuses controls and overrides among all that does not show; other texts name them.
HIDDEN = {"control_characters", "hidden_characters"}


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("Vestbygd\u0007 skule\u001b[31m", HIDDEN),
        ("Møterom \u202e1", HIDDEN),
        ("Vestbygd sk\ufffdle", {"undecodable"}),
    ],
    ids=["controls", "override", "undecodable"],
)
def test_text_field__what_nobody_types__is_refused(field, typed, codes):
    with pytest.raises(ValidationError) as refused:
        field.clean(typed)

    # An e-mail address may be refused by the address check first (not an address, or not ASCII): refused either way.
    if not isinstance(field, forms.EmailField):
        assert codes & {error.code for error in refused.value.error_list}
