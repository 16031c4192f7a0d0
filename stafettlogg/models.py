"""The Stafettlogg: the shared log of a family's journey that team members and the family follow.

Entries are append-only (the database refuses UPDATE and DELETE): a mistake is put right by a new entry that
`corrects` the old one, and both stay.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familielos.models import Membership
from familielos.roles import LABELS, display_name, role_of
from stafettlogg.events import FAMILY_EVENTS, Event, event_text

TEXT_MAX = 5000
RESPONSIBLE_MAX = 200


class Kind(models.TextChoices):
    NOTE = "note", _("Note")
    """Progress, or short minutes of a talk."""
    MEASURE = "measure", _("Measure")
    """A tiltak: what is done, for which life area, who is responsible, from when, and when it is evaluated."""
    EVALUATION = "evaluation", _("Evaluation")
    """How a measure went (well, partly, not) and what comes next; points at the measure."""
    MESSAGE = "message", _("Message")
    """A message to the team, or to the team and the family."""
    LYSGLIMT = "lysglimt", _("Lysglimt")
    """A good moment worth keeping."""
    SYSTEM = "system", _("From the system")
    """Written by the workflow (a level change or an Event), worded in the reader's language when shown."""

    @property
    def can_be_posted(self) -> bool:
        """Whether a person writes entries of this kind (the system writes its own)."""
        return self != Kind.SYSTEM


class Visibility(models.TextChoices):
    TEAM = "team", _("The team only")
    """Staff working with the family."""
    TEAM_AND_FAMILY = "team_and_family", _("The team and the family")
    """Also the family's own logins, on their pages."""


# The object types of the log's access events (familielos.audit): a read of the log, and a read that showed only
# entries the team keeps to itself. The family's "who has looked" leaves the second out: a line at that moment would
# tell them such an entry exists, and when it was written.
LOG_READ = "stafettlogg"
TEAM_ONLY_READ = "stafettlogg_team"


def read_type(entries) -> str:
    """The object type of a read that showed `entries`: TEAM_ONLY_READ when none of them is the family's to see."""
    if any(entry.visibility == Visibility.TEAM_AND_FAMILY for entry in entries):
        return LOG_READ
    return TEAM_ONLY_READ


class Outcome(models.TextChoices):
    WELL = "well", _("Went well")
    """The measure did what it was meant to."""
    PARTLY = "partly", _("Went partly")
    """Some of it worked."""
    NOT = "not", _("Did not go well")
    """It did not help."""


def author_stamp(user) -> dict:
    """The author's role and service as they are at writing time, kept on the entry so later changes (a new job,
    a new role) do not rewrite what the log says."""
    unit_id = Membership.objects.filter(user=user).order_by("pk").values_list("unit_id", flat=True).first()
    return {"author_role": role_of(user), "author_unit_id": unit_id}


class EntryManager(models.Manager):
    def create_system(self, change, *, text: str = "") -> "Entry":
        """The entry for a level change, readable by the team only: its reason can be a report to barnevern or a
        concern the guardians have not yet been told of; what the family reads is written to them. `text` is a
        typed reason; a coded one stays on the change and is worded when shown."""
        return self.create(
            family_id=change.case.family_id,
            author=change.actor,
            kind=Kind.SYSTEM,
            visibility=Visibility.TEAM,
            text=text,
            level_change=change,
            **author_stamp(change.actor),
        )

    def create_event(self, *, family_id: int, actor, event: Event, params: dict) -> "Entry":
        """The entry for a step of the workflow (a referral sent, a meeting held…), stored as a code and parameters
        and worded when shown; the family reads those of FAMILY_EVENTS, the rest are the team's like a level change."""
        return self.create(
            family_id=family_id,
            author=actor,
            kind=Kind.SYSTEM,
            visibility=Visibility.TEAM_AND_FAMILY if event in FAMILY_EVENTS else Visibility.TEAM,
            text="",
            event_code=event,
            event_params=params,
            **author_stamp(actor),
        )


class Entry(models.Model):
    family = models.ForeignKey(
        "cases.Family", on_delete=models.CASCADE, related_name="log_entries", verbose_name=_("family")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    author_role = models.CharField(_("role"), max_length=30, blank=True)
    author_unit = models.ForeignKey(
        "familielos.ServiceUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    # A default rather than auto_now_add: the workflow never sets it, but demo data may write a past entry.
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.NOTE)
    visibility = models.CharField(_("visible to"), max_length=16, choices=Visibility, default=Visibility.TEAM)
    text = models.TextField(_("text"))
    level_change = models.OneToOneField(
        "cases.LevelChange",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="log_entry",
        verbose_name=_("level change"),
    )
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    # A measure's own fields.
    life_area = models.ForeignKey(
        "familieteam.LifeArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("life area"),
    )
    responsible = models.CharField(_("responsible"), max_length=RESPONSIBLE_MAX, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    evaluate_by = models.DateField(_("evaluation date"), null=True, blank=True)
    # An evaluation's own fields.
    measure = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("measure"),
    )
    outcome = models.CharField(_("how it went"), max_length=10, choices=Outcome, blank=True)
    next_steps = models.TextField(_("what next"), blank=True)
    # A system entry that is not a level change: what happened, worded on display (stafettlogg.events).
    event_code = models.CharField(_("event"), max_length=30, choices=Event, blank=True)
    event_params = models.JSONField(_("event parameters"), default=dict, blank=True)

    objects = EntryManager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        indexes = [models.Index(fields=["family", "-at", "-id"], name="entry_family_at_id")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="entry_kind_valid"),
            models.CheckConstraint(condition=Q(visibility__in=Visibility.values), name="entry_visibility_valid"),
            models.CheckConstraint(
                condition=Q(level_change__isnull=True) | Q(kind=Kind.SYSTEM, visibility=Visibility.TEAM),
                name="entry_level_change_is_system_for_team",
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.MEASURE)
                | Q(starts_on__isnull=False, evaluate_by__gte=F("starts_on"), responsible__gt=""),
                name="entry_measure_complete",
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.EVALUATION, measure__isnull=False, outcome__in=Outcome.values)
                | Q(~Q(kind=Kind.EVALUATION), measure__isnull=True, outcome=""),
                name="entry_evaluation_points_at_measure",
            ),
            models.CheckConstraint(
                condition=Q(event_code="", level_change__isnull=False)
                | Q(~Q(kind=Kind.SYSTEM), event_code="")
                | Q(event_code__in=Event.values, kind=Kind.SYSTEM, level_change__isnull=True),
                name="entry_system_is_level_change_or_event",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def author_name(self) -> str:
        return display_name(self.author)

    @property
    def author_role_label(self) -> str:
        return str(LABELS.get(self.author_role, ""))

    @property
    def system_text(self) -> str:
        """What an event entry says, worded in the reader's language ("" for any other entry)."""
        return event_text(self.event_code, self.event_params) if self.event_code else ""

    @property
    def shown_text(self) -> str:
        """The text as the reader sees it: a coded level-change reason or an event is worded in their language."""
        if self.level_change_id is not None and not self.text:
            return self.level_change.reason_shown
        return self.system_text or self.text

    @property
    def family_text(self) -> str:
        """The text as the family's own pages show it: an event in their words (a task, not an action point)."""
        if self.event_code:
            return event_text(self.event_code, self.event_params, for_family=True)
        return self.shown_text
