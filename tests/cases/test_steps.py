"""No step is offered that its guard refuses, and none is refused for the role that it was offered to.

Generated over every step and every role, at every level: for each step the page offers, taking it with valid data
succeeds; for each step it does not offer, the action refuses. A step taken on a page of its own (the referral)
is taken as that page takes it: a referral written and sent.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from cases import steps, workflow
from cases.models import Level
from familielos import roles
from familielos.errors import Refused
from teams import workflow as teams_workflow
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
        if case.level == Level.FAMILIELOS:
            data["responsible_next"] = "Rektor ved skulen"
    return data


def _attempt(step, *, actor, case, data):
    """None when the step went through (then rolled back), else the refusal."""
    try:
        with transaction.atomic():
            if steps.STEPS[step].page:
                referral = teams_workflow.create_referral(
                    actor=actor, team=data["team"], case=case, question=data["reason"]
                )
                teams_workflow.send_referral(actor=actor, referral=referral)
            else:
                steps.take(steps.STEPS[step], actor=actor, case=case, **data)
            raise _Undo
    except _Undo:
        return None
    except (Refused, PermissionDenied) as refused:
        return refused


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_step__offered_on_the_page_iff_the_action_lets_this_role_take_it(scenario, subtests):
    """Every role in one test, the case made once: a step that goes through is rolled back, so each role meets the
    same case. Each role is a subtest of its own: one that fails does not hide the others."""
    case, people, extra = _scenario(scenario)
    for role in ROLES:
        with subtests.test(role=role):
            _offered_iff_allowed(role, people[role], case, extra)


def _offered_iff_allowed(role, actor, case, extra):
    allowed = []
    for step in steps.STEPS:
        offered = workflow.can_take_step(step, actor=actor, case=case)
        refused = _attempt(step, actor=actor, case=case, data=_valid_data(step, case, extra))
        assert (refused is None) == offered, (role, step, offered, refused)
        allowed += [step] if offered else []
    response = client_for(actor).get(case.family.get_absolute_url())
    if response.status_code == 404:
        assert allowed == [], role
        return
    assert [item["step"].name for item in response.context["steps"]] == [
        step for step in workflow.available_steps(case) if step in allowed
    ], role
    for name, step in steps.STEPS.items():
        shown = f'<a href="{step.page_url(case)}">{step.label}</a>' if step.page else f"<summary>{step.label}</summary>"
        assert (shown in response.text) == (name in allowed), (role, name)


def test_level_2__teacher_who_opened_it__is_not_offered_a_familielos(staff):
    """The case from the issue: a teacher at level 2 was offered "assign a familielos" and then refused."""
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    response = client_for(staff).get(case.family.get_absolute_url())
    assert str(steps.STEPS[workflow.FAMILIELOS].label) not in response.text
    assert str(steps.STEPS[workflow.BARNEVERN].label) in response.text


def test_refer_step__is_a_link_to_the_referral_page_not_a_form(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    response = client_for(staff).get(case.family.get_absolute_url())
    referral_url = reverse("teams:referral_new", args=[case.family_id])
    assert f'<a href="{referral_url}">' in response.text
    step_url = reverse("cases:case_step", args=[case.family_id, case.pk, workflow.RESSURSTEAM])
    assert step_url not in response.text
    # An old link or form to the step lands on the referral page and moves nothing.
    assert client_for(staff).get(step_url).url == referral_url
    assert client_for(staff).post(step_url, {"ressursteam-reason": "x"}).url == referral_url
    case.refresh_from_db()
    assert case.level == Level.AVKLARING
