"""A measure's dates lie within a year back and two years ahead: a mistyped year is a field error, nothing written."""

import pytest

from stafettlogg.models import Entry, Kind
from tests.conftest import client_for
from tests.stafettlogg.test_views import days_from_today, post_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("starts_on", "evaluate_by", "field"),
    [
        ("0001-01-01", days_from_today(45), "starts_on"),
        (days_from_today(0), "9999-12-31", "evaluate_by"),
    ],
    ids=["starts-in-year-1", "evaluated-in-year-9999"],
)
def test_post__measure_with_a_mistyped_year__is_a_field_error_and_writes_nothing(
    writer, family, starts_on, evaluate_by, field
):
    data = {
        "kind": "measure",
        "measure-text": "Leksehjelp på SFO.",
        "measure-responsible": "SFO-leiar",
        "measure-starts_on": starts_on,
        "measure-evaluate_by": evaluate_by,
        "measure-visibility": "team",
    }

    response = client_for(writer).post(post_url(family), data)

    assert response.status_code == 200
    assert f'href="#id_measure-{field}"' in response.text
    assert not Entry.objects.filter(family=family, kind=Kind.MEASURE).exists()
