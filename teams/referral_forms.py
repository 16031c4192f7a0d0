"""The forms of the referral pages: the texts of a referral, the team and unit it goes to, and the sender's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from familielos.validators import readable
from teams.models import TEXT_MAX, Urgency
from teams.workflow import REFERRAL_TEXTS


def _text(label, help_text="", *, required=False):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[readable],
    )


class ReferralTextsForm(forms.Form):
    """What the team reads: the question, what has been tried, the child's and the guardians' views, urgency."""

    question = _text(
        _("Your question to the team"), _("What do you want the team to help with or decide?"), required=True
    )
    tried = _text(_("What has been tried, and for how long"))
    child_view = _text(_("The child's own view"))
    guardian_view = _text(_("The guardians' view"))
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )

    def texts(self) -> dict:
        return {name: self.cleaned_data[name] for name in REFERRAL_TEXTS}


class NewReferralForm(ReferralTextsForm):
    """A new referral of a family's case; `teams` are the ones offered (the covering team, if there is one)."""

    team = forms.ModelChoiceField(label=_("Ressursteam"), queryset=None, empty_label=None)

    field_order = ["team", *REFERRAL_TEXTS]

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class AnonymousReferralForm(NewReferralForm):
    """A discussion case without names: from one of the sender's units, to a team covering it."""

    unit = forms.ModelChoiceField(label=_("Your unit"), queryset=None, empty_label=None)

    field_order = ["unit", "team", *REFERRAL_TEXTS]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class EditReferralForm(ReferralTextsForm):
    """A draft's texts; `version` is the one the page was drawn from, so a save over a newer one is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_referral(cls, referral, data=None):
        initial = {name: getattr(referral, name) for name in REFERRAL_TEXTS}
        return cls(data, initial={**initial, "version": referral.version})


class AnswerForm(forms.Form):
    answer = _text(_("Your answer to the team's question"), required=True)
