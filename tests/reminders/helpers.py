"""Items that come due, made through the app's own actions."""

from datetime import timedelta

from django.utils import timezone

from cases import actions
from cases import baton as baton_actions
from cases.models import ConsentDecision, OwnerKind, PersonRole
from familieteam import workflow as familieteam_workflow
from stafettlogg import workflow as log_workflow
from stafettlogg.models import Outcome, Visibility
from tests import factories


def days(n: int):
    return timezone.localdate() + timedelta(days=n)


def measure(family, author, *, evaluate_in: int, text="Leksehjelp to dagar i veka"):
    """A measure by `author`, evaluated `evaluate_in` days from today (negative: past)."""
    return log_workflow.post_measure(
        actor=author,
        family=family,
        visibility=Visibility.TEAM,
        text=text,
        responsible="Skulen",
        starts_on=days(min(evaluate_in, 0) - 30),
        evaluate_by=days(evaluate_in),
    )


def evaluate(measure_entry, author):
    return log_workflow.evaluate_measure(
        actor=author,
        family=measure_entry.family,
        measure=measure_entry,
        outcome=Outcome.PARTLY,
        visibility=Visibility.TEAM,
        text="Gjekk delvis.",
    )


def consent(case, *, ends_in: int | None, actor=None):
    """A consent given from yesterday to `ends_in` days from today (None: with no end)."""
    guardian = case.family.persons.get(role=PersonRole.GUARDIAN, parental_responsibility=True)
    return actions.record_consent(
        actor=actor or case.opened_by,
        family=case.family,
        given_by=guardian,
        decision=ConsentDecision.GIVEN,
        units=[factories.ServiceUnitFactory()],
        valid_from=days(-1),
        valid_to=None if ends_in is None else days(ends_in),
    )


def handover(family, *, to, actor):
    return baton_actions.request_handover(actor=actor, family=family, to=to)


def point(case, meeting, *, due_in: int, owner_user=None, what="Ringe PPT"):
    """An action point set in the familieteam meeting, due `due_in` days from today, owned by a staff member (the
    familielos if none is given)."""
    user = owner_user or case.familielos
    return familieteam_workflow.set_action_point(
        actor=case.familielos,
        meeting=meeting,
        what=what,
        owner=familieteam_workflow.Owner(OwnerKind.STAFF, user_id=user.pk),
        due=days(due_in),
    )
