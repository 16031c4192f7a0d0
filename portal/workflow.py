"""What a family member changes on their own pages besides writing in the log: ticking their own tasks.

A family member ticks only a task the team gave to them by name (`owner_person`), between open and done; a task
the team dropped stays as the team left it.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.models import ActionPoint, ActionStatus, OwnerKind, Person
from familielos.errors import Refused
from familielos.history import action
from stafettlogg.models import Entry, Event

User = get_user_model()

# The statuses a family member moves their own task between.
FAMILY_STATUSES = (ActionStatus.OPEN, ActionStatus.DONE)


def can_tick(person: Person | None, point: ActionPoint) -> bool:
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
    """Mark one's own task done, or not done after all. A change from an older version of the task than the saved
    one is refused, so no one's change is lost; done is written in the Stafettlogg as the team's own ticks are."""
    point = ActionPoint.objects.select_for_update(no_key=True).get(pk=point.pk)
    if not can_tick(access.portal_person(actor), point):
        raise Refused(_("You can only tick off your own tasks."))
    if status not in FAMILY_STATUSES:
        raise Refused(_("Choose done or not done."))
    if point.version != base_version:
        raise Refused(_("Someone changed this task just now. Look at it again, and try once more if you still want."))
    if status == ActionStatus.DONE and point.status != ActionStatus.DONE:
        Entry.objects.create_event(
            family_id=point.family_id, actor=actor, event=Event.ACTION_POINT_DONE, params={"what": point.what}
        )
    point.status = ActionStatus(status)
    point.status_by, point.status_at = actor, timezone.now()
    point.version += 1
    point.save(update_fields=["status", "status_by", "status_at", "version"])
    return point
