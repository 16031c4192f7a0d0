"""Forms of the meeting pages: planning a meeting, the agenda, who came, and the decision on a card."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from familielos import roles
from familielos.validators import DateWithin, local_date_and_time, local_moment, readable
from teams.models import TEXT_MAX, Outcome

# The fields each outcome fills in, in the order the card shows them.
OUTCOME_FIELDS = {
    Outcome.ARENA: ("recommendations", "follow_up"),
    Outcome.OTHER_SERVICE: ("service", "note", "closes_case"),
    Outcome.FAMILIELOS: ("familielos",),
    Outcome.MORE_INFO: ("question",),
    Outcome.NO_ACTION: (),
}


class MeetingForm(forms.Form):
    # A meeting is planned within a year back (recorded afterwards) and two years ahead.
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[DateWithin(back=1, ahead=2)])
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False, validators=[readable])

    @staticmethod
    def initial_for(meeting) -> dict:
        """The form filled in with the meeting as it is, to move it."""
        day, hour = local_date_and_time(meeting.starts_at)
        return {"date": day, "time": hour, "place": meeting.place}

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            try:
                data["starts_at"] = local_moment(data["date"], data["time"])
            except forms.ValidationError as error:
                self.add_error("time", error)
        return data


class PresentForm(forms.Form):
    """Who came to the meeting; the choices are the team's members, read once by the view."""

    present = forms.TypedMultipleChoiceField(
        label=_("Who came"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {member.pk: member for member in members}
        self.fields["present"].choices = [(member.pk, roles.display_name(member)) for member in members]

    def present_users(self):
        return [self.members[pk] for pk in self.cleaned_data["present"]]


class AddToAgendaForm(forms.Form):
    referral = forms.TypedChoiceField(label=_("Waiting referral"), coerce=int)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].choices = [("", "–"), *choices]


class DecisionForm(forms.Form):
    """The team's decision on one card. The choices (services, familieloser) are read once for the whole board and
    passed in, so a board of fifty cards costs no more queries than one of five."""

    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), validators=[readable]
    )
    recommendations = forms.CharField(
        label=_("Recommendations for the unit"),
        max_length=TEXT_MAX,
        required=False,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up = forms.DateField(
        label=_("Follow up by"), required=False, widget=DateInput(), validators=[DateWithin(back=0, ahead=2)]
    )
    service = forms.TypedChoiceField(label=_("Service"), coerce=int, required=False)
    note = forms.CharField(
        label=_("Note to the service"),
        max_length=TEXT_MAX,
        required=False,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    closes_case = forms.BooleanField(label=_("Close the case"), required=False)
    familielos = forms.TypedChoiceField(label=_("Familielos"), coerce=int, required=False, widget=forms.RadioSelect)
    question = forms.CharField(
        label=_("Question to the sender"),
        max_length=TEXT_MAX,
        required=False,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, services, familieloser, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {unit.pk: unit for unit in services}
        self.familieloser = {user.pk: user for user in familieloser}
        outcomes = [(value, label) for value, label in Outcome.choices]
        if anonymous:
            # No consent, no names: an anonymous case can neither get a familielos nor close a case.
            outcomes = [choice for choice in outcomes if choice[0] != Outcome.FAMILIELOS]
            del self.fields["familielos"], self.fields["closes_case"]
        else:
            self.fields["familielos"].choices = [(user.pk, user.capacity_label) for user in familieloser]
        self.fields["outcome"].choices = outcomes
        self.fields["service"].choices = [("", "–"), *((unit.pk, unit.name) for unit in services)]
        # Each in its outcome's fieldset, needed by that outcome (clean): not "optional".
        for name in ("follow_up", "service", "question"):
            self.fields[name].needed_when = _("needed for this decision")

    def familielos_choices(self) -> list[dict]:
        """Each familielos radio (`id`, `value`, `label`, `checked`) with its person (`los`, whose `full` says the
        team should be warned). Built here rather than through the widget's subwidgets, which cost a board a
        fraction of a millisecond per familielos per card: the municipality's every familielos is a choice."""
        field = self["familielos"]
        value = field.value()
        checked = str(value) if value not in (None, "") else None
        return [
            {
                "id": f"{field.auto_id}_{index}",
                "value": los.pk,
                "label": los.capacity_label,
                "checked": str(los.pk) == checked,
                "los": los,
            }
            for index, los in enumerate(self.familieloser.values())
        ]

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        needed = {
            Outcome.ARENA: {"follow_up": _("Set the date the unit follows the measures up.")},
            Outcome.OTHER_SERVICE: {"service": _("Choose the service that takes the case on.")},
            Outcome.FAMILIELOS: {"familielos": _("Choose a familielos.")},
            Outcome.MORE_INFO: {"question": _("Write the question to the sender.")},
        }.get(outcome, {})
        for name, message in needed.items():
            if data.get(name) in (None, ""):
                self.add_error(name, message)
        if data.get("reasons") is not None and not data["reasons"].strip():
            self.add_error("reasons", _("Write the team's reasons for the decision."))
        return data

    def action_kwargs(self) -> dict:
        """The arguments of teams.workflow.decide: only the chosen outcome's own fields."""
        data = self.cleaned_data
        outcome = Outcome(data["outcome"])
        kwargs = {"outcome": outcome, "reasons": data["reasons"]}
        fields = OUTCOME_FIELDS[outcome]
        if "recommendations" in fields:
            kwargs.update(recommendations=data["recommendations"], follow_up=data["follow_up"])
        if "service" in fields:
            kwargs.update(
                service=self.services[data["service"]],
                recommendations=data["note"],
                closes_case=data.get("closes_case", False),
            )
        if "familielos" in fields:
            kwargs["familielos"] = self.familieloser[data["familielos"]]
        if "question" in fields:
            kwargs["question"] = data["question"]
        return kwargs

    def typed_texts(self) -> list[tuple[str, str]]:
        """What the person wrote, as (label, text): kept on the card when another member decided first."""
        return [
            (self.fields[name].label, self.data.get(self.add_prefix(name), "").strip())
            for name in ("reasons", "recommendations", "note", "question")
            if self.data.get(self.add_prefix(name), "").strip()
        ]
