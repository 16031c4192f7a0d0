"""Forms of the canvas page: one cell's text as typed, an evaluation of the previous meeting's goal or action,
and the version of a cell to restore."""

from django import forms
from django.utils.translation import pgettext_lazy

from cases.forms import DateInput
from familielos.validators import DateWithin, readable, shows_something, typed_characters
from familieteam.models import TEXT_MAX, Column, EvaluationResult, LifeArea


class TypedTextField(forms.CharField):
    """Text kept as typed (no stripping while someone is still typing), with the browser's CRLF line ends made LF
    before its length is checked, so a cell holds the TEXT_MAX characters the textarea's maxlength counts."""

    def __init__(self, **kwargs):
        super().__init__(strip=False, max_length=TEXT_MAX, required=False, **kwargs)

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class CellForm(forms.Form):
    """A save of one cell, typed from `version` (what the page showed); the workflow decides saved or conflict."""

    # A retired life area stays editable on a canvas that has text in it (the workflow decides).
    life_area = forms.ModelChoiceField(label=pgettext_lazy("canvas", "Life area"), queryset=LifeArea.objects.all())
    column = forms.ChoiceField(label=pgettext_lazy("canvas", "Column"), choices=Column.choices)
    text = TypedTextField(label=pgettext_lazy("canvas", "Text"), widget=forms.Textarea, validators=[typed_characters])
    due = forms.DateField(
        label=pgettext_lazy("canvas", "By date"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
        validators=[DateWithin(back=5, ahead=5)],
    )
    version = forms.IntegerField(label=pgettext_lazy("canvas", "Version"), min_value=0)
    resolve = forms.BooleanField(required=False)

    def clean_text(self):
        """A cell holding nothing that shows is an empty cell: never offered as a goal to evaluate or an action
        point's source with a blank name. Refused, such text would stop the autosave of a cell left blank."""
        text = self.cleaned_data["text"]
        return text if shows_something(text) else ""

    def clean(self):
        data = super().clean()
        if data.get("column") and not Column(data["column"]).has_date:
            data["due"] = None
        return data


class EvaluationForm(forms.Form):
    result = forms.ChoiceField(
        label=pgettext_lazy("canvas", "Result"), choices=EvaluationResult.choices, widget=forms.RadioSelect
    )
    comment = TypedTextField(
        label=pgettext_lazy("canvas", "Comment"), widget=forms.Textarea(attrs={"rows": 2}), validators=[readable]
    )


class RestoreForm(forms.Form):
    version = forms.IntegerField(label=pgettext_lazy("canvas", "Version"), min_value=1)
