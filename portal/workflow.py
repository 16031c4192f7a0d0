"""What a family member changes on their own pages besides writing in the log: ticking their own tasks.

A family member ticks only a task the team gave to them by name (`owner_person`), between open and done; a task
the team dropped stays as the team left it.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from cases import access, action_points
from cases.models import ActionPoint, ActionStatus, OwnerKind, Person
from familielos.errors import Refused
from familielos.history import action

User = get_user_model()

# The statuses a family member moves their own task between.
FAMILY_STATUSES = (ActionStatus.OPEN, ActionStatus.DONE)


def can_tick_own(person: Person | None, point: ActionPoint) -> bool:
    """Whether `person` may mark the task done or not done: it is theirs, in their own family, open or done."""
    return (
        person is not None
        and point.family_id == person.family_id
        and point.owner_person_id == person.pk
        and point.owner_kind in (OwnerKind.GUARDIAN, OwnerKind.CHILD)
        and point.status in FAMILY_STATUSES
    )


@action
def tick(*, actor: User, point: ActionPoint, status: str, base_version: int) -> ActionPoint:
    """Mark one's own task done, or not done after all, as the team's own ticks are (the team's comment stays)."""
    point = ActionPoint.objects.select_for_update(no_key=True).get(pk=point.pk)
    if not can_tick_own(access.portal_person(actor), point):
        raise Refused(_("You can only tick off your own tasks."))
    if status not in FAMILY_STATUSES:
        raise Refused(_("Choose done or not done."))
    action_points.require_version(point, base_version)
    return action_points.apply_status(point, actor=actor, status=status, comment=point.comment)
