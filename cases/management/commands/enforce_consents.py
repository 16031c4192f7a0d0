"""Run daily (cron or the scheduler): cases whose consent has expired step down from the ressursteam."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from cases import workflow
from cases.models import Case, Family, Level, Status

SYSTEM_USERNAME = "familielos-system"


class Command(BaseCommand):
    help = "Step down every open case at level 2 or 3 whose guardians' consent no longer covers its ressursteam."

    def handle(self, *args, **options):
        system, created = get_user_model().objects.get_or_create(
            username=SYSTEM_USERNAME,
            defaults={"first_name": "Familielos", "last_name": "(automatisk)", "is_active": False},
        )
        if created:
            system.set_unusable_password()
            system.save(update_fields=["password"])
        shared = Case.objects.filter(status=Status.OPEN, level__gte=Level.RESSURSTEAM).values("family")
        stepped = 0
        for family in Family.objects.filter(pk__in=shared):
            if workflow.enforce_consent(actor=system, family=family):
                stepped += 1
        self.stdout.write(f"{stepped} case(s) stepped down for lack of consent.")
