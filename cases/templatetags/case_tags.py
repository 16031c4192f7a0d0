from django import template

from cases.models import Level

register = template.Library()


@register.filter
def level_label(value):
    """The display name of a BTI level number."""
    if value is None or value == "":
        return ""
    return Level(int(value)).label
