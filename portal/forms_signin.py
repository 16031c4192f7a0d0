from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The address the Familielos team has for you."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
