"""The pilot's figures for leaders and researchers (DOMAIN.md): how many cases reach each BTI level, how long it
takes to get there, and how the familieteams' goals went, counted over every family in the municipality.

No figure is meant to point at a family, so the figures are protected the way published statistics are:
- they stop at the end of the last whole month, so looking every day shows no single case moving;
- a count from 1 to 4 is shown as "fewer than 5", and the others rounded to the nearest 5, so one count taken from
  another (the opened minus those that reached level 1) does not give a small number either;
- a share is shown only when both the cases counted and the rest are 5 or more (never 0 % or 100 % of a year);
- a median needs MEDIAN_CASES cases, so it is not one family's number of days;
- the goals' figures need evaluations from SMALLEST_SHOWN families, so they are not one family's goals.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Aggregate, Count, Exists, F, FloatField, Func, Min, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone

from cases.models import Case, ChangeKind, Level, LevelChange
from familieteam.models import Evaluation, EvaluationResult

SMALLEST_SHOWN = 5
ROUNDED_TO = 5
MEDIAN_CASES = 10
# The levels a case can reach after it opens at level 0.
LATER_LEVELS = (Level.AVKLARING, Level.RESSURSTEAM, Level.FAMILIELOS)


@dataclass(frozen=True)
class Figure:
    """A count as the page shows it: `shown` is False for 1 to SMALLEST_SHOWN - 1, and `rounded` is the count to the
    nearest ROUNDED_TO."""

    count: int

    @property
    def shown(self) -> bool:
        return self.count == 0 or self.count >= SMALLEST_SHOWN

    @property
    def rounded(self) -> int:
        return ROUNDED_TO * round(self.count / ROUNDED_TO)


@dataclass(frozen=True)
class Reached:
    """The cases opened in the year that reached `level`, their share of the opened, and the median days from
    opening to reaching it."""

    level: Level
    figure: Figure
    share: int | None
    median_days: float | None


class _Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def until() -> datetime:
    """Where the figures stop: the start of this month (the end of the last whole month)."""
    first = timezone.localdate().replace(day=1)
    return timezone.make_aware(datetime.combine(first, time.min))


def last_day(cutoff: datetime) -> date:
    """The last day the figures count."""
    return timezone.localtime(cutoff).date() - timedelta(days=1)


def years(cutoff: datetime) -> list[int]:
    """The years the page offers, newest first: from the first case's year to the last counted day's."""
    last = last_day(cutoff).year
    first = Case.objects.filter(opened_at__lt=cutoff).aggregate(year=ExtractYear(Min("opened_at")))["year"] or last
    return list(range(last, min(first, last) - 1, -1))


def _days_since_opened(field: str) -> Func:
    """The days (with their fraction) from the case's opening to the time in `field`."""
    since = F(field) - F("opened_at")
    return Func(since, template="EXTRACT(EPOCH FROM %(expressions)s) / 86400", output_field=FloatField())


def _share(part: Figure, whole: Figure) -> int | None:
    """The part's share of the whole, from the rounded counts the page shows: one from the exact counts would let
    them be worked out again."""
    if part.count < SMALLEST_SHOWN or whole.count - part.count < SMALLEST_SHOWN:
        return None
    return round(100 * part.rounded / whole.rounded)


def opened_in(year: int, cutoff: datetime) -> dict:
    """The cases opened in `year` before `cutoff`: how many, how many were closed, and for each later level the
    `Reached` figures, all as they stood at `cutoff`. One query."""
    changes = LevelChange.objects.filter(case=OuterRef("pk"), at__lt=cutoff)
    first_at = {
        f"at_{level}": Subquery(changes.filter(to_level__gte=level).order_by("at").values("at")[:1])
        for level in LATER_LEVELS
    }
    cases = Case.objects.filter(opened_at__year=year, opened_at__lt=cutoff).annotate(
        **first_at, was_closed=Exists(changes.filter(kind=ChangeKind.CLOSED))
    )
    aggregates = {"opened": Count("pk"), "closed": Count("pk", filter=Q(was_closed=True))}
    for level in LATER_LEVELS:
        reached = Q(**{f"at_{level}__isnull": False})
        aggregates[f"reached_{level}"] = Count("pk", filter=reached)
        aggregates[f"days_{level}"] = _Median(_days_since_opened(f"at_{level}"), filter=reached)
    row = cases.aggregate(**aggregates)
    opened = Figure(row["opened"])
    reached = []
    for level in LATER_LEVELS:
        figure = Figure(row[f"reached_{level}"])
        days = row[f"days_{level}"] if figure.count >= MEDIAN_CASES else None
        reached.append(Reached(level=level, figure=figure, share=_share(figure, opened), median_days=days))
    return {"opened": opened, "closed": Figure(row["closed"]), "reached": reached}


@dataclass(frozen=True)
class Goals:
    """The goals and actions evaluated, by result in the results' order; shown only when they come from at least
    SMALLEST_SHOWN families, so that the figures of a pilot with one or two familieteams are not one family's."""

    families: int
    by_result: list[tuple[str, Figure]]
    smallest_shown: int = SMALLEST_SHOWN

    @property
    def shown(self) -> bool:
        return self.families >= self.smallest_shown


def goals_evaluated_in(year: int, cutoff: datetime) -> Goals:
    """The familieteams' goals and actions evaluated in meetings of `year` before `cutoff`, by result. One query."""
    counts = Evaluation.objects.filter(meeting__starts_at__year=year, meeting__starts_at__lt=cutoff).aggregate(
        families=Count("meeting__team__case__family", distinct=True),
        **{result.value: Count("pk", filter=Q(result=result.value)) for result in EvaluationResult},
    )
    return Goals(
        families=counts["families"],
        by_result=[(result.label, Figure(counts[result.value])) for result in EvaluationResult],
    )
