from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _forget_permission_ids(**kwargs):
    """A migrate or flush may recreate the permission rows with new ids: look them up again."""
    from cases import access

    access.permission_id.cache_clear()


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Families and cases")

    def ready(self):
        post_migrate.connect(_forget_permission_ids, dispatch_uid="cases_forget_permission_ids")
