from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StafettloggConfig(AppConfig):
    name = "stafettlogg"
    verbose_name = _("Stafettlogg")
