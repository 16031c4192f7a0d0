"""The pilot's follow-up figures for leaders and researchers (DOMAIN.md): how many cases reach each BTI level, how
long it takes to get there, how the familieteams' goals went, and the open cases now.

Counts only, over every family in the municipality, and no figure small enough to point at a family: a count from 1
to SMALL - 1 is shown as "fewer than SMALL", and a median is shown only over SMALL cases or more.
"""

from dataclasses import dataclass

from django.db.models import Aggregate, Count, F, FloatField, Func, Min, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone

from cases.models import Case, Level, LevelChange, Status
from familieteam.models import Evaluation, EvaluationResult

SMALL = 5
# The levels a case can reach after it opens at level 0.
LATER_LEVELS = (Level.AVKLARING, Level.RESSURSTEAM, Level.FAMILIELOS)


@dataclass(frozen=True)
class Figure:
    """A count as the page may show it: `shown` is False for a count from 1 to SMALL - 1."""

    count: int

    @property
    def shown(self) -> bool:
        return self.count == 0 or self.count >= SMALL


@dataclass(frozen=True)
class Reached:
    """The cases opened in the year that reached `level`, and the median days from opening to reaching it."""

    level: Level
    figure: Figure
    share: int | None
    median_days: float | None


class _Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _days_since_opened(field: str) -> Func:
    return Func(
        F(field) - F("opened_at"), template="EXTRACT(EPOCH FROM %(expressions)s) / 86400", output_field=FloatField()
    )


def years() -> list[int]:
    """The years with a case opened, newest first; this year at least."""
    this_year = timezone.localdate().year
    first = Case.objects.aggregate(year=ExtractYear(Min("opened_at")))["year"] or this_year
    return list(range(this_year, min(first, this_year) - 1, -1))


def opened_in(year: int) -> dict:
    """The cases opened in `year`: how many, how many were closed, and for each later level the `Reached` figures."""
    first_at = {
        level: Subquery(
            LevelChange.objects.filter(case=OuterRef("pk"), to_level__gte=level).order_by("at").values("at")[:1]
        )
        for level in LATER_LEVELS
    }
    cases = Case.objects.filter(opened_at__year=year).annotate(**{f"at_{level}": at for level, at in first_at.items()})
    aggregates = {"opened": Count("pk"), "closed": Count("pk", filter=Q(status=Status.CLOSED))}
    for level in LATER_LEVELS:
        reached = Q(**{f"at_{level}__isnull": False})
        aggregates[f"reached_{level}"] = Count("pk", filter=reached)
        aggregates[f"days_{level}"] = _Median(_days_since_opened(f"at_{level}"), filter=reached)
    row = cases.aggregate(**aggregates)
    opened = Figure(row["opened"])
    reached = []
    for level in LATER_LEVELS:
        figure = Figure(row[f"reached_{level}"])
        share = round(100 * figure.count / opened.count) if figure.shown and opened.shown and opened.count else None
        days = row[f"days_{level}"] if figure.count >= SMALL else None
        reached.append(Reached(level=level, figure=figure, share=share, median_days=days))
    return {"opened": opened, "closed": Figure(row["closed"]), "reached": reached}


def goals_evaluated_in(year: int) -> list[tuple[str, Figure]]:
    """The familieteams' goals and actions evaluated in meetings of `year`, by result, in the results' order."""
    counts = dict(
        Evaluation.objects.filter(meeting__starts_at__year=year)
        .order_by()
        .values_list("result")
        .annotate(n=Count("pk"))
        .values_list("result", "n")
    )
    return [(result.label, Figure(counts.get(result.value, 0))) for result in EvaluationResult]


def open_now() -> list[tuple[Level, Figure]]:
    """The open cases at each level today."""
    counts = dict(
        Case.objects.filter(status=Status.OPEN)
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    return [(level, Figure(counts.get(level.value, 0))) for level in Level]


def for_year(year: int) -> dict:
    """Everything the follow-up page shows for `year`, in three queries."""
    return {
        "year": year,
        "level_0": Level.UNDRING,
        "today": timezone.localdate(),
        "cases": opened_in(year),
        "goals": goals_evaluated_in(year),
        "open_now": open_now(),
    }
