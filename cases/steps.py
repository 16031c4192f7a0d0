"""The case page's steps in one registry: each step's name, label, and either its form and action, or its page.

Whether a person may take a step is the step's own guard in cases/workflow.py (`workflow.can_take_step`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases import workflow
from cases.forms import AssignFamilielosForm, ReasonForm, StepDownForm
from cases.models import Case


@dataclass(frozen=True)
class Step:
    """A step the case page offers: a form posted to `action`, or, with `page`, a link to the view (a URL name
    taking the family's id) where the step is taken, such as the referral to a ressursteam."""

    name: str
    label: Promise
    form: type[forms.Form] | None = None
    action: Callable[..., Case] | None = None
    page: str = ""

    def page_url(self, case: Case) -> str:
        return reverse(self.page, args=[case.family_id])


STEPS = {
    step.name: step
    for step in [
        Step(
            workflow.AVKLARING,
            _("Move to level 1: clarifying conversation"),
            ReasonForm,
            workflow.move_to_avklaring,
        ),
        # The referral is a record of its own (teams.workflow): written, saved as a draft and sent on its page.
        Step(workflow.RESSURSTEAM, _("Refer to a ressursteam (level 2)"), page="teams:referral_new"),
        Step(workflow.FAMILIELOS, _("Assign a familielos (level 3)"), AssignFamilielosForm, workflow.assign_familielos),
        Step(workflow.STEP_DOWN, _("Step down to a lower level"), StepDownForm, workflow.step_down),
        Step(workflow.CLOSE, _("Close the case"), ReasonForm, workflow.close_case),
        Step(workflow.REOPEN, _("Reopen the case"), ReasonForm, workflow.reopen_case),
        Step(workflow.BARNEVERN, _("Record a report to barnevern"), ReasonForm, workflow.report_to_barnevern),
    ]
}


def form_for(step: Step, case: Case, data=None) -> forms.Form:
    """The step's form, prefixed by the step so that several can share a page."""
    if step.form is StepDownForm:
        return step.form(data, case=case, prefix=step.name)
    return step.form(data, prefix=step.name)


def take(step: Step, *, actor, case: Case, **data) -> Case:
    """Run the step's action; its guard refuses what `workflow.can_take_step` would not offer."""
    return step.action(actor=actor, case=case, **data)
