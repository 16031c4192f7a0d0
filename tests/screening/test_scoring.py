"""Scoring and recommendation per threshold, as a table of cases: pure rules, no database."""

from dataclasses import dataclass

import pytest

from screening.models import Recommendation
from screening.scoring import score


@dataclass
class F:
    kind: str = "risk"
    weight: int = 1
    signals_abuse: bool = False


RISK, PROTECTIVE = F(), F(kind="protective")


@pytest.mark.parametrize(
    ("ticked", "points", "recommendation"),
    [
        ([], 0, Recommendation.OBSERVE),
        ([RISK, RISK], 2, Recommendation.OBSERVE),
        ([RISK] * 3, 3, Recommendation.AVKLARING),
        ([RISK] * 5, 5, Recommendation.AVKLARING),
        ([RISK] * 6, 6, Recommendation.RESSURSTEAM),
        ([F(weight=3)], 3, Recommendation.AVKLARING),
        ([F(weight=2), F(weight=2), F(weight=2)], 6, Recommendation.RESSURSTEAM),
        ([RISK, RISK, PROTECTIVE, PROTECTIVE, PROTECTIVE], 2, Recommendation.OBSERVE),
        ([RISK] * 3 + [PROTECTIVE] * 6, 3, Recommendation.AVKLARING),
    ],
)
def test_score__by_threshold(ticked, points, recommendation):
    result = score(ticked, avklaring_threshold=3, ressursteam_threshold=6)
    assert (result.risk_score, result.recommendation) == (points, recommendation)


def test_score__protective_factors_are_listed_but_never_subtract():
    result = score([RISK, PROTECTIVE], avklaring_threshold=1, ressursteam_threshold=9)
    assert result.risk_score == 1
    assert result.protective_factors == [PROTECTIVE]
    assert result.risk_factors == [RISK]


@pytest.mark.parametrize("others", [[], [RISK] * 8, [PROTECTIVE]])
def test_score__abuse_factor__always_raises_the_barnevern_warning(others):
    result = score([F(signals_abuse=True), *others], avklaring_threshold=3, ressursteam_threshold=6)
    assert result.barnevern_warning


def test_score__no_abuse_factor__no_warning():
    assert not score([RISK] * 9, avklaring_threshold=3, ressursteam_threshold=6).barnevern_warning


def test_score__equal_thresholds__go_straight_to_ressursteam():
    result = score([RISK] * 4, avklaring_threshold=4, ressursteam_threshold=4)
    assert result.recommendation == Recommendation.RESSURSTEAM
