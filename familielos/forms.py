from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def errors_text(form) -> str:
    """A form's errors in one line, each after its field's label, for a fragment with no room for the form: an
    error on a hidden field (a version, a token the page sent) says the page is out of date, which the person can
    mend; its own message would name a field they cannot see."""
    parts = []
    for name, messages in form.errors.items():
        if name in form.fields and form.fields[name].widget.is_hidden:
            parts.append(gettext("The page is out of date. Reload it."))
        else:
            label = form.fields[name].label if name in form.fields else ""
            parts.append(f"{label}: {' '.join(messages)}" if label else " ".join(messages))
    return " ".join(dict.fromkeys(parts))


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    family = forms.IntegerField(label=_("Family number"), required=False, min_value=1)
