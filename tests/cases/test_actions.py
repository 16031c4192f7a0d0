"""cases.actions.register_family and the "Ny familie" form sent twice at the same moment (a double click): the second
post waits for the first on the family's unique registration key and is given the family it registered; any other
refusal by the database is not taken for that."""

import pytest
from django.db import IntegrityError, connection

from cases import actions
from cases.models import Case, Family
from tests import factories
from tests.conftest import two_at_once

CONTENT = {
    "family_name": "Familien Berg",
    "child": {"first_name": "Nora", "last_name": "Berg", "birth_date": "2019-03-01"},
    "guardians": [{"first_name": "Siri", "last_name": "Berg"}],
    "reason": "Trekkjer seg frå leik over tid.",
    "form_token": "eingongsmerke-samtidig-1",
}


@pytest.mark.django_db(transaction=True)
def test_register_family__two_posts_of_one_form_at_once__register_one_family(monkeypatch):
    staff = factories.unit_staff(username="laerer")
    # The second waits on the first's family, inserted and not yet committed: it makes none of its own.
    outcomes = two_at_once(
        monkeypatch, actions.workflow, "open_case", lambda: actions.register_family(actor=staff, **CONTENT)
    )
    assert (Family.objects.count(), Case.objects.count()) == (1, 1)
    family = Family.objects.get()
    (case,) = [outcome for outcome in outcomes if isinstance(outcome, Case)]
    (again,) = [outcome for outcome in outcomes if isinstance(outcome, actions.RegisteredAlready)]
    assert case.family_id == family.pk
    assert again.family == family


@pytest.mark.django_db
@pytest.mark.parametrize("form_token", ["", "eingongsmerke-feil-1"])
def test_register_family__another_refusal_by_the_database__is_not_taken_for_a_second_post(form_token):
    staff = factories.unit_staff(username="laerer")
    existing = factories.open_case(opener=staff, family_name="Familien Dal").family
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value, is_called FROM cases_family_id_seq")
        last_value, is_called = cursor.fetchone()
        # A sequence left behind (after a restore): the next family gets an id that is taken.
        cursor.execute("SELECT setval('cases_family_id_seq', %s, false)", [existing.pk])
    try:
        with pytest.raises(IntegrityError):
            actions.register_family(actor=staff, **{**CONTENT, "form_token": form_token})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('cases_family_id_seq', %s, %s)", [last_value, is_called])
