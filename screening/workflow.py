"""Screenings and instrument versions: every change goes through these functions, taking the acting user."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases import workflow as case_workflow
from cases.models import Case, Person, PersonRole, ReasonCode
from familielos.errors import Refused
from familielos.history import action
from familielos.models import ServiceUnit
from screening import defaults, scoring
from screening.models import (
    AgeGroup,
    Audience,
    Factor,
    FactorGroup,
    Instrument,
    InstrumentStatus,
    Submission,
    SubmissionStatus,
)

User = get_user_model()


class ScreeningRefused(Refused):
    """A screening rule said no; the message is shown to the user."""


OBSERVATION_FIELDS = ("seen", "child_said", "duration", "earlier_concern", "child_description")


def current_instrument(age_group: str, audience: str = Audience.STAFF) -> Instrument | None:
    """The newest published version for the age group: the one new screenings use."""
    return (
        Instrument.objects.filter(age_group=age_group, audience=audience, status=InstrumentStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


def thresholds(instrument: Instrument) -> tuple[int, int]:
    """The risk points for a clarifying conversation and for the ressursteam that score this instrument.

    One rule for both tools: a staff tool has its own; a guardians' self-assessment uses its age group's current
    staff tool's, so a parent and a teacher who tick the same factors get the same recommendation.
    """
    rule = instrument if instrument.audience == Audience.STAFF else current_instrument(instrument.age_group)
    if rule is None:
        return defaults.AVKLARING_THRESHOLD, defaults.RESSURSTEAM_THRESHOLD
    return rule.avklaring_threshold, rule.ressursteam_threshold


def result_of(instrument: Instrument, factors) -> scoring.Result:
    """Score the ticked factors of a staff screening or a guardian's self-assessment: the one way both are scored."""
    avklaring, ressursteam = thresholds(instrument)
    return scoring.score(list(factors), avklaring_threshold=avklaring, ressursteam_threshold=ressursteam)


def check_factors(instrument: Instrument, factor_ids) -> list[Factor]:
    """The instrument's own factors with these ids; an id from another version or instrument is refused."""
    ids = {int(pk) for pk in factor_ids}
    factors = list(instrument.factors.filter(pk__in=ids))
    if len(factors) != len(ids):
        raise ScreeningRefused(_("The form does not match this version of the screening tool. Reload it."))
    return factors


@action
def save_screening(
    *,
    actor: User,
    instrument: Instrument,
    unit: ServiceUnit,
    factor_ids,
    submission: Submission | None = None,
    child: Person | None = None,
    submit: bool = False,
    **observations,
) -> Submission:
    """Save a staff screening as a draft, or submit it with its result.

    Submitting one named to a child opens (or updates) the family's case at level 0 with a decision deadline.
    """
    if not actor.has_perm("screening.add_submission"):
        raise ScreeningRefused(_("Your role cannot fill in screenings."))
    if not access.user_units(actor).filter(pk=unit.pk).exists():
        raise ScreeningRefused(_("You can only screen for a unit you work in."))
    if instrument.status != InstrumentStatus.PUBLISHED or instrument.audience != Audience.STAFF:
        raise ScreeningRefused(_("This version of the screening tool is not in use. Reload the form."))
    if child is not None:
        _require_child(actor, child)
    factors = check_factors(instrument, factor_ids)
    new = submission is None
    if new:
        submission = Submission(instrument=instrument, created_by=actor, audience=Audience.STAFF)
    else:
        submission = Submission.objects.select_for_update(no_key=True).get(pk=submission.pk)
        if submission.created_by_id != actor.pk or not SubmissionStatus(submission.status).can_edit:
            raise ScreeningRefused(_("Only the author can change a draft, and a submitted screening never changes."))
        if submission.instrument_id != instrument.pk:
            raise ScreeningRefused(_("The form does not match this version of the screening tool. Reload it."))
    submission.unit = unit
    submission.child = child
    for name in OBSERVATION_FIELDS:
        setattr(submission, name, observations.get(name, ""))
    if submit:
        _set_result(submission, factors)
    submission.save()
    if new:
        submission.factors.add(*factors)
    else:
        submission.factors.set(factors)
    if submit and child is not None:
        _open_case(actor, submission)
    return submission


@action
def link_to_child(*, actor: User, submission: Submission, child: Person) -> Submission:
    """Name the child of an anonymous, submitted screening once the guardians are involved."""
    submission = Submission.objects.select_for_update(no_key=True).get(pk=submission.pk)
    if submission.status != SubmissionStatus.SUBMITTED or submission.child_id is not None:
        raise ScreeningRefused(_("Only a submitted, anonymous screening can be linked to a child."))
    if not access.user_units(actor).filter(pk=submission.unit_id).exists():
        raise ScreeningRefused(_("You can only link a screening from a unit you work in."))
    _require_child(actor, child)
    submission.child = child
    submission.save(update_fields=["child", "updated_at"])
    _open_case(actor, submission)
    return submission


@action
def open_guardian_concern(*, actor: User, submission: Submission) -> Submission:
    """A staff member opens a self-assessment a guardian sent: from now on the contact details show."""
    submission = Submission.objects.select_for_update(no_key=True).get(pk=submission.pk)
    if submission.audience != Audience.GUARDIAN:
        raise ScreeningRefused(_("Only a guardian's self-assessment is opened this way."))
    if not access.user_units(actor).filter(pk=submission.unit_id).exists():
        raise ScreeningRefused(_("Only staff at the unit it was sent to can open it."))
    if submission.opened_at is None:
        submission.opened_at = timezone.now()
        submission.opened_by = actor
        submission.save(update_fields=["opened_at", "opened_by", "updated_at"])
    return submission


@transaction.atomic
def send_self_assessment(
    *,
    instrument: Instrument,
    unit: ServiceUnit,
    factor_ids,
    contact_name: str,
    contact_phone: str = "",
    contact_email: str = "",
    message: str = "",
) -> Submission:
    """A guardian chooses to send their self-assessment to the child's kindergarten or school (no login): a
    kindergarten for the kindergarten questions, a school for the school ones (AgeGroup.receiving_kind)."""
    if instrument.status != InstrumentStatus.PUBLISHED or instrument.audience != Audience.GUARDIAN:
        raise ScreeningRefused(_("This version of the self-assessment is not in use. Reload the page."))
    if not (contact_phone or contact_email):
        raise ScreeningRefused(_("Give a phone number or an e-mail address so that they can contact you."))
    if unit.kind != AgeGroup(instrument.age_group).receiving_kind:
        raise ScreeningRefused(_("These questions are not for the children at %(unit)s.") % {"unit": unit.name})
    factors = check_factors(instrument, factor_ids)
    submission = Submission(
        instrument=instrument,
        unit=unit,
        audience=Audience.GUARDIAN,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        seen=message,
    )
    _set_result(submission, factors)
    submission.save()
    submission.factors.add(*factors)
    return submission


@action
def draft_new_version(*, actor: User, instrument: Instrument) -> Instrument:
    """Start the next version of an instrument as an editable copy of this one."""
    if not actor.has_perm("screening.add_instrument"):
        raise ScreeningRefused(_("Only a leader can draft a new version of the screening tool."))
    versions = Instrument.objects.filter(age_group=instrument.age_group, audience=instrument.audience)
    # Locked: a second leader (or the same form sent twice) waits here and then finds the draft.
    list(versions.select_for_update().values_list("pk", flat=True))
    if versions.filter(status=InstrumentStatus.DRAFT).exists():
        raise ScreeningRefused(_("There is already a draft for this age group. Finish or edit that one."))
    latest = versions.aggregate(Max("version"))["version__max"]
    draft = Instrument.objects.create(
        age_group=instrument.age_group,
        audience=instrument.audience,
        version=latest + 1,
        status=InstrumentStatus.DRAFT,
        title=instrument.title,
        title_nn=instrument.title_nn,
        introduction=instrument.introduction,
        introduction_nn=instrument.introduction_nn,
        avklaring_threshold=instrument.avklaring_threshold,
        ressursteam_threshold=instrument.ressursteam_threshold,
        created_by=actor,
    )
    for group in instrument.groups.prefetch_related("factors"):
        new_group = FactorGroup.objects.create(
            instrument=draft, title=group.title, title_nn=group.title_nn, position=group.position
        )
        Factor.objects.bulk_create(
            Factor(
                instrument=draft,
                group=new_group,
                key=factor.key,
                kind=factor.kind,
                label=factor.label,
                label_nn=factor.label_nn,
                help_text=factor.help_text,
                help_text_nn=factor.help_text_nn,
                weight=factor.weight,
                signals_abuse=factor.signals_abuse,
                position=factor.position,
            )
            for factor in group.factors.all()
        )
    return draft


def require_draft(actor: User, instrument: Instrument) -> None:
    """Only a leader edits, and only a draft: a published version is frozen."""
    if not actor.has_perm("screening.change_instrument"):
        raise ScreeningRefused(_("Only a leader can change the screening tool."))
    if not InstrumentStatus(instrument.status).can_edit:
        raise ScreeningRefused(_("A published version never changes. Draft a new version instead."))


@action
def publish(*, actor: User, instrument: Instrument) -> Instrument:
    """Publish a draft: from now on new screenings use it, and it never changes again."""
    instrument = Instrument.objects.select_for_update(no_key=True).get(pk=instrument.pk)
    require_draft(actor, instrument)
    if not instrument.factors.exists():
        raise ScreeningRefused(_("A version without factors cannot be published."))
    instrument.status = InstrumentStatus.PUBLISHED
    instrument.published_at = timezone.now()
    instrument.published_by = actor
    instrument.save(update_fields=["status", "published_at", "published_by"])
    return instrument


def _require_child(actor: User, child: Person) -> None:
    if child.role != PersonRole.CHILD:
        raise ScreeningRefused(_("Choose a child."))
    access.require(actor, child.family, access.CHANGE)


def _set_result(submission: Submission, factors) -> None:
    result = result_of(submission.instrument, factors)
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.risk_score = result.risk_score
    submission.recommendation = result.recommendation
    submission.barnevern_warning = result.barnevern_warning


def _open_case(actor: User, submission: Submission) -> Case:
    case = case_workflow.note_concern(
        actor=actor,
        child=submission.child,
        reason_code=ReasonCode.SCREENING,
        reason_params={"recommendation": submission.recommendation, "points": submission.risk_score},
        unit=submission.unit,
    )
    Submission.objects.filter(pk=submission.pk).update(case=case)
    submission.case = case
    return case


INSTRUMENT_TEXTS = ("title", "title_nn", "introduction", "introduction_nn")
THRESHOLDS = ("avklaring_threshold", "ressursteam_threshold")
FACTOR_FIELDS = ("label", "label_nn", "help_text", "help_text_nn", "weight", "kind", "signals_abuse")
# The editor's form takes this many factors (screening.forms.FactorFormSet; settings.DATA_UPLOAD_MAX_NUMBER_FIELDS).
MAX_FACTORS = 500


def instrument_fields(instrument: Instrument) -> tuple[str, ...]:
    """What a leader edits on a draft: the texts in both languages, and the thresholds of a staff tool only."""
    return INSTRUMENT_TEXTS + THRESHOLDS if instrument.audience == Audience.STAFF else INSTRUMENT_TEXTS


@action
def edit_instrument(
    *, actor: User, instrument: Instrument, changes: dict, factor_changes: dict | None = None, removed=()
) -> Instrument:
    """Change a draft's texts, thresholds and factors (`factor_changes` by factor id), and remove factors.

    A published version is refused here, and its rows are frozen in the database as well. A guardians' tool has no
    thresholds to change: it is scored by its age group's staff tool.
    """
    instrument = Instrument.objects.select_for_update(no_key=True).get(pk=instrument.pk)
    require_draft(actor, instrument)
    fields = instrument_fields(instrument)
    for name in fields:
        if name in changes:
            setattr(instrument, name, changes[name])
    if instrument.audience == Audience.STAFF and instrument.ressursteam_threshold < instrument.avklaring_threshold:
        raise ScreeningRefused(_("The ressursteam threshold cannot be lower than the clarifying conversation's."))
    instrument.save(update_fields=list(fields))
    factor_changes, removed = factor_changes or {}, set(removed)
    factors = {factor.pk: factor for factor in instrument.factors.filter(pk__in=set(factor_changes) | removed)}
    if len(factors) != len(set(factor_changes) | removed):
        raise ScreeningRefused(_("The form does not match this version of the screening tool. Reload it."))
    changed = []
    for pk, values in factor_changes.items():
        if pk not in removed:
            for name in FACTOR_FIELDS:
                if name in values:
                    setattr(factors[pk], name, values[name])
            changed.append(factors[pk])
    Factor.objects.bulk_update(changed, FACTOR_FIELDS)
    Factor.objects.filter(pk__in=removed).delete()
    return instrument


@action
def add_factor(
    *,
    actor: User,
    group: FactorGroup,
    label: str,
    kind: str,
    label_nn: str = "",
    help_text: str = "",
    help_text_nn: str = "",
    weight: int = 1,
    signals_abuse: bool = False,
) -> Factor:
    """Add a factor at the end of a draft's group, with a new key unique in the version."""
    instrument = Instrument.objects.select_for_update(no_key=True).get(pk=group.instrument_id)
    require_draft(actor, instrument)
    if instrument.factors.count() >= MAX_FACTORS:
        raise Refused(_("A version of the tool holds at most %(max)d factors.") % {"max": MAX_FACTORS})
    last = group.factors.aggregate(Max("position"))["position__max"]
    return Factor.objects.create(
        instrument=instrument,
        group=group,
        key=_new_key(instrument, label),
        kind=kind,
        label=label,
        label_nn=label_nn,
        help_text=help_text,
        help_text_nn=help_text_nn,
        weight=weight,
        signals_abuse=signals_abuse,
        position=0 if last is None else last + 1,
    )


def _new_key(instrument: Instrument, label: str) -> str:
    from django.utils.text import slugify

    base = slugify(label.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a"})))[:50]
    base = base.replace("-", "_") or "factor"
    taken = set(instrument.factors.values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key
