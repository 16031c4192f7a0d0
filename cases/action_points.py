"""Changing an action point's status, the one way both the team (familieteam.workflow) and the family (the portal)
do it: each action checks who may tick the point, then calls these."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import ActionPoint, ActionStatus
from familielos.errors import Refused
from stafettlogg.models import Entry, Event

User = get_user_model()

# A level-1 agreement whose owner has no login ("Mor", "the school"): whoever added it to the conversation's record
# (created_by) follows it up, on "Mine aksjonspunkt" and in the reminders.
FOLLOWED_UP_BY_RECORDER = Q(samtale__isnull=False, owner_user__isnull=True)


def require_version(point: ActionPoint, base_version: int) -> None:
    """Refuse a change made from an older version of the point than the saved one, so no one's change is lost."""
    if point.version != base_version:
        raise Refused(_("Someone else changed this just now. Look at it again and repeat your change."))


def apply_status(point: ActionPoint, *, actor: User, status: ActionStatus | str, comment: str) -> ActionPoint:
    """Set the status of a point the caller has locked and checked; becoming done is written in the Stafettlogg."""
    if status == ActionStatus.DONE and point.status != ActionStatus.DONE:
        Entry.objects.create_event(
            family_id=point.family_id, actor=actor, event=Event.ACTION_POINT_DONE, params={"what": point.what}
        )
    point.status = ActionStatus(status)
    point.comment = comment
    point.status_by, point.status_at = actor, timezone.now()
    point.version += 1
    point.save(update_fields=["status", "comment", "status_by", "status_at", "version"])
    return point
