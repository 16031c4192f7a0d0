"""Scoring a screening: pure rules, no database. The tool supports judgement; it does not rank the factors."""

from dataclasses import dataclass, field
from typing import Protocol

from screening.models import FactorKind, Recommendation


class FactorLike(Protocol):
    kind: str
    weight: int
    signals_abuse: bool


@dataclass(frozen=True)
class Result:
    risk_score: int
    recommendation: Recommendation
    barnevern_warning: bool
    risk_factors: list = field(default_factory=list)
    protective_factors: list = field(default_factory=list)


def score(ticked: list[FactorLike], *, avklaring_threshold: int, ressursteam_threshold: int) -> Result:
    """Sum the weights of the ticked risk factors and compare with the instrument's thresholds.

    Protective factors are listed beside the result but never subtract: strengths do not cancel a risk.
    A factor that signals violence, abuse or neglect always raises the barnevern warning.
    """
    risks = [factor for factor in ticked if factor.kind == FactorKind.RISK]
    protective = [factor for factor in ticked if factor.kind == FactorKind.PROTECTIVE]
    points = sum(factor.weight for factor in risks)
    if points >= ressursteam_threshold:
        recommendation = Recommendation.RESSURSTEAM
    elif points >= avklaring_threshold:
        recommendation = Recommendation.AVKLARING
    else:
        recommendation = Recommendation.OBSERVE
    return Result(
        risk_score=points,
        recommendation=recommendation,
        barnevern_warning=any(factor.signals_abuse for factor in ticked),
        risk_factors=risks,
        protective_factors=protective,
    )
