"""Level 3: the familieteam around a family, its meetings, and samtaleduk 2 (the canvas) edited in them.

The familielos leads the team (the case's familielos); the service members hold the family grant while the
guardians' consent covers their service (cases.access.desired_grants); trusted persons have no login.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from familielos.history import tracked
from familielos.models import ServiceUnit
from familieteam.plan import months_between

# What one canvas cell or comment may hold: bounded, so the canvas page and its PDF stay fast.
TEXT_MAX = 5000


class Frequency(models.TextChoices):
    """How often the familieteam plans to meet."""

    MONTHLY = "monthly", _("Every month")
    BIMONTHLY = "bimonthly", _("Every second month")
    BY_NEED = "by_need", _("By need")


@tracked()
class Familieteam(models.Model):
    """The team around one case at level 3. It stays with the case: stepping down and reopening keep it."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="familieteam", verbose_name=_("case")
    )
    started_on = models.DateField(_("level 3 started"))
    planned_end = models.DateField(_("planned end"))
    frequency = models.CharField(
        _("planned meeting frequency"), max_length=10, choices=Frequency, default=Frequency.MONTHLY
    )

    class Meta:
        verbose_name = _("familieteam")
        verbose_name_plural = _("familieteams")
        constraints = [
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="familieteam_frequency_valid"),
            models.CheckConstraint(condition=Q(planned_end__gt=models.F("started_on")), name="familieteam_end_after"),
        ]

    def __str__(self):
        return str(self.case.family)

    def get_absolute_url(self):
        return reverse("familieteam:team", args=[self.case.family_id])

    def months_at_level_3(self, today: date | None = None) -> int:
        return months_between(self.started_on, today or timezone.localdate())

    def is_past_planned_end(self, today: date | None = None) -> bool:
        return self.planned_end < (today or timezone.localdate())


class MemberKind(models.TextChoices):
    SERVICE = "service", _("Service representative")
    """Staff from a service, with a login; holds the family grant while the consent covers their service."""
    TRUSTED = "trusted", _("Trusted person")
    """Someone the family chose (a neighbour, a relative, a coach); no login, no access."""


@tracked()
class FamilieteamMember(models.Model):
    team = models.ForeignKey(Familieteam, on_delete=models.CASCADE, related_name="members", verbose_name=_("team"))
    kind = models.CharField(_("kind"), max_length=10, choices=MemberKind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="familieteam_memberships",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(
        ServiceUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    mandate = models.CharField(_("mandate from the service"), max_length=300, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    relation = models.CharField(_("relation to the family"), max_length=100, blank=True)
    contact = models.CharField(_("how to reach them"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("familieteam member")
        verbose_name_plural = _("familieteam members")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MemberKind.values), name="ftmember_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind=MemberKind.SERVICE) & Q(user__isnull=False) & Q(unit__isnull=False))
                | (Q(kind=MemberKind.TRUSTED) & Q(user__isnull=True) & ~Q(name="")),
                name="ftmember_kind_fields",
            ),
            models.UniqueConstraint(fields=["team", "user"], name="ftmember_user_unique"),
        ]

    def __str__(self):
        if self.kind == MemberKind.TRUSTED:
            return self.name
        from familielos.roles import display_name

        return display_name(self.user)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    """Booked; its canvas is edited in the meeting."""
    HELD = "held", _("Held")
    """Finished with who came and the next meeting set; its canvas is kept unchanged."""

    @property
    def can_edit_canvas(self) -> bool:
        return self == MeetingStatus.PLANNED


@tracked()
class FamilieteamMeeting(models.Model):
    team = models.ForeignKey(Familieteam, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("team"))
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus, default=MeetingStatus.PLANNED)
    invited = models.ManyToManyField(FamilieteamMember, blank=True, related_name="+", verbose_name=_("invited"))
    present = models.ManyToManyField(FamilieteamMember, blank=True, related_name="+", verbose_name=_("present"))
    family_present = models.CharField(_("from the family"), max_length=300, blank=True)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next", verbose_name=_("previous")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("familieteam meeting")
        verbose_name_plural = _("familieteam meetings")
        indexes = [models.Index(fields=["team", "starts_at"], name="ftmeeting_team_starts")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="ftmeeting_status_valid"),
            # workflow.plan_meeting refuses a second; the desk shows one planned meeting per team.
            models.UniqueConstraint(
                fields=["team"], condition=Q(status=MeetingStatus.PLANNED), name="ftmeeting_one_planned"
            ),
        ]

    def __str__(self):
        return f"{self.team} {timezone.localtime(self.starts_at):%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("familieteam:meeting", args=[self.pk])

    @cached_property
    def cell_save_url(self) -> str:
        """Where each of its canvas's cells is saved: worked out once for the page's cells, not once a cell."""
        return reverse("familieteam:cell_save", args=[self.pk])

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    def has_begun(self) -> bool:
        """Whether the meeting's time has come: only then can it be finished, which tells the family it was held."""
        return self.starts_at <= timezone.now()


@tracked()
class LifeArea(models.Model):
    """A row of samtaleduk 2; the municipality configures them, in Bokmål and Nynorsk."""

    name_nb = models.CharField(_("name (Bokmål)"), max_length=100)
    name_nn = models.CharField(_("name (Nynorsk)"), max_length=100)
    position = models.PositiveIntegerField(_("position"))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("life area")
        verbose_name_plural = _("life areas")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_nn if (get_language() or "").startswith("nn") else self.name_nb


class Column(models.TextChoices):
    """The columns of samtaleduk 2, left to right as on the paper canvas."""

    WORKS = "works", pgettext_lazy("samtaleduk 2", "What works for us")
    HARD = "hard", pgettext_lazy("samtaleduk 2", "What is hard for us")
    IMPORTANT = "important", pgettext_lazy("samtaleduk 2", "What is important to us")
    SITUATION = "situation", pgettext_lazy("samtaleduk 2", "Today's situation")
    NOW = "now", pgettext_lazy("samtaleduk 2", "This we do now")
    SHORT_GOAL = "short_goal", pgettext_lazy("samtaleduk 2", "Short-term goal (by date)")
    LONG_GOAL = "long_goal", pgettext_lazy("samtaleduk 2", "Long-term goal (by date)")
    DREAM = "dream", pgettext_lazy("samtaleduk 2", "… because we dream of")
    HELPERS = "helpers", pgettext_lazy("samtaleduk 2", "Who can help us")

    @property
    def is_evaluated(self) -> bool:
        """Goals and actions are evaluated at the next meeting."""
        return self in (Column.NOW, Column.SHORT_GOAL, Column.LONG_GOAL)

    @property
    def has_date(self) -> bool:
        return self in (Column.SHORT_GOAL, Column.LONG_GOAL)

    @property
    def group(self) -> str:
        """The heading over the first two columns ("how we have it today"); empty for the others."""
        return "today" if self in (Column.WORKS, Column.HARD) else ""


class CanvasCell(models.Model):
    """One cell of a meeting's canvas. `version` counts its saved texts: a save names the version it started
    from, and a save from an older version is a conflict, never written over the newer text. Its history is
    CellVersion, one row per saved text, which the familielos reads and restores from."""

    meeting = models.ForeignKey(
        FamilieteamMeeting, on_delete=models.CASCADE, related_name="cells", verbose_name=_("meeting")
    )
    life_area = models.ForeignKey(LifeArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("life area"))
    column = models.CharField(_("column"), max_length=12, choices=Column)
    text = models.TextField(_("text"), max_length=TEXT_MAX, blank=True)
    due = models.DateField(_("by date"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("carried from")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["life_area__position", "life_area_id", "column"]
        verbose_name = _("canvas cell")
        verbose_name_plural = _("canvas cells")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "life_area", "column"], name="canvascell_unique"),
            models.CheckConstraint(condition=Q(column__in=Column.values), name="canvascell_column_valid"),
        ]
        indexes = [models.Index(fields=["meeting", "updated_at"], name="canvascell_meeting_updated")]

    def __str__(self):
        return f"{self.life_area} / {self.get_column_display()}"


class CellVersion(models.Model):
    """Every saved text of a cell, so the familielos can see and restore an earlier one; and every text that lost
    to a save made first (`conflict`, under the version it lost to), so nothing typed is ever lost."""

    cell = models.ForeignKey(CanvasCell, on_delete=models.CASCADE, related_name="versions", verbose_name=_("cell"))
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), max_length=TEXT_MAX, blank=True)
    due = models.DateField(_("by date"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("saved"), auto_now_add=True)
    conflict = models.BooleanField(_("not saved: someone saved first"), default=False)

    class Meta:
        ordering = ["-version", "conflict", "-pk"]
        verbose_name = _("cell version")
        verbose_name_plural = _("cell versions")
        constraints = [
            models.UniqueConstraint(fields=["cell", "version"], condition=Q(conflict=False), name="cellversion_unique")
        ]

    def __str__(self):
        return f"{self.cell} v{self.version}"

    def is_text_of(self, cell: CanvasCell) -> bool:
        """Whether this is the text `cell` holds now (not an earlier one, nor one that lost to a save made first)."""
        return not self.conflict and self.version == cell.version


class EvaluationResult(models.TextChoices):
    DONE = "done", _("Done")
    PARTLY = "partly", _("Partly done")
    NOT_DONE = "not_done", _("Not done")
    CHANGED = "changed", _("Changed")


@tracked()
class Evaluation(models.Model):
    """A goal or an action of the previous meeting's canvas, evaluated in the next meeting."""

    cell = models.OneToOneField(
        CanvasCell, on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("goal or action")
    )
    meeting = models.ForeignKey(
        FamilieteamMeeting, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("evaluated in")
    )
    result = models.CharField(_("result"), max_length=10, choices=EvaluationResult)
    comment = models.TextField(_("comment"), max_length=TEXT_MAX, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(condition=Q(result__in=EvaluationResult.values), name="evaluation_result_valid"),
        ]

    def __str__(self):
        return f"{self.cell}: {self.get_result_display()}"
