"""The baton (stafettpinne): one named person holds responsibility for a family's coordination at any time.

The baton starts with the person who first moves the family's case to level 1 or above and goes straight to the
familielos at level 3 (the ressursteam's decision is the handover). Otherwise it changes hands only when the
person asked accepts a handover; until then the old holder keeps it. The holder, the familielos at level 3 or a
leader who works with the family may hand it over, to a colleague who works with families and with this family.
"""

import functools
from collections.abc import Iterable
from datetime import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, JSONField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import access
from cases.models import (
    Baton,
    Case,
    Family,
    Handover,
    HandoverStatus,
    Level,
    Status,
)
from familielos import roles
from familielos.errors import Refused
from familielos.expressions import CorrelatedSQL
from familielos.history import action
from stafettlogg.models import Entry, Event

User = get_user_model()


def current_holder(family: Family) -> User | None:
    """Who holds the family's baton now (None before the case first reaches level 1)."""
    baton = Baton.objects.select_related("holder").filter(family=family).first()
    return baton.holder if baton else None


def can_hold(user, family: Family) -> bool:
    """Whether `user` can take the family's baton: an active staff member who works with families and may change
    this family's case."""
    return user.is_active and roles.works_with_families(user) and access.can(user, family, access.CHANGE)


def may_hand_over(user, family: Family, *, holder_id: int, case: Case | None) -> bool:
    """Whether `user` may hand the family's baton on: its holder, the familielos of the open level-3 case, or a
    leader; each only while they may change the family (a caller that knows it passes `family.can_change`)."""
    is_familielos = case is not None and case.level == Level.FAMILIELOS and case.familielos_id == user.pk
    if not (user.pk == holder_id or is_familielos or roles.has_role(user, roles.LEADER)):
        return False
    can_change = getattr(family, "can_change", None)
    return can_change if can_change is not None else access.can(user, family, access.CHANGE)


def _name_sql(alias: str) -> str:
    """A user's name as pages show it (roles.display_name), as SQL, for the user table under `alias`."""
    return f"COALESCE(NULLIF(TRIM({alias}.first_name || ' ' || {alias}.last_name), ''), {alias}.username)"


# What the family page shows of the baton and of the handover waiting (`baton_annotations`): each field, its SQL, and
# how it comes back from JSON (None: as it is).
_BATON_FIELDS = {
    "holder_id": ("baton.holder_id", None),
    "holder_name": (_name_sql("holder"), None),
    "since": ("baton.since", datetime.fromisoformat),
}
_PENDING_FIELDS = {
    "pk": ("handover.id", None),
    "to_user_id": ("handover.to_user_id", None),
    "requested_by_id": ("handover.requested_by_id", None),
    "requested_at": ("handover.requested_at", datetime.fromisoformat),
    "from_name": (_name_sql("from_user"), None),
    "to_name": (_name_sql("to_user"), None),
    "requested_name": (_name_sql("requested_by"), None),
}


def _json_object_sql(fields: dict) -> str:
    return "jsonb_build_object(" + ", ".join(f"'{name}', {sql}" for name, (sql, _parse) in fields.items()) + ")"


@functools.cache
def _baton_rows_sql() -> tuple[str, str]:
    """The SQL of `baton_annotations` for the family in %(family)s: its baton, and the handover waiting (one at most,
    by constraint), each a JSON object or NULL. As two JSON subqueries, not nine scalar ones, PostgreSQL plans the
    page's query in 2.2 ms, not 3.4."""
    users = User._meta.db_table
    baton = (
        f"SELECT {_json_object_sql(_BATON_FIELDS)} "
        f"FROM {Baton._meta.db_table} baton JOIN {users} holder ON holder.id = baton.holder_id "
        "WHERE baton.family_id = %(family)s"
    )
    pending = (
        f"SELECT {_json_object_sql(_PENDING_FIELDS)} "
        f"FROM {Handover._meta.db_table} handover "
        f"JOIN {users} from_user ON from_user.id = handover.from_user_id "
        f"JOIN {users} to_user ON to_user.id = handover.to_user_id "
        f"JOIN {users} requested_by ON requested_by.id = handover.requested_by_id "
        # A constant of ours, never a value from a request.
        f"WHERE handover.family_id = %(family)s AND handover.status = '{HandoverStatus.PENDING.value}' LIMIT 1"
    )
    return baton, pending


def _open_case(family: Family) -> Case | None:
    return Case.objects.filter(family=family, status=Status.OPEN).only("level", "familielos_id", "family_id").first()


NO_BATON_YET = gettext_lazy("Nobody holds the baton for this family yet: it starts when the case reaches level 1.")
MAY_NOT_HAND_OVER = gettext_lazy("Only the baton holder, the familielos or a leader can hand over the baton.")


def already_waiting(name: str) -> str:
    return _("A handover to %(name)s is already waiting to be accepted. Cancel it first.") % {"name": name}


def handover_refusal(context: dict) -> str:
    """Why the user of `baton_context` cannot hand the baton over now ("" if they can): what request_handover
    would refuse, said before the form is offered."""
    if context["baton"] is None:
        return str(NO_BATON_YET)
    if context["pending"] is not None:
        return already_waiting(context["pending"].to_name)
    if not context["can_hand_over"]:
        return str(MAY_NOT_HAND_OVER)
    return ""


@action
def request_handover(*, actor: User, family: Family, to: User, note: str = "") -> Handover:
    """Ask `to` to take over the family's baton; the holder keeps it until they accept."""
    family = _lock(family)
    baton = Baton.objects.select_for_update(no_key=True).filter(family=family).first()
    if baton is None:
        raise Refused(NO_BATON_YET)
    if not may_hand_over(actor, family, holder_id=baton.holder_id, case=_open_case(family)):
        raise Refused(MAY_NOT_HAND_OVER)
    _require_can_hold(to, family)
    if to.pk == baton.holder_id:
        raise Refused(_("%(name)s already holds the baton.") % {"name": roles.display_name(to)})
    pending = Handover.objects.filter(family=family, status=HandoverStatus.PENDING).select_related("to_user").first()
    if pending is not None:
        raise Refused(already_waiting(roles.display_name(pending.to_user)))
    return Handover.objects.create(
        family=family, from_user_id=baton.holder_id, to_user=to, requested_by=actor, note=note.strip()
    )


@action
def accept_handover(*, actor: User, handover: Handover) -> Baton:
    """The person asked takes the baton: from now on they hold it."""
    handover, baton = _lock_handover(handover)
    if not HandoverStatus(handover.status).is_pending:
        raise _no_longer_waiting(handover)
    if actor.pk != handover.to_user_id:
        raise Refused(_("Only the person asked can accept the handover."))
    _require_can_hold(actor, handover.family)
    _answer(handover, HandoverStatus.ACCEPTED, actor)
    baton.holder = actor
    baton.since = handover.decided_at
    baton.save(update_fields=["holder", "since"])
    Entry.objects.create_event(
        family_id=handover.family_id,
        actor=actor,
        event=Event.BATON_ACCEPTED,
        params={"name": roles.display_name(actor)},
    )
    return baton


@action
def decline_handover(*, actor: User, handover: Handover) -> Handover:
    """The person asked says no; the holder keeps the baton."""
    handover, _baton = _lock_handover(handover)
    if not HandoverStatus(handover.status).is_pending:
        raise _no_longer_waiting(handover)
    if actor.pk != handover.to_user_id:
        raise Refused(_("Only the person asked can decline the handover."))
    return _answer(handover, HandoverStatus.DECLINED, actor)


@action
def cancel_handover(*, actor: User, handover: Handover) -> Handover:
    """Withdraw a handover before it is answered: whoever asked for it, or anyone who may hand the baton over."""
    handover, baton = _lock_handover(handover)
    if not HandoverStatus(handover.status).is_pending:
        raise _no_longer_waiting(handover)
    family = handover.family
    if actor.pk != handover.requested_by_id and not may_hand_over(
        actor, family, holder_id=baton.holder_id, case=_open_case(family)
    ):
        raise Refused(_("Only the baton holder, the familielos or a leader can cancel the handover."))
    return _answer(handover, HandoverStatus.CANCELLED, actor)


@action
def bulk_handover(*, actor: User, assignments: dict[int, User], note: str = "") -> list[Handover]:
    """Hand the baton for several of the actor's families to one or more colleagues at once (a holder who leaves):
    one handover per family, each waiting for its new holder to accept. All or none: one refusal makes none."""
    if not assignments:
        raise Refused(_("Choose a new holder for at least one family."))
    held = {
        baton.family_id: baton
        for baton in Baton.objects.filter(holder=actor, family_id__in=list(assignments)).select_related("family")
    }
    handovers = []
    for family_id in sorted(assignments):
        # A family the actor does not hold (or may not see) is refused without naming it.
        if family_id not in held:
            raise Refused(_("You do not hold the baton for one of the families chosen."))
        handovers.append(
            request_handover(actor=actor, family=held[family_id].family, to=assignments[family_id], note=note)
        )
    return handovers


def follow_case(*, case: Case, actor: User, to_familielos: bool = False) -> None:
    """Keep the baton in line with a case that has just changed (inside the change, the family locked, the grants
    already synced): it starts with the person who first moves the case to level 1 or above, goes to the familielos
    as the case enters level 3 (`to_familielos`: the ressursteam's decision is the handover), and when its holder no
    longer may hold it (the familielos after stepping down, a member whose consent lapsed) goes to the person who
    changed the case, or to the case's opener. A handover waiting when the baton moves this way is cancelled."""
    baton = Baton.objects.select_for_update(no_key=True, of=("self",)).select_related("holder")
    baton = baton.filter(family_id=case.family_id).first()
    if to_familielos and case.familielos_id is not None:
        holder_id = case.familielos_id
    elif baton is None:
        if case.level == Level.UNDRING:
            return
        holder_id = _holder_after(case, actor)
    elif can_hold(baton.holder, case.family):
        return
    else:
        holder_id = _holder_after(case, actor)
    if baton is not None and baton.holder_id == holder_id:
        return
    now = timezone.now()
    Handover.objects.filter(family_id=case.family_id, status=HandoverStatus.PENDING).update(
        status=HandoverStatus.CANCELLED, decided_by=actor, decided_at=now
    )
    # The caller holds the family's lock, so no one else can make the family's baton between the read above and
    # this write; a baton that exists is locked by that read.
    if baton is None:
        Baton.objects.create(family_id=case.family_id, holder_id=holder_id, since=now)
    else:
        baton.holder_id, baton.since = holder_id, now
        baton.save(update_fields=["holder", "since"])


def _holder_after(case: Case, actor: User) -> int:
    return actor.pk if access.can(actor, case.family, access.CHANGE) else case.opened_by_id


def baton_annotations(family_ref: str = "family_id") -> dict:
    """Annotations reading the family's baton (`baton_row`) and its waiting handover (`pending_row`; None when none
    waits) into a query of rows that carry the family in `family_ref`, such as the family page's case:
    `baton_context(row=…)` then reads no row. As SQL (CorrelatedSQL): every family page's case query carries them."""
    baton, pending = _baton_rows_sql()
    return {
        "baton_row": CorrelatedSQL(baton, family=F(family_ref), output_field=JSONField()),
        "pending_row": CorrelatedSQL(pending, family=F(family_ref), output_field=JSONField()),
    }


def _from_json(row: dict | None, fields: dict) -> SimpleNamespace | None:
    if row is None:
        return None
    return SimpleNamespace(**{name: parse(row[name]) if parse else row[name] for name, (_sql, parse) in fields.items()})


def baton_context(user, family: Family, *, case: Case | None = None, row=None) -> dict:
    """What the family page shows of the baton: who holds it (`holder_id`, `holder_name`) and since when, a
    handover waiting, and what `user` may do (hand over, cancel the waiting handover, accept or decline it). One
    query, or none given a `row` read with `baton_annotations`. `family` may carry `can_change`; `case` is the
    family's current case (read if not given)."""
    if row is None:
        row = Family.objects.annotate(**baton_annotations("pk")).get(pk=family.pk)
    baton = _from_json(row.baton_row, _BATON_FIELDS)
    if baton is None:
        return {"baton": None, "pending": None, "can_hand_over": False, "can_cancel": False, "is_asked": False}
    pending = _from_json(row.pending_row, _PENDING_FIELDS)
    if case is None:
        case = _open_case(family)
    elif case.status != Status.OPEN:
        case = None
    may = may_hand_over(user, family, holder_id=baton.holder_id, case=case)
    return {
        "baton": baton,
        "pending": pending,
        "can_hand_over": may and pending is None,
        "can_cancel": pending is not None and (may or pending.requested_by_id == user.pk),
        "is_asked": pending is not None and pending.to_user_id == user.pk,
    }


def waiting_for(user) -> QuerySet[Handover]:
    """Handovers waiting for `user` to accept, of families they may change, oldest first."""
    return (
        Handover.objects.filter(
            to_user=user, status=HandoverStatus.PENDING, family__in=access.visible_families(user, access.CHANGE)
        )
        .select_related("family", "from_user", "requested_by")
        .order_by("requested_at", "pk")
    )


def requested_by(user) -> QuerySet[Handover]:
    """Handovers `user` asked for (or that would take their baton) still waiting for another's answer: one asked
    for themselves waits for their own answer (`waiting_for`)."""
    return (
        Handover.objects.filter(
            Q(requested_by=user) | Q(from_user=user),
            status=HandoverStatus.PENDING,
            family__in=access.visible_families(user, access.CHANGE),
        )
        .exclude(to_user=user)
        .select_related("family", "to_user", "requested_by")
        .order_by("requested_at", "pk")
    )


def held_batons(user) -> QuerySet[Baton]:
    """The batons `user` holds, of families they may change, by family name."""
    return (
        Baton.objects.filter(holder=user, family__in=access.visible_families(user, access.CHANGE))
        .select_related("family")
        .order_by("family__name", "family_id")
    )


def pending_by_family(family_ids: Iterable[int]) -> dict[int, Handover]:
    """The handover waiting in each of these families that has one, by family id, in one query."""
    pending = Handover.objects.filter(family_id__in=list(family_ids), status=HandoverStatus.PENDING)
    return {handover.family_id: handover for handover in pending.select_related("to_user")}


@functools.cache
def _waiting_row_sql() -> str:
    """The SQL of a handover on the start page's desk: its family %(family)s (id, name), and who holds the baton now,
    %(from_user)s."""
    return (
        "SELECT jsonb_build_object('family_id', family.id, 'family_name', family.name, "
        f"'from_name', {_name_sql('from_user')}) "
        f"FROM {Family._meta.db_table} family, {User._meta.db_table} from_user "
        "WHERE family.id = %(family)s AND from_user.id = %(from_user)s"
    )


def desk_context(user) -> dict:
    """What the start page shows, in one query: the handovers waiting for `user` (family id and name, and who holds it)
    and how many families they hold the baton for."""
    held = held_batons(user).order_by().values("holder").annotate(count=Count("pk")).values("count")
    waiting = waiting_for(user).values(
        json=CorrelatedSQL(
            _waiting_row_sql(), family=F("family_id"), from_user=F("from_user_id"), output_field=JSONField()
        )
    )
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(held=Coalesce(Subquery(held), 0), waiting=ArraySubquery(waiting.values("json")))
        .values("held", "waiting")
        .get()
    )
    return {"waiting": row["waiting"], "held_count": row["held"]}


def candidates(family_ids: Iterable[int]) -> dict[int, list[User]]:
    """Who could take each family's baton (`can_hold`), by family id, in three queries however many families: the
    active staff working with families who hold the change grant on it, themselves or through a group."""
    family_ids = list(family_ids)
    holders = access.users_with_grant(family_ids, access.CHANGE)
    users = User.objects.filter(
        pk__in={user_id for ids in holders.values() for user_id in ids},
        is_active=True,
        groups__name__in=roles.WORKS_WITH_FAMILIES,
    ).distinct()
    people = sorted(users, key=lambda person: (roles.display_name(person).lower(), person.pk))
    return {family_id: [person for person in people if person.pk in holders[family_id]] for family_id in family_ids}


def _require_can_hold(user, family: Family) -> None:
    if not can_hold(user, family):
        raise Refused(
            _("%(name)s cannot hold the baton for this family: only staff who work with the family can.")
            % {"name": roles.display_name(user)}
        )


def _lock(family: Family) -> Family:
    # The same row lock every case action takes first (cases.workflow.lock_family), which imports this module.
    return Family.objects.select_for_update(no_key=True).get(pk=family.pk)


def _lock_handover(handover: Handover) -> tuple[Handover, Baton]:
    """Lock the family, its baton and the handover, and read the handover as it is now."""
    family = _lock(handover.family)
    baton = Baton.objects.select_for_update(no_key=True).get(family=family)
    handover = Handover.objects.select_for_update(no_key=True).get(pk=handover.pk)
    handover.family = family
    return handover, baton


def _no_longer_waiting(handover: Handover) -> Refused:
    """Answered already (in another tab, by someone else, or overtaken at level 3)."""
    return Refused(
        _("The handover is no longer waiting for an answer: %(status)s.")
        % {"status": HandoverStatus(handover.status).label}
    )


def _answer(handover: Handover, status: HandoverStatus, actor: User) -> Handover:
    handover.status = status
    handover.decided_by = actor
    handover.decided_at = timezone.now()
    handover.save(update_fields=["status", "decided_by", "decided_at"])
    return handover
