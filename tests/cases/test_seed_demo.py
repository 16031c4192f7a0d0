import re
from collections import defaultdict
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from cases import access, consents, pilot_figures, workflow
from cases.management.commands import seed_demo
from cases.models import (
    ActionPoint,
    ActionStatus,
    Baton,
    Case,
    Consent,
    ConsentDecision,
    Family,
    Handover,
    HandoverStatus,
    LetterTemplate,
    Level,
    LevelChange,
    OwnerKind,
    Person,
    PersonRole,
    ReasonCode,
    Status,
    age_on,
)
from familielos import roles
from familielos.models import ServiceKind
from familieteam.models import (
    Column,
    Evaluation,
    EvaluationResult,
    Familieteam,
    FamilieteamMeeting,
    MeetingStatus,
    MemberKind,
)
from screening.models import Submission
from stafettlogg.models import Entry, Kind, Visibility
from stafettlogg.selectors import family_visible_entries
from teams.models import (
    AgendaItem,
    Decision,
    Meeting,
    Outcome,
    Referral,
    ReferralStatus,
    Ressursteam,
    TeamMember,
    TeamRole,
    Urgency,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
User = get_user_model()
README = Path(settings.BASE_DIR) / "README.md"


# The refusal needs an empty database, so it comes first: the module-scoped `demo` fixture below lives from its first
# test to the end of the module.
@override_settings(HTTPS=True, DEBUG=False)
def test_seed_demo__production_settings__refuses_and_creates_nothing():
    with pytest.raises(CommandError, match="--allow-production-settings"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.filter(username__in=["admin", "laerer", "forelder"]).exists()
    assert not Family.objects.exists()


# One scale batch in miniature: the full volumes (700 families a batch) are checked by the benchmark (make bench).
SMALL_VOLUMES = {Level.UNDRING: 2, Level.AVKLARING: 1, Level.RESSURSTEAM: 1, Level.FAMILIELOS: 2}
BATCH_FAMILIES = sum(SMALL_VOLUMES.values())
MUNICIPALITY = "Bjørnafjorden kommune"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module and rolled back after it; its value is what the command printed. Seeded
    as a staging site would (production settings, allowed explicitly), under another municipality's name than the test
    settings', with one scale batch in miniature. Each test runs in a savepoint inside it, rolled back after it."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with (
            pytest.MonkeyPatch.context() as patch,
            override_settings(HTTPS=True, DEBUG=False, MUNICIPALITY_NAME=MUNICIPALITY),
        ):
            patch.setattr(seed_demo, "SCALE_VOLUMES", SMALL_VOLUMES)
            call_command("seed_demo", "--allow-production-settings", "--scale", "1", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_seed_demo__production_settings_allowed_explicitly__seeds(demo):
    assert "Demo data is in place." in demo
    assert User.objects.get(username="admin").is_superuser
    assert Family.objects.exists()


@override_settings(HTTPS=False, DEBUG=False)
def test_seed_demo__plain_http_test_settings__seeds(demo):
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "Demo data is in place." in out.getvalue()
    assert User.objects.filter(username="laerer").exists()


def test_seed_demo__every_level_once_and_working_logins(demo):
    assert set(Case.objects.filter(status="open").values_list("level", flat=True)) == set(Level.values)
    assert Case.objects.filter(status="closed").exists()
    concerns = Case.objects.filter(status="open", level=Level.UNDRING)
    assert not concerns.filter(decision_deadline__isnull=True).exists()
    assert concerns.filter(decision_deadline__lt=timezone.localdate()).count() == 1
    assert Submission.objects.filter(audience="guardian").count() == 1
    assert "laerer" in demo
    for username in ("admin", "leder", "laerer", "rt-nord", "los1", "forsker", *seed_demo.FAMILY_LOGINS):
        assert User.objects.get(username=username).check_password("familielos-demo"), username


def open_cases_by_level() -> dict[int, int]:
    counts = dict.fromkeys(Level.values, 0)
    for level in Case.objects.filter(status="open").values_list("level", flat=True):
        counts[level] += 1
    return counts


def test_seed_demo__scale_run_again__adds_only_the_missing_batches(demo, monkeypatch):
    monkeypatch.setattr(seed_demo, "SCALE_VOLUMES", SMALL_VOLUMES)
    families, levels = Family.objects.count(), open_cases_by_level()

    # The fixture made one batch: asking for two adds the second alone, and asking again adds nothing.
    out = StringIO()
    call_command("seed_demo", "--scale", "2", stdout=out)
    assert "Scale batch 1/2 is already in place." in out.getvalue()
    assert Family.objects.count() == families + BATCH_FAMILIES
    assert open_cases_by_level() == {level: levels[level] + SMALL_VOLUMES[level] for level in Level.values}
    assert Ressursteam.objects.filter(name__startswith="Ressursteam skala").count() == 2

    out = StringIO()
    call_command("seed_demo", "--scale", "2", stdout=out)
    assert Family.objects.count() == families + BATCH_FAMILIES
    assert "Scale batch 2/2 is already in place." in out.getvalue()


def test_seed_demo__letters__name_the_municipality_the_pages_name(demo):
    assert set(LetterTemplate.objects.values_list("letterhead", flat=True)) == {MUNICIPALITY}


def test_seed_demo__referrals__go_to_the_team_covering_the_childs_unit(demo):
    referred = Case.objects.filter(ressursteam__isnull=False).select_related("opened_unit", "ressursteam")
    assert {(case.opened_unit.name, case.ressursteam.name) for case in referred} >= {
        ("Solbakken barnehage", "Ressursteam nord"),
        ("Helsestasjonen", "Ressursteam nord"),
        ("Vestbygd skule", "Ressursteam sør"),
    }
    for case in referred:
        assert case.ressursteam.covers.filter(pk=case.opened_unit_id).exists(), case
    scale_team = Ressursteam.objects.get(name="Ressursteam skala 0")
    assert {unit.name for unit in scale_team.covers.all()} == {f"{name} – skala 0" for name in seed_demo.SCALE_UNITS}
    # The batch's level-3 families were decided at its last meeting; its waiting referrals are on the agenda of the
    # meeting under way.
    past, coming = Meeting.objects.filter(team=scale_team).order_by("starts_at")
    assert past.starts_at < coming.starts_at <= timezone.now()
    assert timezone.localdate(coming.starts_at) == timezone.localdate(coming.created_at)
    assert (
        Decision.objects.filter(item__meeting=past, outcome=Outcome.FAMILIELOS).count()
        == SMALL_VOLUMES[Level.FAMILIELOS]
    )
    assert coming.items.filter(referral__status=ReferralStatus.ON_AGENDA).count() == 1


def test_seed_demo__level_3__consent_covers_the_team_and_the_familielos_service(demo):
    level_3 = Case.objects.filter(level=Level.FAMILIELOS, status="open").select_related("familielos", "ressursteam")
    assert level_3.count() == 2 * len(seed_demo.FAMILIELOSER) + SMALL_VOLUMES[Level.FAMILIELOS]
    for case in level_3:
        familielos_service = workflow.familielos_units(case.familielos).get()
        assert familielos_service.kind == ServiceKind.FAMILIELOS
        assert consents.covers(case.family, [*case.ressursteam.units.all(), familielos_service]), case


def test_seed_demo__scale_level_3__a_familieteam_with_a_held_canvas_action_points_and_the_next_meeting(demo):
    teams = Familieteam.objects.filter(case__ressursteam__name=seed_demo.scale_team_name(0)).select_related("case")
    assert teams.count() == SMALL_VOLUMES[Level.FAMILIELOS]
    for team in teams:
        (member,) = team.members.filter(kind=MemberKind.SERVICE)
        assert consents.covers(team.case.family, [member.unit])
        assert access.can(member.user, team.case.family, access.VIEW)
        held, planned = team.meetings.order_by("starts_at")
        assert (held.status, planned.status) == (MeetingStatus.HELD, MeetingStatus.PLANNED)
        assert held.starts_at < timezone.now() < planned.starts_at
        assert held.cells.exclude(text="").count() >= 20
        assert planned.cells.filter(carried_from__meeting=held).count() == held.cells.count()
        points = ActionPoint.objects.filter(meeting=held)
        assert points.count() == len(seed_demo.SCALE_ACTION_POINTS)
        assert any(point.is_overdue for point in points)
        assert points.filter(owner_kind=OwnerKind.STAFF, owner_user=team.case.familielos).exists()


DEMO_TEAMS = ["Ressursteam nord", "Ressursteam sør"]


def meetings(team_name):
    """The team's past meeting and its coming one: Ressursteam nord's is under way (it began an hour before the
    data was made), so the demo's board takes decisions at once; Ressursteam sør's is next week."""
    past, coming = Meeting.objects.filter(team__name=team_name).order_by("starts_at")
    assert past.starts_at < timezone.now()
    if team_name == "Ressursteam nord":
        assert coming.has_begun()
        assert timezone.localdate(coming.starts_at) == timezone.localdate(coming.created_at)
        assert coming.created_at - coming.starts_at <= timedelta(hours=1, minutes=1)
    else:
        assert coming.starts_at > timezone.now()
    return past, coming


@pytest.mark.parametrize("team_name", DEMO_TEAMS)
def test_demo__team__has_a_member_in_every_team_role(demo, team_name):
    members = TeamMember.objects.filter(team__name=team_name)

    assert sorted(members.values_list("role", flat=True)) == sorted(TeamRole.values)


@pytest.mark.parametrize("team_name", DEMO_TEAMS)
def test_demo__next_meeting__has_four_waiting_referrals_urgent_anonymous_returned_and_normal(demo, team_name):
    past, coming = meetings(team_name)
    assert coming.starts_at - timezone.now() < timedelta(days=8)
    if team_name == "Ressursteam nord":
        # Under way: its board offers each card's decision form.
        page = client_for(User.objects.get(username="rt-nord")).get(coming.get_absolute_url()).content.decode()
        for item in coming.items.all():
            assert reverse("teams:meeting_decide", args=[coming.pk, item.pk]) in page
    referrals = [item.referral for item in coming.items.select_related("referral")]

    assert len(referrals) == 4
    assert all(ReferralStatus(referral.status).is_waiting for referral in referrals)
    urgent = [referral for referral in referrals if referral.urgency == Urgency.URGENT]
    anonymous = [referral for referral in referrals if referral.case is None]
    returned = [referral for referral in referrals if referral.returned_question]
    assert len(urgent) == len(anonymous) == len(returned) == 1
    assert referrals[0] == urgent[0], "the agenda proposes the urgent referral first"
    assert returned[0].answer, "the sender has answered the team's question"
    assert Decision.objects.filter(item__referral=returned[0], outcome=Outcome.MORE_INFO).exists()
    normal = set(referrals) - {*urgent, *anonymous, *returned}
    assert len(normal) == 1
    assert normal.pop().case is not None
    # Realistic waiting days: sent before today, the returned one before the last meeting.
    assert all(referral.sent_at.date() < timezone.localdate() for referral in referrals)
    assert returned[0].sent_at < past.starts_at


@pytest.mark.parametrize("team_name", DEMO_TEAMS)
def test_demo__past_meeting__decided_every_item_with_reasons_and_moved_families_to_level_3(demo, team_name):
    past, _coming = meetings(team_name)
    decisions = list(Decision.objects.filter(item__meeting=past).select_related("item__referral__case"))

    assert len(decisions) == past.items.count()
    assert all(decision.reasons.strip() for decision in decisions)
    assert {Outcome.ARENA, Outcome.FAMILIELOS, Outcome.NO_ACTION, Outcome.MORE_INFO} <= {d.outcome for d in decisions}
    arena = next(decision for decision in decisions if decision.outcome == Outcome.ARENA)
    assert arena.follow_up
    assert arena.item.referral.case.level == Level.AVKLARING
    closed = next(decision for decision in decisions if decision.outcome == Outcome.NO_ACTION)
    assert closed.item.referral.case.status == "closed"
    at_level_3 = [
        decision.item.referral.case
        for decision in decisions
        if decision.outcome == Outcome.FAMILIELOS and decision.familielos_confirmed_at
    ]
    assert at_level_3
    for case in at_level_3:
        assert (case.level, case.status) == (Level.FAMILIELOS, "open")
        assert case.familielos == Decision.objects.get(item__referral__case=case).familielos


def test_demo__a_familielos_decision__waits_for_the_guardians_consent(demo):
    waiting = Decision.objects.filter(outcome=Outcome.FAMILIELOS, familielos_confirmed_at__isnull=True).get()

    case = waiting.item.referral.case
    assert case.level == Level.RESSURSTEAM
    assert case.level_changes.filter(reason_code=ReasonCode.FAMILIELOS_AWAITS_CONSENT).exists()


def test_demo__seeded_again__adds_nothing(demo):
    models = (
        *(User, Family, Person, Consent, Referral, Meeting, AgendaItem, Decision, LevelChange),
        *(Familieteam, ActionPoint, Evaluation, Entry, Handover),
    )
    counts = [model.objects.count() for model in models]

    call_command("seed_demo", stdout=StringIO())

    assert [model.objects.count() for model in models] == counts


@pytest.mark.parametrize("username", seed_demo.FAMILIELOSER)
def test_demo__familielos__a_familieteam_that_met_twice_evaluated_and_meets_today_and_one_to_book(demo, username):
    teams = list(
        Familieteam.objects.filter(
            case__familielos__username=username, case__status="open", case__level=Level.FAMILIELOS
        ).order_by("case_id")
    )
    assert len(teams) == 2
    team, waiting = teams
    assert not waiting.meetings.exists()
    assert team.started_on < timezone.localdate() < team.planned_end
    service, trusted = team.members.order_by("kind")
    assert (service.kind, trusted.kind) == (MemberKind.SERVICE, MemberKind.TRUSTED)
    assert access.can(service.user, team.case.family, access.CHANGE)
    first, second, today = team.meetings.order_by("starts_at")
    assert [first.status, second.status, today.status] == [
        MeetingStatus.HELD,
        MeetingStatus.HELD,
        MeetingStatus.PLANNED,
    ]
    assert timezone.localdate(first.starts_at) < timezone.localdate(second.starts_at) < timezone.localdate()
    assert timezone.localdate(today.starts_at) == timezone.localdate()
    assert first.cells.exclude(text="").count() >= 20
    assert first.cells.filter(column=Column.SHORT_GOAL, due__isnull=False).exists()
    assert first.cells.filter(column=Column.LONG_GOAL, due__isnull=False).exists()
    evaluated = first.cells.filter(column__in=[Column.NOW, Column.SHORT_GOAL, Column.LONG_GOAL]).exclude(text="")
    evaluations = Evaluation.objects.filter(meeting=second)
    assert evaluations.count() == evaluated.count()
    assert set(evaluations.values_list("result", flat=True)) == set(EvaluationResult.values)
    assert second.cells.filter(version__gt=1).exists(), "the second meeting changed some carried cells"
    assert today.cells.count() == second.cells.count()
    assert not today.cells.filter(carried_from__isnull=True).exists()
    points = list(ActionPoint.objects.filter(meeting__team=team))
    assert {point.owner_kind for point in points} == {OwnerKind.STAFF, OwnerKind.GUARDIAN, OwnerKind.TRUSTED}
    assert any(point.is_overdue for point in points)
    assert any(point.status == ActionStatus.DONE for point in points)
    assert any(point.cell_id for point in points)

    desk = client_for(team.case.familielos).get(reverse("home")).context["desk"]
    assert [row.pk for row in desk["to_book"]] == [waiting.pk]
    assert [(meeting.pk, meeting.is_today) for meeting in desk["meetings"]] == [(today.pk, True)]
    assert any(point.due < timezone.localdate() for point in desk["points"])


def readme_logins() -> list[str]:
    """The usernames in the README's demo login table."""
    section = README.read_text().split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    return [
        name
        for row in section.splitlines()
        if row.startswith("| `")
        for name in re.findall(r"`([^`]+)`", row.split("|")[1])
    ]


def test_demo__readme_logins__list_every_demo_user_and_each_signs_in(demo, settings):
    settings.PORTAL_PASSWORD_LOGIN = True  # as in the demo (DEBUG): family logins sign in with a password only there
    logins = readme_logins()

    assert set(logins) == {row[0] for row in seed_demo.USERS} | set(seed_demo.FAMILY_LOGINS)
    for username in logins:
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": seed_demo.DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)


def family_page(username, family, language) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse("cases:family_detail", args=[family.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("outcome", [Outcome.MORE_INFO, Outcome.FAMILIELOS])
def test_demo__family_history__the_lines_the_system_wrote_follow_the_ui_language(demo, outcome):
    decision = Decision.objects.filter(outcome=outcome, item__meeting__team__name="Ressursteam nord").first()
    case = decision.item.referral.case
    coded = list(case.level_changes.exclude(reason_code=""))
    assert {ReasonCode.SAMTALE_BOOKED, ReasonCode.SAMTALE_RECORDED} <= {change.reason_code for change in coded}

    pages = {language: family_page("rt-nord", case.family, language) for language in ("nb", "nn")}

    worded = {}
    for change in coded:
        for language in ("nb", "nn"):
            with translation.override(language):
                worded[change.pk, language] = change.reason_shown
            with translation.override("en"):
                assert worded[change.pk, language] != change.reason_shown, (language, change.reason_code)
            assert escape(worded[change.pk, language]) in pages[language], (language, change.reason_code)
    if outcome == Outcome.MORE_INFO:
        assert all(worded[change.pk, "nb"] != worded[change.pk, "nn"] for change in coded if change.kind == "referral")
    # What people typed (the concern, the question to the team, the team's reasons) is shown as they typed it.
    for change in case.level_changes.filter(reason_code=""):
        assert all(escape(change.reason) in page for page in pages.values())


def test_seed_demo__a_baton_handover_waits_for_a_ressursteam_member(demo):
    pending = Handover.objects.get(status=HandoverStatus.PENDING)
    assert pending.from_user == Baton.objects.get(family=pending.family).holder
    assert pending.to_user.team_memberships.filter(team__cases__family=pending.family).exists()


def portal_person(username):
    person = access.portal_person(User.objects.get(username=username))
    assert person is not None, username
    return person


def test_demo__forelder__a_guardian_of_a_level_3_family_with_an_open_action_point_due_soon(demo):
    guardian = portal_person("forelder")

    assert (guardian.role, guardian.parental_responsibility) == (PersonRole.GUARDIAN, True)
    assert guardian.user.email == "forelder@example.no"
    case = guardian.family.cases.get(status="open")
    assert (case.level, case.familielos.username) == (Level.FAMILIELOS, "los1")
    held, _, today = case.familieteam.meetings.order_by("starts_at")
    assert (held.status, today.status) == (MeetingStatus.HELD, MeetingStatus.PLANNED)
    assert held.cells.exclude(text="").exists(), "the plan: the canvas of the last meeting"
    soon = (timezone.localdate(), timezone.localdate() + timedelta(days=7))
    own = ActionPoint.objects.filter(owner_kind=OwnerKind.GUARDIAN, owner_person=guardian, status=ActionStatus.OPEN)
    assert own.filter(due__range=soon).exists()


def test_demo__ungdom__a_child_old_enough_for_the_family_pages(demo):
    youth = portal_person("ungdom")

    assert youth.role == PersonRole.CHILD
    assert age_on(youth.birth_date, timezone.localdate()) >= settings.PORTAL_YOUTH_AGE
    assert youth.user.email == "ungdom@example.no"
    assert family_visible_entries(youth.family).exists()


def test_demo__log__every_kind_of_entry_at_every_level(demo):
    for level in Level.values:
        families = Case.objects.filter(status="open", level=level).values("family")
        kinds = defaultdict(set)
        for family_id, kind in Entry.objects.filter(family__in=families).values_list("family_id", "kind"):
            kinds[family_id].add(kind)
        assert set(Kind.values) in kinds.values(), level


def test_demo__portal_family_log__every_kind_for_the_family_and_some_for_the_team_only(demo):
    guardian = portal_person("forelder")
    log = Entry.objects.filter(family=guardian.family)

    shown = family_visible_entries(guardian.family)
    assert set(shown.values_list("kind", flat=True)) >= set(Kind.values) - {Kind.SYSTEM}
    assert {Kind.NOTE, Kind.MESSAGE, Kind.SYSTEM} <= set(
        log.filter(visibility=Visibility.TEAM).values_list("kind", flat=True)
    )
    assert not shown.filter(visibility=Visibility.TEAM).exists()
    # Written by the family on their own pages, and by staff: a lysglimt from each.
    from_family = shown.filter(author__username__in=seed_demo.FAMILY_LOGINS)
    assert {(entry.author.username, entry.kind) for entry in from_family} >= {
        ("forelder", Kind.LYSGLIMT),
        ("forelder", Kind.MESSAGE),
        ("ungdom", Kind.MESSAGE),
    }
    assert all(entry.author_role == roles.FAMILY_MEMBER for entry in from_family)
    assert shown.filter(kind=Kind.LYSGLIMT).exclude(author__username__in=seed_demo.FAMILY_LOGINS).exists()


@pytest.mark.parametrize("username", ["los1", "pedagog"])
def test_demo__reminders__something_due_today_for_the_familielos_and_the_kindergarten_teacher(demo, username):
    user, today = User.objects.get(username=username), timezone.localdate()

    unevaluated = Entry.objects.filter(kind=Kind.MEASURE, evaluations__isnull=True, correction__isnull=True)
    assert unevaluated.filter(author=user, evaluate_by__lte=today).exists()
    expiring = Consent.objects.filter(
        decision=ConsentDecision.GIVEN, withdrawn_at__isnull=True, valid_to__range=(today, today + timedelta(days=30))
    )
    assert any(access.can(user, consent.family, access.CHANGE) for consent in expiring.filter(recorded_by=user))
    points = ActionPoint.objects.filter(owner_kind=OwnerKind.STAFF, owner_user=user, status=ActionStatus.OPEN)
    assert points.filter(due=today).exists()
    assert Handover.objects.filter(status=HandoverStatus.PENDING).exists()


def test_demo__history__opened_before_what_followed_and_counted_by_the_pilot_figures(demo):
    """Every case moved on by the demo was opened before its conversations, referrals and familieteam meetings, and
    its level changes are in the past in their order (the pilot's figures count them once a month has passed)."""
    now = timezone.now()
    moved = Case.objects.exclude(status=Status.OPEN, level=Level.UNDRING)
    assert moved.exists()
    for case in moved:
        firsts = [
            *case.samtaler.filter(starts_at__lt=now).values_list("starts_at", flat=True),
            *FamilieteamMeeting.objects.filter(team__case=case).values_list("starts_at", flat=True),
        ]
        assert all(case.opened_at < moment for moment in firsts), case
        changes = list(case.level_changes.order_by("pk").values_list("at", flat=True))
        assert changes == sorted(changes)
        assert changes[0] >= case.opened_at
        assert changes[-1] <= now


def test_demo__pilot_figures__count_the_cases_opened_before_this_month(demo):
    cutoff = pilot_figures.until()
    figures = pilot_figures.opened_in(timezone.localtime(cutoff - timedelta(days=1)).year, cutoff)
    assert figures["opened"].count > 0
    assert any(reached.figure.count > 0 for reached in figures["reached"])
