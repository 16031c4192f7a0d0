"""Forms of the familieteam's own pages: its plan, its members, booking, changing and finishing a meeting.

Choices (members, staff) are read once by the view and passed in, so a form never reads another team's rows and a
posted id outside them is a field error, not a lookup.
"""

from datetime import time, timedelta

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from familielos import roles
from familielos.validators import local_date_and_time, local_moment, readable, visible_name
from familieteam import plan
from familieteam.models import FamilieteamMeeting, FamilieteamMember, Frequency

# A meeting more than this far ahead is a typing error, not a plan.
MAX_DAYS_AHEAD = 2 * 366


def _time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def member_label(member: FamilieteamMember) -> str:
    """How a member is named in a list of checkboxes: the person and their service, or the trusted person's
    relation to the family."""
    if member.user_id:
        return f"{roles.display_name(member.user)} – {member.unit.name}"
    return f"{member.name} – {member.relation}" if member.relation else member.name


class PlanForm(forms.Form):
    """When level 3 is planned to end (6 to 12 months after it started) and how often the team meets."""

    planned_end = forms.DateField(label=_("Planned end of level 3"), widget=DateInput())
    frequency = forms.ChoiceField(label=_("How often the team meets"), choices=Frequency.choices)

    def __init__(self, *args, started_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.earliest, self.latest = plan.plan_bounds(started_on)
        field = self.fields["planned_end"]
        field.widget.attrs.update(min=self.earliest.isoformat(), max=self.latest.isoformat())
        field.help_text = _("Between %(earliest)s and %(latest)s: 6 to 12 months after level 3 started.") % {
            "earliest": date_format(self.earliest, "d.m.Y"),
            "latest": date_format(self.latest, "d.m.Y"),
        }

    def clean_planned_end(self):
        day = self.cleaned_data["planned_end"]
        if not self.earliest <= day <= self.latest:
            raise forms.ValidationError(
                _("Choose a date between %(earliest)s and %(latest)s.")
                % {"earliest": date_format(self.earliest, "d.m.Y"), "latest": date_format(self.latest, "d.m.Y")},
                code="range",
            )
        return day


class ServiceMemberForm(forms.Form):
    """A staff member and the service they come from, with the mandate their service gives them in the team."""

    membership = forms.TypedChoiceField(
        label=_("Person and service"),
        coerce=int,
        error_messages={
            "required": _("Choose the person and the service they come from."),
            "invalid_choice": _("Choose a person from the list."),
        },
    )
    mandate = forms.CharField(
        label=_("Mandate from the service"),
        max_length=_max_length(FamilieteamMember, "mandate"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the person may decide or do for the family on behalf of their service."),
        error_messages={"required": _("Write the mandate the person has from their service.")},
        validators=[readable],
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {membership.pk: membership for membership in memberships}
        groups: dict[str, list] = {}
        for membership in memberships:
            label = f"{roles.display_name(membership.user)} – {membership.unit.name}"
            groups.setdefault(membership.unit.name, []).append((membership.pk, label))
        self.fields["membership"].choices = [("", "–"), *groups.items()]

    def chosen(self):
        """The Membership chosen: the person and the service they join the team from."""
        return self.memberships[self.cleaned_data["membership"]]


class TrustedPersonForm(forms.Form):
    """Someone the family chose; they get no login and see nothing in the system."""

    name = forms.CharField(
        label=_("Name"),
        max_length=_max_length(FamilieteamMember, "name"),
        error_messages={"required": _("Write the person's name.")},
        validators=[visible_name],
    )
    relation = forms.CharField(
        label=_("Relation to the family"),
        max_length=_max_length(FamilieteamMember, "relation"),
        required=False,
        validators=[visible_name],
        help_text=_("For example neighbour, grandmother or football coach."),
    )
    contact = forms.CharField(
        label=_("How to reach them"),
        max_length=_max_length(FamilieteamMember, "contact"),
        required=False,
        validators=[readable],
        help_text=_("Phone number or e-mail address."),
    )


def _starts_at(form, data, date_name: str, time_name: str, *, booked=None):
    """The date and time as an aware datetime; an error on the field that is in the past, or too far ahead. The
    time a meeting is `booked` for stays acceptable once it has passed: a meeting under way keeps its time when only
    its place or its invited change."""
    day, hour = data.get(date_name), data.get(time_name)
    if day is None or hour is None:
        return None
    today = timezone.localdate()
    if day < today and (booked is None or day != timezone.localdate(booked)):
        form.add_error(date_name, forms.ValidationError(_("The date has passed. Choose a later date."), code="past"))
        return None
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        form.add_error(
            date_name, forms.ValidationError(_("Choose a date within two years from today."), code="too_far")
        )
        return None
    try:
        starts_at = local_moment(day, hour)
    except forms.ValidationError as error:
        form.add_error(time_name, error)
        return None
    if booked is not None and starts_at == timezone.localtime(booked).replace(second=0, microsecond=0):
        # The form shows the booked time to the minute: the same minute sent back is the time it has.
        return booked
    if starts_at < timezone.now():
        form.add_error(time_name, forms.ValidationError(_("The time has passed. Choose a later time."), code="past"))
    return starts_at


class _MembersField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            coerce=int,
            required=False,
            error_messages={"invalid_choice": _("Choose among the team's members.")},
            **kwargs,
        )


class MeetingForm(forms.Form):
    """Book or change a meeting: when, where, and which members are invited (the family always is)."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=_time_input())
    place = forms.CharField(
        label=_("Place"),
        max_length=_max_length(FamilieteamMeeting, "place"),
        error_messages={"required": _("Write where the meeting is.")},
        validators=[readable],
    )
    invited = _MembersField(
        label=_("Invited from the team"), help_text=_("The family is always invited to its team's meetings.")
    )

    def __init__(self, *args, members, booked=None, **kwargs):
        """`booked`: the time the meeting being changed is booked for, which it may keep after it has passed."""
        super().__init__(*args, **kwargs)
        self.booked = booked
        self.members = {member.pk: member for member in members}
        self.fields["invited"].choices = [(member.pk, member_label(member)) for member in members]

    @classmethod
    def initial_for(cls, meeting: FamilieteamMeeting | None, members) -> dict:
        """A new meeting invites the whole team; a booked one shows what it has."""
        if meeting is None:
            return {"invited": [member.pk for member in members], "time": time(9, 0)}
        day, hour = local_date_and_time(meeting.starts_at)
        return {
            "date": day,
            "time": hour,
            "place": meeting.place,
            "invited": [member.pk for member in meeting.invited.all()],
        }

    def clean(self):
        data = super().clean()
        data["starts_at"] = _starts_at(self, data, "date", "time", booked=self.booked)
        return data

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "place": data["place"],
            "invited": [self.members[pk] for pk in data["invited"]],
        }


class FinishMeetingForm(forms.Form):
    """Who came, and the next meeting, which carries this meeting's canvas on."""

    present = _MembersField(label=_("Who came from the team"))
    family_present = forms.CharField(
        label=_("Who came from the family"),
        max_length=_max_length(FamilieteamMeeting, "family_present"),
        required=False,
        validators=[readable],
        help_text=_("For example: mother, father and Emma."),
    )
    next_date = forms.DateField(label=_("Date of the next meeting"), widget=DateInput())
    next_time = forms.TimeField(label=_("Time of the next meeting"), widget=_time_input())
    next_place = forms.CharField(
        label=_("Place of the next meeting"),
        max_length=_max_length(FamilieteamMeeting, "place"),
        error_messages={"required": _("Write where the next meeting is.")},
        validators=[readable],
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {member.pk: member for member in members}
        self.fields["present"].choices = [(member.pk, member_label(member)) for member in members]

    @classmethod
    def initial_for(cls, meeting: FamilieteamMeeting, frequency: str) -> dict:
        """Those invited are ticked as present; the next date is suggested by the team's planned frequency."""
        day, hour = local_date_and_time(meeting.starts_at)
        return {
            "present": [member.pk for member in meeting.invited.all()],
            "next_date": plan.next_meeting_due(frequency, day),
            "next_time": hour,
            "next_place": meeting.place,
        }

    def clean(self):
        data = super().clean()
        data["next_starts_at"] = _starts_at(self, data, "next_date", "next_time")
        return data

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "present": [self.members[pk] for pk in data["present"]],
            "family_present": data["family_present"],
            "next_starts_at": data["next_starts_at"],
            "next_place": data["next_place"],
        }
