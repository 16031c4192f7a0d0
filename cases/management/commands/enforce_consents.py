"""The daily consent check, run now and here: the same task `manage.py daily_jobs` enqueues for the worker, for an
operator who wants it done at once and to see what it did."""

from django.core.management.base import BaseCommand

from cases import tasks


class Command(BaseCommand):
    help = "Step down every open case at level 2 or 3 whose guardians' consent no longer covers its ressursteam."

    def handle(self, *args, **options):
        stepped = tasks.enforce_consents.call()
        self.stdout.write(f"{stepped} case(s) stepped down for lack of consent.")
