"""The form a leader sets a familielos's capacity with."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from familielos import roles

# A familielos follows 5–10 families at a time; a number far above it is a typing error, not a plan.
MAX_CAPACITY = 30


class CapacityForm(forms.Form):
    familielos = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.HiddenInput,
        label=_("Familielos"),
        error_messages={"invalid_choice": _("The person chosen is not a familielos.")},
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=0,
        max_value=MAX_CAPACITY,
        help_text=_("Families at level 3 at a time."),
        error_messages={"invalid": _("Write a whole number.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["familielos"].queryset = get_user_model().objects.filter(
            is_active=True, groups__name=roles.FAMILIELOS
        )
