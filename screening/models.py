"""The vurderingsverktøy: versioned screening instruments per age group, and the submissions made with them."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from familielos.history import tracked
from familielos.models import ServiceKind, ServiceUnit


class AgeGroup(models.TextChoices):
    BARNEHAGE = "barnehage", _("Kindergarten (1–5 years)")
    BARNESKOLE = "barneskole", _("Primary school (6–12 years)")
    UNGDOMSSKOLE = "ungdomsskole", _("Lower secondary school (13–16 years)")

    @classmethod
    def for_age(cls, age: int | None) -> "AgeGroup | None":
        """The instrument's age group for a child of this age, or None when there is no age to go by."""
        if age is None:
            return None
        if age <= 5:
            return cls.BARNEHAGE
        if age <= 12:
            return cls.BARNESKOLE
        return cls.UNGDOMSSKOLE

    @classmethod
    def for_unit(cls, unit: ServiceUnit | None) -> "AgeGroup | None":
        """The age group a unit's own children are most likely in: a kindergarten's, or a school's primary pupils.

        None for a unit whose kind tells nothing about the age (a health station serves every age).
        """
        return _AGE_GROUP_BY_UNIT_KIND.get(getattr(unit, "kind", None))

    @property
    def receiving_kind(self) -> str:
        """The kind of unit guardians send this age group's self-assessment to: the child's own arena."""
        return _RECEIVING_KIND[self]


def in_language(nb: str, nn: str) -> str:
    """An instrument text in the page's language: the Nynorsk one on a Nynorsk page when it is written, else Bokmål."""
    return nn if nn and get_language() == "nn" else nb


_RECEIVING_KIND = {
    AgeGroup.BARNEHAGE: ServiceKind.BARNEHAGE,
    AgeGroup.BARNESKOLE: ServiceKind.SKOLE,
    AgeGroup.UNGDOMSSKOLE: ServiceKind.SKOLE,
}
_AGE_GROUP_BY_UNIT_KIND = {
    ServiceKind.BARNEHAGE: AgeGroup.BARNEHAGE,
    ServiceKind.SKOLE: AgeGroup.BARNESKOLE,
    ServiceKind.SFO: AgeGroup.BARNESKOLE,
}


class Audience(models.TextChoices):
    STAFF = "staff", _("Staff")
    """Kindergarten, school and health station staff screening a concern."""
    GUARDIAN = "guardian", _("Guardians")
    """The plain-language self-assessment for parents."""


class InstrumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    """Being edited by a leader; not in use."""
    PUBLISHED = "published", _("Published")
    """In use; frozen for ever, so every submission can be read against the version it used."""

    @property
    def can_edit(self) -> bool:
        return self == InstrumentStatus.DRAFT


class Instrument(models.Model):
    """One version of the screening tool for one age group and audience."""

    age_group = models.CharField(_("age group"), max_length=20, choices=AgeGroup)
    audience = models.CharField(_("for"), max_length=10, choices=Audience, default=Audience.STAFF)
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=InstrumentStatus, default=InstrumentStatus.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    title_nn = models.CharField(_("title (Nynorsk)"), max_length=200, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    introduction_nn = models.TextField(_("introduction (Nynorsk)"), blank=True)
    # Only the staff tool has thresholds: the guardians' self-assessment is scored by its age group's staff tool,
    # so the same ticks always give the same recommendation (see workflow.result_of).
    avklaring_threshold = models.PositiveIntegerField(
        _("risk points for a clarifying conversation"),
        null=True,
        blank=True,
        default=3,
        help_text=_("From this many weighted risk points the result recommends talking with the guardians."),
    )
    ressursteam_threshold = models.PositiveIntegerField(
        _("risk points for the ressursteam"),
        null=True,
        blank=True,
        default=6,
        help_text=_("From this many weighted risk points the result recommends considering the ressursteam."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["audience", "age_group", "-version"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(fields=["age_group", "audience", "version"], name="instrument_version_unique"),
            models.UniqueConstraint(
                fields=["age_group", "audience"],
                condition=Q(status="draft"),
                name="instrument_one_draft_per_group",
            ),
            models.CheckConstraint(condition=Q(age_group__in=AgeGroup.values), name="instrument_age_group_valid"),
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="instrument_audience_valid"),
            models.CheckConstraint(condition=Q(status__in=InstrumentStatus.values), name="instrument_status_valid"),
            models.CheckConstraint(
                condition=Q(ressursteam_threshold__isnull=True)
                | Q(ressursteam_threshold__gte=models.F("avklaring_threshold")),
                name="instrument_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(
                    audience=Audience.STAFF, avklaring_threshold__isnull=False, ressursteam_threshold__isnull=False
                )
                | Q(audience=Audience.GUARDIAN, avklaring_threshold__isnull=True, ressursteam_threshold__isnull=True),
                name="instrument_thresholds_staff_only",
            ),
        ]
        triggers = [
            # A published version never changes: the database refuses it, whatever the code does.
            pgtrigger.Protect(
                name="published_is_frozen",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="published"),
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def localized_title(self) -> str:
        return in_language(self.title, self.title_nn)

    @property
    def localized_introduction(self) -> str:
        return in_language(self.introduction, self.introduction_nn)


_FROZEN_WHEN_PUBLISHED = """
    IF EXISTS (SELECT 1 FROM screening_instrument WHERE id = OLD.instrument_id AND status = 'published') THEN
        RAISE EXCEPTION 'A published instrument version cannot be changed.';
    END IF;
    RETURN COALESCE(NEW, OLD);
"""


class FactorKind(models.TextChoices):
    RISK = "risk", _("Risk factor")
    PROTECTIVE = "protective", _("Protective factor")


class FactorGroup(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="groups")
    title = models.CharField(_("title"), max_length=200)
    title_nn = models.CharField(_("title (Nynorsk)"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["instrument", "position", "pk"]
        verbose_name = _("factor group")
        verbose_name_plural = _("factor groups")
        triggers = [
            pgtrigger.Trigger(
                name="frozen_when_published",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=_FROZEN_WHEN_PUBLISHED,
            )
        ]

    def __str__(self):
        return self.title

    @property
    def localized_title(self) -> str:
        return in_language(self.title, self.title_nn)


class Factor(models.Model):
    """A risk or protective factor. `key` stays the same across versions, so results can be compared."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="factors")
    group = models.ForeignKey(FactorGroup, on_delete=models.CASCADE, related_name="factors")
    key = models.SlugField(_("key"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=FactorKind, default=FactorKind.RISK)
    label = models.CharField(_("label"), max_length=300)
    label_nn = models.CharField(_("label (Nynorsk)"), max_length=300, blank=True)
    help_text = models.TextField(_("help text"), blank=True)
    help_text_nn = models.TextField(_("help text (Nynorsk)"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    signals_abuse = models.BooleanField(
        _("signals violence, abuse or neglect"),
        default=False,
        help_text=_("Ticking it means the duty to report to barnevern applies now: no screening."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["group__position", "position", "pk"]
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "key"], name="factor_key_unique_in_instrument"),
            models.CheckConstraint(condition=Q(kind__in=FactorKind.values), name="factor_kind_valid"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="frozen_when_published",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=_FROZEN_WHEN_PUBLISHED,
            )
        ]

    def __str__(self):
        return self.label

    @property
    def localized_label(self) -> str:
        return in_language(self.label, self.label_nn)

    @property
    def localized_help_text(self) -> str:
        return in_language(self.help_text, self.help_text_nn)


class Recommendation(models.TextChoices):
    OBSERVE = "observe", _("Continue observing")
    """Few risk factors: keep an eye on it and note what you see."""
    AVKLARING = "avklaring", _("Talk with the guardians: a clarifying conversation")
    """Enough risk factors to involve the guardians (level 1)."""
    RESSURSTEAM = "ressursteam", _("Consider the ressursteam")
    """Many risk factors: the case may need several services (level 2, with consent)."""


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    """Saved to finish later; only its author sees it."""
    SUBMITTED = "submitted", _("Submitted")
    """Finished, with its result; it no longer changes."""

    @property
    def can_edit(self) -> bool:
        return self == SubmissionStatus.DRAFT


@tracked()
class Submission(models.Model):
    """One filled-in screening. Anonymous while `child` is empty; the result is stored when it is submitted."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("unit"))
    audience = models.CharField(_("made by"), max_length=10, choices=Audience, default=Audience.STAFF)
    status = models.CharField(_("status"), max_length=10, choices=SubmissionStatus, default=SubmissionStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    child_description = models.CharField(
        _("child (without name)"),
        max_length=100,
        blank=True,
        help_text=_("For example «girl, 5 years, Blue group». Do not write the name."),
    )
    child = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="submissions")
    factors = models.ManyToManyField(Factor, blank=True, related_name="+", verbose_name=_("ticked factors"))
    seen = models.TextField(_("what was seen or heard"), blank=True)
    child_said = models.TextField(_("what the child said or did"), blank=True)
    duration = models.CharField(_("for how long"), max_length=200, blank=True)
    earlier_concern = models.TextField(_("earlier concern"), blank=True)
    risk_score = models.PositiveIntegerField(_("risk points"), null=True, blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation, blank=True)
    barnevern_warning = models.BooleanField(_("duty to report to barnevern"), default=False)
    # A guardian's self-assessment sent to the unit: who to contact, shown once a staff member opens it.
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        indexes = [models.Index(fields=["unit", "status"], name="submission_unit_status")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SubmissionStatus.values), name="submission_status_valid"),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(risk_score__isnull=False) & ~Q(recommendation="")),
                name="submission_submitted_has_result",
            ),
            models.CheckConstraint(
                condition=Q(audience="guardian") | Q(created_by__isnull=False),
                name="submission_staff_has_author",
            ),
        ]

    def __str__(self):
        return f"{self.instrument} – {self.child or self.child_description or _('anonymous')}"

    @property
    def is_anonymous(self) -> bool:
        return self.child_id is None
