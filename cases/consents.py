"""Whether the guardians' consent lets the case be shared with a set of services."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case, Consent, ConsentDecision, Family, Level
from familielos.models import ServiceKind, ServiceUnit


def active_for(family_ids: Iterable[int], on=None):
    """The consents of these families that are given, not withdrawn and valid on the day (a board of many)."""
    on = on or timezone.localdate()
    return (
        Consent.objects.filter(family_id__in=family_ids, decision=ConsentDecision.GIVEN, withdrawn_at__isnull=True)
        .filter(valid_from__lte=on)
        .exclude(valid_to__lt=on)
    )


def active(family: Family, on=None):
    """The family's consents that are given, not withdrawn and valid on the day."""
    return active_for([family.pk], on)


def uncovered(family: Family, units: Iterable[ServiceUnit], on=None) -> list[ServiceUnit]:
    """The services among `units` that no active consent lets the case be shared with."""
    covered = _covered_unit_ids(family, on)
    return [unit for unit in units if unit.pk not in covered]


def covers_one_of(family: Family, unit_sets: Iterable[Iterable[ServiceUnit]], on=None) -> bool:
    """Whether the active consents cover every service of at least one of `unit_sets` (a ressursteam's services, say),
    read in one query."""
    covered = _covered_unit_ids(family, on)
    return any(all(unit.pk in covered for unit in units) for units in unit_sets)


def _covered_unit_ids(family: Family, on=None) -> set[int]:
    return set(active(family, on).values_list("units", flat=True))


def covers(family: Family, units: Iterable[ServiceUnit], on=None) -> bool:
    return not uncovered(family, units, on)


def familielos_units(familielos) -> QuerySet[ServiceUnit]:
    """The Familielos service a familielos works in: the guardians' consent must cover it before they get access."""
    return ServiceUnit.objects.filter(memberships__user=familielos, kind=ServiceKind.FAMILIELOS).distinct()


def covered_unit_ids(family: Family, *, without: Consent | None = None) -> set[int]:
    """The services the family's active consents cover today; `without` one of them (what withdrawing it leaves)."""
    consents = active(family)
    if without is not None:
        consents = consents.exclude(pk=without.pk)
    return set(consents.values_list("units", flat=True))


def level_shared_at(case: Case, level: int, covered: set[int]) -> int:
    """How far the consents covering the services `covered` let `level` (the case's own, or the level a closed case
    left) share the case: the ressursteam only if every service in it is covered (else level 1), the familielos only
    if their Familielos service is (else level 2). A team or familielos with no service is covered by nothing.

    The one rule for consent and access: an open case steps down to it (workflow.enforce_consent), a closed case
    keeps the grants of it (access.kept_level), and the withdrawal's confirmation says it
    (workflow.level_after_withdrawal)."""

    def all_covered(units) -> bool:
        ids = [unit.pk for unit in units]
        return bool(ids) and all(pk in covered for pk in ids)

    if level >= Level.RESSURSTEAM and not all_covered(case.ressursteam.units.all()):
        return Level.AVKLARING
    if level >= Level.FAMILIELOS and not all_covered(familielos_units(case.familielos)):
        return Level.RESSURSTEAM
    return level
