"""Writes to a family's record that are not level changes: registering a family, people, consents."""

from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access, workflow
from cases.models import Case, Consent, ConsentDecision, Family, Person, PersonRole
from familielos.history import action
from familielos.models import ServiceUnit

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
    """Register a family with the child of concern and its guardians, and open its case at level 0."""
    if not actor.has_perm("cases.add_family"):
        raise workflow.TransitionRefused(_("Your role cannot register families."))
    family = Family.objects.create(name=family_name, created_by=actor)
    child_person = Person.objects.create(family=family, role=PersonRole.CHILD, **child)
    for guardian in guardians:
        Person.objects.create(family=family, role=PersonRole.GUARDIAN, parental_responsibility=True, **guardian)
    return workflow.open_case(actor=actor, family=family, children=[child_person], reason=reason, unit=unit)


@action
def add_person(*, actor: User, family: Family, **fields) -> Person:
    access.require(actor, family, access.CHANGE)
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
    """Record a guardian's consent or refusal; a refusal is kept on the record too."""
    access.require(actor, family, access.CHANGE)
    if given_by.family_id != family.pk or not given_by.parental_responsibility:
        raise workflow.TransitionRefused(_("Consent must come from a guardian with parental responsibility."))
    consent = Consent.objects.create(
        family=family,
        given_by=given_by,
        decision=decision,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
        recorded_by=actor,
    )
    consent.units.set(units)
    return consent


@action
def withdraw_consent(*, actor: User, consent: Consent) -> Consent:
    access.require(actor, consent.family, access.CHANGE)
    consent = Consent.objects.select_for_update(no_key=True).get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise workflow.TransitionRefused(_("The consent is already withdrawn."))
    if consent.decision != ConsentDecision.GIVEN:
        raise workflow.TransitionRefused(_("Only a given consent can be withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return consent


@action
def link_family_login(*, actor: User, person: Person, user: User) -> Person:
    """Give a guardian (or a mature child) a portal login that reads the family's own record."""
    access.require(actor, person.family, access.CHANGE)
    person.user = user
    person.save(update_fields=["user"])
    access.grant_user(user, person.family, access.FAMILY_PERMS)
    return person
