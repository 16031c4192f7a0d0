"""Every change of a case's level or status, as one function per step taking the acting user.

Each step checks the actor's access and its guard, then in one transaction writes the LevelChange,
a Stafettlogg entry and the history context, and brings the family's access grants in line.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access, consents
from cases.models import Case, ChangeKind, Family, Level, LevelChange, Person, PersonRole, Status
from familielos import roles
from familielos.history import action
from familielos.models import ServiceUnit
from stafettlogg.models import Entry
from teams.models import Ressursteam

User = get_user_model()


class TransitionRefused(Exception):
    """A workflow guard said no; the message is shown to the user."""


@action
def open_case(
    *, actor: User, family: Family, children: list[Person], reason: str, unit: ServiceUnit | None = None
) -> Case:
    """Open a case at level 0 (undring) for some of the family's children."""
    if not actor.has_perm("cases.add_case"):
        raise TransitionRefused(_("Your role cannot open cases."))
    lock_family(family)
    if Case.objects.filter(family=family, status=Status.OPEN).exists():
        raise TransitionRefused(_("The family already has an open case."))
    if not children or any(child.family_id != family.pk or child.role != PersonRole.CHILD for child in children):
        raise TransitionRefused(_("Choose at least one child in the family."))
    case = Case.objects.create(family=family, opened_by=actor, opened_unit=unit)
    case.children.set(children)
    _log(case, kind=ChangeKind.OPENED, from_level=None, actor=actor, reason=reason)
    access.sync_case_grants(case)
    return case


@action
def move_to_avklaring(*, actor: User, case: Case, reason: str) -> Case:
    """Level 0 → 1: the guardians are invited to a clarifying conversation."""
    case = _lock_open(case, actor)
    if case.level != Level.UNDRING:
        raise TransitionRefused(_("Only a case at level 0 can move to a clarifying conversation."))
    return _move(case, Level.AVKLARING, actor=actor, reason=reason)


@action
def refer_to_ressursteam(*, actor: User, case: Case, team: Ressursteam, reason: str) -> Case:
    """Level 0 or 1 → 2: refer the case to a ressursteam; the guardians must have consented to every service in it."""
    case = _lock_open(case, actor)
    if case.level not in (Level.UNDRING, Level.AVKLARING):
        raise TransitionRefused(_("Only a case at level 0 or 1 can be referred to a ressursteam."))
    _require_consent(case, team)
    case.ressursteam = team
    return _move(case, Level.RESSURSTEAM, actor=actor, reason=reason)


AVKLARING = "avklaring"
RESSURSTEAM = "ressursteam"
FAMILIELOS = "familielos"
STEP_DOWN = "step-down"
CLOSE = "close"
REOPEN = "reopen"
BARNEVERN = "barnevern"


def available_steps(case: Case) -> list[str]:
    """The steps the case's state allows next; each step's own guard may still refuse it."""
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


def take_step(step: str, *, actor: User, case: Case, **data) -> Case:
    """Run one of `available_steps` by its name, as the case page offers them."""
    steps = {
        AVKLARING: move_to_avklaring,
        RESSURSTEAM: refer_to_ressursteam,
        FAMILIELOS: assign_familielos,
        STEP_DOWN: step_down,
        CLOSE: close_case,
        REOPEN: reopen_case,
        BARNEVERN: report_to_barnevern,
    }
    return steps[step](actor=actor, case=case, **data)


def familieloser_with_caseload() -> QuerySet[User]:
    """The active familieloser, each with `caseload`: how many open level-3 cases they follow now."""
    open_level3 = Q(familielos_cases__status=Status.OPEN, familielos_cases__level=Level.FAMILIELOS)
    return (
        User.objects.filter(groups__name=roles.FAMILIELOS, is_active=True)
        .annotate(caseload=Count("familielos_cases", filter=open_level3))
        .order_by("first_name", "last_name", "pk")
    )


DECISION_DAYS = 14


@action
def note_concern(*, actor: User, child: Person, reason: str, unit: ServiceUnit | None = None) -> Case:
    """A named screening: open the family's case at level 0, or update its open one, with a decision deadline.

    At level 0 the unit has 14 days to decide: close, level 1, level 2 or report to barnevern. A case already
    above level 0 keeps its level; the concern is added to its history.
    """
    access.require(actor, child.family, access.CHANGE)
    lock_family(child.family)
    deadline = timezone.localdate() + timedelta(days=DECISION_DAYS)
    case = Case.objects.select_for_update(no_key=True).filter(family=child.family, status=Status.OPEN).first()
    if case is None:
        case = open_case(actor=actor, family=child.family, children=[child], reason=reason, unit=unit)
    else:
        case.children.add(child)
        _log(case, kind=ChangeKind.CONCERN, from_level=case.level, actor=actor, reason=reason)
    if case.level == Level.UNDRING:
        case.decision_deadline = deadline
        case.save(update_fields=["decision_deadline", "updated_at"])
    return case


@action
def report_to_barnevern(*, actor: User, case: Case, reason: str) -> Case:
    """Record that the unit has reported the concern to barnevern (the duty to report): the decision is made."""
    case = _lock_open(case, actor)
    case.decision_deadline = None
    case.save(update_fields=["decision_deadline", "updated_at"])
    _log(case, kind=ChangeKind.REPORTED, from_level=case.level, actor=actor, reason=reason)
    return case


@action
def enforce_consent(*, actor: User, family: Family) -> Case | None:
    """When the guardians' consent no longer covers the ressursteam (withdrawn or expired), the case steps down
    to level 1: the team and the familielos lose access at once. Returns the case if it stepped down."""
    lock_family(family)
    case = (
        Case.objects.select_for_update(no_key=True, of=("self",))
        .select_related("family", "ressursteam")
        .filter(family=family, status=Status.OPEN, level__gte=Level.RESSURSTEAM)
        .first()
    )
    if case is None or consents.covers(family, case.ressursteam.units.all()):
        return None
    reason = _("The guardians' consent no longer covers the ressursteam, so the case can no longer be shared there.")
    return _move(case, Level.AVKLARING, actor=actor, reason=reason)


def caseload_warning(familielos: User) -> str:
    """A warning (not a refusal) when the familielos follows more families than the configured caseload."""
    load = Case.objects.filter(familielos=familielos, status=Status.OPEN, level=Level.FAMILIELOS).count()
    if load > settings.FAMILIELOS_CASELOAD_WARNING:
        return _("%(name)s already follows %(count)s families (recommended at most %(limit)s).") % {
            "name": familielos.get_full_name() or familielos.get_username(),
            "count": load,
            "limit": settings.FAMILIELOS_CASELOAD_WARNING,
        }
    return ""


@action
def assign_familielos(*, actor: User, case: Case, familielos: User, reason: str) -> Case:
    """Level 2 → 3: the ressursteam decides on a familielos; only a member of the case's team can."""
    case = _lock_open(case, actor)
    if case.level != Level.RESSURSTEAM:
        raise TransitionRefused(_("Only a case at level 2 can get a familielos."))
    if not actor.groups.filter(pk=case.ressursteam.group_id).exists():
        raise TransitionRefused(_("Only a member of the case's ressursteam can decide on a familielos."))
    if not familielos.is_active or not familielos.groups.filter(name=roles.FAMILIELOS).exists():
        raise TransitionRefused(_("The person chosen is not a familielos."))
    case.familielos = familielos
    return _move(case, Level.FAMILIELOS, actor=actor, reason=reason)


@action
def step_down(*, actor: User, case: Case, to_level: Level, reason: str) -> Case:
    """Move the case down to a lower level, as soon as the family needs less (phase-out)."""
    case = _lock_open(case, actor)
    if to_level >= case.level:
        raise TransitionRefused(_("A case can only step down to a lower level."))
    _require_team_or_familielos(case, actor)
    return _move(case, Level(to_level), actor=actor, reason=reason)


@action
def close_case(*, actor: User, case: Case, reason: str) -> Case:
    """Close the case from any level; it remembers the level so that a reopening goes straight back."""
    case = _lock_open(case, actor)
    _require_team_or_familielos(case, actor)
    case.status = Status.CLOSED
    case.closed_from_level = case.level
    case.decision_deadline = None
    case.save(update_fields=["status", "closed_from_level", "decision_deadline", "updated_at"])
    _log(case, kind=ChangeKind.CLOSED, from_level=case.level, actor=actor, reason=reason)
    access.sync_case_grants(case)
    return case


@action
def reopen_case(*, actor: User, case: Case, reason: str) -> Case:
    """The short way back: a closed case reopens at the level it left."""
    case = _lock(case, actor)
    if not Status(case.status).can_reopen:
        raise TransitionRefused(_("Only a closed case can be reopened."))
    if Case.objects.filter(family=case.family, status=Status.OPEN).exists():
        raise TransitionRefused(_("The family already has an open case."))
    if case.closed_from_level >= Level.RESSURSTEAM:
        _require_consent(case, case.ressursteam)
    case.level = case.closed_from_level
    case.status = Status.OPEN
    case.closed_from_level = None
    case.save(update_fields=["level", "status", "closed_from_level", "updated_at"])
    _log(case, kind=ChangeKind.REOPENED, from_level=None, actor=actor, reason=reason)
    access.sync_case_grants(case)
    return case


def lock_family(family: Family) -> Family:
    """Serialise every change to one family's case and consents: each action takes this lock first."""
    return Family.objects.select_for_update(no_key=True).get(pk=family.pk)


def _require_consent(case: Case, team: Ressursteam) -> None:
    missing = consents.uncovered(case.family, team.units.all())
    if missing:
        names = ", ".join(unit.name for unit in missing)
        raise TransitionRefused(
            _("The guardians have not consented to sharing with: %(services)s. Record their consent first.")
            % {"services": names}
        )


def _require_team_or_familielos(case: Case, actor: User) -> None:
    """From level 2 on, the ressursteam and the familielos decide the case's way down, not whoever opened it."""
    if case.level < Level.RESSURSTEAM:
        return
    if case.familielos_id == actor.pk or actor.groups.filter(pk=case.ressursteam.group_id).exists():
        return
    raise TransitionRefused(
        _("From level 2 on, only the ressursteam or the familielos can step the case down or close it.")
    )


def _lock(case: Case, actor: User) -> Case:
    access.require(actor, case.family, access.CHANGE)
    lock_family(case.family)
    return (
        Case.objects.select_for_update(no_key=True, of=("self",))
        .select_related("family", "ressursteam")
        .get(pk=case.pk)
    )


def _lock_open(case: Case, actor: User) -> Case:
    case = _lock(case, actor)
    if not Status(case.status).can_move:
        raise TransitionRefused(_("The case is closed. Reopen it first."))
    return case


def _move(case: Case, to: Level, *, actor: User, reason: str) -> Case:
    from_level = case.level
    case.level = to
    if to != Level.UNDRING:
        # Leaving level 0 is the decision the deadline asked for.
        case.decision_deadline = None
    case.save()
    kind = ChangeKind.UP if to > from_level else ChangeKind.DOWN
    _log(case, kind=kind, from_level=from_level, actor=actor, reason=reason)
    access.sync_case_grants(case)
    return case


def _log(case: Case, *, kind: ChangeKind, from_level, actor: User, reason: str) -> None:
    change = LevelChange.objects.create(
        case=case, kind=kind, from_level=from_level, to_level=case.level, actor=actor, reason=reason
    )
    # The entry keeps the reason as written; the step and level are shown from the change, in the reader's language.
    Entry.objects.create(family=case.family, author=actor, text=reason, level_change=change)
