"""Level 2: the ressursteam's members, referrals, meetings and decisions, as one function per change.

Each action takes the acting user, checks its `can_*` rule (which pages call too, to offer only what the person
may do), locks what it changes, and moves the case through cases.workflow, which writes the history, the
Stafettlogg entry and the grants. A named referral needs the guardians' consent to every service in the team; an
anonymous discussion case (drøftingssak) holds only text and never touches a case or a grant.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, models, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases import access, consents
from cases import workflow as case_workflow
from cases.models import Case, ChangeKind, Level, ReasonCode, Status
from familielos import roles
from familielos.errors import Refused
from familielos.history import action
from familielos.models import ServiceUnit
from stafettlogg.models import Entry, Event
from teams.models import (
    WAITING,
    AgendaItem,
    Decision,
    FamilielosCapacity,
    Meeting,
    Outcome,
    Referral,
    ReferralStatus,
    Ressursteam,
    TeamMember,
    TeamRole,
    Urgency,
)

User = get_user_model()

REFERRAL_TEXTS = ("question", "tried", "child_view", "guardian_view", "urgency")


class DecisionTaken(Refused):
    """A decision on this item was recorded first; `decision` is the one that stands. Said as the actor's own when
    they recorded it (in another window)."""

    def __init__(self, decision: Decision, actor: User):
        self.decision = decision
        if decision.decided_by_id == actor.pk:
            text = _("You recorded a decision on this referral first, in another window. Nothing was overwritten.")
        else:
            text = _("Another member recorded a decision on this referral first. Nothing was overwritten.")
        super().__init__(text)


def refuse_if_decided(item: AgendaItem, actor: User) -> None:
    """Raises DecisionTaken when a decision on `item` is recorded: a form sent after it is told so, whatever it
    holds."""
    if (existing := Decision.objects.filter(item=item).first()) is not None:
        raise DecisionTaken(existing, actor)


# Who may do what ------------------------------------------------------------------------------------------------


def team_role(user, team: Ressursteam) -> TeamRole | None:
    if not user.is_authenticated:
        return None
    role = TeamMember.objects.filter(team=team, user=user).values_list("role", flat=True).first()
    return TeamRole(role) if role else None


def can_plan_meetings(user, team: Ressursteam) -> bool:
    """A team leader or secretary creates meetings and sets their agenda."""
    return role_plans_meetings(team_role(user, team))


def role_plans_meetings(role: str | None) -> bool:
    """Whether a member in this team role (None: not a member) creates meetings and sets their agenda."""
    return role is not None and TeamRole(role).can_plan_meetings


def decisions_open(meeting: Meeting) -> bool:
    """Whether the team may record decisions in the meeting: once it has begun (decide's guard; the board offers
    its decision forms by it)."""
    return meeting.has_begun()


def can_decide(user, team: Ressursteam) -> bool:
    """Every member of the team takes part in its decisions."""
    return team_role(user, team) is not None


def can_refer(user, case: Case) -> bool:
    """Whoever may take the case's step to level 2 writes its referral."""
    return case_workflow.can_take_step(case_workflow.RESSURSTEAM, actor=user, case=case)


def can_refer_anonymously(user) -> bool:
    """Unit staff may ask a team for advice on a case they cannot share (no consent)."""
    return user.has_perm("teams.add_referral") and access.user_units(user).exists()


def can_change_referral(user, referral: Referral) -> bool:
    """The sender keeps their referral: edits a draft, sends it, answers the team, withdraws it."""
    return referral.sender_id == user.pk


def can_set_capacity(user) -> bool:
    return user.has_perm("teams.change_familieloscapacity")


# Team membership ------------------------------------------------------------------------------------------------


# Said by the workflow and by the team's admin page, which refuses the row before it gets here.
NOT_ONESELF = gettext_lazy("Nobody can add themselves to a team: membership opens the team's families.")


@action
def add_team_member(*, actor: User, team: Ressursteam, user: User, role: TeamRole = TeamRole.MEMBER) -> TeamMember:
    """Put a person in the team with a role; they hold the team's family grants through its group at once."""
    if not actor.has_perm("teams.change_ressursteam"):
        raise Refused(_("Only an administrator can change a team's members."))
    if user == actor:
        raise Refused(NOT_ONESELF)
    member, _created = TeamMember.objects.update_or_create(team=team, user=user, defaults={"role": role})
    # The team's group holds its family grants; the role gives the team pages and the menu to whoever is in a team.
    user.groups.add(team.group, Group.objects.get(name=roles.RESSURSTEAM_MEMBER))
    return member


@action
def remove_team_member(*, actor: User, member: TeamMember) -> None:
    """Take a person out of the team: they lose the team's family grants at once."""
    if not actor.has_perm("teams.change_ressursteam"):
        raise Refused(_("Only an administrator can change a team's members."))
    member.user.groups.remove(member.team.group)
    member.delete()


# Referrals ------------------------------------------------------------------------------------------------------


@action
def create_referral(
    *, actor: User, team: Ressursteam, case: Case | None = None, unit: ServiceUnit | None = None, **texts
) -> Referral:
    """A draft referral: for the family's case, or anonymous (no case) when there is no consent to share."""
    if case is not None:
        if not can_refer(actor, case):
            raise Refused(case_workflow.step_refusal(case_workflow.RESSURSTEAM, actor=actor, case=case))
        screening, samtale = latest_attachments(case, actor)
        unit = unit or case.opened_unit
    else:
        if not can_refer_anonymously(actor):
            raise Refused(_("Only staff in a kindergarten, school or health station can ask a team anonymously."))
        if unit is None or not access.user_units(actor).filter(pk=unit.pk).exists():
            raise Refused(_("Choose a unit you work in."))
        screening = samtale = None
    return Referral.objects.create(
        team=team,
        case=case,
        unit=unit,
        sender=actor,
        screening=screening,
        samtale=samtale,
        **_texts(texts),
    )


@action
def update_referral(*, actor: User, referral: Referral, version: int, **texts) -> Referral:
    """Change a draft; a save over a newer one (another tab) is refused so nothing is lost."""
    referral = _lock_referral(referral, actor)
    if referral.status != ReferralStatus.DRAFT:
        raise Refused(_("Only a draft can be changed. Answer the team's question or withdraw it instead."))
    if referral.version != version:
        raise Refused(_("This referral was saved in another window while you were writing. Reload it first."))
    for name, value in _texts(texts).items():
        setattr(referral, name, value)
    referral.version += 1
    referral.save()
    return referral


def send_refusal(actor: User, referral: Referral, *, consent_complete: bool | None = None) -> str:
    """Why `actor` may not send the referral now ("" if they may), by send_referral's own checks, for the pages to
    offer it only then: the sender's draft, of a case the actor may refer, whose guardians consent to every service in
    the team. A page that has read the consent passes `consent_complete`."""
    if not can_change_referral(actor, referral) or referral.status == ReferralStatus.WITHDRAWN:
        return _("This referral cannot be sent.")
    if not ReferralStatus(referral.status).can_send:
        return _("This referral has already been sent.")
    if referral.case is None:
        return ""
    if refusal := case_workflow.step_refusal(case_workflow.RESSURSTEAM, actor=actor, case=referral.case):
        return refusal
    if consent_complete is None:
        consent_complete = consents.covers(referral.case.family, referral.team.units.all())
    if not consent_complete:
        return _(
            "Until the guardians' consent covers every service in the team, the referral cannot be sent with the "
            "family's name. Without consent, ask the team anonymously instead."
        )
    return ""


@action
def send_referral(*, actor: User, referral: Referral) -> Referral:
    """Send a draft to the team. A named one moves the case to level 2 (consent to every service in the team is
    checked there) and the team gets access; an anonymous one shares only its text."""
    referral = _lock_referral(referral, actor)
    if referral.status == ReferralStatus.WITHDRAWN:
        raise Refused(_("This referral was withdrawn, so it can no longer be sent. Write a new one if it is needed."))
    if not ReferralStatus(referral.status).can_send:
        raise Refused(_("This referral has already been sent."))
    if not referral.question.strip():
        raise Refused(_("Write the question to the team."))
    if referral.case is not None:
        case_workflow.refer_to_ressursteam(
            actor=actor, case=referral.case, team=referral.team, reason=referral.question
        )
        Entry.objects.create_event(
            family_id=referral.case.family_id,
            actor=actor,
            event=Event.REFERRAL_SENT,
            params={"team": referral.team.name},
        )
    referral.status = ReferralStatus.SENT
    referral.sent_at = referral.waiting_since = timezone.now()
    referral.version += 1
    referral.save()
    return referral


@action
def answer_referral(*, actor: User, referral: Referral, answer: str) -> Referral:
    """The sender answers the team's question: the referral waits for the next meeting again."""
    referral = _lock_referral(referral, actor)
    waiting_again = referral.status in (ReferralStatus.SENT, ReferralStatus.ON_AGENDA)
    if waiting_again and referral.answer and referral.answer == answer.strip():
        raise Refused(_("This answer is sent already: the referral waits for the team again."))
    if referral.status != ReferralStatus.RETURNED:
        raise Refused(_("The team has not asked a question about this referral."))
    if not answer.strip():
        raise Refused(_("Write your answer to the team's question."))
    referral.answer = answer.strip()
    referral.status = ReferralStatus.SENT
    referral.waiting_since = timezone.now()
    referral.version += 1
    referral.save()
    if referral.case is not None:
        _history(actor, referral.case, ReasonCode.REFERRAL_ANSWERED, team=referral.team.name)
    return referral


@action
def withdraw_referral(*, actor: User, referral: Referral) -> Referral:
    """The sender takes the referral back before a decision: it leaves every agenda, and a named case goes back to
    level 1, so the team loses access."""
    referral = _lock_referral(referral, actor)
    if not ReferralStatus(referral.status).can_withdraw:
        raise Refused(_("A decided or withdrawn referral cannot be withdrawn."))
    was_sent = referral.status != ReferralStatus.DRAFT
    AgendaItem.objects.filter(referral=referral, decision__isnull=True).delete()
    referral.status = ReferralStatus.WITHDRAWN
    referral.version += 1
    referral.save()
    case = referral.case
    if was_sent and case is not None:
        case_workflow.return_from_ressursteam(actor=actor, case=case, team=referral.team)
    return referral


def waiting_referrals(team: Ressursteam) -> QuerySet[Referral]:
    """The team's referrals that wait for a decision (or for the sender's answer), urgent first, then oldest."""
    urgent_first = models.Case(models.When(urgency=Urgency.URGENT, then=0), default=1)
    return (
        Referral.objects.filter(team=team, status__in=WAITING)
        .annotate(urgent_first=urgent_first)
        .order_by("urgent_first", "sent_at", "pk")
    )


# Meetings and the agenda ----------------------------------------------------------------------------------------


def sent_in_time_for(meeting: Meeting) -> models.Q:
    """The referrals a meeting can take: those waiting (sent, or answered after the team's question) on or before
    its day. A meeting recorded afterwards does not decide a referral that was sent, or answered, after it was held."""
    return models.Q(waiting_since__date__lte=timezone.localdate(meeting.starts_at))


@action
def create_meeting(*, actor: User, team: Ressursteam, starts_at, place: str = "") -> Meeting:
    """Plan a meeting; its agenda proposes every sent referral not yet on an agenda, urgent first, then oldest."""
    if not can_plan_meetings(actor, team):
        raise Refused(_("Only the team's leader or secretary can plan meetings."))
    _lock_team(team)
    _refuse_a_double_booking(team, starts_at)
    meeting = Meeting.objects.create(team=team, starts_at=starts_at, place=place, created_by=actor)
    # Locked, so a referral withdrawn or put on another agenda meanwhile is not proposed here too.
    proposed = list(
        waiting_referrals(team)
        .filter(sent_in_time_for(meeting), status=ReferralStatus.SENT)
        .select_for_update(no_key=True)
    )
    for position, referral in enumerate(proposed, start=1):
        AgendaItem.objects.create(meeting=meeting, referral=referral, position=position)
    Referral.objects.filter(pk__in=[referral.pk for referral in proposed]).update(status=ReferralStatus.ON_AGENDA)
    meeting.present.add(*User.objects.filter(team_memberships__team=team, is_active=True).values_list("pk", flat=True))
    return meeting


def gone_from_agenda() -> str:
    """What a person is told who acts on an agenda item that has gone meanwhile."""
    return _("This referral was withdrawn or taken off the agenda meanwhile.")


def meeting_move_refusal(
    actor: User, meeting: Meeting, *, plans_meetings: bool | None = None, has_decisions: bool | None = None
) -> str:
    """Why `actor` may not move or cancel the meeting ("" if they may): a leader or secretary may, until the team
    has recorded a decision in it (the minutes keep its day). A caller that has read the facts already (the triage
    board has the viewer's role and the cards) passes them; the rest is read here."""
    if plans_meetings is None:
        plans_meetings = can_plan_meetings(actor, meeting.team)
    if not plans_meetings:
        return _("Only the team's leader or secretary can move or cancel meetings.")
    if has_decisions is None:
        has_decisions = Decision.objects.filter(item__meeting=meeting).exists()
    if has_decisions:
        return _("The team has recorded decisions in this meeting, so it stays as it is in the minutes.")
    return ""


@action
def reschedule_meeting(*, actor: User, meeting: Meeting, starts_at, place: str = "") -> Meeting:
    """Move a meeting without decisions to another time or place, with its agenda: unless a referral on the agenda
    was sent (or answered) after the new day, which a meeting on that day cannot take."""
    meeting = _locked_meeting_to_move(actor, meeting)
    _lock_team(meeting.team)
    _refuse_a_double_booking(meeting.team, starts_at, moving=meeting)
    # Set before the agenda is checked against it: sent_in_time_for reads the meeting's new day.
    meeting.starts_at, meeting.place = starts_at, place
    late = meeting.items.exclude(referral__in=Referral.objects.filter(sent_in_time_for(meeting))).count()
    if late:
        text = ngettext(
            "%(count)s referral on the agenda was sent after that day: take it off the agenda, or choose a later day.",
            "%(count)s referrals on the agenda were sent after that day: take them off the agenda, or choose a later "
            "day.",
            late,
        )
        raise Refused(text % {"count": late})
    meeting.save(update_fields=["starts_at", "place"])
    return meeting


@action
def cancel_meeting(*, actor: User, meeting: Meeting) -> list[Referral]:
    """Cancel a meeting without decisions: the referrals on its agenda wait for another meeting, as before it was
    planned. Returns those referrals."""
    meeting = _locked_meeting_to_move(actor, meeting)
    # The referrals before their agenda items, as withdrawing a referral takes them, so the two never deadlock.
    referrals = list(
        Referral.objects.select_for_update(no_key=True, of=("self",))
        .filter(agenda_items__meeting=meeting, status=ReferralStatus.ON_AGENDA)
        .select_related("case")
        .order_by("pk")
    )
    meeting.delete()
    Referral.objects.filter(pk__in=[referral.pk for referral in referrals], status=ReferralStatus.ON_AGENDA).update(
        status=ReferralStatus.SENT, updated_at=timezone.now()
    )
    return referrals


@action
def add_to_agenda(*, actor: User, meeting: Meeting, referral: Referral) -> AgendaItem:
    """Put a waiting referral last on the agenda."""
    meeting = _lock_meeting(meeting, actor)
    referral = Referral.objects.select_for_update(no_key=True).get(pk=referral.pk)
    if referral.team_id != meeting.team_id or referral.status != ReferralStatus.SENT:
        raise Refused(_("Only a referral sent to this team and not on an agenda can be added."))
    if not Referral.objects.filter(sent_in_time_for(meeting), pk=referral.pk).exists():
        raise Refused(_("This referral was sent or answered after the day of the meeting: put it on a later meeting."))
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem.objects.create(meeting=meeting, referral=referral, position=last + 1)
    referral.status = ReferralStatus.ON_AGENDA
    referral.save(update_fields=["status", "updated_at"])
    return item


@action
def remove_from_agenda(*, actor: User, item: AgendaItem) -> None:
    """Take an undecided referral off the agenda; it waits for another meeting."""
    _lock_meeting(item.meeting, actor)
    # The referral before its agenda item, as withdrawing it takes them, so the two never deadlock.
    referral = Referral.objects.select_for_update(no_key=True).get(pk=item.referral_id)
    item = AgendaItem.objects.select_for_update(no_key=True).filter(pk=item.pk).first()
    if item is None:
        raise Refused(gone_from_agenda())
    if Decision.objects.filter(item=item).exists():
        raise Refused(_("A decided referral stays in the minutes."))
    item.delete()
    if referral.status == ReferralStatus.ON_AGENDA:
        referral.status = ReferralStatus.SENT
        referral.save(update_fields=["status", "updated_at"])


@action
def move_agenda_item(*, actor: User, item: AgendaItem, offset: int) -> None:
    """Move an item one place up (-1) or down (+1) on the agenda."""
    meeting = _lock_meeting(item.meeting, actor)
    # Locked, so an item withdrawn meanwhile is gone from the list rather than saved after it was deleted.
    items = list(meeting.items.select_for_update(no_key=True).order_by("position", "pk"))
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    if index is None:
        raise Refused(gone_from_agenda())
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])


@action
def set_present(*, actor: User, meeting: Meeting, users) -> Meeting:
    """Who came: only members of the team can be recorded as present."""
    meeting = _lock_meeting(meeting, actor)
    members = User.objects.filter(team_memberships__team=meeting.team)
    meeting.present.set(members.filter(pk__in=[user.pk for user in users]))
    return meeting


# Decisions ------------------------------------------------------------------------------------------------------


@action
def decide(
    *,
    actor: User,
    item: AgendaItem,
    outcome: Outcome,
    reasons: str,
    recommendations: str = "",
    follow_up=None,
    service: ServiceUnit | None = None,
    closes_case: bool = False,
    familielos: User | None = None,
    question: str = "",
) -> Decision:
    """Record the team's one decision on an agenda item, with reasons, and carry it out on the case, once the meeting
    has begun.

    The first member to save wins; a second raises DecisionTaken with the decision that stands.
    """
    # The meeting first, as it is as this decision is recorded: moving or cancelling it waits for the decision, and
    # a decision waits for those (and then sees the meeting moved ahead, or gone).
    meeting = Meeting.objects.select_for_update(no_key=True).select_related("team").filter(pk=item.meeting_id).first()
    if meeting is None:
        raise Refused(_("The meeting was cancelled meanwhile: its referrals wait for another meeting."))
    if not can_decide(actor, meeting.team):
        raise Refused(_("Only a member of the team can record its decisions."))
    if not decisions_open(meeting):
        raise Refused(_("The meeting has not begun yet. Its decisions are recorded once it has begun."))
    if not reasons.strip():
        raise Refused(_("Write the team's reasons for the decision."))
    # Then the same order as every referral action (family, referral, then its agenda items), so none deadlock.
    if item.referral.case is not None:
        case_workflow.lock_family(item.referral.case.family)
    referral = (
        Referral.objects.select_for_update(no_key=True, of=("self",))
        .select_related("case", "team")
        .get(pk=item.referral_id)
    )
    item = AgendaItem.objects.select_for_update(no_key=True).filter(pk=item.pk).first()
    if item is None:
        raise Refused(gone_from_agenda())
    refuse_if_decided(item, actor)
    if not ReferralStatus(referral.status).can_decide:
        raise Refused(_("This referral is no longer waiting for a decision (withdrawn or decided)."))
    fields = _outcome_fields(
        Outcome(outcome),
        referral,
        recommendations=recommendations,
        follow_up=follow_up,
        service=service,
        closes_case=closes_case,
        familielos=familielos,
        question=question,
    )
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                item=item, outcome=outcome, reasons=reasons.strip(), decided_by=actor, **fields
            )
    except IntegrityError:
        raise DecisionTaken(Decision.objects.get(item=item), actor) from None
    _carry_out(decision, referral, actor)
    return decision


def awaiting_familielos() -> models.Q:
    """Decisions on a familielos still waiting for the guardians' consent, whose case is still with the team at
    level 2 (a case that moved on has nothing left to carry out)."""
    return models.Q(
        outcome=Outcome.FAMILIELOS,
        familielos_confirmed_at__isnull=True,
        item__referral__case__status=Status.OPEN,
        item__referral__case__level=Level.RESSURSTEAM,
        item__referral__case__ressursteam=models.F("item__meeting__team"),
    )


def confirm_refusal(user, decision: Decision) -> str:
    """Why `user` may not carry out this familielos decision now ("" if they may): the board offers the button only
    when this is empty, and `confirm_familielos` asks it again."""
    team = decision.item.meeting.team
    if not can_decide(user, team):
        return _("Only a member of the team can confirm its decisions.")
    if decision.outcome != Outcome.FAMILIELOS or decision.familielos_confirmed_at is not None:
        return _("There is no familielos waiting to be confirmed in this decision.")
    case = decision.item.referral.case
    if case.status != Status.OPEN or case.ressursteam_id != team.pk or case.level != Level.RESSURSTEAM:
        return _("The case is no longer with this ressursteam, so this decision can no longer be carried out.")
    missing = case_workflow.familielos_consent_missing(case, decision.familielos)
    if missing:
        return _("The guardians have not consented to sharing with: %(services)s. Record their consent first.") % {
            "services": ", ".join(unit.name for unit in missing)
        }
    return ""


def can_confirm_familielos(user, decision: Decision) -> bool:
    return not confirm_refusal(user, decision)


@action
def confirm_familielos(*, actor: User, decision: Decision) -> Decision:
    """Carry out a familielos decision that waited for the guardians' consent to the Familielos service."""
    decision = Decision.objects.select_for_update(no_key=True).get(pk=decision.pk)
    refusal = confirm_refusal(actor, decision)
    if refusal:
        raise Refused(refusal)
    case = decision.item.referral.case
    case_workflow.assign_familielos(actor=actor, case=case, familielos=decision.familielos, reason=decision.reasons)
    decision.familielos_confirmed_at = timezone.now()
    decision.save(update_fields=["familielos_confirmed_at"])
    return decision


def _outcome_fields(outcome: Outcome, referral: Referral, **given) -> dict:
    """The fields each outcome needs, checked; the others are left empty."""
    fields = {}
    if outcome == Outcome.ARENA:
        if given["follow_up"] is None:
            raise Refused(_("Set the date the unit follows the measures up."))
        fields.update(recommendations=given["recommendations"].strip(), follow_up=given["follow_up"])
    elif outcome == Outcome.OTHER_SERVICE:
        if given["service"] is None:
            raise Refused(_("Choose the service that takes the case on."))
        fields.update(
            service=given["service"],
            recommendations=given["recommendations"].strip(),
            closes_case=bool(given["closes_case"]) and not referral.is_anonymous,
        )
    elif outcome == Outcome.FAMILIELOS:
        if referral.is_anonymous:
            raise Refused(_("An anonymous case cannot get a familielos: the guardians' consent is needed first."))
        familielos = given["familielos"]
        if (
            familielos is None
            or not familielos.is_active
            or not familielos.groups.filter(name=roles.FAMILIELOS).exists()
        ):
            raise Refused(_("Choose a familielos."))
        fields.update(familielos=familielos)
    elif outcome == Outcome.MORE_INFO:
        if not given["question"].strip():
            raise Refused(_("Write the question to the sender."))
        fields.update(question=given["question"].strip())
    return fields


def _carry_out(decision: Decision, referral: Referral, actor: User) -> None:
    """Move the referral, and a named case, to where the decision says."""
    outcome = Outcome(decision.outcome)
    referral.status = ReferralStatus.RETURNED if outcome == Outcome.MORE_INFO else ReferralStatus.DECIDED
    if outcome == Outcome.MORE_INFO:
        referral.returned_question = decision.question
        referral.answer = ""
    referral.version += 1
    referral.save()
    case = referral.case
    if case is None:
        return
    Entry.objects.create_event(
        family_id=case.family_id,
        actor=actor,
        event=Event.REFERRAL_DECIDED,
        params={"team": referral.team.name, "outcome": decision.outcome},
    )
    reason = decision.reasons
    if outcome == Outcome.ARENA:
        case_workflow.step_down(actor=actor, case=case, to_level=Level.AVKLARING, reason=reason)
    elif outcome == Outcome.NO_ACTION or (outcome == Outcome.OTHER_SERVICE and decision.closes_case):
        case_workflow.close_case(actor=actor, case=case, reason=reason)
    elif outcome == Outcome.OTHER_SERVICE:
        _history(actor, case, ReasonCode.DECIDED_OTHER_SERVICE, service=decision.service.name)
    elif outcome == Outcome.MORE_INFO:
        _history(actor, case, ReasonCode.REFERRAL_RETURNED, team=referral.team.name)
    elif outcome == Outcome.FAMILIELOS:
        if not case_workflow.familielos_consent_missing(case, decision.familielos):
            case_workflow.assign_familielos(actor=actor, case=case, familielos=decision.familielos, reason=reason)
            decision.familielos_confirmed_at = timezone.now()
            decision.save(update_fields=["familielos_confirmed_at"])
        else:
            _history(actor, case, ReasonCode.FAMILIELOS_AWAITS_CONSENT, name=roles.display_name(decision.familielos))


# Familielos capacity --------------------------------------------------------------------------------------------


def familieloser_with_capacity() -> list[User]:
    """The active familieloser with `caseload` (open level-3 families), `capacity`, `full` (one more family takes them
    above their capacity; see cases.workflow.is_full) and `above` (already above it)."""
    familieloser = list(case_workflow.familieloser_with_caseload().select_related("familielos_capacity"))
    for familielos in familieloser:
        familielos.capacity = case_workflow.capacity_of(familielos)
        familielos.full = case_workflow.is_full(familielos.caseload, familielos.capacity)
        familielos.above = familielos.caseload > familielos.capacity
    return familieloser


@action
def set_capacity(*, actor: User, familielos: User, capacity: int) -> FamilielosCapacity:
    if not can_set_capacity(actor):
        raise Refused(_("Only a leader can set a familielos's capacity."))
    if not familielos.groups.filter(name=roles.FAMILIELOS).exists():
        raise Refused(_("The person chosen is not a familielos."))
    row, _created = FamilielosCapacity.objects.update_or_create(user=familielos, defaults={"capacity": capacity})
    return row


# Helpers --------------------------------------------------------------------------------------------------------


def _texts(texts: dict) -> dict:
    unknown = set(texts) - set(REFERRAL_TEXTS)
    if unknown:
        raise TypeError(f"Unknown referral fields: {sorted(unknown)}")
    cleaned = {name: value.strip() if isinstance(value, str) else value for name, value in texts.items()}
    if "question" in cleaned and not cleaned["question"]:
        raise Refused(_("Write the question to the team."))
    return cleaned


def latest_attachments(case: Case, actor: User):
    """The case's latest screening and clarifying conversation: a new referral attaches them by reference, and its
    page shows which before it is saved."""
    from screening.models import SubmissionStatus

    # Only a screening the sender may see: a unit's screening stays with that unit.
    screening = (
        access.visible_submissions(actor)
        .filter(child__family=case.family, status=SubmissionStatus.SUBMITTED)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    return screening, case.samtaler.order_by("-starts_at", "-pk").first()


def _lock_referral(referral: Referral, actor: User) -> Referral:
    if referral.case is not None:
        case_workflow.lock_family(referral.case.family)
    referral = (
        Referral.objects.select_for_update(no_key=True, of=("self",)).select_related("case", "team").get(pk=referral.pk)
    )
    if not can_change_referral(actor, referral):
        raise Refused(_("Only the person who wrote the referral can change it."))
    return referral


def _lock_team(team: Ressursteam) -> Ressursteam:
    return Ressursteam.objects.select_for_update(no_key=True).get(pk=team.pk)


def _refuse_a_double_booking(team: Ressursteam, starts_at, *, moving: Meeting | None = None) -> None:
    """A second meeting of the team at the same time, planned or moved there (two people planning the team's
    meeting from its schedule), is refused; the team is locked by the caller, so two at once cannot both pass."""
    others = Meeting.objects.filter(team=team, starts_at=starts_at)
    if moving is not None:
        others = others.exclude(pk=moving.pk)
    other = others.first()
    if other is not None:
        text = _("The team already has a meeting on %(day)s at %(time)s: move that one, or choose another time.")
        at = timezone.localtime(other.starts_at)
        raise Refused(text % {"day": date_format(at, "d.m.Y"), "time": time_format(at, "H:i")})


def _locked_meeting_to_move(actor: User, meeting: Meeting) -> Meeting:
    """The meeting, locked, if `actor` may move or cancel it (the decisions checked under the lock)."""
    meeting = Meeting.objects.select_for_update(no_key=True).select_related("team").filter(pk=meeting.pk).first()
    if meeting is None:
        raise Refused(_("The meeting was cancelled meanwhile: its referrals wait for another meeting."))
    if refusal := meeting_move_refusal(actor, meeting):
        raise Refused(refusal)
    return meeting


def _lock_meeting(meeting: Meeting, actor: User) -> Meeting:
    if not can_plan_meetings(actor, meeting.team):
        raise Refused(_("Only the team's leader or secretary can change the agenda."))
    return Meeting.objects.select_for_update(no_key=True).select_related("team").get(pk=meeting.pk)


def _history(actor: User, case: Case, code: ReasonCode, **params) -> None:
    case_workflow.record_in_history(
        actor=actor, case=case, kind=ChangeKind.REFERRAL, reason_code=code, reason_params=params
    )
