"""Forms for setting an action point in a familieteam meeting and for ticking one."""

from django import forms
from django.db.models import BooleanField, ExpressionWrapper, F
from django.utils.translation import gettext_lazy as _

from cases import access
from cases.forms import DateInput
from cases.models import ACTION_COMMENT_MAX, ActionStatus, OwnerKind, PersonRole
from familielos.roles import display_name
from familielos.validators import DateWithin, parse_id, readable
from familieteam import canvas
from familieteam.models import Column, FamilieteamMeeting, MemberKind
from familieteam.workflow import Owner

WHAT_MAX = 300


def owner_choices(meeting: FamilieteamMeeting) -> list:
    """Who may carry out a point, grouped for the select: the team's staff (the familielos first) who can see the
    family (workflow refuses a point to one who cannot), the guardians, the children and the trusted persons; each
    value is "kind:id"."""
    team = meeting.team
    staff, trusted = [], []
    familielos = team.case.familielos
    if familielos is not None:
        staff.append((f"{OwnerKind.STAFF.value}:{familielos.pk}", f"{display_name(familielos)} ({_('Familielos')})"))
    members = team.members.select_related("user", "unit").annotate(
        sees=ExpressionWrapper(access.holds_grant(F("user_id"), team.case.family_id), output_field=BooleanField())
    )
    for member in members.order_by("kind", "name", "user__first_name", "pk"):
        if member.kind == MemberKind.SERVICE and not member.sees:
            continue
        if member.kind == MemberKind.SERVICE:
            label = f"{display_name(member.user)} ({member.unit.name})"
            staff.append((f"{OwnerKind.STAFF.value}:{member.user_id}", label))
        else:
            trusted.append((f"{OwnerKind.TRUSTED.value}:{member.pk}", member.name))
    guardians, children = [], []
    persons = team.case.family.persons.filter(role__in=[PersonRole.GUARDIAN, PersonRole.CHILD])
    for person in persons.order_by("role", "first_name", "pk"):
        target = guardians if person.role == PersonRole.GUARDIAN else children
        target.append((f"{person.role}:{person.pk}", str(person)))
    groups = [
        (_("Staff"), staff),
        (_("Guardians"), guardians),
        (_("Children"), children),
        (_("Trusted persons"), trusted),
    ]
    return [("", _("Choose who")), *[(label, options) for label, options in groups if options]]


def _cell_label(cell) -> str:
    text = cell.text if len(cell.text) <= 60 else f"{cell.text[:59]}…"
    return f"{cell.life_area.name} – {Column(cell.column).label}: {text}"


class ActionPointForm(forms.Form):
    """A new action point of a meeting: what, who, by when, and the canvas cell it comes from, if any."""

    what = forms.CharField(label=_("What is to be done"), max_length=WHAT_MAX, validators=[readable])
    owner = forms.ChoiceField(label=_("Who does it"))
    # A new point is due from today on: one due already would be overdue the moment it is set.
    due = forms.DateField(label=_("By"), widget=DateInput(), validators=[DateWithin(back=0, ahead=2)])
    cell = forms.TypedChoiceField(
        label=_("From the canvas"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a cell of this meeting's canvas.")},
    )

    def __init__(self, *args, meeting: FamilieteamMeeting, cells=None, **kwargs):
        """`cells`: the meeting's canvas cells as the page has read them (with their life area), or None to read."""
        kwargs.setdefault("prefix", "aksjon")
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices(meeting)
        if cells is None:
            cells = canvas.in_canvas_order(meeting.cells.select_related("life_area"))
        self.cells = {cell.pk: cell for cell in cells if cell.text}
        self.fields["cell"].choices = [("", _("Not from a cell"))] + [
            (cell.pk, _cell_label(cell)) for cell in self.cells.values()
        ]

    def start_from(self, cell_pk) -> None:
        """A new point started from a canvas cell: the cell chosen and its text as the first words of "what"."""
        cell = self.cells.get(parse_id(cell_pk))
        if cell is not None:
            self.initial.update(cell=cell.pk, what=cell.text[:WHAT_MAX])

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        kind, _sep, pk = data["owner"].partition(":")
        key = {OwnerKind.STAFF: "user_id", OwnerKind.TRUSTED: "member_id"}.get(kind, "person_id")
        return {
            "what": data["what"],
            "owner": Owner(kind=OwnerKind(kind), **{key: int(pk)}),
            "due": data["due"],
            "cell": self.cells.get(data["cell"]),
        }


class ActionPointStatusForm(forms.Form):
    """Tick a point done, drop it or open it again, from the version the person saw."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    comment = forms.CharField(label=_("Comment"), max_length=ACTION_COMMENT_MAX, required=False, validators=[readable])
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
