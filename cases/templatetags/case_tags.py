from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from cases import pilot_figures
from cases.models import Level

register = template.Library()


@register.filter
def level_label(value):
    """The display name of a BTI level number."""
    if value is None or value == "":
        return ""
    return Level(int(value)).label


@register.simple_tag
def level_badge(level, status, label):
    """A case's level as a badge ("No case" without one); a tag, not an include, as list pages show one per row."""
    if level is None or level == "":
        return format_html('<span class="badge">{}</span>', gettext("No case"))
    closed = format_html("{} · ", gettext("Closed")) if status == "closed" else ""
    return format_html('<span class="badge badge-level-{}">{}{}</span>', level, closed, label)


@register.filter
def figure(value):
    """A count of the pilot's figures (cases.pilot_figures.Figure) as shown: rounded, or "fewer than …" for one that
    could point at a family."""
    if value.shown:
        return value.rounded
    return gettext("fewer than %(smallest)d") % {"smallest": pilot_figures.SMALLEST_SHOWN}
