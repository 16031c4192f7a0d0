"""Forms on the family's own pages: writing to the team or keeping a lysglimt, and ticking one's own task."""

from django import forms
from django.utils.translation import gettext_lazy as _

from familielos.validators import readable
from portal.workflow import FAMILY_STATUSES
from stafettlogg.models import TEXT_MAX, Kind
from stafettlogg.workflow import FAMILY_KINDS

LABELS = {
    Kind.MESSAGE: _("Your message to the team"),
    Kind.LYSGLIMT: _("What went well?"),
}
HELP = {
    Kind.MESSAGE: _("Everyone in the team can read it, and so can your family."),
    Kind.LYSGLIMT: _("A good moment you want to keep, big or small. The team and your family can read it."),
}


class FamilyPostForm(forms.Form):
    """A message to the team or a lysglimt: just a text. Each kind has its own form on the page (its prefix)."""

    text = forms.CharField(
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[readable],
        error_messages={
            "required": _("Write something before you send."),
            "max_length": _("The text is too long. Make it at most %(limit_value)d characters."),
        },
    )

    def __init__(self, *args, kind: str, **kwargs):
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["text"].label = LABELS[kind]
        self.fields["text"].help_text = HELP[kind]


def post_forms(data=None, *, kind: str = "") -> dict:
    """The page's two forms, by kind; the one named `kind` bound to `data`."""
    return {each: FamilyPostForm(data if each == kind else None, kind=each) for each in FAMILY_KINDS}


class TickForm(forms.Form):
    """Done or not done, from the version of the task the person saw."""

    status = forms.ChoiceField(choices=[(status.value, status.label) for status in FAMILY_STATUSES])
    base_version = forms.IntegerField(min_value=1)
