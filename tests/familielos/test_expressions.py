"""CorrelatedSQL: a subquery written as SQL, reading the columns of the query's row under whatever alias it has."""

import pytest
from django.db.models import F, IntegerField, Sum, Value

from cases.models import Family, Person
from familielos.expressions import CorrelatedSQL
from tests import factories

pytestmark = pytest.mark.django_db

PEOPLE = "SELECT count(*) FROM cases_person person WHERE person.family_id = %(family)s"


def test_correlated_sql__reads_its_own_row__also_inside_a_subquery(case):
    other = factories.open_case(opener=case.opened_by, family_name="Familien Berg")
    Person.objects.create(family=other.family, role="child", first_name="Ola", last_name="Berg")
    people = CorrelatedSQL(PEOPLE, family=F("pk"), output_field=IntegerField())

    counts = dict(Family.objects.annotate(people=people).values_list("name", "people"))
    with_three = Family.objects.filter(pk__in=Family.objects.annotate(people=people).filter(people=3).values("pk"))

    assert counts == {"Familien Hansen": 2, "Familien Berg": 3}
    assert list(with_three.values_list("name", flat=True)) == ["Familien Berg"]


def test_correlated_sql__summed_over_the_rows__is_the_sum_of_each_rows(case):
    people = CorrelatedSQL(PEOPLE, family=F("pk"), output_field=IntegerField())

    assert Family.objects.annotate(people=people).aggregate(total=Sum("people")) == {"total": 2}


def test_correlated_sql__an_expression_with_parameters__is_refused():
    with pytest.raises(ValueError, match="plain columns"):
        list(Family.objects.annotate(people=CorrelatedSQL(PEOPLE, family=Value(1), output_field=IntegerField())))
