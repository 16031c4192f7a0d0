"""Ressursteam (level 2): the team, its members, referrals, meetings and decisions; later the familieteam (level 3)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from familielos.history import tracked
from familielos.models import ServiceUnit


@tracked()
class Ressursteam(models.Model):
    """A multi-service resource team; its members (TeamMember) are the users of its group, which holds its family
    grants, so a member's access to the team's families follows membership at once."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="ressursteam", verbose_name=_("group"))
    units = models.ManyToManyField(ServiceUnit, related_name="ressursteams", verbose_name=_("services in the team"))
    # The kindergartens and schools whose families come to this team: which team a concern goes to.
    meeting_schedule = models.CharField(_("meeting schedule"), max_length=200, blank=True)
    covers = models.ManyToManyField(
        ServiceUnit,
        related_name="covering_ressursteams",
        blank=True,
        verbose_name=_("kindergartens and schools it covers"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("ressursteam")
        verbose_name_plural = _("ressursteams")

    def __str__(self):
        return self.name


# What one text of a referral or a decision may hold: bounded, so the board and the minutes PDF stay fast.
TEXT_MAX = 5000


class TeamRole(models.TextChoices):
    """A member's place in the ressursteam's meetings."""

    LEADER = "leader", _("Team leader")
    """Leads the meetings; plans them and sets their agenda."""
    SECRETARY = "secretary", _("Secretary")
    """Keeps the minutes; plans meetings and sets their agenda."""
    MEMBER = "member", _("Member")
    """Takes part in the team's decisions."""

    @property
    def can_plan_meetings(self) -> bool:
        return self in (TeamRole.LEADER, TeamRole.SECRETARY)


@tracked()
class TeamMember(models.Model):
    """A person in a ressursteam. teams.workflow keeps the team's group, which holds its family grants, in step."""

    team = models.ForeignKey(Ressursteam, on_delete=models.CASCADE, related_name="members", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="team_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role in the team"), max_length=10, choices=TeamRole, default=TeamRole.MEMBER)

    class Meta:
        ordering = ["team", "role", "user__first_name", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="teammember_unique"),
            models.CheckConstraint(condition=Q(role__in=TeamRole.values), name="teammember_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} – {self.team} ({self.get_role_display()})"


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class ReferralStatus(models.TextChoices):
    """Where a referral stands; only teams/workflow.py assigns it."""

    DRAFT = "draft", _("Draft")
    """Being written; only the sender sees it."""
    SENT = "sent", _("Sent")
    """Waiting for the team; proposed for the next meeting's agenda."""
    ON_AGENDA = "on_agenda", _("On the agenda")
    """On the agenda of a coming meeting."""
    RETURNED = "returned", _("Returned with a question")
    """The team needs more from the sender; it stays on the team's list until answered."""
    DECIDED = "decided", _("Decided")
    """The team has decided, with reasons."""
    WITHDRAWN = "withdrawn", _("Withdrawn")
    """The sender took it back before a decision."""
    OVERTAKEN = "overtaken", _("Closed: the case left the team")
    """The case left the team another way before the team decided (a step on the case page, consent withdrawn)."""

    @property
    def is_waiting(self) -> bool:
        return self in (ReferralStatus.SENT, ReferralStatus.ON_AGENDA, ReferralStatus.RETURNED)

    @property
    def can_send(self) -> bool:
        return self == ReferralStatus.DRAFT

    @property
    def can_withdraw(self) -> bool:
        return self in (ReferralStatus.DRAFT, ReferralStatus.SENT, ReferralStatus.ON_AGENDA, ReferralStatus.RETURNED)

    @property
    def can_decide(self) -> bool:
        return self in (ReferralStatus.SENT, ReferralStatus.ON_AGENDA)


WAITING = [status for status in ReferralStatus if status.is_waiting]


@tracked()
class Referral(models.Model):
    """A henvendelse to a ressursteam: a named case the guardians consented to share, or, without consent, an
    anonymous discussion case (drøftingssak) that holds only text: no name, no birth date, no family."""

    team = models.ForeignKey(
        Ressursteam, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("ressursteam")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("case"),
    )
    unit = models.ForeignKey(
        ServiceUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from unit")
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus, default=ReferralStatus.DRAFT)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency, default=Urgency.NORMAL)
    question = models.TextField(_("the question to the team"))
    tried = models.TextField(_("what has been tried, and for how long"), blank=True)
    child_view = models.TextField(_("the child's own view"), blank=True)
    guardian_view = models.TextField(_("the guardians' view"), blank=True)
    # Attached by reference, never copied: a named referral only.
    screening = models.ForeignKey(
        "screening.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("screening"),
    )
    samtale = models.ForeignKey(
        "cases.Avklaringssamtale",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clarifying conversation"),
    )
    returned_question = models.TextField(_("the team's question"), blank=True)
    answer = models.TextField(_("the sender's answer"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When it last began to wait for the team: sent, or answered after the team's question. A meeting takes it only
    # if it was waiting by the meeting's day (workflow.sent_in_time_for).
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["team", "status", "sent_at"], name="referral_team_status")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="referral_urgency_valid"),
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(screening__isnull=True, samtale__isnull=True),
                name="referral_anonymous_has_no_attachments",
            ),
            models.CheckConstraint(
                condition=Q(status=ReferralStatus.DRAFT) | Q(sent_at__isnull=False),
                name="referral_sent_has_time",
            ),
            # A referral without it would never be proposed for a meeting, nor could it be added to one.
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(waiting_since__isnull=False),
                name="referral_sent_waits_since",
            ),
        ]

    def __str__(self):
        return f"{self.team} #{self.pk}"

    def get_absolute_url(self):
        return reverse("teams:referral_detail", args=[self.pk])

    @property
    def is_anonymous(self) -> bool:
        return self.case_id is None

    @property
    def waiting_days(self) -> int:
        """Whole days since it was sent (0 on that day, and for a draft)."""
        return (timezone.localdate() - timezone.localdate(self.sent_at)).days if self.sent_at else 0


@tracked()
class Meeting(models.Model):
    """A ressursteam meeting with its agenda of referrals and, afterwards, its minutes."""

    team = models.ForeignKey(Ressursteam, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("team"))
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("members present")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["team", "starts_at"], name="meeting_team_starts")]

    def __str__(self):
        return f"{self.team} {timezone.localtime(self.starts_at):%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("teams:meeting_detail", args=[self.pk])

    def has_begun(self) -> bool:
        """Whether the meeting's time has come: the team records its decisions in the meeting, not before."""
        return self.starts_at <= timezone.now()


@tracked()
class AgendaItem(models.Model):
    """One referral on a meeting's agenda, in the order the team takes them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting"))
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("referral")
    )
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["meeting", "referral"], name="agendaitem_unique")]

    def __str__(self):
        return f"{self.meeting} #{self.position}"


class Outcome(models.TextChoices):
    """What the team decides for a referral."""

    ARENA = "arena", _("Measures on the child's own arena")
    """Back to level 1 with recommendations and a follow-up date for the unit."""
    OTHER_SERVICE = "other_service", _("Another service")
    """PPT, barnevern, mental health or another service takes it on; the case stays at level 2 or closes."""
    FAMILIELOS = "familielos", _("Familielos")
    """A familielos is appointed: the case moves to level 3."""
    MORE_INFO = "more_info", _("More information needed")
    """Back to the sender with a question; the referral stays on the team's list."""
    NO_ACTION = "no_action", _("No further action")
    """The case closes."""


@tracked()
class Decision(models.Model):
    """The team's decision on one agenda item, always with reasons. One per item: the first to save wins."""

    item = models.OneToOneField(
        AgendaItem, on_delete=models.PROTECT, related_name="decision", verbose_name=_("agenda item")
    )
    outcome = models.CharField(_("decision"), max_length=15, choices=Outcome)
    reasons = models.TextField(_("reasons"))
    recommendations = models.TextField(_("recommendations for the unit"), blank=True)
    follow_up = models.DateField(_("follow up by"), null=True, blank=True)
    service = models.ForeignKey(
        ServiceUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    closes_case = models.BooleanField(_("close the case"), default=False)
    familielos = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("familielos"),
    )
    # A familielos decided for a family whose consent does not yet cover the Familielos service waits here.
    familielos_confirmed_at = models.DateTimeField(_("familielos confirmed"), null=True, blank=True)
    question = models.TextField(_("question to the sender"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="decision_outcome_valid"),
            models.CheckConstraint(condition=~Q(reasons=""), name="decision_has_reasons"),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.FAMILIELOS) | Q(familielos__isnull=False),
                name="decision_familielos_named",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.MORE_INFO) | ~Q(question=""), name="decision_more_info_asks"
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.ARENA) | Q(follow_up__isnull=False), name="decision_arena_follow_up"
            ),
        ]

    def __str__(self):
        return f"{self.item}: {self.get_outcome_display()}"


@tracked()
class FamilielosCapacity(models.Model):
    """How many level-3 families a leader says this familielos can follow; above it the team is warned."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="familielos_capacity")
    capacity = models.PositiveSmallIntegerField(_("capacity (families at level 3)"))

    class Meta:
        verbose_name = _("familielos capacity")
        verbose_name_plural = _("familielos capacities")

    def __str__(self):
        return f"{self.user}: {self.capacity}"
