"""How form widgets are rendered."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(Jinja2):
    """Widgets through Jinja2, with Django's own widget templates (django/forms/jinja2): the same markup at a
    fraction of the Django template engine's cost, which was half the time of the pages with many inputs (the
    triage board, the canvas). A widget that ships only a Django template (the admin's, django.contrib.auth's) is
    rendered with the Django template engine, as before."""

    @cached_property
    def _django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django_templates.get_template(template_name)
