"""No page's query count grows with the data: measured at 10 and at 200 families."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import workflow
from tests import factories

pytestmark = pytest.mark.django_db

LIST_MAX_QUERIES = 12
DETAIL_MAX_QUERIES = 20


def _families(opener, count):
    for n in range(count):
        case = factories.open_case(opener=opener, family_name=f"Familien {n:03}")
        factories.person(case.family, first_name=f"Søsken {n}")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [10, 200])
def test_family_list__query_count__does_not_grow_with_families(
    staff, staff_client, count, django_assert_max_num_queries
):
    _families(staff, count)
    factories.open_case(opener=factories.unit_staff(), family_name="Familien Usynleg")
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = staff_client.get(reverse("cases:family_list"))
    assert response.context["page"].paginator.count == count


def test_family_list__same_count_at_10_and_200(staff, staff_client):
    _families(staff, 10)
    small = _queries(staff_client, reverse("cases:family_list") + "?q=familien&level=0")
    _families(staff, 190)
    assert _queries(staff_client, reverse("cases:family_list") + "?q=familien&level=0") == small


def test_family_detail__query_count__does_not_grow_with_history_people_or_consents(
    staff, staff_client, django_assert_max_num_queries
):
    case, *_ = factories.case_at(1, opener=staff)
    factories.give_consent(case, units=[factories.ServiceUnitFactory()])
    small = _queries(staff_client, case.family.get_absolute_url())
    for n in range(20):
        factories.person(case.family, first_name=f"Barn {n}")
        factories.give_consent(case, units=[factories.ServiceUnitFactory()])
    for _ in range(10):
        case = workflow.step_down(actor=staff, case=case, to_level=0, reason="ned")
        case = workflow.move_to_avklaring(actor=staff, case=case, reason="opp")
    _families(staff, 200)
    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        staff_client.get(case.family.get_absolute_url())
    assert _queries(staff_client, case.family.get_absolute_url()) == small
