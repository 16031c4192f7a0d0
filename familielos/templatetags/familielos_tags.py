from django import template
from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from familielos import http, once, roles

register = template.Library()


@register.filter
def role_label(value):
    """The display name of a role group's code, as the audit log stores it."""
    return roles.LABELS.get(value, value)


# What an access event names, by the object type the audit log stores.
AUDITED_OBJECTS = {
    "family": _("Family"),
    "family_list": _("Family list"),
    "overview": _("Overview"),
    "audit": _("Audit trail"),
    "case": _("Case"),
    "consent": _("Consent"),
    "person": _("Person"),
    "submission": _("Screening"),
    "screening_list": _("Screening list"),
    "child_choices": _("Child list in a screening"),
    "avklaringssamtale": _("Clarifying conversation"),
    "referral": _("Referral"),
    "referral_list": _("Referral list"),
    "meeting": _("Ressursteam meeting"),
    "meeting_agenda": _("Meeting agenda"),
    "minutes": _("Minutes"),
    "decision": _("Decision"),
    "ressursteam": _("Ressursteam page"),
    "familieteam": _("Familieteam"),
    "familieteammember": _("Familieteam member"),
    "familieteammeeting": _("Familieteam meeting"),
    "canvascell": _("Samtaleduk 2"),
    "evaluation": _("Evaluation"),
    "actionpoint": _("Action point"),
    "action_points": _("Action points"),
    "stafettlogg": _("Stafettlogg"),
    "stafettlogg_team": _("Stafettlogg (the team's own entries)"),
    "entry": _("Log entry"),
    "baton": _("The baton"),
    "handover": _("Baton handover"),
    "plan": _("Plan"),
    "export": _("Everything about us"),
}


@register.filter
def audited_object(value):
    return AUDITED_OBJECTS.get(value, value)


@register.filter
def break_after_slashes(value):
    """The text escaped, with a line break allowed after each slash: in a narrow column "Skole/barnehage" wraps after
    the slash, not inside a word (a browser does not break there by itself)."""
    # Escaped first (no entity holds a slash), so the only markup in the result is the <wbr> added here.
    return mark_safe(escape(value).replace("/", "/<wbr>"))


@register.simple_tag
def still_here_every() -> int:
    """At most how often, in seconds, a page worked in says so (static/js/still_here.js): a sixth of the idle expiry,
    five minutes of thirty; never more often than every second (a test's idle expiry of a few seconds)."""
    return max(1, settings.SESSION_COOKIE_AGE // 6)


@register.simple_tag
def once_token():
    """The hidden one-time token of a form that must do its work once however often it is sent (familielos.once)."""
    return format_html('<input type="hidden" name="{}" value="{}">', once.TOKEN_NAME, once.new_token())


@register.simple_tag(takes_context=True)
def return_path(context) -> str:
    """Where the language switch, or a sign-in from the page, returns to: this page, or on the answer to a sent form
    (an address that may take only posts) the page the form was on."""
    request = context["request"]
    if request.method == "GET":
        return request.get_full_path()
    return http.same_site_referer_path(request) or request.path
