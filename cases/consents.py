"""Whether the guardians' consent lets the case be shared with a set of services."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.models import Case, Consent, ConsentDecision, Family, Level
from familielos.models import ServiceKind, ServiceUnit

# A refusal stands until the guardian consents again: were it to end on a date, the consent it ended would count again.
REFUSAL_HAS_NO_END = gettext_lazy("A refusal has no end date: when the guardian agrees, record their consent.")
# …and counts from the day it is recorded at the latest: one dated later would be listed as refused while the
# consent it means to end still counted.
REFUSAL_NOT_AHEAD = gettext_lazy("A refusal counts from the day it is recorded: give today's date or an earlier one.")


# The ids and names of the services a consent names, read with it, in one order: mark_outweighed pairs them.
UNIT_IDS = ArrayAgg("units", filter=Q(units__isnull=False), order_by=("units__name", "units__pk"), default=[])
UNIT_NAMES = ArrayAgg("units__name", filter=Q(units__isnull=False), order_by=("units__name", "units__pk"), default=[])


@dataclass(frozen=True)
class Said:
    """A consent or refusal as the rule reads it: what a guardian said of the services it names, and when."""

    pk: int
    family_id: int
    guardian_id: int
    responsible: bool
    decision: str
    valid_from: date
    valid_to: date | None
    withdrawn: bool
    recorded_on: date
    unit_ids: tuple[int, ...]

    @classmethod
    def of(cls, consent: Consent, unit_ids: Iterable[int]) -> "Said":
        """`consent` with its guardian loaded and the ids of the services it names."""
        return cls(
            pk=consent.pk,
            family_id=consent.family_id,
            guardian_id=consent.given_by_id,
            responsible=consent.given_by.parental_responsibility,
            decision=consent.decision,
            valid_from=consent.valid_from,
            valid_to=consent.valid_to,
            withdrawn=consent.withdrawn_at is not None,
            recorded_on=timezone.localtime(consent.recorded_at).date(),
            unit_ids=tuple(unit_ids),
        )

    @property
    def spoken_on(self) -> date:
        """When the guardian said it, as far as the record tells: the day it begins, or the day it was recorded if
        that was earlier. So a consent is taken to be signed on its start date (the form asks for that), and one that
        starts later to be given when it was recorded: a paper consent for later, typed in after a refusal the
        guardian made since signing it, reads as the later word (the record has no signing date of its own)."""
        return min(self.valid_from, self.recorded_on)

    def in_force(self, on: date) -> bool:
        """Not withdrawn, begun by `on`, not ended if a consent (a refusal has no end), and said by a guardian who
        still has parental responsibility."""
        ended = self.decision == ConsentDecision.GIVEN and self.valid_to is not None and self.valid_to < on
        return not self.withdrawn and self.responsible and self.valid_from <= on and not ended


def covered(said: Iterable[Said], on: date) -> dict[int, set[int]]:
    """The rule, on what the guardians said: the services each family's guardians let the case be shared with on
    `on`, by family (those with nothing in force left out).

    A service is covered when a guardian with parental responsibility has consented to it and none has refused it.
    A guardian's last word on a service is theirs: a consent after their refusal replaces it, and a refusal after
    their consent ends it, for good; a refusal that names no service refuses them all. Their words are taken in the
    order they said them (Said.spoken_on): a consent signed weeks ago and recorded today does not outweigh a refusal
    of last week. Of two words of one day, the one recorded last is the last word."""
    words: dict[tuple[int, int], _Word] = defaultdict(_Word)
    for each in sorted((each for each in said if each.in_force(on)), key=lambda each: (each.spoken_on, each.pk)):
        for unit_id in each.unit_ids or (None,):
            words[each.family_id, each.guardian_id].hear(unit_id, each.decision)
    result: dict[int, set[int]] = defaultdict(set)
    for (family_id, _guardian_id), word in words.items():
        result[family_id] |= word.given
    for (family_id, _guardian_id), word in words.items():
        result[family_id] = word.allows(result[family_id])
    return result


class _Word:
    """One guardian's last word on each service, heard in the order they said them."""

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


def covered_by_family(family_ids: Iterable[int], on=None, *, without: Consent | None = None) -> dict[int, set[int]]:
    """`covered` for these families, read in one query (a board of many); `without` one consent (what withdrawing it
    leaves)."""
    family_ids = list(family_ids)
    rows = (
        Consent.objects.filter(family_id__in=family_ids)
        .select_related("given_by")
        .annotate(unit_ids=UNIT_IDS)
        .order_by()
    )
    if without is not None:
        rows = rows.exclude(pk=without.pk)
    found = covered([Said.of(row, row.unit_ids) for row in rows], on or timezone.localdate())
    return {family_id: found.get(family_id, set()) for family_id in family_ids}


def mark_outweighed(rows: list[Consent], on=None) -> None:
    """Give each of a family's consents (loaded with their guardian, `unit_ids` and `unit_names`, as
    selectors.consents reads them) `outweighed`: the names of the services a consent in force names that a refusal
    keeps it from covering (`covered`); empty for the others."""
    on = on or timezone.localdate()
    said = [Said.of(row, row.unit_ids) for row in rows]
    found = covered(said, on)
    for row, each in zip(rows, said, strict=True):
        shared = found.get(row.family_id, set())
        counts = each.decision == ConsentDecision.GIVEN and each.in_force(on)
        row.outweighed = [
            name for unit_id, name in zip(row.unit_ids, row.unit_names, strict=True) if counts and unit_id not in shared
        ]


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
