"""Every change of a case's level or status, as one function per step taking the acting user.

Each step checks the actor's access and its guard, then in one transaction writes the LevelChange,
a Stafettlogg entry and the history context, and brings the family's access grants in line.
Each step's guard is a function of the case and the actor's standing, so the case page offers only
the steps their guards allow (`can_take_step`) and the step itself checks the same rule again.

A reason is either what a person typed (`reason=`) or a code the workflow words in the reader's language
(`reason_code=` with `reason_params=`, see `cases.models.ReasonCode`).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access, baton, consents
from cases.consents import familielos_units
from cases.models import (
    Case,
    ChangeKind,
    Consent,
    Family,
    Level,
    LevelChange,
    Person,
    PersonRole,
    ReasonCode,
    Status,
    current_case_first,
)
from familielos import roles
from familielos.errors import Refused
from familielos.history import action
from familielos.models import ServiceKind, ServiceUnit
from familieteam.models import Familieteam
from familieteam.plan import PLAN_MIN_MONTHS, add_months
from stafettlogg.models import Entry
from teams.models import WAITING, AgendaItem, FamilielosCapacity, Referral, ReferralStatus, Ressursteam, TeamMember

User = get_user_model()

DECISION_DAYS = 14


AVKLARING = "avklaring"
RESSURSTEAM = "ressursteam"
FAMILIELOS = "familielos"
STEP_DOWN = "step-down"
CLOSE = "close"
REOPEN = "reopen"
BARNEVERN = "barnevern"
# Not a step of the case page: the sender of a referral withdraws it from the referral (teams.workflow).
WITHDRAW = "withdraw-referral"


@dataclass(frozen=True)
class Standing:
    """What the actor is to the case, as the step guards need it: read once per page, not once per step."""

    can_change: bool
    in_team: bool
    is_familielos: bool


def standing(actor: User, case: Case, *, can_change: bool | None = None) -> Standing:
    if can_change is None:
        can_change = access.can(actor, case.family, access.CHANGE)
    in_team = (
        case.ressursteam_id is not None and TeamMember.objects.filter(team=case.ressursteam_id, user=actor).exists()
    )
    return Standing(can_change=can_change, in_team=in_team, is_familielos=case.familielos_id == actor.pk)


def _guard_open(case: Case, who: Standing) -> None:
    if not Status(case.status).can_move:
        raise Refused(_("The case is closed. Reopen it first."))


def _guard_avklaring(case: Case, who: Standing) -> None:
    _guard_open(case, who)
    if case.level != Level.UNDRING:
        raise Refused(_("Only a case at level 0 can move to a clarifying conversation."))


def _guard_ressursteam(case: Case, who: Standing) -> None:
    _guard_open(case, who)
    if case.level not in (Level.UNDRING, Level.AVKLARING):
        raise Refused(_("Only a case at level 0 or 1 can be referred to a ressursteam."))


def _guard_familielos(case: Case, who: Standing) -> None:
    _guard_open(case, who)
    if case.level != Level.RESSURSTEAM:
        raise Refused(_("Only a case at level 2 can get a familielos."))
    if not who.in_team:
        raise Refused(_("Only a member of the case's ressursteam can decide on a familielos."))


def _guard_team_or_familielos(case: Case, who: Standing) -> None:
    """From level 2 on, the ressursteam and the familielos decide the case's way down, not whoever opened it."""
    if case.level >= Level.RESSURSTEAM and not (who.in_team or who.is_familielos):
        raise Refused(_("From level 2 on, only the ressursteam or the familielos can step the case down or close it."))


def _guard_step_down(case: Case, who: Standing) -> None:
    _guard_open(case, who)
    if case.level == Level.UNDRING:
        raise Refused(_("A case can only step down to a lower level."))
    _guard_team_or_familielos(case, who)


def _guard_close(case: Case, who: Standing) -> None:
    _guard_open(case, who)
    _guard_team_or_familielos(case, who)


def _guard_reopen(case: Case, who: Standing) -> None:
    if not Status(case.status).can_reopen:
        raise Refused(_("Only a closed case can be reopened."))


GUARDS = {
    AVKLARING: _guard_avklaring,
    RESSURSTEAM: _guard_ressursteam,
    FAMILIELOS: _guard_familielos,
    STEP_DOWN: _guard_step_down,
    CLOSE: _guard_close,
    REOPEN: _guard_reopen,
    BARNEVERN: _guard_open,
    WITHDRAW: _guard_open,
}


def available_steps(case: Case) -> list[str]:
    """The steps the case's state allows next, in the order the page shows them; `can_take_step` says who may."""
    if Status(case.status).can_reopen:
        return [REOPEN]
    steps = {
        Level.UNDRING: [AVKLARING, RESSURSTEAM],
        Level.AVKLARING: [RESSURSTEAM, STEP_DOWN],
        Level.RESSURSTEAM: [FAMILIELOS, STEP_DOWN],
        Level.FAMILIELOS: [STEP_DOWN],
    }[case.level]
    # The duty to report to barnevern applies at every level.
    return [*steps, BARNEVERN, CLOSE]


def step_refusal(step: str, *, actor: User, case: Case, who: Standing | None = None) -> str:
    """Why `actor` may not take `step` on the case now ("" if they may), by the guard the step itself runs.

    Data the step's form asks for (a consent covering the team, a familielos with a service) is checked by the step.
    """
    who = who or standing(actor, case)
    if not who.can_change:
        return _("You cannot change this family's case.")
    try:
        GUARDS[step](case, who)
    except Refused as refused:
        return str(refused)
    return ""


def can_take_step(step: str, *, actor: User, case: Case, who: Standing | None = None) -> bool:
    return not step_refusal(step, actor=actor, case=case, who=who)


def offered_steps(*, actor: User, case: Case, who: Standing | None = None) -> list[str]:
    """The steps a page offers this actor: the state allows them and their guards would not refuse the actor."""
    who = who or standing(actor, case)
    return [step for step in available_steps(case) if can_take_step(step, actor=actor, case=case, who=who)]


def familieloser_with_caseload() -> QuerySet[User]:
    """The active familieloser, each with `caseload`: how many open level-3 cases they follow now."""
    open_level3 = Q(familielos_cases__status=Status.OPEN, familielos_cases__level=Level.FAMILIELOS)
    return (
        User.objects.filter(groups__name=roles.FAMILIELOS, is_active=True)
        .annotate(caseload=Count("familielos_cases", filter=open_level3))
        .order_by("first_name", "last_name", "pk")
    )


def familielos_services_to_consent(case: Case) -> list[ServiceUnit]:
    """The Familielos services (of the active familieloser) the guardians' consent does not cover yet.

    The decision that appoints a familielos shows them, so the consent is recorded before the decision.
    """
    services = ServiceUnit.objects.filter(
        kind=ServiceKind.FAMILIELOS,
        memberships__user__groups__name=roles.FAMILIELOS,
        memberships__user__is_active=True,
    ).distinct()
    return consents.uncovered(case.family, services)


@action
def open_case(
    *,
    actor: User,
    family: Family,
    children: list[Person],
    reason: str = "",
    reason_code: str = "",
    reason_params: dict | None = None,
    unit: ServiceUnit | None = None,
) -> Case:
    """Open a case at level 0 (undring) for some of the family's children, with its 14-day decision deadline."""
    if not actor.has_perm("cases.add_case"):
        raise Refused(_("Your role cannot open cases."))
    lock_family(family)
    if Case.objects.filter(family=family, status=Status.OPEN).exists():
        raise Refused(_("The family already has an open case."))
    if not children or any(child.family_id != family.pk or child.role != PersonRole.CHILD for child in children):
        raise Refused(_("Choose at least one child in the family."))
    case = Case.objects.create(family=family, opened_by=actor, opened_unit=unit, decision_deadline=_new_deadline())
    case.children.add(*children)
    _log(case, ChangeKind.OPENED, None, actor, _reason(reason, reason_code, reason_params))
    access.sync_case_grants(case)
    return case


@action
def move_to_avklaring(
    *, actor: User, case: Case, reason: str = "", reason_code: str = "", reason_params: dict | None = None
) -> Case:
    """Level 0 → 1: the guardians are invited to a clarifying conversation."""
    case = _lock_for(AVKLARING, case, actor)
    return _move(case, Level.AVKLARING, actor, _reason(reason, reason_code, reason_params))


@action
def refer_to_ressursteam(
    *,
    actor: User,
    case: Case,
    team: Ressursteam,
    reason: str = "",
    reason_code: str = "",
    reason_params: dict | None = None,
) -> Case:
    """Level 0 or 1 → 2: refer the case to a ressursteam; the guardians must have consented to every service in it."""
    case = _lock_for(RESSURSTEAM, case, actor)
    _require_consent(case, team.units.all())
    case.ressursteam = team
    return _move(case, Level.RESSURSTEAM, actor, _reason(reason, reason_code, reason_params))


@action
def note_concern(
    *,
    actor: User,
    child: Person,
    reason: str = "",
    reason_code: str = "",
    reason_params: dict | None = None,
    unit: ServiceUnit | None = None,
) -> Case:
    """A named screening: open the family's case at level 0, or update its open one, with a decision deadline.

    At level 0 the unit has 14 days to decide: close, level 1, level 2 or report to barnevern. A deadline already
    running stands (a new concern does not put off the decision on the earlier one). A case already above level 0
    keeps its level; the concern is added to its history.
    """
    access.require(actor, child.family, access.CHANGE)
    lock_family(child.family)
    why = _reason(reason, reason_code, reason_params)
    case = Case.objects.select_for_update(no_key=True).filter(family=child.family, status=Status.OPEN).first()
    if case is None:
        return open_case(actor=actor, family=child.family, children=[child], unit=unit, **why)
    case.children.add(child)
    _log(case, ChangeKind.CONCERN, case.level, actor, why)
    if case.level == Level.UNDRING and case.decision_deadline is None:
        case.decision_deadline = _new_deadline()
        case.save(update_fields=["decision_deadline", "updated_at"])
    return case


@action
def report_to_barnevern(
    *, actor: User, case: Case, reason: str = "", reason_code: str = "", reason_params: dict | None = None
) -> Case:
    """Record that the unit has reported the concern to barnevern (the duty to report): the decision is made."""
    case = _lock_for(BARNEVERN, case, actor)
    case.decision_deadline = None
    case.save(update_fields=["decision_deadline", "updated_at"])
    _log(case, ChangeKind.REPORTED, case.level, actor, _reason(reason, reason_code, reason_params))
    return case


@action
def enforce_consent(*, actor: User, family: Family) -> Case | None:
    """Step the case down as far as the guardians' consent (withdrawn, expired, refused, or given by a guardian who
    no longer has parental responsibility: consents.covered_by_family) no longer reaches.

    If it no longer covers the ressursteam, the case goes to level 1: the team and the familielos lose access.
    If it still covers the team but no longer the familielos's service, the case goes to level 2: the familielos
    loses access at once and the team, which may still share, decides what comes next. At level 3, a familieteam
    member whose service it no longer covers loses access at once; a closed case keeps its team's and familielos's
    access only as far as the consent reaches (access.kept_level).
    Returns the case if it stepped down.
    """
    lock_family(family)
    return enforce_consent_locked(actor=actor, family=family)


def enforce_consent_locked(*, actor: User, family: Family) -> Case | None:
    """`enforce_consent` within an action that holds the family's lock already (one that changed a consent, or who
    may give one), on the family's current case, read once."""
    case = (
        Case.objects.select_for_update(no_key=True, of=("self",))
        .select_related("family", "ressursteam", "familielos")
        .filter(family=family)
        .order_by(*current_case_first())
        .first()
    )
    if case is None:
        return None
    if case.status != Status.OPEN or case.level < Level.RESSURSTEAM:
        access.sync_case_grants(case)
        if case.status == Status.CLOSED:
            baton.follow_case(case=case, actor=actor)
        return None
    shared_at = consents.level_shared_at(case, case.level, consents.covered_unit_ids(family))
    if shared_at == Level.AVKLARING:
        return _move(case, Level.AVKLARING, actor, {"reason_code": ReasonCode.CONSENT_TEAM})
    if shared_at < case.level:
        return _move(case, Level.RESSURSTEAM, actor, {"reason_code": ReasonCode.CONSENT_FAMILIELOS})
    if case.level == Level.FAMILIELOS:
        access.sync_case_grants(case)
        baton.follow_case(case=case, actor=actor)
    return None


def level_after_withdrawal(consent: Consent) -> tuple[Case | None, int | None]:
    """The family's case whose access depends on consent (an open one at level 2 or 3, or a closed one that left
    such a level) and the level whose access withdrawing `consent` now would leave it (None: no change), by
    consents.level_shared_at with the family's other consents: what the confirmation says."""
    case = access.current_case_for_grants(consent.family)
    if case is None:
        return None, None
    level = case.level if case.status == Status.OPEN else case.closed_from_level
    if level < Level.RESSURSTEAM:
        return None, None
    now = consents.level_shared_at(case, level, consents.covered_unit_ids(consent.family))
    after = consents.level_shared_at(case, level, consents.covered_unit_ids(consent.family, without=consent))
    return case, (after if after < now else None)


def capacity_of(familielos: User) -> int:
    """How many level-3 families this familielos can follow: set by a leader, or the municipality's default.

    For a list, select_related("familielos_capacity") first so this reads no row.
    """
    try:
        return familielos.familielos_capacity.capacity
    except FamilielosCapacity.DoesNotExist:
        return settings.FAMILIELOS_CASELOAD_WARNING


def is_full(caseload: int, capacity: int) -> bool:
    """At capacity or above: one more family would take the familielos over it. A warning, never a refusal."""
    return caseload >= capacity


def caseload_warning(familielos: User) -> str:
    """A warning (not a refusal) after an appointment that takes the familielos above their capacity."""
    load = Case.objects.filter(familielos=familielos, status=Status.OPEN, level=Level.FAMILIELOS).count()
    capacity = capacity_of(familielos)
    if is_full(load - 1, capacity):
        return _("%(name)s already follows %(count)s families (recommended at most %(limit)s).") % {
            "name": roles.display_name(familielos),
            "count": load,
            "limit": capacity,
        }
    return ""


def familielos_consent_missing(case: Case, familielos: User) -> list[ServiceUnit]:
    """The services the guardians' consent must still cover before `familielos` follows the family: the team's and
    the familielos's own Familielos service."""
    return consents.uncovered(case.family, [*case.ressursteam.units.all(), *familielos_units(familielos)])


@action
def assign_familielos(
    *,
    actor: User,
    case: Case,
    familielos: User,
    reason: str = "",
    reason_code: str = "",
    reason_params: dict | None = None,
) -> Case:
    """Level 2 → 3: the ressursteam decides on a familielos; only a member of the case's team can.

    The familielos's service gains access too, so the guardians' consent must cover it as well as the team.
    """
    case = _lock_for(FAMILIELOS, case, actor)
    if not familielos.is_active or not familielos.groups.filter(name=roles.FAMILIELOS).exists():
        raise Refused(_("The person chosen is not a familielos."))
    _require_familielos_consent(case, familielos)
    case.familielos = familielos
    case = _move(case, Level.FAMILIELOS, actor, _reason(reason, reason_code, reason_params))
    _start_familieteam(case)
    return case


@action
def step_down(
    *,
    actor: User,
    case: Case,
    to_level: Level,
    reason: str = "",
    reason_code: str = "",
    reason_params: dict | None = None,
    responsible_next: str = "",
) -> Case:
    """Move the case down to a lower level, as soon as the family needs less (phase-out). Leaving level 3, the
    handover names who holds responsibility for the family next. The familieteam and its canvas stay with the
    case, for the short way back."""
    case = _lock_for(STEP_DOWN, case, actor)
    if to_level >= case.level:
        raise Refused(_("A case can only step down to a lower level."))
    if case.level == Level.FAMILIELOS and not responsible_next.strip():
        raise Refused(_("Name who holds responsibility for the family next."))
    why = _reason(reason, reason_code, reason_params)
    return _move(case, Level(to_level), actor, {**why, "responsible_next": responsible_next.strip()})


@action
def return_from_ressursteam(*, actor: User, case: Case, team: Ressursteam) -> Case:
    """The sender takes a referral back before the team decides: the case returns to level 1 and the team loses
    access. Only for a case at level 2 with that team; the referral itself is teams.workflow's."""
    case = _lock_for(WITHDRAW, case, actor)
    if case.level != Level.RESSURSTEAM or case.ressursteam_id != team.pk:
        raise Refused(_("The case is no longer with this ressursteam."))
    return _move(case, Level.AVKLARING, actor, _reason("", ReasonCode.REFERRAL_WITHDRAWN, {"team": team.name}))


@action
def close_case(
    *, actor: User, case: Case, reason: str = "", reason_code: str = "", reason_params: dict | None = None
) -> Case:
    """Close the case from any level; it remembers the level so that a reopening goes straight back."""
    case = _lock_for(CLOSE, case, actor)
    case.status = Status.CLOSED
    case.closed_from_level = case.level
    case.decision_deadline = None
    case.save(update_fields=["status", "closed_from_level", "decision_deadline", "updated_at"])
    _log(case, ChangeKind.CLOSED, case.level, actor, _reason(reason, reason_code, reason_params))
    access.sync_case_grants(case)
    baton.follow_case(case=case, actor=actor)
    _settle_referrals(case)
    return case


@action
def reopen_case(
    *, actor: User, case: Case, reason: str = "", reason_code: str = "", reason_params: dict | None = None
) -> Case:
    """The short way back: a closed case reopens at the level it left, if the consent still covers who gets access.

    A case reopened at level 0 gets a new decision deadline.
    """
    case = _lock_for(REOPEN, case, actor)
    if Case.objects.filter(family=case.family, status=Status.OPEN).exists():
        raise Refused(_("The family already has an open case."))
    if case.closed_from_level >= Level.RESSURSTEAM:
        _require_consent(case, case.ressursteam.units.all())
    if case.closed_from_level >= Level.FAMILIELOS:
        _require_familielos_consent(case, case.familielos)
    case.level = case.closed_from_level
    case.status = Status.OPEN
    case.closed_from_level = None
    if case.level == Level.UNDRING:
        case.decision_deadline = _new_deadline()
    case.save(update_fields=["level", "status", "closed_from_level", "decision_deadline", "updated_at"])
    _log(case, ChangeKind.REOPENED, None, actor, _reason(reason, reason_code, reason_params))
    if case.level == Level.FAMILIELOS:
        _start_familieteam(case)
    access.sync_case_grants(case)
    baton.follow_case(case=case, actor=actor, to_familielos=case.level == Level.FAMILIELOS)
    return case


def record_in_history(*, actor: User, case: Case, kind: ChangeKind, reason_code: str, reason_params: dict) -> None:
    """A line in the case's history that changes no level, such as a conversation recorded (inside an action)."""
    _log(case, kind, case.level, actor, _reason("", reason_code, reason_params))


def _start_familieteam(case: Case) -> Familieteam:
    """The case's familieteam as it (re)enters level 3, with level 3 planned for six months from today: made the
    first time, kept after that (stepping down and reopening keep the team, its members and its canvases), each
    new stretch at level 3 with its own start and plan, which the familielos then sets."""
    today = timezone.localdate()
    plan = {"started_on": today, "planned_end": add_months(today, PLAN_MIN_MONTHS)}
    # The family is locked (the step's _lock_for): no other change can make the case's team meanwhile.
    team = Familieteam.objects.filter(case=case).first()
    if team is None:
        return Familieteam.objects.create(case=case, **plan)
    for name, value in plan.items():
        setattr(team, name, value)
    team.save(update_fields=list(plan))
    return team


def lock_family(family: Family) -> Family:
    """Serialise every change to one family's case and consents: each action takes this lock first."""
    return Family.objects.select_for_update(no_key=True).get(pk=family.pk)


def _new_deadline():
    return timezone.localdate() + timedelta(days=DECISION_DAYS)


def _reason(reason: str, reason_code: str, reason_params: dict | None) -> dict:
    """Exactly one of a typed reason and a coded one, as the LevelChange stores it."""
    if bool(reason) == bool(reason_code):
        raise ValueError("Give either a reason or a reason_code.")
    if reason_code:
        return {"reason_code": ReasonCode(reason_code), "reason_params": reason_params or {}}
    return {"reason": reason}


def _require_consent(case: Case, team_units) -> None:
    """The guardians' consent covers every service in the team; a team with no service is covered by none
    (consents.level_shared_at)."""
    team_units = list(team_units)
    if not team_units:
        raise Refused(_("The team has no services, so no consent can cover it. An administrator adds them first."))
    _refuse_uncovered(consents.uncovered(case.family, team_units))


def _refuse_uncovered(missing: list[ServiceUnit]) -> None:
    if missing:
        names = ", ".join(unit.name for unit in missing)
        raise Refused(
            _("The guardians have not consented to sharing with: %(services)s. Record their consent first.")
            % {"services": names}
        )


def _require_familielos_consent(case: Case, familielos: User) -> None:
    services = list(familielos_units(familielos))
    if not services:
        raise Refused(
            _(
                "%(name)s works in no Familielos service, so no consent can cover them. "
                "An administrator adds them to one."
            )
            % {"name": roles.display_name(familielos)}
        )
    _refuse_uncovered(familielos_consent_missing(case, familielos))


def _lock_for(step: str, case: Case, actor: User) -> Case:
    """Check the actor's access, lock the family and the case, and run the step's guard on the case as it is now."""
    access.require(actor, case.family, access.CHANGE)
    lock_family(case.family)
    case = (
        Case.objects.select_for_update(no_key=True, of=("self",))
        .select_related("family", "ressursteam", "familielos")
        .get(pk=case.pk)
    )
    GUARDS[step](case, standing(actor, case, can_change=True))
    return case


def _move(case: Case, to: Level, actor: User, why: dict) -> Case:
    from_level = case.level
    case.level = to
    # Leaving level 0 is the decision the deadline asked for; coming back down to it starts a new one.
    case.decision_deadline = _new_deadline() if to == Level.UNDRING else None
    case.save()
    _log(case, ChangeKind.UP if to > from_level else ChangeKind.DOWN, from_level, actor, why)
    access.sync_case_grants(case)
    baton.follow_case(case=case, actor=actor, to_familielos=to == Level.FAMILIELOS)
    _settle_referrals(case)
    return case


def _settle_referrals(case: Case) -> None:
    """Referrals still waiting for a team the case is no longer with close as overtaken and leave every agenda, so no
    meeting decides on a case that has moved on (a decision carried out by the team is no longer waiting)."""
    waiting = Referral.objects.filter(case=case, status__in=WAITING)
    if case.status == Status.OPEN and case.level == Level.RESSURSTEAM:
        waiting = waiting.exclude(team_id=case.ressursteam_id)
    # Locked before their agenda items are deleted, in the order cancelling a meeting takes them, so none deadlock.
    stale = list(waiting.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
    if stale:
        AgendaItem.objects.filter(referral__in=stale, decision__isnull=True).delete()
        Referral.objects.filter(pk__in=stale).update(status=ReferralStatus.OVERTAKEN)


def _log(case: Case, kind: ChangeKind, from_level, actor: User, why: dict) -> None:
    change = LevelChange.objects.create(
        case=case, kind=kind, from_level=from_level, to_level=case.level, actor=actor, **why
    )
    # The entry keeps a typed reason as written; a coded one is worded from the change, in the reader's language.
    Entry.objects.create_system(change, text=why.get("reason", ""))
