from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class FamilielosConfig(AppConfig):
    name = "familielos"
    verbose_name = _("Organisation and audit")

    def ready(self):
        from django.db.models import fields

        from familielos import roles

        # Django 6.1's empty choice label has no Norwegian translation of its own; this one is in ours.
        fields.BLANK_CHOICE_LABEL = _("Choose …")

        # Permissions exist only after every app has migrated, so roles are synced after migrate.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="familielos.sync_roles")
