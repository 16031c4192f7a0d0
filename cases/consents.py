"""Whether the guardians' consent lets the case be shared with a set of services."""

from collections.abc import Iterable

from django.utils import timezone

from cases.models import Consent, ConsentDecision, Family
from familielos.models import ServiceUnit


def active(family: Family, on=None):
    """The family's consents that are given, not withdrawn and valid on the day."""
    on = on or timezone.localdate()
    return (
        Consent.objects.filter(family=family, decision=ConsentDecision.GIVEN, withdrawn_at__isnull=True)
        .filter(valid_from__lte=on)
        .exclude(valid_to__lt=on)
    )


def uncovered(family: Family, units: Iterable[ServiceUnit], on=None) -> list[ServiceUnit]:
    """The services among `units` that no active consent lets the case be shared with."""
    covered = set(active(family, on).values_list("units", flat=True))
    return [unit for unit in units if unit.pk not in covered]


def covers(family: Family, units: Iterable[ServiceUnit], on=None) -> bool:
    return not uncovered(family, units, on)
