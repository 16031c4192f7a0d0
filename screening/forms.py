from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases import access
from cases.models import TEXT_MAX, Person
from familielos.models import ServiceUnit
from familielos.validators import readable
from screening import selectors, workflow
from screening.models import AgeGroup, Audience, Factor, FactorGroup, FactorKind, Instrument

MISMATCH = _("The form does not match this version of the screening tool. Reload it.")
NYNORSK_HELP = _("Shown when the page is in Nynorsk. Left empty, the Bokmål text is shown.")


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, child):
        age = child.age
        if age is None:
            return f"{child.first_name} {child.last_name} ({child.family.name})"
        return _("%(name)s, %(age)s yrs (%(family)s)") % {
            "name": f"{child.first_name} {child.last_name}",
            "age": age,
            "family": child.family.name,
        }


def _unit_field():
    return forms.ModelChoiceField(label=_("Unit"), queryset=ServiceUnit.objects.none(), empty_label=None)


def _child_field():
    return ChildChoiceField(
        label=_("Named child"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Anonymous: no name"),
        help_text=_("Only children in families you work with. Leave it anonymous to discuss a concern first."),
    )


class StartForm(forms.Form):
    """Who the screening is about, and so which age group's instrument to use. Sent by GET.

    Left on automatic, the age group comes from the named child's age, or else from the unit's kind: a kindergarten
    screens with the kindergarten tool, a school with the primary school tool.
    """

    unit = _unit_field()
    child = _child_field()
    age_group = forms.TypedChoiceField(
        label=_("Age group"),
        choices=[("", _("Automatic: from the named child's age, or else from the unit")), *AgeGroup.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Without a named child, a kindergarten uses the kindergarten tool and a school the primary school one."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = access.user_units(user)
        self.fields["child"].queryset = selectors.changeable_children(user)

    def clean(self):
        data = super().clean()
        child, unit, age_group = data.get("child"), data.get("unit"), data.get("age_group")
        if not age_group and child is not None:
            age_group = AgeGroup.for_age(child.age)
        if not age_group:
            age_group = AgeGroup.for_unit(unit)
        if not age_group:
            if not self.errors:
                self.add_error(
                    "age_group",
                    forms.ValidationError(
                        _(
                            "Choose the age group: it cannot be told from %(unit)s, and there is no named child "
                            "with a date of birth."
                        ),
                        code="required",
                        params={"unit": unit.name},
                    ),
                )
            return data
        data["age_group"] = age_group
        data["instrument"] = workflow.current_instrument(age_group)
        if data["instrument"] is None:
            self.add_error(
                "age_group",
                forms.ValidationError(_("No screening tool is published for this age group."), code="unpublished"),
            )
        return data


class ScreeningForm(forms.Form):
    """A staff screening with one instrument version: ticked factors and observations.

    The version rides along in a hidden field: a form from another (or an unpublished) version is refused.
    Submitting needs what was seen or heard, and a named child or a description of the child.
    """

    instrument = forms.CharField(widget=forms.HiddenInput, required=False)
    unit = _unit_field()
    child = _child_field()
    child_description = forms.CharField(
        label=_("The child, without name"),
        max_length=100,
        required=False,
        validators=[readable],
        help_text=_("For example «girl, 5 years, Blue group». Do not write the name."),
    )
    factors = forms.TypedMultipleChoiceField(
        label=_("Factors"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": MISMATCH},
    )
    seen = forms.CharField(
        label=_("What was seen or heard"),
        max_length=TEXT_MAX,
        required=False,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Describe situations, not conclusions. Needed to submit, not to save a draft."),
    )
    child_said = forms.CharField(
        label=_("What the child said or did"),
        max_length=TEXT_MAX,
        required=False,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duration = forms.CharField(
        label=_("For how long"),
        max_length=200,
        required=False,
        validators=[readable],
        help_text=_("For example «since the autumn holiday»."),
    )
    earlier_concern = forms.CharField(
        label=_("Earlier concern"),
        max_length=TEXT_MAX,
        required=False,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Has anyone been concerned before, and what was done?"),
    )

    OBSERVATIONS = ("seen", "child_said", "duration", "earlier_concern")

    def __init__(self, *args, user, instrument: Instrument, groups, submit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument, self.groups, self.submit = instrument, groups, submit
        self.fields["instrument"].initial = instrument.pk
        self.fields["unit"].queryset = access.user_units(user)
        self.fields["child"].queryset = selectors.changeable_children(user)
        self._factors = {factor.pk: factor for group in groups for factor in group.factors.all()}
        # A draft is saved without it, but submitting needs it unless a named child is chosen (see clean).
        self.fields["child_description"].needed_when = _("needed without a named child")
        self.fields["factors"].choices = [(pk, factor.localized_label) for pk, factor in self._factors.items()]

    def clean(self):
        data = super().clean()
        if data.get("instrument") != str(self.instrument.pk):
            self.add_error(None, forms.ValidationError(MISMATCH, code="instrument"))
        if self.submit and not data.get("seen", "").strip():
            self.add_error(
                "seen",
                forms.ValidationError(_("Describe what you have seen or heard before you submit."), code="required"),
            )
        if self.submit and not data.get("child") and not data.get("child_description", "").strip():
            self.add_error(
                "child_description",
                forms.ValidationError(
                    _("Describe the child without a name, or choose a named child."), code="required"
                ),
            )
        return data

    @staticmethod
    def initial_from_concern(concern, instrument: Instrument) -> dict:
        """A screening started from a guardian's self-assessment: the staff factors with the same keys as the ones
        the guardian ticked, and what they ticked and wrote in «what was seen or heard», for the staff to rework.
        """
        ticked = list(concern.factors.order_by("group__position", "position", "pk"))
        keys = {factor.key for factor in ticked}
        summary = _("A guardian's self-assessment, received %(date)s.") % {
            "date": date_format(timezone.localtime(concern.submitted_at), "SHORT_DATE_FORMAT")
        }
        if ticked:
            summary += " " + _("They ticked: %(factors)s.") % {
                "factors": "; ".join(factor.localized_label for factor in ticked)
            }
        if concern.seen:
            summary += " " + _("Their message: %(message)s") % {"message": concern.seen}
        return {
            "factors": list(instrument.factors.filter(key__in=keys).values_list("pk", flat=True)),
            "seen": summary,
        }

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        observations = {name: data[name] for name in (*self.OBSERVATIONS, "child_description")}
        return {"unit": data["unit"], "child": data["child"], "factor_ids": data["factors"], **observations}

    def ticked(self) -> list[Factor]:
        """The instrument's factors ticked in the form as it stands (valid ids only), for the live result."""
        ids = set()
        for value in self["factors"].value() or []:
            try:
                ids.add(int(value))
            except (TypeError, ValueError):
                continue
        return [factor for pk, factor in self._factors.items() if pk in ids]

    def factor_groups(self) -> list[dict]:
        """The factor checkboxes grouped as on the instrument, each with its factor for the help text."""
        widgets = {int(widget.data["value"]): widget for widget in self["factors"]}
        grouped = []
        for group in self.groups:
            rows = [{"factor": factor, "widget": widgets[factor.pk]} for factor in group.factors.all()]
            kinds = {row["factor"].kind for row in rows}
            grouped.append({"group": group, "rows": rows, "kind": kinds.pop() if len(kinds) == 1 else ""})
        return grouped


class LinkChildForm(forms.Form):
    child = ChildChoiceField(label=_("Child"), queryset=Person.objects.none(), empty_label=_("Choose a child"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = selectors.changeable_children(user)


# The introduction is a few sentences above the tool's factors.
INTRODUCTION_MAX = 2000


class InstrumentForm(forms.ModelForm):
    """The draft's texts in Bokmål and Nynorsk, and a staff tool's thresholds (the guardians' tool has none)."""

    class Meta:
        model = Instrument
        fields = [
            "title",
            "title_nn",
            "introduction",
            "introduction_nn",
            "avklaring_threshold",
            "ressursteam_threshold",
        ]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 3}),
            "introduction_nn": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"title": _("Title of the tool"), "title_nn": _("Title of the tool (Nynorsk)")}
        help_texts = {"title_nn": NYNORSK_HELP, "introduction_nn": NYNORSK_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "title_nn", "introduction", "introduction_nn"):
            self.fields[name].validators.append(readable)
        for name in ("introduction", "introduction_nn"):
            self.fields[name].validators.append(MaxLengthValidator(INTRODUCTION_MAX))
            self.fields[name].widget.attrs["maxlength"] = str(INTRODUCTION_MAX)
        if self.instance.audience != Audience.STAFF:
            del self.fields["avklaring_threshold"], self.fields["ressursteam_threshold"]
            return
        for name in ("avklaring_threshold", "ressursteam_threshold"):
            self.fields[name].required = True
            _limit(self.fields[name], 1, 1000)

    def clean(self):
        data = super().clean()
        low, high = data.get("avklaring_threshold"), data.get("ressursteam_threshold")
        if low is not None and high is not None and high < low:
            self.add_error(
                "ressursteam_threshold",
                forms.ValidationError(
                    _("The threshold for the ressursteam cannot be lower than the one for a clarifying conversation."),
                    code="order",
                ),
            )
        return data


def _limit(field, low, high):
    field.min_value, field.max_value = low, high
    field.validators = [MinValueValidator(low), MaxValueValidator(high)]
    field.widget.attrs.update(min=low, max=high)


WEIGHT_HELP = _("Risk points when ticked, 0–10. Protective factors never subtract.")


class FactorForm(forms.ModelForm):
    class Meta:
        model = Factor
        fields = ["label", "label_nn", "help_text", "help_text_nn", "kind", "weight", "signals_abuse"]
        widgets = {
            "help_text": forms.Textarea(attrs={"rows": 2}),
            "help_text_nn": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"label_nn": _("Label (Nynorsk)"), "help_text_nn": _("Help text (Nynorsk)")}
        # Explained once above the list of factors; the form for a new factor shows it by the field.
        help_texts = {"weight": "", "signals_abuse": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit(self.fields["weight"], 0, 10)
        for name in ("label", "label_nn", "help_text", "help_text_nn"):
            self.fields[name].validators.append(readable)


class BaseFactorFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[DELETION_FIELD_NAME].label = _("Remove this factor")

    def clean(self):
        super().clean()
        # The editor only changes the version's own factors (an id from elsewhere leaves a form without its
        # instance); new ones are added one at a time, with their group.
        foreign = any(form.instance.pk is None for form in self.initial_forms)
        if foreign or any(form.has_changed() for form in self.extra_forms):
            raise forms.ValidationError(MISMATCH, code="mismatch")


FactorFormSet = forms.modelformset_factory(
    Factor,
    form=FactorForm,
    formset=BaseFactorFormSet,
    extra=0,
    can_delete=True,
    max_num=workflow.MAX_FACTORS,
    absolute_max=workflow.MAX_FACTORS,
)


class NewFactorForm(FactorForm):
    group = forms.ModelChoiceField(label=_("Group"), queryset=FactorGroup.objects.none(), empty_label=None)

    class Meta(FactorForm.Meta):
        fields = ["group", "label", "label_nn", "help_text", "help_text_nn", "kind", "weight", "signals_abuse"]

        help_texts = {"weight": WEIGHT_HELP, "label_nn": NYNORSK_HELP}

    field_order = ["group", "label", "label_nn", "help_text", "help_text_nn", "kind", "weight", "signals_abuse"]

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = instrument.groups.order_by("position", "pk")
        self.fields["group"].label_from_instance = lambda group: group.localized_title
        self.fields["kind"].initial = FactorKind.RISK
