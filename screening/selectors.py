"""Reads for the screening pages, with their joins, so no page's queries grow with the data."""

from django.db.models import Count, Prefetch, QuerySet

from cases import access
from cases.models import Person, PersonRole
from familielos.models import ServiceKind, ServiceUnit
from screening.models import AgeGroup, Audience, Factor, FactorGroup, Instrument, Submission, SubmissionStatus


def submission_list(user) -> QuerySet:
    """The user's drafts and their units' submitted screenings, newest first.

    Guardians' self-assessments sent to the unit are left out: they have their own inbox.
    """
    return (
        access.visible_submissions(user)
        .filter(audience=Audience.STAFF)
        .select_related("instrument", "unit", "child", "created_by")
        .order_by("-updated_at", "-pk")
    )


def changeable_children(user) -> QuerySet[Person]:
    """Children in the families the user may change: the ones a screening can be named to."""
    return (
        Person.objects.filter(role=PersonRole.CHILD, family__in=access.visible_families(user, access.CHANGE))
        .select_related("family")
        .order_by("family__name", "first_name", "pk")
    )


def factor_groups(instrument: Instrument) -> list[FactorGroup]:
    """The instrument's groups in order, each with its factors: two queries however many factors there are."""
    factors = Factor.objects.order_by("position", "pk")
    return list(instrument.groups.prefetch_related(Prefetch("factors", queryset=factors)).order_by("position", "pk"))


def ticked_factors(submission) -> QuerySet[Factor]:
    return submission.factors.select_related("group").order_by("group__position", "position", "pk")


def barnevern_units() -> QuerySet[ServiceUnit]:
    """Where the duty to report goes: the municipality's barnevern units and their contact."""
    return ServiceUnit.objects.filter(kind=ServiceKind.BARNEVERN).only("name", "contact")


def instrument_versions() -> QuerySet[Instrument]:
    """Every version of every instrument, per audience and age group, with how many screenings used it."""
    return Instrument.objects.annotate(submission_count=Count("submissions")).order_by(
        "audience", "age_group", "-version"
    )


def editable_factors(instrument: Instrument) -> QuerySet[Factor]:
    return instrument.factors.select_related("group").order_by("group__position", "group__pk", "position", "pk")


def guardian_inbox(user) -> QuerySet[Submission]:
    """Self-assessments guardians sent to a unit the user works in; another unit's are not there (404)."""
    return Submission.objects.filter(
        audience=Audience.GUARDIAN, status=SubmissionStatus.SUBMITTED, unit__in=access.user_units(user)
    ).select_related("instrument", "unit", "opened_by")


def opened_concerns(user) -> QuerySet[Submission]:
    """The inbox's concerns someone has opened: only those can start a screening or a family's registration."""
    return guardian_inbox(user).filter(opened_at__isnull=False)


def receiving_units(age_group: str) -> QuerySet[ServiceUnit]:
    """The units a guardian's self-assessment for `age_group` can be sent to (AgeGroup.receiving_kind), by name."""
    return ServiceUnit.objects.filter(kind=AgeGroup(age_group).receiving_kind).order_by("name", "pk")
