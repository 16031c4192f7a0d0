"""The cases app's daily job, as a task of Django's task framework: `manage.py daily_jobs` enqueues it once a day
and the worker (`manage.py db_worker`) runs it (docs/operations.md); `manage.py enforce_consents` runs it at once.
Safe to run twice: it changes only what still needs changing."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.tasks import task
from django.utils import timezone

from cases import workflow
from cases.models import Case, Consent, Family, FamilyGroupObjectPermission, FamilyUserObjectPermission, Level, Status

# The user the system's own changes are made as (a case stepped down for lack of consent).
SYSTEM_USERNAME = "familielos-system"
# How far back a consent's first day makes the job look at a family again, for the days it did not run.
CATCH_UP = timedelta(days=7)


@task(priority=10)
def enforce_consents() -> int:
    """Step down every open case at level 2 or 3 whose guardians' consent no longer covers its ressursteam (or the
    familielos's service), and set a closed case's kept access as far as its consent reaches (access.kept_level),
    ended or begun again; returns how many stepped down. Before the reminders (a higher priority), so that nobody is
    reminded of a family they have just lost access to."""
    system, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "Familielos", "last_name": "(automatisk)", "is_active": False},
    )
    if created:
        system.set_unusable_password()
        system.save(update_fields=["password"])
    shared = Case.objects.filter(status=Status.OPEN, level__gte=Level.RESSURSTEAM).values("family")
    # A family with an open case holds that case's grants; one without keeps a closed case's team's or familielos's
    # grants as far as the consent reaches: only the families that still hold such a grant need a look.
    families_with_open_case = Case.objects.filter(status=Status.OPEN).values("family")
    familielos_granted = FamilyUserObjectPermission.objects.filter(
        content_object=OuterRef("family"), user=OuterRef("familielos")
    )
    # And those whose consent has just begun (recorded ahead of its first day): it may give a kept access back.
    consent_begins = Consent.objects.filter(
        family=OuterRef("family"), valid_from__range=(timezone.localdate() - CATCH_UP, timezone.localdate())
    )
    kept = (
        Case.objects.filter(status=Status.CLOSED, closed_from_level__gte=Level.RESSURSTEAM)
        .exclude(family__in=families_with_open_case)
        .filter(
            Q(family__in=FamilyGroupObjectPermission.objects.values("content_object"))
            | Exists(familielos_granted)
            | Exists(consent_begins)
        )
        .values("family")
    )
    stepped = 0
    for family in Family.objects.filter(Q(pk__in=shared) | Q(pk__in=kept)):
        if workflow.enforce_consent(actor=system, family=family):
            stepped += 1
    return stepped
