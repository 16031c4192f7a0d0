"""Whether the guardians' consent lets the case be shared with a set of services."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet
from django.db.models.functions import Least, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.models import Case, Consent, ConsentDecision, Family, Level
from familielos.models import ServiceKind, ServiceUnit

# A refusal stands until the guardian consents again: were it to end on a date, the consent it ended would count again.
REFUSAL_HAS_NO_END = gettext_lazy("A refusal has no end date: when the guardian agrees, record their consent.")
# …and counts from the day it is recorded at the latest: one dated later would be listed as refused while the
# consent it means to end still counted.
REFUSAL_NOT_AHEAD = gettext_lazy("A refusal counts from the day it is recorded: give today's date or an earlier one.")
# When a guardian said what a consent or refusal records: the day it begins, or the day it was recorded if that was
# earlier (a consent for later was given when it was recorded). The day a paper consent was signed is its start.
SPOKEN_ON = Least("valid_from", TruncDate("recorded_at"))


def covered_by_family(family_ids: Iterable[int], on=None, *, without: Consent | None = None) -> dict[int, set[int]]:
    """The services each family's guardians let the case be shared with on the day, in one query (a board of many).

    A service is covered when a guardian with parental responsibility has consented to it and none has refused it.
    A guardian's last word on a service is theirs: a consent after their refusal replaces it, and a refusal after
    their consent ends it, for good (a refusal has no end date); a refusal that names no service refuses them all.
    Their words are ordered by when they spoke (SPOKEN_ON): a consent signed weeks ago and recorded today does not
    outweigh a refusal of last week. Only what is in force counts: not withdrawn, begun by the day, a consent not yet
    ended, by a guardian who still has parental responsibility. `without` leaves one consent out (what withdrawing
    it leaves)."""
    on = on or timezone.localdate()
    decisions = (
        Consent.objects.filter(
            family_id__in=family_ids,
            withdrawn_at__isnull=True,
            given_by__parental_responsibility=True,
            valid_from__lte=on,
        )
        .exclude(decision=ConsentDecision.GIVEN, valid_to__lt=on)
        .order_by(SPOKEN_ON, "pk")
        .values_list("family_id", "given_by_id", "units", "decision")
    )
    if without is not None:
        decisions = decisions.exclude(pk=without.pk)
    words: dict[tuple[int, int], _Word] = defaultdict(_Word)
    for family_id, guardian_id, unit_id, decision in decisions:
        words[family_id, guardian_id].hear(unit_id, decision)
    covered: dict[int, set[int]] = {family_id: set() for family_id in family_ids}
    for (family_id, _guardian_id), word in words.items():
        covered[family_id] |= word.given
    for (family_id, _guardian_id), word in words.items():
        covered[family_id] = word.allows(covered[family_id])
    return covered


class _Word:
    """One guardian's last recorded word on each service, heard in the order it was recorded."""

    def __init__(self):
        self.on_unit: dict[int, str] = {}
        self.refused_all = False

    def hear(self, unit_id: int | None, decision: str) -> None:
        if unit_id is not None:
            self.on_unit[unit_id] = decision
        elif decision == ConsentDecision.REFUSED:
            self.on_unit.clear()
            self.refused_all = True

    @property
    def given(self) -> set[int]:
        return {unit_id for unit_id, decision in self.on_unit.items() if decision == ConsentDecision.GIVEN}

    def allows(self, units: set[int]) -> set[int]:
        """Those of `units` this guardian has not refused."""
        if self.refused_all:
            return units & self.given
        return {unit_id for unit_id in units if self.on_unit.get(unit_id) != ConsentDecision.REFUSED}


def covered_unit_ids(family: Family, on=None, *, without: Consent | None = None) -> set[int]:
    """The services the family's guardians let the case be shared with on the day (`covered_by_family`)."""
    return covered_by_family([family.pk], on, without=without)[family.pk]


def uncovered(family: Family, units: Iterable[ServiceUnit], on=None) -> list[ServiceUnit]:
    """The services among `units` that the guardians do not let the case be shared with."""
    covered = covered_unit_ids(family, on)
    return [unit for unit in units if unit.pk not in covered]


def covers_one_of(family: Family, unit_sets: Iterable[Iterable[ServiceUnit]], on=None) -> bool:
    """Whether the consents cover every service of at least one of `unit_sets` (a ressursteam's services, say),
    read in one query."""
    covered = covered_unit_ids(family, on)
    return any(all(unit.pk in covered for unit in units) for units in unit_sets)


def covers(family: Family, units: Iterable[ServiceUnit], on=None) -> bool:
    return not uncovered(family, units, on)


def familielos_units(familielos) -> QuerySet[ServiceUnit]:
    """The Familielos service a familielos works in: the guardians' consent must cover it before they get access."""
    return ServiceUnit.objects.filter(memberships__user=familielos, kind=ServiceKind.FAMILIELOS).distinct()


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
