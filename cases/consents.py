"""Whether the guardians' consent lets the case be shared with a set of services."""

from collections.abc import Iterable

from django.utils import timezone

from cases.models import Consent, ConsentDecision, Family
from familielos.models import ServiceUnit


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
