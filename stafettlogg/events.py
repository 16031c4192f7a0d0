"""What the workflow writes in the Stafettlogg besides level changes: an event code with its parameters, worded in
the reader's language when shown, so a change of wording or language reaches every entry already written."""

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teams.models import Outcome


class Event(models.TextChoices):
    REFERRAL_SENT = "referral_sent", gettext_lazy("Referral sent")
    """A named referral went to the ressursteam (params: team)."""
    REFERRAL_DECIDED = "referral_decided", gettext_lazy("Referral decided")
    """The ressursteam decided on the referral (params: team, outcome, a teams.models.Outcome value)."""
    MEETING_HELD = "meeting_held", gettext_lazy("Familieteam meeting held")
    """The familielos finished a familieteam meeting (params: when, its start as ISO 8601)."""
    ACTION_POINT_DONE = "action_point_done", gettext_lazy("Action point done")
    """An action point, of a meeting or a clarifying conversation, was ticked done (params: what)."""
    BATON_ACCEPTED = "baton_accepted", gettext_lazy("Baton handed over")
    """The person asked accepted the handover and holds the baton now (params: name)."""


# What the family reads in its own log: what happened with them (a meeting they sat in, a point done, who their
# contact is now). Referrals and decisions stay the team's: their wording can carry what the family has not been told.
FAMILY_EVENTS = frozenset({Event.MEETING_HELD, Event.ACTION_POINT_DONE, Event.BATON_ACCEPTED})

EVENT_TEXTS = {
    Event.REFERRAL_SENT: gettext_lazy("Referral sent to %(team)s."),
    Event.REFERRAL_DECIDED: gettext_lazy("%(team)s decided: %(outcome)s."),
    Event.MEETING_HELD: gettext_lazy("Familieteam meeting of %(when)s held."),
    Event.ACTION_POINT_DONE: gettext_lazy("Action point done: %(what)s"),
    Event.BATON_ACCEPTED: gettext_lazy("The baton passed to %(name)s."),
}


# The family's own words for an event, where its pages say it otherwise: they call action points tasks.
FAMILY_EVENT_TEXTS = {
    Event.ACTION_POINT_DONE: gettext_lazy("Task done: %(what)s"),
}


def event_text(event: str, params: dict, *, for_family: bool = False) -> str:
    """An event worded in the active language (`for_family`: as the family's pages word it), its moments in local
    time. A code or parameters this version does not know (an entry written by a later one) read as a neutral
    "System entry" rather than breaking the log."""
    texts = {**EVENT_TEXTS, **FAMILY_EVENT_TEXTS} if for_family else EVENT_TEXTS
    values = dict(params)
    try:
        if "outcome" in values:
            values["outcome"] = Outcome(values["outcome"]).label
        if "when" in values:
            values["when"] = timezone.localtime(datetime.fromisoformat(values["when"])).strftime("%d.%m.%Y %H:%M")
        return str(texts[event] % values)
    except (KeyError, ValueError, TypeError):
        return _("System entry")
