"""The case spine: families, their people, the BTI case with its level history, and consents."""

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from familielos.history import tracked
from familielos.models import ServiceUnit


def age_on(born: date, day: date) -> int:
    """Whole years of age on `day`: a birthday counts from the day itself."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Level(models.IntegerChoices):
    """The BTI level of a case: it moves up only as far as needed, and down as soon as possible."""

    UNDRING = 0, _("Level 0 – concern")
    """Staff have noticed something and screen it."""
    AVKLARING = 1, _("Level 1 – clarifying conversation")
    """The guardians are involved; measures on the child's own arena."""
    RESSURSTEAM = 2, _("Level 2 – ressursteam")
    """A multi-service resource team triages the case (needs the guardians' consent)."""
    FAMILIELOS = 3, _("Level 3 – familielos")
    """A family coordinator runs a familieteam around the family."""


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    """Work goes on at the case's level."""
    CLOSED = "closed", _("Closed")
    """No work; it can be reopened straight to the level it left."""

    @property
    def can_move(self) -> bool:
        return self == Status.OPEN

    @property
    def can_reopen(self) -> bool:
        return self == Status.CLOSED


@tracked()
class Family(models.Model):
    name = models.CharField(_("family name"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:family_detail", args=[self.pk])


# Grants and revokes are kept as history too: who could see a family, and when, can be answered later.
@tracked()
class FamilyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"], name="familyuserperm_user_perm")]


@tracked()
class FamilyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["group", "permission"], name="familygroupperm_group_perm")]


class PersonRole(models.TextChoices):
    CHILD = "child", _("Child")
    GUARDIAN = "guardian", _("Guardian")
    OTHER = "other", _("Other household member")


@tracked()
class Person(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="persons", verbose_name=_("family"))
    role = models.CharField(_("role"), max_length=10, choices=PersonRole)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    parental_responsibility = models.BooleanField(_("has parental responsibility"), default=False)
    # The family portal login of a guardian or a mature child.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("portal login"),
    )

    class Meta:
        ordering = ["role", "birth_date", "first_name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=PersonRole.values), name="person_role_valid"),
            models.CheckConstraint(
                condition=Q(parental_responsibility=False) | Q(role=PersonRole.GUARDIAN),
                name="person_only_guardians_have_parental_responsibility",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def age(self) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, timezone.localdate())


def current_case_first(path: str = "") -> tuple[str, ...]:
    """The order that puts a family's current case first (`path`: the way to the case, such as "case__"): its open
    case (at most one; "open" sorts after "closed"), else the one closed last. Only closing and reopening save a
    closed case, so its updated_at says when it was closed. Its grants are the ones the family holds
    (cases.access.sync_family_grants), and its pages show it."""
    return tuple(f"-{path}{field}" for field in ("status", "updated_at", "pk"))


@tracked()
class Case(models.Model):
    """A family's BTI case. Only cases/workflow.py changes its level and status."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="cases", verbose_name=_("family"))
    children = models.ManyToManyField(Person, related_name="cases", verbose_name=_("children"))
    level = models.IntegerField(_("BTI level"), choices=Level, default=Level.UNDRING)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    closed_from_level = models.IntegerField(_("closed from level"), choices=Level, null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_unit = models.ForeignKey(
        ServiceUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by unit"),
    )
    ressursteam = models.ForeignKey(
        "teams.Ressursteam",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("ressursteam"),
    )
    familielos = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="familielos_cases",
        verbose_name=_("familielos"),
    )
    decision_deadline = models.DateField(
        _("decide by"),
        null=True,
        blank=True,
        help_text=_("A concern at level 0 is decided within 14 days: close, level 1, level 2 or report to barnevern."),
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="case_level_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="case_status_valid"),
            models.CheckConstraint(
                condition=Q(status=Status.OPEN, closed_from_level__isnull=True)
                | Q(status=Status.CLOSED, closed_from_level__isnull=False),
                name="case_closed_remembers_level",
            ),
            models.CheckConstraint(
                condition=Q(level__lt=Level.RESSURSTEAM) | Q(ressursteam__isnull=False),
                name="case_level2_has_ressursteam",
            ),
            models.CheckConstraint(
                condition=~Q(level=Level.FAMILIELOS) | Q(familielos__isnull=False),
                name="case_level3_has_familielos",
            ),
            models.UniqueConstraint(
                fields=["family"], condition=Q(status=Status.OPEN), name="case_one_open_per_family"
            ),
        ]

    def __str__(self):
        return f"{self.family} – {self.get_level_display()}"

    @property
    def at_level_3(self) -> bool:
        """Whether the familielos and the familieteam lead the family now: a case stepped down (or closed) keeps
        them, for a reopening, but they no longer do."""
        return self.status == Status.OPEN and self.level == Level.FAMILIELOS


class ChangeKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    UP = "up", _("Moved up")
    DOWN = "down", _("Moved down")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    REPORTED = "reported", _("Reported to barnevern")
    CONCERN = "concern", _("New concern")
    BOOKED = "booked", _("Conversation booked")
    RECORDED = "recorded", _("Conversation recorded")
    REFERRAL = "referral", _("Ressursteam")


class ReasonCode(models.TextChoices):
    """A reason the workflow writes itself: stored as a code with parameters and worded in the reader's language."""

    SAMTALE_BOOKED = "samtale_booked", _("Clarifying conversation booked")
    SAMTALE_MOVED = "samtale_moved", _("Clarifying conversation moved")
    SAMTALE_RECORDED = "samtale_recorded", _("Clarifying conversation recorded")
    SAMTALE_UPDATED = "samtale_updated", _("Clarifying conversation record changed")
    CONSENT_TEAM = "consent_team", _("Consent no longer covers the ressursteam")
    CONSENT_FAMILIELOS = "consent_familielos", _("Consent no longer covers the familielos's service")
    REFERRAL_WITHDRAWN = "referral_withdrawn", _("Referral withdrawn")
    REFERRAL_RETURNED = "referral_returned", _("Referral returned with a question")
    REFERRAL_ANSWERED = "referral_answered", _("The team's question answered")
    DECIDED_OTHER_SERVICE = "decided_other_service", _("Decided: another service")
    FAMILIELOS_AWAITS_CONSENT = "familielos_awaits_consent", _("Familielos decided, waiting for consent")
    SCREENING = "screening", _("Screening")


# The sentence shown for each code; `when` and `was` are ISO dates and times, shown in the reader's local time.
REASON_TEXTS = {
    ReasonCode.SAMTALE_BOOKED: _("Clarifying conversation booked for %(when)s."),
    ReasonCode.SAMTALE_MOVED: _("The clarifying conversation booked for %(was)s is moved to %(when)s, %(place)s."),
    ReasonCode.SAMTALE_RECORDED: _("The clarifying conversation of %(when)s is recorded."),
    ReasonCode.SAMTALE_UPDATED: _("The record of the clarifying conversation of %(when)s is changed."),
    ReasonCode.CONSENT_TEAM: _(
        "The guardians' consent no longer covers the ressursteam, so the case can no longer be shared there."
    ),
    ReasonCode.CONSENT_FAMILIELOS: _(
        "The guardians' consent no longer covers the familielos's service, so the familielos can no longer follow "
        "the family."
    ),
    ReasonCode.REFERRAL_WITHDRAWN: _("The referral to %(team)s was withdrawn before the team decided."),
    ReasonCode.REFERRAL_RETURNED: _("%(team)s needs more information and has returned the referral with a question."),
    ReasonCode.REFERRAL_ANSWERED: _("The question from %(team)s is answered; the referral waits for the team again."),
    ReasonCode.DECIDED_OTHER_SERVICE: _("The ressursteam decided that %(service)s takes the case on."),
    # `recommendation` is a screening.models.Recommendation value, worded by reason_text.
    ReasonCode.SCREENING: ngettext_lazy(
        "Screening: %(recommendation)s (%(points)s risk point).",
        "Screening: %(recommendation)s (%(points)s risk points).",
        "points",
    ),
    ReasonCode.FAMILIELOS_AWAITS_CONSENT: _(
        "The ressursteam decided on %(name)s as familielos. The guardians' consent to the Familielos service is "
        "needed before the case moves to level 3."
    ),
}


def reason_text(code: str, params: dict) -> str:
    """A coded reason worded in the active language, its moments in local time."""
    values = dict(params)
    if "recommendation" in values:
        from screening.models import Recommendation  # the screening app words its own recommendations

        values["recommendation"] = Recommendation(values["recommendation"]).label
    for moment in ("when", "was"):
        if moment in values:
            values[moment] = timezone.localtime(datetime.fromisoformat(values[moment])).strftime("%d.%m.%Y %H:%M")
    return str(REASON_TEXTS[code] % values)


class LevelChange(models.Model):
    """One step of a case's journey through the levels: from, to, who, when and why.

    A reason a person typed is kept as typed in `reason`; one the workflow writes is `reason_code` with
    `reason_params`, worded when shown, so each reader sees it in their own language.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="level_changes", verbose_name=_("case"))
    kind = models.CharField(_("change"), max_length=10, choices=ChangeKind)
    from_level = models.IntegerField(_("from level"), choices=Level, null=True, blank=True)
    to_level = models.IntegerField(_("to level"), choices=Level)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    reason_code = models.CharField(_("reason code"), max_length=30, choices=ReasonCode, blank=True)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    # Leaving level 3, the familielos names who holds responsibility for the family next.
    responsible_next = models.CharField(_("who holds responsibility next"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        indexes = [models.Index(fields=["case", "-at"], name="levelchange_case_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason_code="") | Q(reason_code__in=ReasonCode.values, reason=""),
                name="levelchange_reason_code_valid_and_alone",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.from_level} → {self.to_level}"

    @property
    def reason_shown(self) -> str:
        return reason_text(self.reason_code, self.reason_params) if self.reason_code else self.reason


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")


@tracked()
class Consent(models.Model):
    """A guardian's consent (or refusal) to share the family's case with named services, from one date to another."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="consents", verbose_name=_("family"))
    given_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents", verbose_name=_("guardian"))
    decision = models.CharField(_("decision"), max_length=10, choices=ConsentDecision)
    units = models.ManyToManyField(ServiceUnit, related_name="+", verbose_name=_("services that may share"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(condition=Q(decision__in=ConsentDecision.values), name="consent_decision_valid"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="consent_valid_to_after_from",
            ),
            # A refusal stands until the guardian consents again (consents.covered).
            models.CheckConstraint(
                condition=Q(decision=ConsentDecision.GIVEN) | Q(valid_to__isnull=True), name="consent_refusal_no_end"
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.given_by} ({self.valid_from})"

    @property
    def state(self) -> str:
        """Where the consent stands today: refused, withdrawn, expired, not yet valid, or active."""
        today = timezone.localdate()
        if self.decision == ConsentDecision.REFUSED:
            return "refused"
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.valid_to is not None and self.valid_to < today:
            return "expired"
        if self.valid_from > today:
            return "future"
        return "active"

    @property
    def can_withdraw(self) -> bool:
        """A given consent that still has effect, now or from a later date, can be withdrawn."""
        return self.state in ("active", "future")


class SamtaleStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    """Booked; the guardians are invited."""
    HELD = "held", _("Held")
    """Recorded after the conversation."""


# What one box of a conversation record may hold: a page of text. Bounded, so no record can make its samtaleduk
# PDF hold a worker for seconds (the form enforces it; a TextField's max_length is not a database limit).
TEXT_MAX = 4000


@tracked()
class Avklaringssamtale(models.Model):
    """The clarifying conversation with the guardians at level 1, optionally around samtaleduk 1."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="samtaler", verbose_name=_("case"))
    status = models.CharField(_("status"), max_length=10, choices=SamtaleStatus, default=SamtaleStatus.PLANNED)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    participants = models.TextField(
        _("participants"), max_length=1000, blank=True, help_text=_("Guardians, the child, staff.")
    )
    concern = models.TextField(_("the concern as presented"), max_length=TEXT_MAX, blank=True)
    guardians_said = models.TextField(_("what the guardians said"), max_length=TEXT_MAX, blank=True)
    # Samtaleduk 1: optional, child-focused, on the child's own arena.
    duk_works = models.TextField(_("What works"), max_length=TEXT_MAX, blank=True)
    duk_hard = models.TextField(_("What is hard"), max_length=TEXT_MAX, blank=True)
    duk_good_at = models.TextField(_("This I am good at"), max_length=TEXT_MAX, blank=True)
    duk_dreams = models.TextField(_("I dream of"), max_length=TEXT_MAX, blank=True)
    duk_help = models.TextField(_("What can we do to help me, and who will do it?"), max_length=TEXT_MAX, blank=True)
    duk_agreement = models.TextField(_("Have we made an agreement?"), max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("clarifying conversation")
        verbose_name_plural = _("clarifying conversations")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SamtaleStatus.values), name="samtale_status_valid"),
        ]

    def __str__(self):
        return f"{self.case.family} – {self.starts_at:%d.%m.%Y}"

    DUK_FIELDS = ["duk_works", "duk_hard", "duk_good_at", "duk_dreams", "duk_help", "duk_agreement"]

    @property
    def uses_samtaleduk(self) -> bool:
        return any(getattr(self, name) for name in self.DUK_FIELDS)


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    """To be done by its date."""
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")
    """No longer to be done; the comment says why."""

    @property
    def is_open(self) -> bool:
        return self == ActionStatus.OPEN


class OwnerKind(models.TextChoices):
    """Who carries out an action point."""

    STAFF = "staff", _("A member of staff")
    GUARDIAN = "guardian", _("A guardian")
    CHILD = "child", _("The child")
    TRUSTED = "trusted", _("A trusted person")
    OTHER = "other", _("Someone else")


# What an action point's comment may hold.
ACTION_COMMENT_MAX = 1000


@tracked()
class ActionPoint(models.Model):
    """Who does what by when: an agreement from a clarifying conversation (level 1) or an action point set in a
    familieteam meeting (level 3), one model for both. `owner_name` is how the owner reads on every page and PDF;
    the owner's record (a login, a family member, a trusted person) is kept beside it when there is one, and a
    staff owner (`owner_user`) sees the point in "Mine aksjonspunkt"."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="action_points", verbose_name=_("family"))
    what = models.CharField(_("what"), max_length=300)
    owner_kind = models.CharField(_("who"), max_length=10, choices=OwnerKind, default=OwnerKind.OTHER)
    owner_name = models.CharField(_("who"), max_length=200)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_points",
        verbose_name=_("staff member"),
    )
    owner_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("family member")
    )
    # A trusted person removed from the team leaves their points with their name (owner_name).
    owner_member = models.ForeignKey(
        "familieteam.FamilieteamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trusted person"),
    )
    due = models.DateField(_("by date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus, default=ActionStatus.OPEN)
    comment = models.CharField(_("comment"), max_length=ACTION_COMMENT_MAX, blank=True)
    version = models.PositiveIntegerField(default=1)
    samtale = models.ForeignKey(
        Avklaringssamtale,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="action_points",
        verbose_name=_("clarifying conversation"),
    )
    meeting = models.ForeignKey(
        "familieteam.FamilieteamMeeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="action_points",
        verbose_name=_("familieteam meeting"),
    )
    cell = models.ForeignKey(
        "familieteam.CanvasCell",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
        verbose_name=_("canvas cell"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    class Meta:
        ordering = [models.F("due").asc(nulls_last=True), "pk"]
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="actionpoint_status_valid"),
            models.CheckConstraint(condition=Q(owner_kind__in=OwnerKind.values), name="actionpoint_owner_kind_valid"),
            # Set in exactly one conversation or meeting.
            models.CheckConstraint(
                condition=Q(samtale__isnull=True) ^ Q(meeting__isnull=True), name="actionpoint_set_in_one"
            ),
        ]
        indexes = [
            models.Index(fields=["owner_user", "due"], condition=Q(status="open"), name="actionpoint_owner_open"),
            models.Index(fields=["family", "status"], name="actionpoint_family_status"),
        ]

    def __str__(self):
        return self.what

    @property
    def is_open(self) -> bool:
        return ActionStatus(self.status).is_open

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due is not None and self.due < timezone.localdate()


class LetterKind(models.TextChoices):
    AVKLARING_INVITATION = "avklaring", _("Invitation to a clarifying conversation")
    FAMILIETEAM_INVITATION = "familieteam", _("Invitation to a familieteam meeting")


@tracked()
class LetterTemplate(models.Model):
    """The municipality's own letter text, edited by a leader; {placeholders} are filled per letter."""

    kind = models.CharField(_("letter"), max_length=20, choices=LetterKind, unique=True)
    letterhead = models.CharField(_("letterhead"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    signature = models.TextField(_("signature and contact"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LetterKind.values), name="lettertemplate_kind_valid"),
        ]

    def __str__(self):
        return self.get_kind_display()


@tracked()
class Baton(models.Model):
    """The stafettpinne: the one named person who holds responsibility for the family's coordination, from the
    case's first step to level 1 on. Only cases/baton.py changes the holder."""

    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="baton", verbose_name=_("family"))
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="batons", verbose_name=_("baton holder")
    )
    since = models.DateTimeField(_("holds the baton since"))

    class Meta:
        verbose_name = _("baton")
        verbose_name_plural = _("batons")

    def __str__(self):
        return f"{self.family}: {self.holder}"


class HandoverStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for acceptance")
    """Asked for; the old holder keeps the baton until the new one accepts."""
    ACCEPTED = "accepted", _("Accepted")
    """The new holder took the baton."""
    DECLINED = "declined", _("Declined")
    """The person asked said no; the old holder keeps the baton."""
    CANCELLED = "cancelled", _("Cancelled")
    """Withdrawn before an answer, or overtaken when the baton moved another way (to the familielos at level 3)."""

    @property
    def is_pending(self) -> bool:
        """Still to be answered: only a pending handover is accepted, declined or cancelled."""
        return self == HandoverStatus.PENDING


# What the note to the new holder may hold.
HANDOVER_NOTE_MAX = 1000


@tracked()
class Handover(models.Model):
    """A request to hand the family's baton from its holder to a colleague, who must accept it."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="handovers", verbose_name=_("family"))
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_received", verbose_name=_("to")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    note = models.CharField(_("note to the new holder"), max_length=HANDOVER_NOTE_MAX, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=HandoverStatus, default=HandoverStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("baton handover")
        verbose_name_plural = _("baton handovers")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=HandoverStatus.values), name="handover_status_valid"),
            models.CheckConstraint(condition=~Q(from_user=models.F("to_user")), name="handover_to_someone_else"),
            models.CheckConstraint(
                condition=Q(status=HandoverStatus.PENDING, decided_at__isnull=True, decided_by__isnull=True)
                | (~Q(status=HandoverStatus.PENDING) & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="handover_answered_when_not_pending",
            ),
            models.UniqueConstraint(
                fields=["family"], condition=Q(status=HandoverStatus.PENDING), name="handover_one_pending_per_family"
            ),
        ]
        indexes = [
            models.Index(
                fields=["to_user"], condition=Q(status=HandoverStatus.PENDING), name="handover_pending_to_user"
            ),
        ]

    def __str__(self):
        return f"{self.family}: {self.from_user} → {self.to_user}"
