"""Every write to the Stafettlogg by a person. Staff holding the family's change grant post here; the family's own
logins post through their own pages. Nothing is ever edited: a correction is a new entry."""

from datetime import date

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from cases import access
from cases.models import Family
from familielos.errors import Refused
from familielos.history import action
from familieteam.models import LifeArea
from stafettlogg.models import RESPONSIBLE_MAX, TEXT_MAX, Entry, Kind, Outcome, Visibility, author_stamp

User = get_user_model()

# The kinds `post_entry` writes: those with nothing but a text.
TEXT_KINDS = (Kind.NOTE, Kind.MESSAGE, Kind.LYSGLIMT)
# The kinds the family posts from their own pages.
FAMILY_KINDS = (Kind.MESSAGE, Kind.LYSGLIMT)


def can_correct(user, entry: Entry) -> bool:
    """Only the author corrects their own entry, once (a correction can itself be corrected); the system's entries
    are corrected by the workflow's own steps, not here."""
    return entry.author_id == user.pk and entry.kind != Kind.SYSTEM and not hasattr(entry, "correction")


@action
def post_entry(*, actor: User, family: Family, kind: str, visibility: str, text: str) -> Entry:
    """A note, a message or a lysglimt."""
    access.require(actor, family, access.CHANGE)
    if kind not in TEXT_KINDS:
        raise Refused(_("Choose a note, a message or a lysglimt."))
    return _create(actor, family, kind=kind, visibility=visibility, text=text)


@action
def post_from_family(*, actor: User, kind: str, text: str) -> Entry:
    """A message to the team or a lysglimt, from a family member on the family's own pages: in their own family's
    log, for the team and the family."""
    person = access.portal_person(actor)
    if person is None:
        raise Refused(_("Only a guardian or a young person with their own login can write here."))
    if kind not in FAMILY_KINDS:
        raise Refused(_("Choose a message or a lysglimt."))
    return _create(actor, person.family, kind=kind, visibility=Visibility.TEAM_AND_FAMILY, text=text)


@action
def post_measure(
    *,
    actor: User,
    family: Family,
    visibility: str,
    text: str,
    responsible: str,
    starts_on: date,
    evaluate_by: date,
    life_area: LifeArea | None = None,
) -> Entry:
    """A measure (tiltak): what, who is responsible, from when and when it is evaluated."""
    access.require(actor, family, access.CHANGE)
    fields = _measure_fields(responsible, starts_on, evaluate_by, life_area)
    return _create(actor, family, kind=Kind.MEASURE, visibility=visibility, text=text, **fields)


@action
def evaluate_measure(
    *, actor: User, family: Family, measure: Entry, outcome: str, visibility: str, text: str, next_steps: str = ""
) -> Entry:
    """How a measure of this family went, and what comes next."""
    access.require(actor, family, access.CHANGE)
    _check_measure(family, measure)
    if visibility == Visibility.TEAM_AND_FAMILY and measure.visibility != Visibility.TEAM_AND_FAMILY:
        # The evaluation shows its measure: it reaches no reader the measure does not.
        raise Refused(_("The measure is for the team only, so its evaluation is too."))
    if outcome not in Outcome.values:
        raise Refused(_("Choose how the measure went."))
    _check_text(next_steps, required=False)
    return _create(
        actor,
        family,
        kind=Kind.EVALUATION,
        visibility=visibility,
        text=text,
        measure=measure,
        outcome=outcome,
        next_steps=next_steps,
    )


@action
def correct_entry(*, actor: User, entry: Entry, text: str) -> Entry:
    """Put an entry right with a new one of the same kind that points at it; both stay. The correction keeps the
    original's readers and its measure fields (a measure with other dates is a new measure)."""
    family = entry.family
    access.require(actor, family, access.CHANGE)
    # Two corrections of one entry at once: the second waits, then finds the first (a lock, not an UPDATE).
    entry = Entry.objects.select_for_update(no_key=True, of=("self",)).get(pk=entry.pk)
    entry = Entry.objects.select_related("correction").get(pk=entry.pk)
    if hasattr(entry, "correction"):
        raise Refused(_("This entry is already corrected: correct the correction instead."))
    if not can_correct(actor, entry):
        raise Refused(_("Only the person who wrote an entry can correct it."))
    if text.strip() == entry.text.strip():
        raise Refused(_("The correction is the same as the entry. Change the text, or leave the entry as it is."))
    copied = {
        field: getattr(entry, field)
        for field in ("life_area_id", "responsible", "starts_on", "evaluate_by", "measure_id", "outcome", "next_steps")
    }
    return _create(actor, family, kind=entry.kind, visibility=entry.visibility, text=text, corrects=entry, **copied)


def _create(actor, family: Family, *, kind: str, visibility: str, text: str, **fields) -> Entry:
    if visibility not in Visibility.values:
        raise Refused(_("Choose who can read the entry."))
    _check_text(text, required=True)
    return Entry.objects.create(
        family=family, author=actor, kind=kind, visibility=visibility, text=text, **author_stamp(actor), **fields
    )


def _check_text(text: str, *, required: bool) -> None:
    if required and not text.strip():
        raise Refused(_("Write the text of the entry."))
    if len(text) > TEXT_MAX:
        raise Refused(_("Keep the text within %(max)s characters.") % {"max": TEXT_MAX})


def _measure_fields(responsible: str, starts_on, evaluate_by, life_area) -> dict:
    if not responsible.strip() or len(responsible) > RESPONSIBLE_MAX:
        raise Refused(_("Name who is responsible for the measure."))
    if starts_on is None or evaluate_by is None:
        raise Refused(_("A measure needs a start date and an evaluation date."))
    if evaluate_by < starts_on:
        raise Refused(_("The evaluation date cannot be before the start."))
    if life_area is not None and not life_area.active:
        raise Refused(_("That life area is no longer in use."))
    return {"responsible": responsible, "starts_on": starts_on, "evaluate_by": evaluate_by, "life_area": life_area}


def _check_measure(family: Family, measure: Entry) -> None:
    if measure.family_id != family.pk or measure.kind != Kind.MEASURE:
        raise Refused(_("An evaluation must point at a measure in this family's log."))
