"""Forms for writing in the Stafettlogg and for narrowing the log page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from familielos.roles import display_name
from familielos.validators import DateWithin, readable
from familieteam.models import LifeArea
from stafettlogg import selectors
from stafettlogg.models import RESPONSIBLE_MAX, TEXT_MAX, Kind, Outcome, Visibility
from stafettlogg.workflow import TEXT_KINDS


def _visibility_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Who can read it"), choices=Visibility.choices, initial=Visibility.TEAM, widget=forms.RadioSelect
    )


class TextEntryForm(forms.Form):
    """A note, a message or a lysglimt: a text and who may read it."""

    text = forms.CharField(
        label=_("Text"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), validators=[readable]
    )
    visibility = _visibility_field()

    def __init__(self, *args, kind: str, **kwargs):
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Kind.MESSAGE:
            self.fields["text"].label = _("Message")
            self.fields["visibility"].label = _("To")
            # An answer to the family's message is team-only until the writer says otherwise: say so where they choose.
            self.fields["visibility"].help_text = _("The family reads only what is sent to the team and the family.")

    def action_kwargs(self) -> dict:
        return {"kind": self.kind, **self.cleaned_data}


class MeasureForm(forms.Form):
    """A measure: what, the life area it serves, who is responsible, and from when until its evaluation."""

    kind = Kind.MEASURE
    text = forms.CharField(
        label=_("What is done"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), validators=[readable]
    )
    life_area = forms.ModelChoiceField(
        label=_("Life area"), queryset=LifeArea.objects.filter(active=True), required=False, empty_label=_("None")
    )
    responsible = forms.CharField(label=_("Who is responsible"), max_length=RESPONSIBLE_MAX, validators=[readable])
    starts_on = forms.DateField(label=_("Start"), widget=DateInput(), validators=[DateWithin(back=1, ahead=2)])
    # A new measure is evaluated from today on (a reminder comes when the date has passed).
    evaluate_by = forms.DateField(label=_("Evaluate by"), widget=DateInput(), validators=[DateWithin(back=0, ahead=2)])
    visibility = _visibility_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", Kind.MEASURE)
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        starts_on, evaluate_by = cleaned.get("starts_on"), cleaned.get("evaluate_by")
        if starts_on and evaluate_by and evaluate_by < starts_on:
            self.add_error("evaluate_by", _("The evaluation date cannot be before the start."))
        return cleaned

    def action_kwargs(self) -> dict:
        return self.cleaned_data


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        what = obj.text if len(obj.text) <= 80 else f"{obj.text[:79]}…"
        return f"{what} ({obj.starts_on:%d.%m.%Y}–{obj.evaluate_by:%d.%m.%Y})"


class EvaluationForm(forms.Form):
    """How a measure of this family went, and what comes next."""

    kind = Kind.EVALUATION
    measure = MeasureChoiceField(
        label=_("Measure"),
        queryset=None,
        empty_label=_("Choose a measure"),
        error_messages={"invalid_choice": _("Choose one of this family's measures.")},
    )
    outcome = forms.ChoiceField(label=_("How did it go?"), choices=Outcome.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Evaluation"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), validators=[readable]
    )
    next_steps = forms.CharField(
        label=_("What next"),
        max_length=TEXT_MAX,
        required=False,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    visibility = _visibility_field()

    def __init__(self, *args, family, **kwargs):
        kwargs.setdefault("prefix", Kind.EVALUATION)
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = selectors.open_measures(family)

    def action_kwargs(self) -> dict:
        return self.cleaned_data


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Corrected text"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), validators=[readable]
    )

    def __init__(self, *args, entry, **kwargs):
        kwargs.setdefault("prefix", f"rett-{entry.pk}")
        kwargs.setdefault("initial", {"text": entry.text})
        super().__init__(*args, **kwargs)


class FilterForm(forms.Form):
    """The log page's filters (GET), shown with the people who wrote in the log and the life areas to choose from."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    author = forms.TypedChoiceField(label=_("Written by"), required=False, coerce=int, empty_value=None)
    life_area = forms.TypedChoiceField(label=_("Life area"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *Kind.choices]
        self.fields["author"].choices = [("", _("Everyone"))] + [
            (user.pk, display_name(user)) for user in selectors.authors(family)
        ]
        self.fields["life_area"].choices = [("", _("All life areas"))] + [
            (area.pk, area.name) for area in LifeArea.objects.all()
        ]


def post_form(kind: str, family, data=None):
    """The empty or bound form for writing an entry of `kind`, or None for a kind people do not post."""
    if kind in TEXT_KINDS:
        return TextEntryForm(data, kind=kind)
    if kind == Kind.MEASURE:
        return MeasureForm(data)
    if kind == Kind.EVALUATION:
        return EvaluationForm(data, family=family)
    return None
