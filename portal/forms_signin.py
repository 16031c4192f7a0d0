from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.signin import normalise_email


class SignInEmailField(forms.EmailField):
    """An e-mail address in one normal form, and plain ASCII: a look-alike letter (a dotless 'ı') would otherwise
    reach another login's address through the database's case-insensitive match."""

    def to_python(self, value):
        return normalise_email(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if not value.isascii():
            raise ValidationError(
                _(
                    "Write the address with the letters a to z only, without æ, ø, å or other special letters. "
                    "If your address has such letters, ask your familielos or contact person."
                ),
                code="not_ascii",
            )


class SignInForm(forms.Form):
    email = SignInEmailField(
        label=_("Your e-mail address"),
        help_text=_("The address the Familielos team has for you."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
