import re
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

from cases import access, consents, workflow
from cases.management.commands import seed_demo
from cases.models import (
    ActionPoint,
    ActionStatus,
    Baton,
    Case,
    Family,
    Handover,
    HandoverStatus,
    LetterTemplate,
    Level,
    LevelChange,
    OwnerKind,
    ReasonCode,
)
from familielos.models import ServiceKind
from familieteam.models import Column, Evaluation, EvaluationResult, Familieteam, MeetingStatus, MemberKind
from screening.models import Submission
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


def test_seed_demo__twice__creates_every_level_once_and_working_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    families = Family.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Family.objects.count() == families
    assert set(Case.objects.filter(status="open").values_list("level", flat=True)) == set(Level.values)
    assert Case.objects.filter(status="closed").exists()
    concerns = Case.objects.filter(status="open", level=Level.UNDRING)
    assert not concerns.filter(decision_deadline__isnull=True).exists()
    assert concerns.filter(decision_deadline__lt=timezone.localdate()).count() == 1
    assert Submission.objects.filter(audience="guardian").count() == 1
    assert "laerer" in out.getvalue()
    for username in ("admin", "leder", "laerer", "rt-nord", "los1", "forsker", "forelder"):
        assert User.objects.get(username=username).check_password("familielos-demo"), username


# One scale batch in miniature: the full volumes (700 families a batch) are checked by the benchmark (make bench).
TINY_VOLUMES = {Level.UNDRING: 2, Level.AVKLARING: 1, Level.RESSURSTEAM: 1, Level.FAMILIELOS: 1}


def open_cases_by_level() -> dict[int, int]:
    counts = dict.fromkeys(Level.values, 0)
    for level in Case.objects.filter(status="open").values_list("level", flat=True):
        counts[level] += 1
    return counts


def test_seed_demo__scale_run_again__adds_only_the_missing_batches(monkeypatch):
    monkeypatch.setattr(seed_demo, "SCALE_VOLUMES", TINY_VOLUMES)
    call_command("seed_demo", stdout=StringIO())
    demo_families, demo_levels = Family.objects.count(), open_cases_by_level()

    call_command("seed_demo", "--scale", "2", stdout=StringIO())
    assert Family.objects.count() == demo_families + 2 * 5
    assert open_cases_by_level() == {level: demo_levels[level] + 2 * TINY_VOLUMES[level] for level in Level.values}

    out = StringIO()
    call_command("seed_demo", "--scale", "2", stdout=out)
    assert Family.objects.count() == demo_families + 2 * 5
    assert "Scale batch 2/2 is already in place." in out.getvalue()

    call_command("seed_demo", "--scale", "3", stdout=StringIO())
    assert Family.objects.count() == demo_families + 3 * 5
    assert Ressursteam.objects.filter(name__startswith="Ressursteam skala").count() == 3


@override_settings(MUNICIPALITY_NAME="Bjørnafjorden kommune")
def test_seed_demo__letters__name_the_municipality_the_pages_name():
    call_command("seed_demo", stdout=StringIO())

    assert set(LetterTemplate.objects.values_list("letterhead", flat=True)) == {"Bjørnafjorden kommune"}


def test_seed_demo__referrals__go_to_the_team_covering_the_childs_unit(monkeypatch):
    monkeypatch.setattr(seed_demo, "SCALE_VOLUMES", TINY_VOLUMES)
    call_command("seed_demo", "--scale", "1", stdout=StringIO())

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
    # The batch's level-3 families were decided at its last meeting; its waiting referrals are on the next agenda.
    past, coming = Meeting.objects.filter(team=scale_team).order_by("starts_at")
    assert past.starts_at < timezone.now() < coming.starts_at
    assert Decision.objects.filter(item__meeting=past, outcome=Outcome.FAMILIELOS).count() == 1
    assert coming.items.filter(referral__status=ReferralStatus.ON_AGENDA).count() == 1


def test_seed_demo__level_3__consent_covers_the_team_and_the_familielos_service(monkeypatch):
    monkeypatch.setattr(seed_demo, "SCALE_VOLUMES", TINY_VOLUMES)
    call_command("seed_demo", "--scale", "1", stdout=StringIO())

    level_3 = Case.objects.filter(level=Level.FAMILIELOS, status="open").select_related("familielos", "ressursteam")
    assert level_3.count() == 2 * len(seed_demo.FAMILIELOSER) + TINY_VOLUMES[Level.FAMILIELOS]
    for case in level_3:
        familielos_service = workflow.familielos_units(case.familielos).get()
        assert familielos_service.kind == ServiceKind.FAMILIELOS
        assert consents.covers(case.family, [*case.ressursteam.units.all(), familielos_service]), case


def test_seed_demo__scale_level_3__a_familieteam_with_a_held_canvas_action_points_and_the_next_meeting(monkeypatch):
    monkeypatch.setattr(seed_demo, "SCALE_VOLUMES", {**TINY_VOLUMES, Level.FAMILIELOS: 2})
    call_command("seed_demo", "--scale", "1", stdout=StringIO())

    teams = Familieteam.objects.filter(case__ressursteam__name=seed_demo.scale_team_name(0)).select_related("case")
    assert teams.count() == 2
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


@override_settings(HTTPS=True, DEBUG=False)
def test_seed_demo__production_settings__refuses_and_creates_nothing():
    with pytest.raises(CommandError, match="--allow-production-settings"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.filter(username__in=["admin", "laerer", "forelder"]).exists()
    assert not Family.objects.exists()


@override_settings(HTTPS=True, DEBUG=False)
def test_seed_demo__production_settings_allowed_explicitly__seeds():
    call_command("seed_demo", "--allow-production-settings", stdout=StringIO())

    assert User.objects.get(username="admin").is_superuser
    assert Family.objects.exists()


@override_settings(HTTPS=False, DEBUG=False)
def test_seed_demo__plain_http_test_settings__seeds():
    call_command("seed_demo", stdout=StringIO())

    assert User.objects.filter(username="laerer").exists()


# The tests below share one seeded demo, made once for the module and rolled back after it. They come last: a
# module-scoped fixture lives from its first test to the end of the module, and the tests above need an empty database.
@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


DEMO_TEAMS = ["Ressursteam nord", "Ressursteam sør"]


def meetings(team_name):
    """The team's past meeting and its coming one."""
    past, coming = Meeting.objects.filter(team__name=team_name).order_by("starts_at")
    assert past.starts_at < timezone.now() < coming.starts_at
    return past, coming


@pytest.mark.parametrize("team_name", DEMO_TEAMS)
def test_demo__team__has_a_member_in_every_team_role(demo, team_name):
    members = TeamMember.objects.filter(team__name=team_name)

    assert sorted(members.values_list("role", flat=True)) == sorted(TeamRole.values)


@pytest.mark.parametrize("team_name", DEMO_TEAMS)
def test_demo__next_meeting__has_four_waiting_referrals_urgent_anonymous_returned_and_normal(demo, team_name):
    past, coming = meetings(team_name)
    assert coming.starts_at - timezone.now() < timedelta(days=8)
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


def test_demo__seeded_again__adds_no_referral_meeting_or_decision(demo):
    models = (Family, Referral, Meeting, AgendaItem, Decision, LevelChange, Familieteam, ActionPoint, Evaluation)
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


def test_demo__readme_logins__list_every_demo_user_and_each_signs_in(demo):
    logins = readme_logins()

    assert set(logins) == {row[0] for row in seed_demo.USERS} | {"forelder"}
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


def test_seed_demo__a_baton_handover_waits_for_a_ressursteam_member():
    call_command("seed_demo", stdout=StringIO())
    pending = Handover.objects.get(status=HandoverStatus.PENDING)
    assert pending.from_user == Baton.objects.get(family=pending.family).holder
    assert pending.to_user.team_memberships.filter(team__cases__family=pending.family).exists()
