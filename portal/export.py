"""'Everything about us': all data stored about one family, as one plain structure the JSON download writes as it is
and the PDF prints (GDPR art. 15, the family's right of access).

Everything the municipality keeps about the family is in it, the log's team-only entries too (marked as such):
DOMAIN.md's rule is that the family can get everything stored about them. Staff are named with their role and
service, as the family has a right to know who worked with their data. Nothing of another family is read:
every query starts from this family's id. Record ids stay out; records refer to each other by the number of the
case or log entry inside the export. Texts the system writes are worded in the active language; moments are
ISO 8601 in the app's time zone.
"""

import re
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    ActionPoint,
    Avklaringssamtale,
    Baton,
    Case,
    Consent,
    Family,
    Handover,
    Level,
    LevelChange,
    Person,
)
from familielos.models import Membership
from familielos.roles import LABELS, PRECEDENCE, display_name
from familieteam.models import CanvasCell, Column, Familieteam, FamilieteamMeeting, FamilieteamMember
from screening.models import Submission
from stafettlogg.models import Entry, Visibility
from teams.models import AgendaItem, Referral

User = get_user_model()

FORMAT = "familielos-family-export"
VERSION = 1


def family_data(family: Family) -> dict:
    """Every record stored about the family, read in a fixed number of queries however much there is."""
    rows = _Rows(family)
    staff = _Staff(rows.user_ids())
    case_numbers = {case.pk: number for number, case in enumerate(rows.cases, start=1)}
    entry_numbers = {entry.pk: number for number, entry in enumerate(rows.entries, start=1)}
    baton = rows.baton
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _moment(timezone.now()),
        "family": {
            "name": family.name,
            "registered_at": _moment(family.created_at),
            "registered_by": staff.of(family.created_by_id),
        },
        "persons": [_person(person) for person in rows.persons],
        "cases": [_case(case, case_numbers, rows, staff) for case in rows.cases],
        "consents": [_consent(consent, staff) for consent in rows.consents],
        "clarifying_conversations": [_samtale(samtale, case_numbers, staff) for samtale in rows.samtaler],
        "screenings": [_screening(submission, case_numbers, staff) for submission in rows.screenings],
        "referrals": [_referral(referral, case_numbers, rows.items, staff) for referral in rows.referrals],
        "familieteams": [_familieteam(team, case_numbers, staff) for team in rows.familieteams],
        "action_points": [_action_point(point, staff) for point in rows.action_points],
        "log": [_entry(entry, entry_numbers, staff) for entry in rows.entries],
        "baton": {"holder": staff.of(baton.holder_id), "since": _moment(baton.since)} if baton else None,
        "baton_handovers": [_handover(handover, staff) for handover in rows.handovers],
    }


class _Rows:
    """The family's records, each kind read once with what it shows."""

    def __init__(self, family: Family):
        self.persons = list(Person.objects.filter(family=family).order_by("role", "birth_date", "first_name", "pk"))
        self.cases = list(
            Case.objects.filter(family=family)
            .select_related("ressursteam", "opened_unit")
            .prefetch_related(
                "children",
                Prefetch("level_changes", queryset=LevelChange.objects.order_by("at", "pk"), to_attr="history"),
            )
            .order_by("opened_at", "pk")
        )
        self.consents = list(
            Consent.objects.filter(family=family)
            .select_related("given_by")
            .prefetch_related("units")
            .order_by("valid_from", "pk")
        )
        self.samtaler = list(Avklaringssamtale.objects.filter(case__family=family).order_by("starts_at", "pk"))
        self.screenings = list(
            Submission.objects.filter(Q(child__family=family) | Q(case__family=family))
            .select_related("instrument", "unit", "child")
            .prefetch_related("factors")
            .order_by("created_at", "pk")
        )
        self.referrals = list(
            Referral.objects.filter(case__family=family).select_related("team", "unit").order_by("created_at", "pk")
        )
        self.items = list(
            AgendaItem.objects.filter(referral__case__family=family)
            .select_related("meeting", "decision__service")
            .order_by("meeting__starts_at", "pk")
        )
        cells = CanvasCell.objects.select_related("life_area", "evaluation").order_by(
            "life_area__position", "life_area_id", "column"
        )
        self.familieteams = list(
            Familieteam.objects.filter(case__family=family)
            .prefetch_related(
                Prefetch("members", queryset=FamilieteamMember.objects.select_related("unit").order_by("kind", "pk")),
                Prefetch(
                    "meetings",
                    queryset=FamilieteamMeeting.objects.order_by("starts_at", "pk").prefetch_related(
                        "invited", "present", Prefetch("cells", queryset=cells)
                    ),
                ),
            )
            .order_by("started_on", "pk")
        )
        self.action_points = list(
            ActionPoint.objects.filter(family=family).select_related("samtale", "meeting").order_by("created_at", "pk")
        )
        self.entries = list(
            Entry.objects.filter(family=family)
            .select_related("author_unit", "life_area", "level_change")
            .order_by("at", "pk")
        )
        self.baton = Baton.objects.filter(family=family).first()
        self.handovers = list(Handover.objects.filter(family=family).order_by("requested_at", "pk"))
        self.family = family

    def user_ids(self) -> set[int]:
        """Every person with a login the records name: staff, and the family's own logins as authors."""
        ids = {self.family.created_by_id}
        for case in self.cases:
            ids |= {case.opened_by_id, case.familielos_id, *(change.actor_id for change in case.history)}
        for consent in self.consents:
            ids |= {consent.recorded_by_id, consent.withdrawn_by_id}
        ids |= {samtale.created_by_id for samtale in self.samtaler}
        for submission in self.screenings:
            ids |= {submission.created_by_id, submission.opened_by_id}
        ids |= {referral.sender_id for referral in self.referrals}
        for item in self.items:
            decision = getattr(item, "decision", None)
            if decision is not None:
                ids |= {decision.decided_by_id, decision.familielos_id}
        for team in self.familieteams:
            ids |= {member.user_id for member in team.members.all()}
            for meeting in team.meetings.all():
                ids.add(meeting.created_by_id)
                for cell in meeting.cells.all():
                    ids.add(cell.updated_by_id)
                    if hasattr(cell, "evaluation"):
                        ids.add(cell.evaluation.by_id)
        for point in self.action_points:
            ids |= {point.owner_user_id, point.created_by_id, point.status_by_id}
        ids |= {entry.author_id for entry in self.entries}
        if self.baton is not None:
            ids.add(self.baton.holder_id)
        for handover in self.handovers:
            ids |= {handover.from_user_id, handover.to_user_id, handover.requested_by_id, handover.decided_by_id}
        ids.discard(None)
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
        groups = {group.name for group in user.groups.all()}
        role = next((name for name in PRECEDENCE if name in groups), "")
        return {
            "name": display_name(user),
            "role": str(LABELS.get(role, "")),
            "service": ", ".join(membership.unit.name for membership in user.memberships.all()),
        }

    def of(self, user_id: int | None) -> dict | None:
        return self.people.get(user_id) if user_id is not None else None


def _moment(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _level(value: int | None) -> str | None:
    return str(Level(value).label) if value is not None else None


def _person(person: Person) -> dict:
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "role": person.get_role_display(),
        "born_on": _day(person.birth_date),
        "parental_responsibility": person.parental_responsibility,
        "has_own_login": person.user_id is not None,
    }


def _case(case: Case, numbers: dict, rows: _Rows, staff: _Staff) -> dict:
    return {
        "number": numbers[case.pk],
        "opened_at": _moment(case.opened_at),
        "opened_by": staff.of(case.opened_by_id),
        "opened_by_unit": case.opened_unit.name if case.opened_unit else "",
        "children": [str(child) for child in case.children.all()],
        "level": _level(case.level),
        "status": case.get_status_display(),
        "closed_from_level": _level(case.closed_from_level),
        "ressursteam": case.ressursteam.name if case.ressursteam else "",
        "familielos": staff.of(case.familielos_id),
        "decide_by": _day(case.decision_deadline),
        "level_history": [
            {
                "at": _moment(change.at),
                "change": change.get_kind_display(),
                "from_level": _level(change.from_level),
                "to_level": _level(change.to_level),
                "by": staff.of(change.actor_id),
                "reason": change.reason_shown,
                "responsible_next": change.responsible_next,
            }
            for change in case.history
        ],
    }


def _consent(consent: Consent, staff: _Staff) -> dict:
    return {
        "given_by": str(consent.given_by),
        "decision": consent.get_decision_display(),
        "services": [unit.name for unit in consent.units.all()],
        "valid_from": _day(consent.valid_from),
        "valid_to": _day(consent.valid_to),
        "note": consent.note,
        "recorded_at": _moment(consent.recorded_at),
        "recorded_by": staff.of(consent.recorded_by_id),
        "withdrawn_at": _moment(consent.withdrawn_at),
        "withdrawal_recorded_by": staff.of(consent.withdrawn_by_id),
    }


def _samtale(samtale: Avklaringssamtale, numbers: dict, staff: _Staff) -> dict:
    return {
        "case": numbers[samtale.case_id],
        "starts_at": _moment(samtale.starts_at),
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
        "recorded_at": _moment(samtale.recorded_at),
    }


def _screening(submission: Submission, numbers: dict, staff: _Staff) -> dict:
    return {
        "case": numbers.get(submission.case_id),
        "child": str(submission.child) if submission.child else "",
        "tool": submission.instrument.localized_title,
        "unit": submission.unit.name,
        "made_by": submission.get_audience_display(),
        "status": submission.get_status_display(),
        "by": staff.of(submission.created_by_id),
        "ticked_factors": [factor.localized_label for factor in submission.factors.all()],
        "seen": submission.seen,
        "child_said": submission.child_said,
        "duration": submission.duration,
        "earlier_concern": submission.earlier_concern,
        "risk_points": submission.risk_score,
        "recommendation": submission.get_recommendation_display(),
        "duty_to_report_to_barnevern": submission.barnevern_warning,
        "contact": {
            "name": submission.contact_name,
            "phone": submission.contact_phone,
            "email": submission.contact_email,
        },
        "created_at": _moment(submission.created_at),
        "submitted_at": _moment(submission.submitted_at),
        "opened_at": _moment(submission.opened_at),
        "opened_by": staff.of(submission.opened_by_id),
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
        "created_at": _moment(referral.created_at),
        "sent_at": _moment(referral.sent_at),
        "meetings": [_agenda_item(item, staff) for item in mine],
    }


def _agenda_item(item: AgendaItem, staff: _Staff) -> dict:
    decision = getattr(item, "decision", None)
    return {
        "meeting_at": _moment(item.meeting.starts_at),
        "decision": None
        if decision is None
        else {
            "outcome": decision.get_outcome_display(),
            "reasons": decision.reasons,
            "recommendations": decision.recommendations,
            "follow_up_by": _day(decision.follow_up),
            "service": decision.service.name if decision.service else "",
            "closes_case": decision.closes_case,
            "familielos": staff.of(decision.familielos_id),
            "question": decision.question,
            "recorded_by": staff.of(decision.decided_by_id),
            "decided_at": _moment(decision.decided_at),
        },
    }


def _member_name(member: FamilieteamMember, staff: _Staff) -> str:
    return member.name if member.user_id is None else staff.of(member.user_id)["name"]


def _familieteam(team: Familieteam, numbers: dict, staff: _Staff) -> dict:
    return {
        "case": numbers[team.case_id],
        "started_on": _day(team.started_on),
        "planned_end": _day(team.planned_end),
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
                "added_at": _moment(member.added_at),
            }
            for member in team.members.all()
        ],
        "meetings": [
            {
                "starts_at": _moment(meeting.starts_at),
                "place": meeting.place,
                "status": meeting.get_status_display(),
                "invited": [_member_name(member, staff) for member in meeting.invited.all()],
                "present": [_member_name(member, staff) for member in meeting.present.all()],
                "from_the_family": meeting.family_present,
                "booked_by": staff.of(meeting.created_by_id),
                "samtaleduk_2": [_cell(cell, staff) for cell in meeting.cells.all() if cell.text],
            }
            for meeting in team.meetings.all()
        ],
    }


def _cell(cell: CanvasCell, staff: _Staff) -> dict:
    evaluation = getattr(cell, "evaluation", None)
    return {
        "life_area": cell.life_area.name,
        "column": str(Column(cell.column).label),
        "text": cell.text,
        "by_date": _day(cell.due),
        "written_by": staff.of(cell.updated_by_id),
        "updated_at": _moment(cell.updated_at),
        "evaluation": None
        if evaluation is None
        else {
            "result": evaluation.get_result_display(),
            "comment": evaluation.comment,
            "by": staff.of(evaluation.by_id),
            "at": _moment(evaluation.at),
        },
    }


def _action_point(point: ActionPoint, staff: _Staff) -> dict:
    if point.samtale is not None:
        set_in = _("Clarifying conversation %(date)s") % {"date": _local_date(point.samtale.starts_at)}
    else:
        set_in = _("Familieteam meeting %(date)s") % {"date": _local_date(point.meeting.starts_at)}
    return {
        "what": point.what,
        "who": point.owner_name,
        "owner_kind": point.get_owner_kind_display(),
        "by_date": _day(point.due),
        "status": point.get_status_display(),
        "comment": point.comment,
        "set_in": set_in,
        "set_by": staff.of(point.created_by_id),
        "created_at": _moment(point.created_at),
        "status_changed_at": _moment(point.status_at),
        "status_changed_by": staff.of(point.status_by_id),
    }


def _local_date(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y")


def _entry(entry: Entry, numbers: dict, staff: _Staff) -> dict:
    return {
        "number": numbers[entry.pk],
        "at": _moment(entry.at),
        "kind": entry.get_kind_display(),
        "visible_to": entry.get_visibility_display(),
        "team_only": entry.visibility == Visibility.TEAM,
        "by": staff.of(entry.author_id),
        "role_then": entry.author_role_label,
        "service_then": entry.author_unit.name if entry.author_unit else "",
        "text": entry.shown_text,
        "corrects": numbers.get(entry.corrects_id),
        "life_area": entry.life_area.name if entry.life_area else "",
        "responsible": entry.responsible,
        "starts_on": _day(entry.starts_on),
        "evaluate_by": _day(entry.evaluate_by),
        "evaluates": numbers.get(entry.measure_id),
        "how_it_went": entry.get_outcome_display(),
        "next_steps": entry.next_steps,
    }


def _handover(handover: Handover, staff: _Staff) -> dict:
    return {
        "from": staff.of(handover.from_user_id),
        "to": staff.of(handover.to_user_id),
        "asked_by": staff.of(handover.requested_by_id),
        "asked_at": _moment(handover.requested_at),
        "note": handover.note,
        "status": handover.get_status_display(),
        "answered_by": staff.of(handover.decided_by_id),
        "answered_at": _moment(handover.decided_at),
    }


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2})?")


def for_reading(value):
    """The export with its ISO moments and dates as datetime and date again, for the PDF to print as d.m.Y H:i."""
    if isinstance(value, dict):
        return {key: for_reading(item) for key, item in value.items()}
    if isinstance(value, list):
        return [for_reading(item) for item in value]
    if isinstance(value, str) and _ISO.fullmatch(value):
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    return value
