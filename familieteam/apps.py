from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilieteamConfig(AppConfig):
    name = "familieteam"
    verbose_name = _("Familieteam")
