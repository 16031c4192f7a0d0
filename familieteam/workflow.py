"""Every change to a familieteam, its meetings, its canvas and its action points, as one function per change
taking the acting user.

The familielos leads the team: they add and remove members, plan and finish meetings, set the plan for phasing
out, and restore an earlier text of a cell. The team's service members (and the familielos) edit the canvas,
evaluate the previous meeting and set action points. A staff member ticks only their own action points; the
familielos any of the team's.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cases import access, action_points, consents
from cases.models import ActionPoint, ActionStatus, Case, Family, OwnerKind, Person
from cases.workflow import lock_family
from familielos import roles
from familielos.errors import Refused
from familielos.history import action
from familielos.models import ServiceUnit
from familieteam import plan
from familieteam.models import (
    CanvasCell,
    CellVersion,
    Column,
    Evaluation,
    EvaluationResult,
    Familieteam,
    FamilieteamMeeting,
    FamilieteamMember,
    Frequency,
    LifeArea,
    MeetingStatus,
    MemberKind,
)
from stafettlogg.models import Entry, Event

User = get_user_model()


def is_leader(user, team: Familieteam) -> bool:
    return team.case.familielos_id == user.pk


def can_lead(user, team: Familieteam) -> bool:
    """Whether the user may change the team now: its familielos, while the case is open at level 3 (the team's
    pages offer their forms by this; the actions check it again)."""
    return is_leader(user, team) and team.case.at_level_3


def can_tick(user, point: ActionPoint) -> bool:
    """Whether `user` may change the status of an action point they can see: their own, or any of the team's when
    they are its familielos; a level-1 agreement, whoever may change the family's case. Reads the point's meeting
    with its team and case (select_related them for a list)."""
    if point.owner_user_id == user.pk:
        return True
    if point.meeting_id is not None:
        return is_leader(user, point.meeting.team)
    return access.can(user, point.family, access.CHANGE)


@action
def add_service_member(
    *, actor: User, team: Familieteam, user: User, unit: ServiceUnit, mandate: str = ""
) -> FamilieteamMember:
    """A service representative joins the team; they see the family at once if the consent covers their service,
    and the familielos is asked to record that consent first if it does not."""
    team = _lock_as_leader(actor, team)
    if not user.is_active or not roles.works_with_families(user) or not unit.memberships.filter(user=user).exists():
        raise Refused(_("%(name)s does not work in %(service)s.") % {"name": _name(user), "service": unit.name})
    if user.pk == team.case.familielos_id or team.members.filter(user=user).exists():
        raise Refused(_("%(name)s is already in the familieteam.") % {"name": _name(user)})
    if consents.uncovered(team.case.family, [unit]):
        raise Refused(
            _("The guardians have not consented to sharing with: %(services)s. Record their consent first.")
            % {"services": unit.name}
        )
    member = FamilieteamMember.objects.create(team=team, kind=MemberKind.SERVICE, user=user, unit=unit, mandate=mandate)
    access.sync_case_grants(team.case)
    return member


@action
def add_trusted_person(
    *, actor: User, team: Familieteam, name: str, relation: str = "", contact: str = ""
) -> FamilieteamMember:
    """Someone the family chose joins the team; they have no login and get no access. A name already in the team is
    refused: the same person added twice would be given action points under two entries."""
    team = _lock_as_leader(actor, team)
    name = name.strip()
    if team.members.filter(kind=MemberKind.TRUSTED, name__iexact=name).exists():
        raise Refused(_("%(name)s is already in the familieteam.") % {"name": name})
    return FamilieteamMember.objects.create(
        team=team, kind=MemberKind.TRUSTED, name=name, relation=relation, contact=contact
    )


@action
def remove_member(*, actor: User, member: FamilieteamMember) -> None:
    """A member leaves the team; a staff member loses access to the family at once (unless another rule gives it).
    Their open action points stay, with their name, for the familielos to hand on."""
    team = _lock_as_leader(actor, member.team)
    FamilieteamMember.objects.filter(pk=member.pk, team=team).delete()
    access.sync_case_grants(team.case)


@action
def set_plan(*, actor: User, team: Familieteam, planned_end: date, frequency: Frequency) -> Familieteam:
    """The familielos sets when level 3 is planned to end (6 to 12 months after it started) and how often to meet."""
    team = _lock_as_leader(actor, team)
    earliest, latest = plan.plan_bounds(team.started_on)
    if not earliest <= planned_end <= latest:
        raise Refused(
            _("Level 3 is planned to end between %(earliest)s and %(latest)s (6 to 12 months after it started).")
            % {"earliest": f"{earliest:%d.%m.%Y}", "latest": f"{latest:%d.%m.%Y}"}
        )
    team.planned_end = planned_end
    team.frequency = Frequency(frequency)
    team.save(update_fields=["planned_end", "frequency"])
    return team


@action
def plan_meeting(
    *, actor: User, team: Familieteam, starts_at, place: str, invited: list[FamilieteamMember] = ()
) -> FamilieteamMeeting:
    """Book a meeting. Its canvas starts from the previous meeting's (the newest one before it), which the new
    meeting then evaluates; only one meeting at a time is planned."""
    team = _lock_as_leader(actor, team)
    if team.meetings.filter(status=MeetingStatus.PLANNED).exists():
        raise Refused(_("The team already has a planned meeting. Finish it, or change it, first."))
    return _new_meeting(actor, team, starts_at, place, invited)


@action
def reschedule_meeting(
    *, actor: User, meeting: FamilieteamMeeting, starts_at, place: str, invited: list[FamilieteamMember] = ()
) -> FamilieteamMeeting:
    team = _lock_as_leader(actor, meeting.team)
    meeting = FamilieteamMeeting.objects.select_for_update(no_key=True).get(pk=meeting.pk, team=team)
    _require_planned(meeting)
    _require_after(meeting.previous, starts_at)
    meeting.starts_at, meeting.place = starts_at, place
    meeting.save(update_fields=["starts_at", "place"])
    meeting.invited.set(_own_members(team, invited))
    return meeting


@action
def finish_meeting(
    *,
    actor: User,
    meeting: FamilieteamMeeting,
    present: list[FamilieteamMember],
    family_present: str,
    next_starts_at,
    next_place: str,
) -> FamilieteamMeeting:
    """End the meeting once it has begun: who came, and the next meeting, which carries its canvas on. The canvas is
    kept as it is."""
    team = _lock_as_leader(actor, meeting.team)
    meeting = FamilieteamMeeting.objects.select_for_update(no_key=True).get(pk=meeting.pk, team=team)
    _require_planned(meeting)
    if not meeting.has_begun():
        raise Refused(_("The meeting has not begun yet. It can be finished once it has begun."))
    if next_starts_at <= meeting.starts_at:
        raise Refused(_("The next meeting must come after this one."))
    meeting.status = MeetingStatus.HELD
    meeting.family_present = family_present
    meeting.save(update_fields=["status", "family_present"])
    meeting.present.set(_own_members(team, present))
    Entry.objects.create_event(
        family_id=team.case.family_id,
        actor=actor,
        event=Event.MEETING_HELD,
        params={"when": meeting.starts_at.isoformat()},
    )
    return _new_meeting(actor, team, next_starts_at, next_place, list(meeting.invited.all()))


@dataclass(frozen=True)
class CellSave:
    """What a save of a cell did: `saved`, or a conflict with the text someone else saved first (`cell` as it is
    now), which the person is offered beside their own to choose or merge."""

    cell: CanvasCell
    saved: bool


def save_cell(
    *,
    actor: User,
    meeting: FamilieteamMeeting,
    life_area: LifeArea,
    column: Column,
    text: str,
    due: date | None,
    base_version: int,
) -> CellSave:
    """Save a cell typed from `base_version`. The first save wins: a save from an older version does not change the
    cell, keeps its text in the history as a conflict, and returns the newer text to choose or merge from. Every
    saved text is kept (CellVersion). Locks the cell, not the family: many saves a minute while people type."""
    with transaction.atomic():
        meeting = _meeting_to_edit(actor, meeting)
        if not life_area.active and not meeting.cells.filter(life_area=life_area).exists():
            raise Refused(_("This life area is no longer in use. Write in another one."))
        cell = _locked_cell(meeting, life_area, Column(column))
        if base_version > cell.version:
            raise Refused(_("Your page shows a version of this cell that it never had. Load the page again."))
        if cell.text == text and cell.due == (due if Column(column).has_date else None):
            # What the cell holds already, from whatever version (the same save sent twice): nothing to choose.
            return CellSave(cell=cell, saved=True)
        if cell.version != base_version:
            # Kept in the cell's history, so the text is not lost if the person leaves before choosing.
            CellVersion.objects.create(cell=cell, version=cell.version, text=text, due=due, by=actor, conflict=True)
            return CellSave(cell=cell, saved=False)
        return CellSave(cell=_write(cell, actor, text, due), saved=True)


@action
def restore_cell(*, actor: User, cell: CanvasCell, version_pk: int) -> CanvasCell:
    """The familielos puts back an earlier text of a cell (a saved one, or one that lost a conflict), as a new
    version; the newer ones stay in its history."""
    meeting = _meeting_to_edit(actor, cell.meeting)
    if not can_restore(actor, meeting):
        raise Refused(_("Only the familielos can restore an earlier text."))
    cell = CanvasCell.objects.select_for_update(no_key=True).get(pk=cell.pk, meeting=meeting)
    old = cell.versions.filter(pk=version_pk).first()
    if old is None:
        raise Refused(_("That version of the cell does not exist."))
    return _write(cell, actor, old.text, old.due)


@action
def evaluate(
    *, actor: User, meeting: FamilieteamMeeting, cell: CanvasCell, result: EvaluationResult, comment: str = ""
) -> Evaluation:
    """Evaluate a goal or an action of the previous meeting's canvas in this meeting: done, partly, not done or
    changed, with a comment. Evaluating it again replaces the evaluation."""
    meeting = _meeting_to_edit(actor, meeting)
    # Two people evaluating one goal at once: the second waits, then replaces the first's evaluation.
    cell = CanvasCell.objects.select_for_update(no_key=True).get(pk=cell.pk)
    if meeting.previous_id is None or cell.meeting_id != meeting.previous_id:
        raise Refused(_("Only the previous meeting's goals and actions are evaluated in this meeting."))
    if not Column(cell.column).is_evaluated or not cell.text:
        raise Refused(_("Only a goal or an action with a text is evaluated."))
    evaluation, _created = Evaluation.objects.update_or_create(
        cell=cell,
        defaults={"meeting": meeting, "result": EvaluationResult(result), "comment": comment, "by": actor},
    )
    return evaluation


@dataclass(frozen=True)
class Owner:
    """Who carries out an action point: a staff member of the team, a family member, a trusted person, by id."""

    kind: OwnerKind
    user_id: int | None = None
    person_id: int | None = None
    member_id: int | None = None


@action
def set_action_point(
    *,
    actor: User,
    meeting: FamilieteamMeeting,
    what: str,
    owner: Owner,
    due: date | None,
    cell: CanvasCell | None = None,
) -> ActionPoint:
    """An action point set in the meeting (from a canvas cell, or on its own): who does what by when."""
    meeting = _meeting_to_edit(actor, meeting)
    if cell is not None and cell.meeting_id != meeting.pk:
        raise Refused(_("The cell is not on this meeting's canvas."))
    fields = _owner_fields(meeting.team, owner)
    return ActionPoint.objects.create(
        family_id=meeting.team.case.family_id,
        meeting=meeting,
        cell=cell,
        what=what,
        due=due,
        created_by=actor,
        **fields,
    )


@action
def set_action_point_status(
    *, actor: User, point: ActionPoint, status: ActionStatus, comment: str = "", base_version: int
) -> ActionPoint:
    """Tick an action point done, drop it, or open it again, with a comment. A change made from an older version
    of the point than the saved one is refused, so no one's change is lost."""
    point = (
        ActionPoint.objects.select_for_update(no_key=True, of=("self",))
        .select_related("meeting__team__case")
        .get(pk=point.pk)
    )
    if not access.can(actor, point.family, access.VIEW) or not can_tick(actor, point):
        raise Refused(_("Only the person responsible or the familielos can change this action point."))
    action_points.require_version(point, base_version)
    return action_points.apply_status(point, actor=actor, status=status, comment=comment)


def _name(user: User) -> str:
    return roles.display_name(user)


def _lock_as_leader(actor: User, team: Familieteam) -> Familieteam:
    """Lock the family, read the team as it is now, and refuse anyone but its familielos, or a case not at level 3."""
    lock_family(team.case.family)
    team = Familieteam.objects.select_related("case__family").get(pk=team.pk)
    if not is_leader(actor, team) or not access.can(actor, team.case.family, access.CHANGE):
        raise Refused(_("Only the family's familielos can change the familieteam."))
    _require_level_3(team.case)
    return team


def can_change_meeting(user, meeting: FamilieteamMeeting) -> bool:
    """Whether the user may move the meeting now, and finish it once it has begun (`can_finish_meeting`): the team's
    familielos, a planned meeting, level 3."""
    return can_lead(user, meeting.team) and MeetingStatus(meeting.status).can_edit_canvas


def can_finish_meeting(user, meeting: FamilieteamMeeting) -> bool:
    """Whether the user may finish the meeting now: they may change it, and it has begun (finish_meeting's guard)."""
    return can_change_meeting(user, meeting) and meeting.has_begun()


def can_restore(user, meeting: FamilieteamMeeting) -> bool:
    """Whether the user may put back an earlier text of the meeting's cells: its familielos, while it can be edited."""
    return is_leader(user, meeting.team) and can_edit_canvas(meeting)


def can_edit_canvas(meeting: FamilieteamMeeting) -> bool:
    """Whether the meeting's canvas can be written (and its previous one evaluated): a planned meeting of a case open
    at level 3. The guard of save_cell, restore_cell, evaluate and set_action_point; pages offer their forms by it."""
    return MeetingStatus(meeting.status).can_edit_canvas and meeting.team.case.at_level_3


def _require_level_3(case: Case) -> None:
    if not case.at_level_3:
        raise Refused(_("The familieteam works while the case is open at level 3."))


def _require_planned(meeting: FamilieteamMeeting) -> None:
    if not MeetingStatus(meeting.status).can_edit_canvas:
        raise Refused(_("The meeting is over; its canvas is kept as it was."))


def _meeting_to_edit(actor: User, meeting: FamilieteamMeeting) -> FamilieteamMeeting:
    """The meeting as it is now, if the actor works in its team and the meeting can still be edited; held so until
    the transaction ends (`_hold_family`)."""
    _hold_family(meeting.team.case.family_id)
    meeting = (
        FamilieteamMeeting.objects.filter(team__in=access.visible_familieteams(actor))
        .select_related("team__case__family")
        .filter(pk=meeting.pk)
        .first()
    )
    if meeting is None:
        raise Refused(_("Only the familieteam can change its meetings."))
    _require_level_3(meeting.team.case)
    _require_planned(meeting)
    return meeting


def _hold_family(family_id: int) -> None:
    """Share-lock the family's row: a canvas write then waits for a change that takes `lock_family` (finishing the
    meeting, stepping down, closing, a consent withdrawn) and holds it off until the write is done, so no text lands
    on a canvas already kept, or after the writer lost access. Writes to the canvas do not wait for each other."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {Family._meta.db_table} WHERE id = %s FOR SHARE", [family_id])


def _locked_cell(meeting: FamilieteamMeeting, life_area: LifeArea, column: Column) -> CanvasCell:
    """The cell, made empty (version 0) the first time anyone saves it, and locked for this transaction: one
    statement once the cell exists (every save but the first), with no savepoint."""
    where = {"meeting": meeting, "life_area": life_area, "column": column}
    # No ordering (a cell's default one joins its life area) and the cell's row only: a lock on the life area would
    # make every save of that row in the municipality wait for the others.
    cells = CanvasCell.objects.select_for_update(no_key=True, of=("self",)).filter(**where).order_by()
    if (cell := cells.first()) is not None:
        return cell
    # Two first saves at once make one cell: the second insert waits for the first to commit, then does nothing.
    CanvasCell.objects.bulk_create([CanvasCell(**where)], ignore_conflicts=True)
    return cells.get()


def _write(cell: CanvasCell, actor: User, text: str, due: date | None) -> CanvasCell:
    cell.text = text
    cell.due = due if Column(cell.column).has_date else None
    cell.version += 1
    cell.updated_by = actor
    cell.save()
    CellVersion.objects.create(cell=cell, version=cell.version, text=cell.text, due=cell.due, by=actor)
    return cell


def _require_after(previous: FamilieteamMeeting | None, starts_at) -> None:
    """A meeting comes after the one before it: its canvas carries that one on and evaluates it."""
    if previous is not None and starts_at <= previous.starts_at:
        raise Refused(_("A new meeting must come after the team's last one."))


def _new_meeting(actor, team: Familieteam, starts_at, place: str, invited) -> FamilieteamMeeting:
    previous = team.meetings.order_by("-starts_at", "-pk").first()
    _require_after(previous, starts_at)
    meeting = FamilieteamMeeting.objects.create(
        team=team, starts_at=starts_at, place=place, previous=previous, created_by=actor
    )
    meeting.invited.add(*_own_members(team, invited))
    if previous is not None:
        _carry_over(previous, meeting, actor)
    return meeting


def _carry_over(previous: FamilieteamMeeting, meeting: FamilieteamMeeting, actor: User) -> None:
    """The new canvas starts from the previous one: each cell with a text, as version 1 of the new cell."""
    cells = CanvasCell.objects.bulk_create(
        CanvasCell(
            meeting=meeting,
            life_area_id=old.life_area_id,
            column=old.column,
            text=old.text,
            due=old.due,
            version=1,
            carried_from=old,
            updated_by=actor,
        )
        for old in previous.cells.exclude(text="")
    )
    CellVersion.objects.bulk_create(
        CellVersion(cell=cell, version=1, text=cell.text, due=cell.due, by=actor) for cell in cells
    )


def _own_members(team: Familieteam, members) -> list[FamilieteamMember]:
    ids = [member.pk for member in members]
    own = list(team.members.filter(pk__in=ids))
    if len(own) != len(set(ids)):
        raise Refused(_("Only the team's own members can be invited or marked present."))
    return own


def _owner_fields(team: Familieteam, owner: Owner) -> dict:
    """The action point's owner fields, checked to belong to this team or this family."""
    kind = OwnerKind(owner.kind)
    case = team.case
    if kind == OwnerKind.STAFF:
        if owner.user_id is not None and owner.user_id == case.familielos_id:
            user = case.familielos
        else:
            members = team.members.filter(kind=MemberKind.SERVICE, user_id=owner.user_id)
            member = members.select_related("user", "unit").first()
            if member is None:
                raise Refused(_("Choose a member of the familieteam."))
            if not access.can(member.user, case.family):
                # They could see neither the point nor the family: a member's grant follows the consent.
                raise Refused(
                    _(
                        "%(name)s cannot see the family: the guardians' consent does not cover %(service)s. Record "
                        "their consent first, or choose someone else."
                    )
                    % {"name": _name(member.user), "service": member.unit.name}
                )
            user = member.user
        return {"owner_kind": kind, "owner_user": user, "owner_name": _name(user)}
    if kind in (OwnerKind.GUARDIAN, OwnerKind.CHILD):
        person = Person.objects.filter(pk=owner.person_id, family_id=case.family_id, role=kind).first()
        if person is None:
            raise Refused(_("Choose a person in the family."))
        return {"owner_kind": kind, "owner_person": person, "owner_name": str(person)}
    if kind == OwnerKind.TRUSTED:
        member = team.members.filter(pk=owner.member_id, kind=MemberKind.TRUSTED).first()
        if member is None:
            raise Refused(_("Choose a trusted person in the familieteam."))
        return {"owner_kind": kind, "owner_member": member, "owner_name": member.name}
    raise Refused(_("Choose who carries out the action point."))
