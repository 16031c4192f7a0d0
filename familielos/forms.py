from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    family = forms.IntegerField(label=_("Family number"), required=False, min_value=1)
