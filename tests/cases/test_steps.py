"""No step is offered that its guard refuses, and none is refused for the role that it was offered to.

Generated over every step and every role, at every level: for each step the page offers, taking it with valid data
succeeds; for each step it does not offer, the action refuses.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from cases import steps, workflow
from cases.models import Level
from familielos import roles
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ["opener", "team_member", "other_team_member", "familielos", "other_familielos", "leader"]
SCENARIOS = ["level0", "level1", "level2", "level3", "closed"]


class _Undo(Exception):
    """Roll back a step that went through, so the next step starts from the same case."""


def _scenario(name):
    team = factories.RessursteamFactory()
    los = factories.familielos()
    level = Level.FAMILIELOS if name == "closed" else int(name[-1])
    case, *_ = factories.case_at(level, team=team, los=los)
    # Consent to everything a valid step could need: another team, and the familielos service.
    other_team = factories.RessursteamFactory()
    factories.give_consent(case, units=[*other_team.units.all(), *workflow.familielos_units(los)])
    people = {
        "opener": case.opened_by,
        "team_member": factories.ressursteam_member(team),
        "other_team_member": factories.ressursteam_member(factories.RessursteamFactory()),
        "familielos": los,
        "other_familielos": factories.familielos(),
        "leader": factories.UserFactory(role=roles.LEADER),
    }
    if name == "closed":
        case = workflow.close_case(actor=los, case=case, reason="Ferdig.")
    return case, people, {"other_team": other_team, "new_los": factories.familielos()}


def _valid_data(step, case, extra):
    data = {"reason": "Grunngjeving."}
    if step == workflow.RESSURSTEAM:
        data["team"] = extra["other_team"]
    if step == workflow.FAMILIELOS:
        data["familielos"] = extra["new_los"]
    if step == workflow.STEP_DOWN:
        data["to_level"] = Level(max(case.level - 1, 0))
    return data


def _attempt(step, *, actor, case, data):
    """None when the step went through (then rolled back), else the refusal."""
    try:
        with transaction.atomic():
            steps.take(steps.STEPS[step], actor=actor, case=case, **data)
            raise _Undo
    except _Undo:
        return None
    except (workflow.TransitionRefused, PermissionDenied) as refused:
        return refused


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("role", ROLES)
def test_every_step__offered_on_the_page_iff_the_action_lets_this_role_take_it(scenario, role):
    case, people, extra = _scenario(scenario)
    actor = people[role]
    allowed = []
    for step in steps.STEPS:
        offered = workflow.can_take_step(step, actor=actor, case=case)
        refused = _attempt(step, actor=actor, case=case, data=_valid_data(step, case, extra))
        assert (refused is None) == offered, (step, offered, refused)
        allowed += [step] if offered else []
    response = client_for(actor).get(case.family.get_absolute_url())
    if response.status_code == 404:
        assert allowed == []
        return
    assert [item["step"].name for item in response.context["steps"]] == [
        step for step in workflow.available_steps(case) if step in allowed
    ]
    for name, step in steps.STEPS.items():
        assert (f"<summary>{step.label}</summary>" in response.text) == (name in allowed)


def test_level_2__teacher_who_opened_it__is_not_offered_a_familielos(staff):
    """The case from the issue: a teacher at level 2 was offered "assign a familielos" and then refused."""
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    response = client_for(staff).get(case.family.get_absolute_url())
    assert str(steps.STEPS[workflow.FAMILIELOS].label) not in response.text
    assert str(steps.STEPS[workflow.BARNEVERN].label) in response.text
