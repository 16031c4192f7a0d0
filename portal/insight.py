"""'Who has looked at our data': the reads (and changes) of a family's data by others, from the audit log, told
in the family's words: which service and role, when, what kind of record. Never a staff member's name, address,
path or search text: the family sees what the service did, the municipality keeps who did it."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from cases.models import Family, Person
from familielos import audit
from familielos.models import AccessAction, AccessEvent, Membership
from familielos.roles import FAMILY_MEMBER, LABELS
from stafettlogg.models import TEAM_ONLY_READ, Entry, Visibility

PAGE_SIZE = 50

# The kind of record each audited object type is, in the family's words. The staff page names them for staff
# (familielos_tags.AUDITED_OBJECTS); here several staff-internal types read as the one record the family knows.
KINDS = {
    "family": pgettext_lazy("family insight", "Family page"),
    "family_list": pgettext_lazy("family insight", "The family's name in a list"),
    "overview": pgettext_lazy("family insight", "The family's name in a list"),
    "audit": pgettext_lazy("family insight", "Access log"),
    "case": pgettext_lazy("family insight", "Case"),
    "consent": pgettext_lazy("family insight", "Consents"),
    "person": pgettext_lazy("family insight", "Family members"),
    "submission": pgettext_lazy("family insight", "Screening"),
    "screening_list": pgettext_lazy("family insight", "Screening"),
    "child_choices": pgettext_lazy("family insight", "The family's name in a list"),
    "avklaringssamtale": pgettext_lazy("family insight", "Clarifying conversation and samtaleduk"),
    "referral": pgettext_lazy("family insight", "Referral to the ressursteam"),
    "referral_list": pgettext_lazy("family insight", "Referral to the ressursteam"),
    "ressursteam": pgettext_lazy("family insight", "Referral to the ressursteam"),
    "meeting": pgettext_lazy("family insight", "Ressursteam meeting"),
    "meeting_agenda": pgettext_lazy("family insight", "Ressursteam meeting"),
    "minutes": pgettext_lazy("family insight", "Ressursteam meeting"),
    "decision": pgettext_lazy("family insight", "The ressursteam's decision"),
    "familieteam": pgettext_lazy("family insight", "Familieteam"),
    "familieteammember": pgettext_lazy("family insight", "Familieteam"),
    "familieteammeeting": pgettext_lazy("family insight", "Familieteam meeting"),
    "canvascell": pgettext_lazy("family insight", "Samtaleduk"),
    "evaluation": pgettext_lazy("family insight", "Samtaleduk"),
    "actionpoint": pgettext_lazy("family insight", "Action points"),
    "action_points": pgettext_lazy("family insight", "Action points"),
    "stafettlogg": pgettext_lazy("family insight", "Log"),
    "entry": pgettext_lazy("family insight", "Log"),
    "baton": pgettext_lazy("family insight", "Who holds the baton"),
    "handover": pgettext_lazy("family insight", "Who holds the baton"),
    "export": pgettext_lazy("family insight", "Everything about us"),
    "plan": pgettext_lazy("family insight", "Plan"),
}
OTHER_KIND = pgettext_lazy("family insight", "Other information")

ACTIONS = {
    AccessAction.VIEW: pgettext_lazy("family insight", "Looked at"),
    AccessAction.PDF: pgettext_lazy("family insight", "Downloaded as PDF"),
    AccessAction.EXPORT: pgettext_lazy("family insight", "Downloaded"),
    AccessAction.CHANGE: pgettext_lazy("family insight", "Changed"),
    AccessAction.CREATE: pgettext_lazy("family insight", "Added"),
}


@dataclass
class Read:
    """One line of the page: a service's role did this to this kind of record, `times` times within one minute."""

    at: datetime
    services: list[str]
    role: str
    kind: str
    action: str
    times: int = 1

    @property
    def key(self) -> tuple:
        """What makes two neighbouring lines one: the same minute, services, role, kind and action."""
        return (self.at.replace(second=0, microsecond=0), tuple(self.services), self.role, self.kind, self.action)


@dataclass
class ReadPage:
    reads: list[Read]
    newer: str | None
    older: str | None


def others_events(family: Family) -> QuerySet[AccessEvent]:
    """The family's audit trail without their own logins' events (those linked to one of its persons now, and any
    family-member login, such as one unlinked since), and without the events of the team's own log entries: a line
    at the time one was written would tell the family that it exists (the export says it does not), nor of reads
    that showed only such entries (stafettlogg.models.TEAM_ONLY_READ)."""
    own = Person.objects.filter(family=family, user__isnull=False).values("user_id")
    team_only = (
        Entry.objects.filter(family=family)
        .exclude(visibility=Visibility.TEAM_AND_FAMILY)
        .values(entry_id=Cast("pk", output_field=CharField()))
    )
    return audit.trail(family.pk).exclude(
        Q(actor_id__in=own)
        | Q(role=FAMILY_MEMBER)
        | Q(object_type="entry", object_id__in=team_only)
        | Q(object_type=TEAM_ONLY_READ)
    )


def read_page(family: Family, *, older: str = "", newer: str = "", size: int = PAGE_SIZE) -> ReadPage:
    """A page of others' events, newest first, told in the family's words (one query for the events, one for the
    readers' services), identical neighbours within one minute shown once with a count."""
    page = audit.events_page(others_events(family), older=older, newer=newer, size=size)
    return ReadPage(_told(page.events), newer=page.newer, older=page.older)


def every_read(family: Family) -> list[Read]:
    """Every line of the page at once, newest first (the family's download): two queries however many."""
    return _told(list(others_events(family).order_by("-at", "-id")))


def _told(events: list[AccessEvent]) -> list[Read]:
    """The events in the family's words, identical neighbours within one minute told once with a count."""
    services = _services({event.actor_id for event in events})
    reads: list[Read] = []
    for event in events:
        read = _read(event, services.get(event.actor_id, []))
        if reads and reads[-1].key == read.key:
            reads[-1].times += 1
        else:
            reads.append(read)
    return reads


def _services(actor_ids: set[int]) -> dict[int, list[str]]:
    """The service units each reader works in, by name. The audit log keeps the reader, not their unit, so this is
    where they work now."""
    by_user: dict[int, list[str]] = {}
    memberships = Membership.objects.filter(user_id__in=actor_ids).select_related("unit").order_by("unit__name")
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership.unit.name)
    return by_user


def _read(event: AccessEvent, services: list[str]) -> Read:
    at = timezone.localtime(event.at)
    role = str(LABELS.get(event.role, ""))
    kind = str(KINDS.get(event.object_type, OTHER_KIND))
    action = str(ACTIONS.get(event.action, event.action))
    return Read(at=at, services=services, role=role, kind=kind, action=action)
