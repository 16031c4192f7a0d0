"""cases.actions.register_family and the "Ny familie" form sent twice at the same moment (a double click): the second
post waits for the first on the family's unique registration key and is given the family it registered; any other
refusal by the database is not taken for that."""

import threading

import pytest
from django.db import IntegrityError, connection

from cases import actions
from cases.models import Case, Family
from tests import factories
from tests.conftest import waiting_on_a_lock

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
    outcomes = []
    first_inside, let_first_finish = threading.Event(), threading.Event()
    open_case = actions.workflow.open_case

    def first_waits(**kwargs):
        # The first post holds its transaction open (its family inserted, not committed) while the second comes.
        if not first_inside.is_set():
            first_inside.set()
            let_first_finish.wait(timeout=10)
        return open_case(**kwargs)

    monkeypatch.setattr(actions.workflow, "open_case", first_waits)

    def post():
        try:
            outcomes.append(actions.register_family(actor=staff, **CONTENT))
        except actions.RegisteredAlready as registered:
            outcomes.append(registered)
        finally:
            connection.close()

    first, second = threading.Thread(target=post), threading.Thread(target=post)
    try:
        first.start()
        assert first_inside.wait(timeout=10)
        second.start()
        # The second waits on the first's family, inserted and not yet committed: it makes none of its own.
        assert waiting_on_a_lock(seconds=10)
    finally:
        let_first_finish.set()
        first.join(timeout=10)
        second.join(timeout=10)
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
