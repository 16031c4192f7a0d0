"""The familielos app's daily job (docs/operations.md): `manage.py daily_jobs` enqueues it and the worker runs it."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from familielos.models import SentForm

# A form is sent twice within seconds (a double click, a retry): a day covers it many times over.
SENT_FORMS_KEPT = timedelta(days=1)


@task(priority=0)
def forget_sent_forms() -> int:
    """Delete what familielos.once remembers of forms sent more than a day ago; returns how many."""
    deleted, _per_model = SentForm.objects.filter(sent_at__lt=timezone.now() - SENT_FORMS_KEPT).delete()
    return deleted
