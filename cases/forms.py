from datetime import timedelta

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import consents, workflow
from cases.models import TEXT_MAX, Avklaringssamtale, ConsentDecision, Level, Person, PersonRole, age_on
from familielos import roles
from familielos.models import ServiceUnit
from familielos.validators import DateWithin, local_date_and_time, local_moment, readable, visible_name
from teams.models import Ressursteam


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# No one registered is older than this.
OLDEST = 120


def _is_adult(born) -> bool:
    """Whether someone born on `born` is 18 or older today: a child registered is under 18."""
    return age_on(born, timezone.localdate()) >= 18


def _not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."), code="future")
    return value


class RegisterFamilyForm(forms.Form):
    """A new family with the child of concern and its guardians; opens the case at level 0."""

    family_name = forms.CharField(
        label=_("Family name"),
        max_length=200,
        help_text=_("For example «Familien Hansen»."),
        validators=[visible_name],
    )
    child_first_name = forms.CharField(label=_("Child's first name"), max_length=100, validators=[visible_name])
    child_last_name = forms.CharField(label=_("Child's last name"), max_length=100, validators=[visible_name])
    child_birth_date = forms.DateField(label=_("Child's date of birth"), widget=DateInput())
    guardian_first_name = forms.CharField(label=_("Guardian's first name"), max_length=100, validators=[visible_name])
    guardian_last_name = forms.CharField(label=_("Guardian's last name"), max_length=100, validators=[visible_name])
    second_guardian_first_name = forms.CharField(
        label=_("Second guardian's first name"), max_length=100, required=False, validators=[visible_name]
    )
    second_guardian_last_name = forms.CharField(
        label=_("Second guardian's last name"), max_length=100, required=False, validators=[visible_name]
    )
    unit = forms.ModelChoiceField(label=_("Your unit"), queryset=ServiceUnit.objects.none(), required=False)
    reason = forms.CharField(
        label=_("The concern"),
        max_length=TEXT_MAX,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What has been seen or heard, and for how long."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = ServiceUnit.objects.filter(memberships__user=user)

    def clean_child_birth_date(self):
        born = _not_in_future(self.cleaned_data["child_birth_date"])
        if born and _is_adult(born):
            raise forms.ValidationError(_("The child must be under 18."), code="adult")
        return born

    def clean(self):
        data = super().clean()
        first, last = data.get("second_guardian_first_name"), data.get("second_guardian_last_name")
        if bool(first) != bool(last):
            self.add_error(
                "second_guardian_last_name" if first else "second_guardian_first_name",
                forms.ValidationError(
                    _("Give both first and last name of the second guardian, or neither."), code="incomplete"
                ),
            )
        return data

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        guardians = [{"first_name": data["guardian_first_name"], "last_name": data["guardian_last_name"]}]
        if data.get("second_guardian_first_name"):
            guardians.append(
                {
                    "first_name": data["second_guardian_first_name"],
                    "last_name": data["second_guardian_last_name"],
                }
            )
        return {
            "family_name": data["family_name"],
            "child": {
                "first_name": data["child_first_name"],
                "last_name": data["child_last_name"],
                "birth_date": data["child_birth_date"],
            },
            "guardians": guardians,
            "reason": data["reason"],
            "unit": data["unit"],
        }


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["role", "first_name", "last_name", "birth_date", "parental_responsibility"]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].validators.append(visible_name)
        self.fields["birth_date"].needed_when = _("needed for a child")

    def clean_birth_date(self):
        born = _not_in_future(self.cleaned_data["birth_date"])
        if born and age_on(born, timezone.localdate()) > OLDEST:
            raise forms.ValidationError(_("Check the year of birth."), code="too_old")
        return born

    def clean(self):
        """A child added has a date of birth and is under 18, as on the new family form: the family's own pages
        and the young person's login go by the child's age. (A child already registered may have turned 18.)"""
        data = super().clean()
        adding_child = self.instance._state.adding and data.get("role") == PersonRole.CHILD
        if adding_child and "birth_date" not in self.errors:
            born = data.get("birth_date")
            if born is None:
                self.add_error("birth_date", forms.ValidationError(_("Give the child's date of birth."), "required"))
            elif _is_adult(born):
                self.add_error("birth_date", forms.ValidationError(_("The child must be under 18."), code="adult"))
        if data.get("parental_responsibility") and data.get("role") != PersonRole.GUARDIAN:
            self.add_error(
                "parental_responsibility",
                forms.ValidationError(_("Only a guardian can have parental responsibility."), code="not_guardian"),
            )
        return data


class ConsentForm(forms.Form):
    """A guardian's consent or refusal. With a `team` (the one covering the child), one box ticks all its services."""

    given_by = forms.ModelChoiceField(label=_("Guardian"), queryset=Person.objects.none())
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=ConsentDecision.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A refusal ends the guardian's earlier consent to the services it names (to every service if it names "
            "none), and outweighs the other guardian's consent: a case shared with them steps down at once."
        ),
    )
    team_services = forms.BooleanField(required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("Services that may share information"),
        queryset=ServiceUnit.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        widget=DateInput(),
        validators=[DateWithin(back=1, ahead=1)],
        help_text=_(
            "For a consent on paper, the day it was signed: a guardian's words count in the order they said them."
        ),
    )
    valid_to = forms.DateField(
        label=_("Valid to"), widget=DateInput(), required=False, validators=[DateWithin(back=1, ahead=5)]
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX,
        validators=[readable],
    )

    def __init__(self, *args, family, team: Ressursteam | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["given_by"].queryset = family.persons.filter(parental_responsibility=True)
        self.fields["units"].needed_when = _("needed when consent is given")
        self.fields["valid_from"].initial = timezone.localdate()
        if team is None:
            del self.fields["team_services"]
        else:
            self.team_units = list(team.units.all())
            self.fields["team_services"].label = _("The services in %(team)s") % {"team": team.name}
            self.fields["team_services"].help_text = _(
                "Consent to all of them, whether their boxes below are ticked or not: %(services)s."
            ) % {"services": ", ".join(unit.name for unit in self.team_units)}

    def clean(self):
        data = super().clean()
        if data.get("team_services"):
            chosen = list(data.get("units") or [])
            data["units"] = chosen + [unit for unit in self.team_units if unit not in chosen]
        data.pop("team_services", None)
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error(
                "valid_to", forms.ValidationError(_("The end date must be on or after the start date."), code="order")
            )
        elif end and end < timezone.localdate() and data.get("decision") == ConsentDecision.GIVEN:
            # Recorded, it would open nothing and be listed as a consent the family gave: a mistyped year, usually.
            self.add_error(
                "valid_to",
                forms.ValidationError(_("The consent would already have ended: check the end date."), code="past"),
            )
        if data.get("decision") == ConsentDecision.REFUSED:
            if end and "valid_to" not in self.errors:
                self.add_error("valid_to", forms.ValidationError(consents.REFUSAL_HAS_NO_END, code="refusal_end"))
            if start and start > timezone.localdate():
                self.add_error("valid_from", forms.ValidationError(consents.REFUSAL_NOT_AHEAD, code="refusal_ahead"))
        if data.get("decision") == ConsentDecision.GIVEN and not data.get("units"):
            self.add_error(
                "units",
                forms.ValidationError(_("Choose the services the guardian consents to sharing with."), code="required"),
            )
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, validators=[readable]
    )


class AssignFamilielosForm(ReasonForm):
    familielos = forms.ModelChoiceField(label=_("Familielos"), queryset=workflow.familieloser_with_caseload().none())

    field_order = ["familielos", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["familielos"].queryset = workflow.familieloser_with_caseload()
        self.fields["familielos"].label_from_instance = self._label

    @staticmethod
    def _label(user):
        return ngettext(
            "%(name)s (follows %(count)s family)", "%(name)s (follows %(count)s families)", user.caseload
        ) % {
            "name": roles.display_name(user),
            "count": user.caseload,
        }


class StepDownForm(ReasonForm):
    to_level = forms.TypedChoiceField(label=_("To level"), coerce=int, choices=())

    field_order = ["to_level", "reason"]

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_level"].choices = [(level.value, level.label) for level in Level if level < case.level]
        if case.level == Level.FAMILIELOS:
            self.fields["to_level"].help_text = _(
                "Below level 3 the familielos no longer works with the family, and their access to its pages ends at "
                "once. The ressursteam can return the family to level 3, with the same familieteam and canvas."
            )
            # The handover out of level 3 names who holds responsibility next.
            self.fields["responsible_next"] = forms.CharField(
                label=_("Who holds responsibility for the family next"),
                max_length=200,
                validators=[readable],
                help_text=_("A person and their service, such as the ressursteam's leader or the school's contact."),
            )


class FamilySearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    level = forms.TypedChoiceField(
        label=_("Level"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("All levels")), *Level.choices],
    )


class PilotYearForm(forms.Form):
    """The year the pilot's figures count, among `years` (cases.pilot_figures.years). Named `ar` as the page's address
    shows it (?ar=2026), in Norwegian as the other addresses are."""

    ar = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, data=None, *, years: list[int]):
        super().__init__(data)
        self.fields["ar"].choices = [(year, str(year)) for year in years]
        self.fields["ar"].initial = years[0]


class BookSamtaleForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[DateWithin(back=1, ahead=2)])
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label=_("Place"), max_length=200, validators=[readable])
    participants = forms.CharField(
        label=_("Invited"),
        max_length=Avklaringssamtale._meta.get_field("participants").max_length,
        required=False,
        validators=[readable],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The guardians, the child if mature enough, and staff."),
    )

    @staticmethod
    def initial_for(samtale: Avklaringssamtale) -> dict:
        """The form filled in with the booking as it is, to move it."""
        day, hour = local_date_and_time(samtale.starts_at)
        return {
            "date": day,
            "time": hour,
            "place": samtale.place,
            "participants": samtale.participants,
        }

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            try:
                starts_at = local_moment(data["date"], data["time"])
            except forms.ValidationError as error:
                self.add_error("time", error)
                return data
            if starts_at < timezone.now() - timedelta(days=1):
                self.add_error("date", forms.ValidationError(_("The date has passed."), code="past"))
            data["starts_at"] = starts_at
        return data

    def action_kwargs(self) -> dict:
        """The booking as `book_avklaringssamtale` and `move_avklaringssamtale` take it."""
        return {name: self.cleaned_data[name] for name in ("starts_at", "place", "participants")}


class RecordSamtaleForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Avklaringssamtale
        fields = ["participants", "concern", "guardians_said", *Avklaringssamtale.DUK_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["concern"].required = True
        for name in self.Meta.fields:
            self.fields[name].validators.append(readable)


class AgreementForm(forms.Form):
    """One agreement of a clarifying conversation; `point` is the action point it was shown from, so saving the
    record again updates that point instead of adding another."""

    point = forms.IntegerField(widget=forms.HiddenInput, required=False)
    what = forms.CharField(label=_("What"), max_length=300, required=False, validators=[readable])
    who = forms.CharField(label=_("Who"), max_length=200, required=False, validators=[readable])
    # Back five years: a conversation's record, saved again later, posts its agreements' dates again.
    follow_up = forms.DateField(
        label=_("Follow up by"), widget=DateInput(), required=False, validators=[DateWithin(back=5, ahead=2)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not required, so that a row left empty is no agreement; a row that is one needs both (clean).
        self.fields["what"].needed_when = self.fields["who"].needed_when = _("needed for an agreement")

    def clean(self):
        data = super().clean()
        # A field refused already (too long, unreadable) was written: it needs no "say what" besides its own error.
        if (data.get("who") or data.get("follow_up")) and not data.get("what") and "what" not in self.errors:
            self.add_error("what", forms.ValidationError(_("Say what was agreed."), code="required"))
        if data.get("what") and not data.get("who") and "who" not in self.errors:
            self.add_error("who", forms.ValidationError(_("Say who will do it."), code="required"))
        return data


AgreementFormSet = forms.formset_factory(AgreementForm, extra=2, max_num=20, absolute_max=30)


class PortalLoginForm(forms.Form):
    """The address a family member's one-time sign-in links go to; one form per person on the family page."""

    email = forms.EmailField(max_length=254)

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, prefix=f"login-{person.pk}", **kwargs)
        email = self.fields["email"]
        email.label = _("E-mail address for %(name)s") % {"name": person}
        # How the family signs in follows the set-up: a one-time link by e-mail, or ID-porten (docs/idporten.md).
        if settings.PORTAL_EMAIL_SIGN_IN:
            how = _("%(name)s then signs in at %(url)s with a one-time link sent to this address. No password is made.")
        else:
            how = _("%(name)s then signs in at %(url)s with ID-porten. No password is made.")
        email.help_text = how % {"name": person.first_name, "url": reverse("portal:sign_in")}


class ParentalResponsibilityForm(ReasonForm):
    """Parental responsibility removed or restored; `has` is what the page offered, so a second click changes
    nothing."""

    has = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(
            *args, prefix=f"ansvar-{person.pk}", initial={"has": not person.parental_responsibility}, **kwargs
        )
        self.fields["reason"].help_text = _(
            "For example a court decision or an agreement. Kept in the record's history."
        )
