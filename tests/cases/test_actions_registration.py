"""The "Ny familie" form sent twice at the same moment (a double click): the second post waits for the first on the
family's unique registration key and is given the family it registered, not a second one."""

import threading

import pytest
from django.db import connection

from cases import actions
from cases.models import Case, Family
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

CONTENT = {
    "family_name": "Familien Berg",
    "child": {"first_name": "Nora", "last_name": "Berg", "birth_date": "2019-03-01"},
    "guardians": [{"first_name": "Siri", "last_name": "Berg"}],
    "reason": "Trekkjer seg frå leik over tid.",
    "form_token": "eingongsmerke-samtidig-1",
}


def test_register_family__two_posts_of_one_form_at_once__register_one_family(monkeypatch):
    staff = factories.unit_staff(username="laerer")
    outcomes = []
    first_inside, let_first_finish = threading.Event(), threading.Event()
    open_case = actions.workflow.open_case

    def first_waits(**kwargs):
        # The first post holds its transaction open (its family inserted, not committed) while the second comes.
        if not first_inside.is_set():
            first_inside.set()
            let_first_finish.wait(timeout=5)
        return open_case(**kwargs)

    monkeypatch.setattr(actions.workflow, "open_case", first_waits)

    def post():
        try:
            outcomes.append(actions.register_family(actor=staff, **CONTENT))
        except actions.RegisteredAlready as registered:
            outcomes.append(registered)
        finally:
            connection.close()

    first = threading.Thread(target=post)
    first.start()
    assert first_inside.wait(timeout=10)
    second = threading.Thread(target=post)
    second.start()
    second.join(timeout=0.5)
    # The second waits on the first's family, inserted and not yet committed: it makes none of its own.
    assert second.is_alive()
    let_first_finish.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert Family.objects.count() == 1
    assert Case.objects.count() == 1
    family = Family.objects.get()
    case, again = outcomes
    assert case.family_id == family.pk
    assert isinstance(again, actions.RegisteredAlready)
    assert again.family == family
