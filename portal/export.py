"""'Everything about us': what a family login may download about their family, as one plain structure the JSON
download writes and the PDF prints (the right of access, GDPR art. 15).

A guardian gets every record stored about the family except what the team keeps for itself: the log's team-only
entries (a report to barnevern or a concern the guardians have not been told of can be in them, see
Entry.objects.create_system), the reasons written for level changes and the case's history rows that are not a
move between levels, and screenings (the staff's tool at level 0). A self-service download cannot weigh the legal
exceptions to the right of access (forvaltningsloven § 19, personopplysningsloven § 16); a full copy is asked of
the municipality, which reviews it. A young person gets what their own pages show: the family-visible log, the
plan, the tasks, the meetings, their contact person and their own person record, nothing the guardians said and
nothing of the other people in the family.

What is left out is said in the same words whatever the family's records hold, so the download never tells whether
there is anything the team keeps. Staff are named with their role and service. Nothing of another family is read:
every query starts from this family's id. Record ids stay out; records refer to each other by their number inside
the export. Moments are datetimes in the app's time zone, dates are dates: the JSON view serialises them, the PDF
formats them.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import (
    ActionPoint,
    Avklaringssamtale,
    Baton,
    Case,
    ChangeKind,
    Consent,
    Family,
    Handover,
    Level,
    LevelChange,
    Person,
    PersonRole,
)
from familielos.models import Membership
from familielos.roles import LABELS, display_name, role_from
from familieteam import canvas
from familieteam.models import CanvasCell, CellVersion, Column, Familieteam, FamilieteamMeeting, FamilieteamMember
from portal import insight
from portal.selectors import ENTRY_LABELS
from stafettlogg.models import Entry, Visibility
from teams.models import AgendaItem, Referral

User = get_user_model()

FORMAT = "familielos-family-export"
VERSION = 4

# The case history rows that move the case between levels (or open and close it); the others (a report to
# barnevern, a new concern, a step of the level) are the team's record and stay with the level changes' reasons.
LEVEL_MOVES = (ChangeKind.OPENED, ChangeKind.UP, ChangeKind.DOWN, ChangeKind.CLOSED, ChangeKind.REOPENED)

FAMILY_HOLDS = [
    gettext_lazy("Your family and the people in it"),
    gettext_lazy("Your case and the levels it has been at, with dates"),
    gettext_lazy("Consents you have given or refused"),
    gettext_lazy("Clarifying conversations and samtaleduk 1"),
    gettext_lazy("Referrals to the ressursteam, and what the team decided"),
    gettext_lazy("The familieteam: who is in it, meetings, samtaleduk 2 with its earlier texts, and evaluations"),
    gettext_lazy("Action points: who does what, and by when"),
    gettext_lazy("The log: the entries written for the team and your family"),
    gettext_lazy("Who holds the baton, and handovers"),
    gettext_lazy("Who has looked at your data: the service and role, when, and what"),
]
FAMILY_LEAVES_OUT = [
    gettext_lazy("The team's internal notes in the log: the entries written for the team only."),
    gettext_lazy(
        "The notes staff wrote when they moved your case between levels. The levels and the dates are included, and "
        "so are the ressursteam's decisions with their reasons."
    ),
    gettext_lazy("Screenings: the assessment tool staff in kindergartens, schools and health stations use."),
    gettext_lazy("What staff write to each other when they hand over the baton."),
]
FAMILY_WHY = gettext_lazy(
    "The services' internal notes can hold information that must be assessed before it is given out: the law "
    "has exceptions to the right of access (forvaltningsloven § 19 and personopplysningsloven § 16). A download "
    "cannot make that assessment. This text is the same for every family: it does not say whether your family "
    "has any such notes."
)
FAMILY_FULL_COPY = gettext_lazy(
    "You can ask the municipality for full access to everything stored about your family. The municipality then "
    "goes through it and gives you what you have a right to see. Ask your contact person, or write to the "
    "municipality."
)
YOUTH_HOLDS = [
    gettext_lazy("You, as you are registered"),
    gettext_lazy("The log, as you see it on your pages"),
    gettext_lazy("The plan: samtaleduk 2 and evaluations"),
    gettext_lazy("Action points: who does what, and by when"),
    gettext_lazy("Meetings: when and where"),
    gettext_lazy("Your contact person"),
]
YOUTH_LEAVES_OUT = [
    gettext_lazy(
        "What your parents or guardians have told the services: referrals, consents and the records of conversations."
    ),
    gettext_lazy("Information about the other people in your family."),
    gettext_lazy("The team's internal notes, and screenings."),
]
YOUTH_WHY = gettext_lazy(
    "Your download holds what you can see on your own pages. The rest is about other people too, or must be "
    "assessed before it is given out: the law has exceptions to the right of access (forvaltningsloven § 19 and "
    "personopplysningsloven § 16). A download cannot make that assessment."
)
YOUTH_FULL_COPY = gettext_lazy(
    "You can ask the municipality for full access to what is stored about you. The municipality then goes "
    "through it and gives you what you have a right to see. Ask your contact person, or write to the "
    "municipality."
)


def is_youth(person: Person) -> bool:
    """A child's own login downloads what their pages show; a guardian's, the family's records."""
    return person.role == PersonRole.CHILD


def about(person: Person) -> dict:
    """What the person's download holds, what it leaves out and why, and how to ask for everything: the same
    words on the page before the buttons, in the JSON and in the PDF."""
    if is_youth(person):
        holds, leaves_out, why, full_copy = YOUTH_HOLDS, YOUTH_LEAVES_OUT, YOUTH_WHY, YOUTH_FULL_COPY
    else:
        holds, leaves_out, why, full_copy = FAMILY_HOLDS, FAMILY_LEAVES_OUT, FAMILY_WHY, FAMILY_FULL_COPY
    return {
        "holds": [str(text) for text in holds],
        "not_included": [str(text) for text in leaves_out],
        "why": str(why),
        "full_copy": str(full_copy),
    }


def family_data(person: Person) -> dict:
    """What the person may download about their family, read in a fixed number of queries however much there is."""
    if is_youth(person):
        return _youth_data(person)
    family = person.family
    rows = _Rows(family)
    staff = _Staff(rows.user_ids())
    case_numbers = {case.pk: number for number, case in enumerate(rows.cases, start=1)}
    entry_numbers = {entry.pk: number for number, entry in enumerate(rows.entries, start=1)}
    return {
        **_head(person),
        "family": {
            "name": family.name,
            "registered_at": _local(family.created_at),
            "registered_by": staff.of(family.created_by_id),
        },
        "persons": [_person(member) for member in rows.persons],
        "cases": [_case(case, case_numbers, staff) for case in rows.cases],
        "consents": [_consent(consent, staff) for consent in rows.consents],
        "clarifying_conversations": [_samtale(samtale, case_numbers, staff) for samtale in rows.samtaler],
        "referrals": [_referral(referral, case_numbers, rows.items, staff) for referral in rows.referrals],
        "familieteams": [_familieteam(team, case_numbers, staff) for team in rows.familieteams],
        "action_points": [_action_point(point, staff) for point in rows.action_points],
        "log": [_entry(entry, entry_numbers, staff) for entry in rows.entries],
        "baton": _baton(rows.baton, staff),
        "baton_handovers": [_handover(handover, staff) for handover in rows.handovers],
        "who_has_looked": [_read(read) for read in insight.every_read(family)],
    }


def _youth_data(person: Person) -> dict:
    family = person.family
    rows = _YouthRows(family)
    staff = _Staff(rows.user_ids())
    entry_numbers = {entry.pk: number for number, entry in enumerate(rows.entries, start=1)}
    return {
        **_head(person),
        "family": {"name": family.name},
        "persons": [_person(person)],
        "meetings": _meetings(rows),
        "plan": [_plan(meeting, staff) for meeting in rows.meetings if meeting.cells.all()],
        "action_points": [_action_point(point, staff) for point in rows.action_points],
        "log": [_entry(entry, entry_numbers, staff) for entry in rows.entries],
        "baton": _baton(rows.baton, staff),
    }


def _head(person: Person) -> dict:
    return {"format": FORMAT, "version": VERSION, "exported_at": _local(timezone.now()), "about": about(person)}


def _cells(*, versions: bool = False):
    """A canvas's cells in its order; with `versions`, each with every text saved in it, oldest first."""
    cells = CanvasCell.objects.select_related("life_area", "evaluation").order_by(*canvas.CANVAS_ORDER)
    if versions:
        cells = cells.prefetch_related(Prefetch("versions", queryset=CellVersion.objects.order_by("at", "pk")))
    return cells


def _action_points(family: Family) -> list[ActionPoint]:
    return list(
        ActionPoint.objects.filter(family=family).select_related("samtale", "meeting").order_by("created_at", "pk")
    )


def _family_entries(family: Family) -> list[Entry]:
    """The log the family reads on their pages; the team-only entries are the team's."""
    return list(
        Entry.objects.filter(family=family, visibility=Visibility.TEAM_AND_FAMILY)
        .select_related("author_unit", "life_area")
        .order_by("at", "pk")
    )


class _Rows:
    """The family's records as a guardian downloads them, each kind read once with what it shows."""

    def __init__(self, family: Family):
        self.family = family
        self.persons = list(Person.objects.filter(family=family).order_by("role", "birth_date", "first_name", "pk"))
        moves = LevelChange.objects.filter(kind__in=LEVEL_MOVES).order_by("at", "pk")
        self.cases = list(
            Case.objects.filter(family=family)
            .select_related("ressursteam", "opened_unit")
            .prefetch_related("children", Prefetch("level_changes", queryset=moves, to_attr="moves"))
            .order_by("opened_at", "pk")
        )
        self.consents = list(
            Consent.objects.filter(family=family)
            .select_related("given_by")
            .prefetch_related("units")
            .order_by("valid_from", "pk")
        )
        self.samtaler = list(Avklaringssamtale.objects.filter(case__family=family).order_by("starts_at", "pk"))
        self.referrals = list(
            Referral.objects.filter(case__family=family).select_related("team", "unit").order_by("created_at", "pk")
        )
        self.items = list(
            AgendaItem.objects.filter(referral__case__family=family)
            .select_related("meeting", "decision__service")
            .order_by("meeting__starts_at", "pk")
        )
        self.familieteams = list(
            Familieteam.objects.filter(case__family=family)
            .prefetch_related(
                Prefetch("members", queryset=FamilieteamMember.objects.select_related("unit").order_by("kind", "pk")),
                Prefetch(
                    "meetings",
                    queryset=FamilieteamMeeting.objects.order_by("starts_at", "pk").prefetch_related(
                        "invited", "present", Prefetch("cells", queryset=_cells(versions=True))
                    ),
                ),
            )
            .order_by("started_on", "pk")
        )
        self.action_points = _action_points(family)
        self.entries = _family_entries(family)
        self.baton = Baton.objects.filter(family=family).first()
        self.handovers = list(Handover.objects.filter(family=family).order_by("requested_at", "pk"))

    def user_ids(self) -> set[int]:
        """Every person with a login the records name: staff, and the family's own logins as authors."""
        ids = {self.family.created_by_id}
        for case in self.cases:
            ids |= {case.opened_by_id, case.familielos_id}
        for consent in self.consents:
            ids |= {consent.recorded_by_id, consent.withdrawn_by_id}
        ids |= {samtale.created_by_id for samtale in self.samtaler}
        ids |= {referral.sender_id for referral in self.referrals}
        for item in self.items:
            decision = getattr(item, "decision", None)
            if decision is not None:
                ids |= {decision.decided_by_id, decision.familielos_id}
        for team in self.familieteams:
            ids |= {member.user_id for member in team.members.all()}
            for meeting in team.meetings.all():
                ids.add(meeting.created_by_id)
                ids |= _cell_user_ids(meeting)
                ids |= {version.by_id for cell in meeting.cells.all() for version in cell.versions.all()}
        ids |= _common_user_ids(self)
        for handover in self.handovers:
            ids |= {handover.from_user_id, handover.to_user_id, handover.requested_by_id, handover.decided_by_id}
        ids.discard(None)
        return ids


class _YouthRows:
    """The family's records a young person's own pages show."""

    def __init__(self, family: Family):
        self.samtaler = list(
            Avklaringssamtale.objects.filter(case__family=family)
            .only("starts_at", "place", "status")
            .order_by("starts_at", "pk")
        )
        self.meetings = list(
            FamilieteamMeeting.objects.filter(team__case__family=family)
            .only("starts_at", "place", "status")
            .prefetch_related(Prefetch("cells", queryset=_cells()))
            .order_by("starts_at", "pk")
        )
        self.action_points = _action_points(family)
        self.entries = _family_entries(family)
        self.baton = Baton.objects.filter(family=family).first()

    def user_ids(self) -> set[int]:
        ids = set()
        for meeting in self.meetings:
            ids |= _cell_user_ids(meeting)
        ids |= _common_user_ids(self)
        ids.discard(None)
        return ids


def _cell_user_ids(meeting: FamilieteamMeeting) -> set[int]:
    ids = set()
    for cell in meeting.cells.all():
        ids.add(cell.updated_by_id)
        if hasattr(cell, "evaluation"):
            ids.add(cell.evaluation.by_id)
    return ids


def _common_user_ids(rows) -> set[int]:
    """Those named in what both downloads hold: action points, the family-visible log, the baton."""
    ids = set()
    for point in rows.action_points:
        ids |= {point.owner_user_id, point.created_by_id, point.status_by_id}
    ids |= {entry.author_id for entry in rows.entries}
    if rows.baton is not None:
        ids.add(rows.baton.holder_id)
    return ids


class _Staff:
    """Everyone the records name, by name, role and service, read in one go."""

    def __init__(self, user_ids: set[int]):
        users = User.objects.filter(pk__in=user_ids).prefetch_related(
            "groups", Prefetch("memberships", queryset=Membership.objects.select_related("unit").order_by("unit__name"))
        )
        self.people = {user.pk: self._describe(user) for user in users}

    @staticmethod
    def _describe(user) -> dict:
        role = role_from({group.name for group in user.groups.all()}, is_superuser=user.is_superuser)
        return {
            "name": display_name(user),
            "role": str(LABELS.get(role, "")),
            "service": ", ".join(membership.unit.name for membership in user.memberships.all()),
        }

    def of(self, user_id: int | None) -> dict | None:
        return self.people.get(user_id) if user_id is not None else None


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def _level(value: int | None) -> str | None:
    return str(Level(value).label) if value is not None else None


def _person(person: Person) -> dict:
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "role": person.get_role_display(),
        "born_on": person.birth_date,
        "parental_responsibility": person.parental_responsibility,
        "has_own_login": person.user_id is not None,
    }


def _case(case: Case, numbers: dict, staff: _Staff) -> dict:
    return {
        "number": numbers[case.pk],
        "opened_at": _local(case.opened_at),
        "opened_by": staff.of(case.opened_by_id),
        "opened_by_unit": case.opened_unit.name if case.opened_unit else "",
        "children": [str(child) for child in case.children.all()],
        "level": _level(case.level),
        "status": case.get_status_display(),
        "closed_from_level": _level(case.closed_from_level),
        "ressursteam": case.ressursteam.name if case.ressursteam else "",
        "familielos": staff.of(case.familielos_id),
        "decide_by": case.decision_deadline,
        "level_history": [
            {
                "at": _local(change.at),
                "change": change.get_kind_display(),
                "from_level": _level(change.from_level),
                "to_level": _level(change.to_level),
            }
            for change in case.moves
        ],
    }


def _consent(consent: Consent, staff: _Staff) -> dict:
    return {
        "given_by": str(consent.given_by),
        "decision": consent.get_decision_display(),
        "services": [unit.name for unit in consent.units.all()],
        "valid_from": consent.valid_from,
        "valid_to": consent.valid_to,
        "note": consent.note,
        "recorded_at": _local(consent.recorded_at),
        "recorded_by": staff.of(consent.recorded_by_id),
        "withdrawn_at": _local(consent.withdrawn_at),
        "withdrawal_recorded_by": staff.of(consent.withdrawn_by_id),
    }


def _samtale(samtale: Avklaringssamtale, numbers: dict, staff: _Staff) -> dict:
    return {
        "case": numbers[samtale.case_id],
        "starts_at": _local(samtale.starts_at),
        "status": samtale.get_status_display(),
        "place": samtale.place,
        "participants": samtale.participants,
        "concern": samtale.concern,
        "guardians_said": samtale.guardians_said,
        "samtaleduk_1": [
            {"question": str(Avklaringssamtale._meta.get_field(name).verbose_name), "answer": getattr(samtale, name)}
            for name in Avklaringssamtale.DUK_FIELDS
        ],
        "booked_by": staff.of(samtale.created_by_id),
        "recorded_at": _local(samtale.recorded_at),
    }


def _referral(referral: Referral, numbers: dict, items: list[AgendaItem], staff: _Staff) -> dict:
    mine = [item for item in items if item.referral_id == referral.pk]
    return {
        "case": numbers[referral.case_id],
        "ressursteam": referral.team.name,
        "from_unit": referral.unit.name if referral.unit else "",
        "sent_by": staff.of(referral.sender_id),
        "status": referral.get_status_display(),
        "urgency": referral.get_urgency_display(),
        "question": referral.question,
        "tried": referral.tried,
        "child_view": referral.child_view,
        "guardian_view": referral.guardian_view,
        "teams_question": referral.returned_question,
        "answer": referral.answer,
        "created_at": _local(referral.created_at),
        "sent_at": _local(referral.sent_at),
        "meetings": [_agenda_item(item, staff) for item in mine],
    }


def _agenda_item(item: AgendaItem, staff: _Staff) -> dict:
    decision = getattr(item, "decision", None)
    return {
        "meeting_at": _local(item.meeting.starts_at),
        "decision": None
        if decision is None
        else {
            "outcome": decision.get_outcome_display(),
            "reasons": decision.reasons,
            "recommendations": decision.recommendations,
            "follow_up_by": decision.follow_up,
            "service": decision.service.name if decision.service else "",
            "closes_case": decision.closes_case,
            "familielos": staff.of(decision.familielos_id),
            "question": decision.question,
            "recorded_by": staff.of(decision.decided_by_id),
            "decided_at": _local(decision.decided_at),
        },
    }


def _member_name(member: FamilieteamMember, staff: _Staff) -> str:
    return member.name if member.user_id is None else staff.of(member.user_id)["name"]


def _familieteam(team: Familieteam, numbers: dict, staff: _Staff) -> dict:
    return {
        "case": numbers[team.case_id],
        "started_on": team.started_on,
        "planned_end": team.planned_end,
        "meets": team.get_frequency_display(),
        "members": [
            {
                "kind": member.get_kind_display(),
                "person": staff.of(member.user_id),
                "service": member.unit.name if member.unit else "",
                "mandate": member.mandate,
                "name": member.name,
                "relation": member.relation,
                "contact": member.contact,
                "added_at": _local(member.added_at),
            }
            for member in team.members.all()
        ],
        "meetings": [
            {
                "starts_at": _local(meeting.starts_at),
                "place": meeting.place,
                "status": meeting.get_status_display(),
                "invited": [_member_name(member, staff) for member in meeting.invited.all()],
                "present": [_member_name(member, staff) for member in meeting.present.all()],
                "from_the_family": meeting.family_present,
                "booked_by": staff.of(meeting.created_by_id),
                "samtaleduk_2": [
                    _cell_with_history(cell, staff) for cell in meeting.cells.all() if cell.text or cell.versions.all()
                ],
            }
            for meeting in team.meetings.all()
        ],
    }


def _meetings(rows: _YouthRows) -> list[dict]:
    """The family's meetings of both levels, as the start page lists them: what, when, where."""
    meetings = [
        {
            "what": _("Talk with the kindergarten or school"),
            "starts_at": _local(samtale.starts_at),
            "place": samtale.place,
            "status": samtale.get_status_display(),
        }
        for samtale in rows.samtaler
    ] + [
        {
            "what": _("Meeting with the familieteam"),
            "starts_at": _local(meeting.starts_at),
            "place": meeting.place,
            "status": meeting.get_status_display(),
        }
        for meeting in rows.meetings
    ]
    return sorted(meetings, key=lambda meeting: meeting["starts_at"])


def _plan(meeting: FamilieteamMeeting, staff: _Staff) -> dict:
    return {
        "meeting_at": _local(meeting.starts_at),
        "samtaleduk_2": [_cell(cell, staff) for cell in meeting.cells.all() if cell.text],
    }


def _cell(cell: CanvasCell, staff: _Staff) -> dict:
    evaluation = getattr(cell, "evaluation", None)
    return {
        "life_area": cell.life_area.name,
        "column": str(Column(cell.column).label),
        "text": cell.text,
        "by_date": cell.due,
        "written_by": staff.of(cell.updated_by_id),
        "updated_at": _local(cell.updated_at),
        "evaluation": None
        if evaluation is None
        else {
            "result": evaluation.get_result_display(),
            "comment": evaluation.comment,
            "by": staff.of(evaluation.by_id),
            "at": _local(evaluation.at),
        },
    }


def _cell_with_history(cell: CanvasCell, staff: _Staff) -> dict:
    """A cell as a guardian downloads it: with the texts saved in it before its present one, and those that lost to
    a save made first (kept so that nothing typed is lost)."""
    return {
        **_cell(cell, staff),
        "earlier_texts": [
            {
                "text": version.text,
                "by_date": version.due,
                "written_by": staff.of(version.by_id),
                "saved_at": _local(version.at),
                "not_saved_someone_saved_first": version.conflict,
            }
            for version in cell.versions.all()
            if not version.is_text_of(cell)
        ],
    }


def _read(read: insight.Read) -> dict:
    """A line of "who has looked at our data", as the family's page tells it: the service and role, not the name."""
    return {
        "at": _local(read.at),
        "services": read.services,
        "role": read.role,
        "did": read.action,
        "what": read.kind,
        "times": read.times,
    }


def _action_point(point: ActionPoint, staff: _Staff) -> dict:
    if point.samtale is not None:
        set_in, set_at = _("Clarifying conversation"), point.samtale.starts_at
    else:
        set_in, set_at = _("Familieteam meeting"), point.meeting.starts_at
    return {
        "what": point.what,
        "who": point.owner_name,
        "owner_kind": point.get_owner_kind_display(),
        "by_date": point.due,
        "status": point.get_status_display(),
        "comment": point.comment,
        "set_in": set_in,
        "set_at": _local(set_at),
        "set_by": staff.of(point.created_by_id),
        "created_at": _local(point.created_at),
        "status_changed_at": _local(point.status_at),
        "status_changed_by": staff.of(point.status_by_id),
    }


def _entry(entry: Entry, numbers: dict, staff: _Staff) -> dict:
    return {
        "number": numbers[entry.pk],
        "at": _local(entry.at),
        # In the words of the family's own log page (a task, not an action point; "how it went", not an evaluation).
        "kind": str(ENTRY_LABELS[entry.kind]),
        "by": staff.of(entry.author_id),
        "role_then": entry.author_role_label,
        "service_then": entry.author_unit.name if entry.author_unit else "",
        "text": entry.family_text,
        "corrects": numbers.get(entry.corrects_id),
        "life_area": entry.life_area.name if entry.life_area else "",
        "responsible": entry.responsible,
        "starts_on": entry.starts_on,
        "evaluate_by": entry.evaluate_by,
        "evaluates": numbers.get(entry.measure_id),
        "how_it_went": entry.get_outcome_display(),
        "next_steps": entry.next_steps,
    }


def _baton(baton: Baton | None, staff: _Staff) -> dict | None:
    return {"holder": staff.of(baton.holder_id), "since": _local(baton.since)} if baton else None


def _handover(handover: Handover, staff: _Staff) -> dict:
    return {
        "from": staff.of(handover.from_user_id),
        "to": staff.of(handover.to_user_id),
        "asked_by": staff.of(handover.requested_by_id),
        "asked_at": _local(handover.requested_at),
        "status": handover.get_status_display(),
        "answered_by": staff.of(handover.decided_by_id),
        "answered_at": _local(handover.decided_at),
    }
