"""Writes to a family's record beside the level steps in workflow.py: registering a family, people, consents,
the clarifying conversation (booking one moves a level-0 case to level 1 through the workflow), letter templates,
and the family's own logins to their pages (the portal) with the parental responsibility they depend on."""

import secrets
from datetime import date

import pghistory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access, consents, workflow
from cases.models import (
    ActionPoint,
    ActionStatus,
    Avklaringssamtale,
    Case,
    ChangeKind,
    Consent,
    ConsentDecision,
    Family,
    LetterTemplate,
    Level,
    OwnerKind,
    Person,
    PersonRole,
    ReasonCode,
    SamtaleStatus,
    Status,
)
from familielos import roles
from familielos.errors import Refused
from familielos.history import action
from familielos.models import ServiceUnit
from portal.models import PortalIdentity

User = get_user_model()


@action
def register_family(
    *,
    actor: User,
    family_name: str,
    child: dict,
    guardians: list[dict],
    reason: str,
    unit: ServiceUnit | None = None,
) -> Case:
    """Register a family with the child of concern and its guardians, and open its case at level 0 (with its
    decision deadline, as every level-0 case has)."""
    if not roles.may_register_families(actor):
        raise Refused(_("Your role cannot register families."))
    family = Family.objects.create(name=family_name, created_by=actor)
    child_person = Person.objects.create(family=family, role=PersonRole.CHILD, **child)
    for guardian in guardians:
        Person.objects.create(family=family, role=PersonRole.GUARDIAN, parental_responsibility=True, **guardian)
    return workflow.open_case(actor=actor, family=family, children=[child_person], reason=reason, unit=unit)


@action
def add_person(*, actor: User, family: Family, **fields) -> Person:
    access.require(actor, family, access.CHANGE)
    if not actor.has_perm("cases.add_person"):
        raise Refused(_("Your role cannot add people to a family."))
    return Person.objects.create(family=family, **fields)


@action
def record_consent(
    *,
    actor: User,
    family: Family,
    given_by: Person,
    decision: ConsentDecision,
    units: list[ServiceUnit],
    valid_from: date,
    valid_to: date | None = None,
    note: str = "",
) -> Consent:
    """Record a guardian's consent or refusal; a refusal is kept on the record too. A familieteam member whose
    service the new consent covers (again) sees the family at once; a case that a refusal leaves without consent for
    its ressursteam (or the familielos's service) steps down at once, as after a withdrawal."""
    access.require(actor, family, access.CHANGE)
    if not actor.has_perm("cases.add_consent"):
        raise Refused(_("Your role cannot record consents."))
    workflow.lock_family(family)
    if given_by.family_id != family.pk or not given_by.parental_responsibility:
        raise Refused(_("Consent must come from a guardian with parental responsibility."))
    if decision == ConsentDecision.REFUSED and valid_to is not None:
        raise Refused(consents.REFUSAL_HAS_NO_END)
    if decision == ConsentDecision.REFUSED and valid_from > timezone.localdate():
        raise Refused(consents.REFUSAL_NOT_AHEAD)
    consent = Consent.objects.create(
        family=family,
        given_by=given_by,
        decision=decision,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
        recorded_by=actor,
    )
    consent.units.add(*units)
    workflow.enforce_consent_locked(actor=actor, family=family)
    return consent


@action
def withdraw_consent(*, actor: User, consent: Consent) -> Consent:
    """Withdraw a consent; a case that can then no longer be shared with its ressursteam steps down at once."""
    access.require(actor, consent.family, access.CHANGE)
    workflow.lock_family(consent.family)
    consent = Consent.objects.select_for_update(no_key=True).get(pk=consent.pk)
    if not consent.can_withdraw:
        raise Refused(_("Only a given consent that is still in effect can be withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    workflow.enforce_consent_locked(actor=actor, family=consent.family)
    return consent


class UnusableEmail(Refused):
    """The address is not one, or belongs to another login (staff or family): a sign-in link must reach one person
    only."""


@action
def link_family_login(*, actor: User, person: Person, user: User) -> Person:
    """Give a guardian (or a young person) an existing family login to the family's own pages."""
    access.require(actor, person.family, access.CHANGE)
    workflow.lock_family(person.family)
    person.refresh_from_db()
    _link(person, user)
    return person


@action
def give_portal_login(*, actor: User, person: Person, email: str) -> User:
    """Make a family login for `person`, signed in to by a one-time link to `email` (or ID-porten), never by a
    password. The username names no one: the login is linked to the person's record, which holds the name."""
    access.require(actor, person.family, access.CHANGE)
    workflow.lock_family(person.family)
    person.refresh_from_db()
    _check_may_link(person)
    email = User.objects.normalize_email(email.strip())
    try:
        validate_email(email)
    except ValidationError:
        raise UnusableEmail(_("Enter a valid email address.")) from None
    if not email.isascii():
        # The family's sign-in form takes a-z addresses only (a look-alike letter could reach another login).
        raise UnusableEmail(_("Use an address with the letters a to z only, without æ, ø, å or other special letters."))
    # Two staff giving the same address to two families at once: the second waits and then finds it taken.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(lower(%s)))", [email])
    if User.objects.filter(email__iexact=email).exists():
        raise UnusableEmail(_("Another login already uses this e-mail address. Give the family member's own address."))
    user = User.objects.create_user(username=_new_family_username(), email=email)
    user.groups.add(Group.objects.get(name=roles.FAMILY_MEMBER))
    _link(person, user)
    return user


@action
def remove_portal_login(*, actor: User, person: Person) -> Person:
    """Take a family member's login away at once: unlinked from the person, switched off, its sessions ended (a new
    unusable password changes the hash every session is checked against), and its address and national identity
    (ID-porten) freed, so no sign-in link can reach it again and the person can be given a new login later, linked
    to the same identity."""
    access.require(actor, person.family, access.CHANGE)
    workflow.lock_family(person.family)
    person.refresh_from_db()
    if person.user_id is None:
        raise Refused(_("%(name)s has no login.") % {"name": person})
    user = User.objects.select_for_update().get(pk=person.user_id)
    with pghistory.context(removed_login=user.get_username()):
        person.user = None
        person.save(update_fields=["user"])
        PortalIdentity.objects.filter(user=user).delete()
    if roles.role_of(user) == roles.FAMILY_MEMBER:
        # Only a family-only login is switched off: a staff account linked before links were checked keeps working.
        user.is_active = False
        user.email = ""
        user.set_unusable_password()
        user.save(update_fields=["is_active", "email", "password"])
    return person


@action
def set_parental_responsibility(*, actor: User, person: Person, has: bool, reason: str) -> Person:
    """Record that a guardian has, or no longer has, parental responsibility, with the reason in the change history.

    Without it the guardian's login is refused on the family's pages from the next click (`portal_person` asks on
    every request); the login stays linked, so restoring the responsibility gives the access back. Their consents
    and refusals count only while they have it (consents.covered_by_family): a case shared on their consent alone
    steps down at once.
    """
    access.require(actor, person.family, access.CHANGE)
    if not actor.has_perm("cases.add_consent"):
        # It decides whose consents and refusals count (consents.covered): as much as recording one.
        raise Refused(_("Your role cannot change who has parental responsibility."))
    workflow.lock_family(person.family)
    person.refresh_from_db()
    if person.role != PersonRole.GUARDIAN:
        raise Refused(_("Only a guardian can have parental responsibility."))
    if person.parental_responsibility == has:
        raise Refused(_("This is already recorded. Reload the page to see how it stands now."))
    if not reason.strip():
        raise Refused(_("Give the reason for the change."))
    with pghistory.context(reason=reason.strip()):
        person.parental_responsibility = has
        person.save(update_fields=["parental_responsibility"])
    workflow.enforce_consent_locked(actor=actor, family=person.family)
    return person


def _check_may_link(person: Person) -> None:
    if refusal := access.portal_refusal(person):
        raise Refused(refusal)
    if person.user_id is not None:
        raise Refused(_("%(name)s already has a login.") % {"name": person})


def _link(person: Person, user: User) -> None:
    """Link a family login to a person the portal accepts; a staff login never stands for a family member."""
    _check_may_link(person)
    if roles.role_of(user) != roles.FAMILY_MEMBER:
        raise Refused(_("Only a family login can be linked to a family member."))
    if Person.objects.filter(user=user).exists():
        raise Refused(_("This login already belongs to another family member."))
    person.user = user
    person.save(update_fields=["user"])
    access.sync_family_grants(person.family)


def _new_family_username() -> str:
    while True:
        username = f"familie-{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


class StaleEdit(Refused):
    """Someone else saved the record after this form was opened; nothing was overwritten."""


def booking_refusal(actor: User, case: Case | None, *, can_change: bool | None = None) -> str:
    """Why `actor` may not book a clarifying conversation for the case now ("" if they may)."""
    if case is None:
        return _("A clarifying conversation belongs to an open case at level 0 or 1.")
    if can_change is None:
        can_change = access.can(actor, case.family, access.CHANGE)
    if not can_change or not actor.has_perm("cases.add_avklaringssamtale"):
        return _("Your role cannot book clarifying conversations.")
    if case.status != Status.OPEN or case.level > Level.AVKLARING:
        return _("A clarifying conversation belongs to an open case at level 0 or 1.")
    return ""


def can_book_avklaringssamtale(actor: User, case: Case | None, *, can_change: bool | None = None) -> bool:
    """The rule `book_avklaringssamtale` enforces; pages ask it to offer the booking only to those who may."""
    return not booking_refusal(actor, case, can_change=can_change)


@action
def book_avklaringssamtale(
    *, actor: User, case: Case, starts_at, place: str, participants: str = ""
) -> Avklaringssamtale:
    """Book the clarifying conversation; a case still at level 0 moves to level 1 with it."""
    access.require(actor, case.family, access.CHANGE)
    workflow.lock_family(case.family)
    case = Case.objects.select_related("family").get(pk=case.pk)
    if refusal := booking_refusal(actor, case, can_change=True):
        raise Refused(refusal)
    # Under the family's lock: a booking sent twice (a double click) finds the first.
    if case.samtaler.filter(starts_at=starts_at, status=SamtaleStatus.PLANNED).exists():
        raise Refused(_("A clarifying conversation is already booked for this case at that time."))
    booked = {"reason_code": ReasonCode.SAMTALE_BOOKED, "reason_params": {"when": starts_at.isoformat()}}
    if case.level == Level.UNDRING:
        case = workflow.move_to_avklaring(actor=actor, case=case, **booked)
    else:
        workflow.record_in_history(actor=actor, case=case, kind=ChangeKind.BOOKED, **booked)
    return Avklaringssamtale.objects.create(
        case=case, starts_at=starts_at, place=place, participants=participants, created_by=actor
    )


def move_refusal(actor: User, samtale: Avklaringssamtale, *, can_change: bool | None = None) -> str:
    """Why `actor` may not move the booked conversation to another time or place ("" if they may): one not yet held
    (notes written before it are its preparation; once its time has come with notes written, it was held), of a case
    where a conversation can be booked, by someone who may book it."""
    if refusal := booking_refusal(actor, samtale.case, can_change=can_change):
        return refusal
    if samtale.status != SamtaleStatus.PLANNED or (samtale.recorded_at and samtale.starts_at <= timezone.now()):
        return _("The conversation has been held, so its time and place stay as they were.")
    return ""


@action
def move_avklaringssamtale(
    *, actor: User, samtale: Avklaringssamtale, starts_at, place: str, participants: str = ""
) -> Avklaringssamtale:
    """Move a booked conversation, not yet held, to another time or place; the case's history says where to.
    The invitation letter is made from the booking, so it names the new time. Sent twice, it changes nothing more."""
    access.require(actor, samtale.case.family, access.CHANGE)
    workflow.lock_family(samtale.case.family)
    locked = (
        Avklaringssamtale.objects.select_for_update(no_key=True, of=("self",))
        .select_related("case__family")
        .get(pk=samtale.pk)
    )
    if refusal := move_refusal(actor, locked, can_change=True):
        raise Refused(refusal)
    if locked.case.samtaler.filter(starts_at=starts_at, status=SamtaleStatus.PLANNED).exclude(pk=locked.pk).exists():
        raise Refused(_("A clarifying conversation is already booked for this case at that time."))
    moved = (locked.starts_at, locked.place) != (starts_at, place)
    was = locked.starts_at
    locked.starts_at, locked.place, locked.participants = starts_at, place, participants
    locked.save(update_fields=["starts_at", "place", "participants"])
    if moved:
        workflow.record_in_history(
            actor=actor,
            case=locked.case,
            kind=ChangeKind.BOOKED,
            reason_code=ReasonCode.SAMTALE_MOVED,
            reason_params={"was": was.isoformat(), "when": starts_at.isoformat(), "place": place},
        )
    return locked


@action
def record_avklaringssamtale(
    *, actor: User, samtale: Avklaringssamtale, version: int, agreements: list[dict], **fields
) -> Avklaringssamtale:
    """Record what was said, samtaleduk 1 and the agreements. A save over someone else's newer one is refused.

    Notes written before the planned time are kept, but the conversation counts as held only once it has begun.
    Each agreement (`what`, `who`, `follow_up`, and `point`: the id of the action point it was shown from, if any)
    is one of the conversation's action points; see `_record_agreements`.
    """
    access.require(actor, samtale.case.family, access.CHANGE)
    workflow.lock_family(samtale.case.family)
    locked = (
        Avklaringssamtale.objects.select_for_update(no_key=True, of=("self",)).select_related("case").get(pk=samtale.pk)
    )
    if locked.case.status != "open":
        raise Refused(_("The case is closed, so the conversation can no longer be changed."))
    if locked.version != version:
        raise StaleEdit(
            _("Someone else saved this conversation while you were writing. Reload it to see their changes.")
        )
    was_held = locked.status == SamtaleStatus.HELD
    for name, value in fields.items():
        setattr(locked, name, value)
    if locked.starts_at <= timezone.now():
        locked.status = SamtaleStatus.HELD
    locked.recorded_at = timezone.now()
    locked.version += 1
    locked.save()
    _record_agreements(actor, locked, agreements)
    # Notes written before the conversation are its preparation: the history tells of the record once it is held.
    if locked.status == SamtaleStatus.HELD:
        workflow.record_in_history(
            actor=actor,
            case=locked.case,
            kind=ChangeKind.RECORDED,
            reason_code=ReasonCode.SAMTALE_UPDATED if was_held else ReasonCode.SAMTALE_RECORDED,
            reason_params={"when": locked.starts_at.isoformat()},
        )
    return locked


def _record_agreements(actor: User, samtale: Avklaringssamtale, rows: list[dict]) -> None:
    """Make the conversation's open action points match the form's rows without losing a tick: a row shown from a
    point updates that point in place (a new version, so a tick from the old text is refused), a row without one
    is a new point, and an open point no row names was cleared. Points done or dropped are never changed here,
    also when someone ticked one while this form was open."""
    points = {point.pk: point for point in samtale.action_points.select_for_update(no_key=True)}
    named = {row["point"] for row in rows if row.get("point") is not None}
    if named - points.keys():
        raise Refused(_("An agreement in the form does not belong to this conversation. Reload the page."))
    new = []
    for row in rows:
        values = {"what": row["what"], "owner_name": row["who"], "due": row.get("follow_up")}
        point = points.get(row.get("point"))
        if point is None:
            new.append(
                ActionPoint(
                    family_id=samtale.case.family_id,
                    samtale=samtale,
                    owner_kind=OwnerKind.OTHER,
                    created_by=actor,
                    **values,
                )
            )
        elif point.status == ActionStatus.OPEN and any(getattr(point, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(point, name, value)
            point.version += 1
            point.save(update_fields=[*values, "version"])
    samtale.action_points.filter(status=ActionStatus.OPEN).exclude(pk__in=named).delete()
    ActionPoint.objects.bulk_create(new)


@action
def update_letter_template(*, actor: User, template: LetterTemplate, **fields) -> LetterTemplate:
    if not actor.has_perm("cases.change_lettertemplate"):
        raise Refused(_("Only a leader can change the letter templates."))
    for name, value in fields.items():
        setattr(template, name, value)
    template.updated_by = actor
    template.save()
    return template
