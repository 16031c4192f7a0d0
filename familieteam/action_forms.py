"""Forms for setting an action point in a familieteam meeting and for ticking one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from cases.models import ACTION_COMMENT_MAX, ActionStatus, OwnerKind, PersonRole
from familielos.roles import display_name
from familieteam.models import Column, FamilieteamMeeting, MemberKind
from familieteam.workflow import Owner

WHAT_MAX = 300


def owner_choices(meeting: FamilieteamMeeting) -> list:
    """Who may carry out a point, grouped for the select: the team's staff (the familielos first), the guardians,
    the children and the trusted persons; each value is "kind:id"."""
    team = meeting.team
    staff, trusted = [], []
    familielos = team.case.familielos
    if familielos is not None:
        staff.append((f"{OwnerKind.STAFF.value}:{familielos.pk}", f"{display_name(familielos)} ({_('Familielos')})"))
    for member in team.members.select_related("user", "unit").order_by("kind", "name", "user__first_name", "pk"):
        if member.kind == MemberKind.SERVICE:
            label = f"{display_name(member.user)} ({member.unit.name})"
            staff.append((f"{OwnerKind.STAFF.value}:{member.user_id}", label))
        else:
            trusted.append((f"{OwnerKind.TRUSTED.value}:{member.pk}", member.name))
    guardians, children = [], []
    persons = team.case.family.persons.filter(role__in=[PersonRole.GUARDIAN, PersonRole.CHILD])
    for person in persons.order_by("role", "first_name", "pk"):
        target = guardians if person.role == PersonRole.GUARDIAN else children
        target.append((f"{person.role}:{person.pk}", f"{person.first_name} {person.last_name}"))
    groups = [
        (_("Staff"), staff),
        (_("Guardians"), guardians),
        (_("Children"), children),
        (_("Trusted persons"), trusted),
    ]
    return [("", _("Choose who")), *[(label, options) for label, options in groups if options]]


class CellChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, cell):
        text = cell.text if len(cell.text) <= 60 else f"{cell.text[:59]}…"
        return f"{cell.life_area.name} – {Column(cell.column).label}: {text}"


class ActionPointForm(forms.Form):
    """A new action point of a meeting: what, who, by when, and the canvas cell it comes from, if any."""

    what = forms.CharField(label=_("What is to be done"), max_length=WHAT_MAX)
    owner = forms.ChoiceField(label=_("Who does it"))
    due = forms.DateField(label=_("By"), widget=DateInput())
    cell = CellChoiceField(
        label=_("From the canvas"),
        queryset=None,
        required=False,
        empty_label=_("Not from a cell"),
    )

    def __init__(self, *args, meeting: FamilieteamMeeting, **kwargs):
        kwargs.setdefault("prefix", "aksjon")
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices(meeting)
        self.fields["cell"].queryset = meeting.cells.exclude(text="").select_related("life_area")

    @classmethod
    def from_cell(cls, meeting: FamilieteamMeeting, cell_pk) -> "ActionPointForm":
        """A new point started from a canvas cell: the cell chosen and its text as the first words of "what"."""
        cell = meeting.cells.exclude(text="").filter(pk=cell_pk).first() if str(cell_pk).isdigit() else None
        initial = {"cell": cell.pk, "what": cell.text[:WHAT_MAX]} if cell else {}
        return cls(meeting=meeting, initial=initial)

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        kind, _sep, pk = data["owner"].partition(":")
        key = {OwnerKind.STAFF: "user_id", OwnerKind.TRUSTED: "member_id"}.get(kind, "person_id")
        return {
            "what": data["what"],
            "owner": Owner(kind=OwnerKind(kind), **{key: int(pk)}),
            "due": data["due"],
            "cell": data["cell"],
        }


class ActionPointStatusForm(forms.Form):
    """Tick a point done, drop it or open it again, from the version the person saw."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    comment = forms.CharField(label=_("Comment"), max_length=ACTION_COMMENT_MAX, required=False)
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
