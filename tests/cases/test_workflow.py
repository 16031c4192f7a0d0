"""Every level change: allowed, refused by its guard (with a clear message), refused without permission."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from cases import access, actions, selectors, workflow
from cases import tasks as case_tasks
from cases.models import Case, ChangeKind, Level, LevelChange, ReasonCode, Status, reason_text
from familielos.errors import Refused
from familielos.models import Membership, ServiceUnit
from stafettlogg.models import Entry
from tests import factories

pytestmark = pytest.mark.django_db


def test_open_case__by_unit_staff__starts_at_level_0_with_history_and_grant(staff):
    case = factories.open_case(opener=staff)
    assert (case.level, case.status) == (Level.UNDRING, Status.OPEN)
    change = case.level_changes.get()
    assert (change.kind, change.from_level, change.to_level, change.actor) == (ChangeKind.OPENED, None, 0, staff)
    assert access.can(staff, case.family, access.CHANGE)


def test_open_case__role_without_permission__is_refused():
    los = factories.familielos()
    with pytest.raises(Refused, match="cannot register"):
        factories.open_case(opener=los)


def test_open_case__second_open_case__is_refused(case):
    with pytest.raises(Refused, match="already has an open case"):
        workflow.open_case(actor=case.opened_by, family=case.family, children=list(case.children.all()), reason="x")


def test_move_to_avklaring__from_level_0__moves_and_logs(case, staff):
    case = workflow.move_to_avklaring(actor=staff, case=case, reason="Foreldra er inviterte.")
    case.refresh_from_db()
    assert case.level == Level.AVKLARING
    change = case.level_changes.first()
    assert (change.kind, change.from_level, change.to_level, change.reason) == (
        ChangeKind.UP,
        0,
        1,
        "Foreldra er inviterte.",
    )
    entry = Entry.objects.get(family=case.family, level_change=change)
    assert (entry.text, entry.author) == ("Foreldra er inviterte.", staff)


def test_move_to_avklaring__from_level_1__is_refused(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    with pytest.raises(Refused, match="level 0"):
        workflow.move_to_avklaring(actor=staff, case=case, reason="igjen")


def test_move_to_avklaring__without_grant__is_refused_and_nothing_changes(case, outsider):
    with pytest.raises(PermissionDenied):
        workflow.move_to_avklaring(actor=outsider, case=case, reason="x")
    case.refresh_from_db()
    assert case.level == Level.UNDRING
    assert case.level_changes.count() == 1


def test_refer_to_ressursteam__with_consent__moves_to_level_2_and_grants_team(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    team = factories.RessursteamFactory()
    member = factories.ressursteam_member(team)
    assert not access.can(member, case.family)
    factories.give_consent(case, units=team.units.all())

    case = workflow.refer_to_ressursteam(actor=staff, case=case, team=team, reason="Treng fleire tenester.")

    assert case.level == Level.RESSURSTEAM
    assert case.ressursteam == team
    assert access.can(member, case.family, access.CHANGE)


def test_refer_to_ressursteam__no_consent__is_refused_naming_the_services(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    ppt = ServiceUnit.objects.create(name="PPT Nord", kind="ppt")
    team = factories.RessursteamFactory(units=[ppt])
    with pytest.raises(Refused, match="PPT Nord"):
        workflow.refer_to_ressursteam(actor=staff, case=case, team=team, reason="x")
    case.refresh_from_db()
    assert (case.level, case.ressursteam) == (Level.AVKLARING, None)


def test_refer_to_ressursteam__consent_covers_only_some_services__is_refused(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    ppt = ServiceUnit.objects.create(name="PPT", kind="ppt")
    barnevern = ServiceUnit.objects.create(name="Barnevernet", kind="barnevern")
    team = factories.RessursteamFactory(units=[ppt, barnevern])
    factories.give_consent(case, units=[ppt])
    with pytest.raises(Refused, match="Barnevernet"):
        workflow.refer_to_ressursteam(actor=staff, case=case, team=team, reason="x")


def test_refer_to_ressursteam__consent_withdrawn__is_refused(staff):
    from cases import actions

    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    team = factories.RessursteamFactory()
    consent = factories.give_consent(case, units=team.units.all())
    actions.withdraw_consent(actor=staff, consent=consent)
    with pytest.raises(Refused):
        workflow.refer_to_ressursteam(actor=staff, case=case, team=team, reason="x")


def test_refer_to_ressursteam__from_level_0__is_allowed_with_consent(case, staff):
    team = factories.RessursteamFactory()
    factories.give_consent(case, units=team.units.all())
    case = workflow.refer_to_ressursteam(actor=staff, case=case, team=team, reason="Alvorleg.")
    assert case.level == Level.RESSURSTEAM


def test_refer_to_ressursteam__from_level_2__is_refused(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    with pytest.raises(Refused, match="level 0 or 1"):
        workflow.refer_to_ressursteam(actor=staff, case=case, team=team, reason="x")


def test_assign_familielos__by_team_member__moves_to_level_3_and_grants_the_familielos(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    member = factories.ressursteam_member(team)
    los = factories.familielos()
    factories.give_consent(case, units=workflow.familielos_units(los))
    case = workflow.assign_familielos(actor=member, case=case, familielos=los, reason="Vedtak i møtet.")
    assert (case.level, case.familielos) == (Level.FAMILIELOS, los)
    assert access.can(los, case.family, access.CHANGE)


def test_assign_familielos__not_a_familielos__is_refused(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    member = factories.ressursteam_member(team)
    with pytest.raises(Refused, match="not a familielos"):
        workflow.assign_familielos(actor=member, case=case, familielos=factories.unit_staff(), reason="x")


def test_assign_familielos__actor_outside_the_team__is_refused(staff):
    case, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    with pytest.raises(Refused, match="ressursteam"):
        workflow.assign_familielos(actor=staff, case=case, familielos=factories.familielos(), reason="x")


def test_assign_familielos__case_at_level_1__is_refused(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    with pytest.raises(Refused, match="level 2"):
        workflow.assign_familielos(actor=staff, case=case, familielos=factories.familielos(), reason="x")


def test_assign_familielos__without_grant__is_refused(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    other_team_member = factories.ressursteam_member(factories.RessursteamFactory())
    with pytest.raises(PermissionDenied):
        workflow.assign_familielos(actor=other_team_member, case=case, familielos=factories.familielos(), reason="x")


@override_settings(FAMILIELOS_CASELOAD_WARNING=1)
def test_caseload_warning__above_the_configured_caseload__warns_but_allows(staff):
    los = factories.familielos()
    factories.case_at(Level.FAMILIELOS, opener=staff, los=los)
    assert workflow.caseload_warning(los) == ""
    case, *_ = factories.case_at(Level.FAMILIELOS, opener=factories.unit_staff(), los=los)
    assert case.level == Level.FAMILIELOS
    assert "2" in workflow.caseload_warning(los)


def test_step_down__from_level_3__revokes_familielos_and_team_as_their_levels_are_left(staff):
    case, team, los, member = factories.case_at(Level.FAMILIELOS, opener=staff)
    case = workflow.step_down(
        actor=los, case=case, to_level=Level.RESSURSTEAM, reason="Utfasing.", responsible_next="Ressursteamet"
    )
    assert not access.can(los, case.family)
    assert access.can(member, case.family)
    case = workflow.step_down(actor=member, case=case, to_level=Level.AVKLARING, reason="Tiltak på arenaen.")
    assert not access.can(member, case.family)
    assert access.can(staff, case.family, access.CHANGE)
    assert case.level_changes.first().kind == ChangeKind.DOWN


def test_step_down__to_same_or_higher_level__is_refused(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    with pytest.raises(Refused, match="lower level"):
        workflow.step_down(actor=staff, case=case, to_level=Level.AVKLARING, reason="x")


def test_close_case__from_any_level__remembers_the_level(staff):
    case, team, los, member = factories.case_at(Level.FAMILIELOS, opener=staff)
    case = workflow.close_case(actor=los, case=case, reason="Måla er nådde.")
    assert (case.status, case.closed_from_level) == (Status.CLOSED, Level.FAMILIELOS)
    assert case.level_changes.first().kind == ChangeKind.CLOSED


def test_close_case__already_closed__is_refused(case, staff):
    workflow.close_case(actor=staff, case=case, reason="x")
    with pytest.raises(Refused, match="closed"):
        workflow.close_case(actor=staff, case=case, reason="x")


def test_moves__on_a_closed_case__are_refused(case, staff):
    workflow.close_case(actor=staff, case=case, reason="x")
    with pytest.raises(Refused, match="closed"):
        workflow.move_to_avklaring(actor=staff, case=case, reason="x")


def test_reopen_case__returns_straight_to_the_level_it_left_with_the_same_people(staff):
    case, team, los, member = factories.case_at(Level.FAMILIELOS, opener=staff)
    workflow.close_case(actor=los, case=case, reason="Avslutta.")
    case = workflow.reopen_case(actor=los, case=case, reason="Ny krise; den korte vegen tilbake.")
    assert (case.status, case.level, case.closed_from_level) == (Status.OPEN, Level.FAMILIELOS, None)
    assert access.can(los, case.family, access.CHANGE)
    assert access.can(member, case.family)
    assert case.level_changes.first().kind == ChangeKind.REOPENED


def test_reopen_case__open_case__is_refused(case, staff):
    with pytest.raises(Refused, match="closed case"):
        workflow.reopen_case(actor=staff, case=case, reason="x")


def test_reopen_case__without_grant__is_refused(case, staff, outsider):
    workflow.close_case(actor=staff, case=case, reason="x")
    with pytest.raises(PermissionDenied):
        workflow.reopen_case(actor=outsider, case=case, reason="x")


def test_available_steps__follow_the_level_and_status(staff):
    case, *_ = factories.case_at(Level.UNDRING, opener=staff)
    assert workflow.available_steps(case) == [
        workflow.AVKLARING,
        workflow.RESSURSTEAM,
        workflow.BARNEVERN,
        workflow.CLOSE,
    ]
    case, *_ = factories.case_at(Level.FAMILIELOS, opener=factories.unit_staff())
    assert workflow.available_steps(case) == [workflow.STEP_DOWN, workflow.BARNEVERN, workflow.CLOSE]
    case = workflow.close_case(actor=case.familielos, case=case, reason="x")
    assert workflow.available_steps(case) == [workflow.REOPEN]


def test_level_changes__every_step__is_one_row_in_order(staff):
    case, *_ = factories.case_at(Level.FAMILIELOS, opener=staff)
    kinds = list(LevelChange.objects.filter(case=case).order_by("at", "pk").values_list("from_level", "to_level"))
    assert kinds == [(None, 0), (0, 1), (1, 2), (2, 3)]


def test_withdraw_consent__case_at_level_3__steps_down_and_team_and_familielos_lose_access(staff):
    from cases import actions

    case, team, los, member = factories.case_at(Level.FAMILIELOS, opener=staff)
    actions.withdraw_consent(actor=staff, consent=case.family.consents.get())
    case.refresh_from_db()
    assert case.level == Level.AVKLARING
    assert not access.can(member, case.family)
    assert not access.can(los, case.family)
    assert access.can(staff, case.family, access.CHANGE)


def test_enforce_consents__expired_consent__steps_the_case_down(staff):
    from io import StringIO

    from django.core.management import call_command

    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    member = factories.ressursteam_member(team)
    case.family.consents.update(
        valid_to=timezone.localdate() - timedelta(days=1), valid_from=timezone.localdate() - timedelta(days=30)
    )
    covered, _ = factories.case_at(Level.RESSURSTEAM, opener=factories.unit_staff())[:2]
    out = StringIO()
    call_command("enforce_consents", stdout=out)
    case.refresh_from_db()
    covered.refresh_from_db()
    assert (case.level, covered.level) == (Level.AVKLARING, Level.RESSURSTEAM)
    assert not access.can(member, case.family)
    assert "1 case" in out.getvalue()


def test_reopen_case__level_2_without_consent_any_more__is_refused(staff):
    from cases import actions

    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    case = workflow.close_case(actor=factories.ressursteam_member(team), case=case, reason="Avslutta.")
    consent = case.family.consents.get()
    actions.withdraw_consent(actor=staff, consent=consent)
    with pytest.raises(Refused, match="consented"):
        workflow.reopen_case(actor=staff, case=case, reason="Tilbake.")


def test_step_down_and_close__level_2_by_the_opener_outside_the_team__are_refused(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    with pytest.raises(Refused, match="only the ressursteam or the familielos"):
        workflow.step_down(actor=staff, case=case, to_level=Level.UNDRING, reason="x")
    with pytest.raises(Refused, match="only the ressursteam or the familielos"):
        workflow.close_case(actor=staff, case=case, reason="x")


def test_new_case__former_familielos__loses_access(staff):
    case, team, los, member = factories.case_at(Level.FAMILIELOS, opener=staff)
    case = workflow.close_case(actor=los, case=case, reason="Ferdig.")
    workflow.note_concern(actor=staff, child=case.children.get(), reason="Ny uro.")
    assert not access.can(los, case.family)
    assert not access.can(member, case.family)
    assert access.can(staff, case.family, access.CHANGE)


def _withdraw_familielos_service(case, staff):
    """The guardians keep their consent to the team but withdraw the one to the Familielos service."""
    from cases import actions

    both = case.family.consents.get()
    factories.give_consent(case, units=case.ressursteam.units.all(), actor=staff)
    actions.withdraw_consent(actor=staff, consent=both)


def test_assign_familielos__consent_covers_only_the_team__is_refused_naming_the_familielos_service(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    los = factories.familielos()
    with pytest.raises(Refused, match="Familielos-tenesta"):
        workflow.assign_familielos(actor=factories.ressursteam_member(team), case=case, familielos=los, reason="x")
    case.refresh_from_db()
    assert (case.level, case.familielos) == (Level.RESSURSTEAM, None)
    assert not access.can(los, case.family)


def test_assign_familielos__familielos_in_no_familielos_service__is_refused(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    los = factories.UserFactory(role="familielos")
    with pytest.raises(Refused, match="no Familielos service"):
        workflow.assign_familielos(actor=factories.ressursteam_member(team), case=case, familielos=los, reason="x")


def test_withdraw_consent__familielos_service_no_longer_covered__steps_down_to_2_and_only_the_familielos_loses_access(
    staff,
):
    case, team, los, member = factories.case_at(Level.FAMILIELOS, opener=staff)
    _withdraw_familielos_service(case, staff)
    case.refresh_from_db()
    assert case.level == Level.RESSURSTEAM
    assert not access.can(los, case.family)
    assert access.can(member, case.family, access.CHANGE)
    change = case.level_changes.first()
    assert (change.kind, change.reason_code, change.reason) == (ChangeKind.DOWN, "consent_familielos", "")


def test_enforce_consent__everything_still_covered__changes_nothing(staff):
    case, *_ = factories.case_at(Level.FAMILIELOS, opener=staff)
    assert workflow.enforce_consent(actor=staff, family=case.family) is None
    case.refresh_from_db()
    assert case.level == Level.FAMILIELOS


def test_reopen_case__at_level_3_without_consent_to_the_familielos_service__is_refused(staff):
    case, team, los, member = factories.case_at(Level.FAMILIELOS, opener=staff)
    case = workflow.close_case(actor=los, case=case, reason="Avslutta.")
    _withdraw_familielos_service(case, staff)
    with pytest.raises(Refused, match="Familielos-tenesta"):
        workflow.reopen_case(actor=member, case=case, reason="Tilbake.")
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_register_family__opens_at_level_0_with_a_14_day_decision_deadline(staff):
    case = factories.open_case(opener=staff)
    assert case.decision_deadline == timezone.localdate() + timedelta(days=14)


def test_note_concern__at_level_0__the_running_deadline_stands_and_a_decided_case_gets_a_new_one(staff):
    case = factories.open_case(opener=staff)
    soon = timezone.localdate() + timedelta(days=3)
    Case.objects.filter(pk=case.pk).update(decision_deadline=soon)

    workflow.note_concern(actor=staff, child=case.children.get(), reason="Ny uro.")
    case.refresh_from_db()
    assert case.decision_deadline == soon

    workflow.report_to_barnevern(actor=staff, case=case, reason="Meldt.")
    workflow.note_concern(actor=staff, child=case.children.get(), reason="Endå ei uro.")
    case.refresh_from_db()
    assert case.decision_deadline == timezone.localdate() + timedelta(days=14)


def test_step_down_and_reopen__at_level_0__start_a_new_decision_deadline(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    assert case.decision_deadline is None
    case = workflow.step_down(actor=staff, case=case, to_level=Level.UNDRING, reason="Tilbake til undring.")
    assert case.decision_deadline == timezone.localdate() + timedelta(days=14)
    case = workflow.close_case(actor=staff, case=case, reason="Lukka.")
    assert case.decision_deadline is None
    case = workflow.reopen_case(actor=staff, case=case, reason="Ny uro.")
    assert case.decision_deadline == timezone.localdate() + timedelta(days=14)


def test_reason_code__is_stored_as_a_code_and_worded_in_the_readers_language(case, staff):
    from django.utils import translation

    when = timezone.make_aware(timezone.datetime(2026, 12, 3, 9, 30))
    workflow.move_to_avklaring(
        actor=staff, case=case, reason_code="samtale_booked", reason_params={"when": when.isoformat()}
    )
    change = case.level_changes.first()
    assert (change.reason, change.reason_code) == ("", "samtale_booked")
    assert Entry.objects.get(level_change=change).text == ""
    with translation.override("en"):
        assert change.reason_shown == "Clarifying conversation booked for 03.12.2026 09:30."
    with translation.override("nn"):
        assert change.reason_shown == "Avklaringssamtale er avtalt til 03.12.2026 09:30."


def test_reason__both_or_neither_of_reason_and_code__is_a_programming_error(case, staff):
    with pytest.raises(ValueError, match="either"):
        workflow.move_to_avklaring(actor=staff, case=case, reason="x", reason_code="samtale_booked")
    with pytest.raises(ValueError, match="either"):
        workflow.move_to_avklaring(actor=staff, case=case)


def test_migration__workflow_texts_in_any_language__become_codes_and_typed_reasons_stay(case, staff):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cases.migrations.0006_code_workflow_reasons")
    booked = LevelChange.objects.create(
        case=case,
        kind="up",
        from_level=0,
        to_level=1,
        actor=staff,
        reason="Avklaringssamtale er avtalt til 05.12.2026 10:00.",
    )
    typed = LevelChange.objects.create(
        case=case, kind="up", from_level=0, to_level=1, actor=staff, reason="Skreve sjølv."
    )
    migration.code_reasons(apps, None)
    booked.refresh_from_db()
    typed.refresh_from_db()
    assert (booked.reason, booked.reason_code) == ("", "samtale_booked")
    assert booked.reason_shown == "Clarifying conversation booked for 05.12.2026 10:00."
    assert (typed.reason, typed.reason_code) == ("Skreve sjølv.", "")


@pytest.mark.parametrize("code", ReasonCode.values)
def test_reason_text__every_code__has_a_sentence_that_takes_its_parameters(code):
    params = {
        "when": "2026-12-01T10:00:00+01:00",
        "was": "2026-11-30T09:00:00+01:00",
        "place": "Møterom 1",
        "team": "Ressursteam nord",
        "service": "PPT",
        "name": "Los",
        "recommendation": "avklaring",
        "points": 3,
    }
    assert reason_text(code, params)


# The one consent rule (consents.level_shared_at): what the withdrawal's confirmation says is what it then does.


@pytest.mark.parametrize(
    ("level", "team_consent_too", "predicted"),
    [
        (Level.RESSURSTEAM, False, Level.AVKLARING),
        (Level.RESSURSTEAM, True, None),
        (Level.FAMILIELOS, False, Level.AVKLARING),
        (Level.FAMILIELOS, True, Level.RESSURSTEAM),
    ],
)
def test_level_after_withdrawal__is_the_level_the_withdrawal_leaves(staff, level, team_consent_too, predicted):
    """The case's consent (the team's services, and at level 3 the familielos's) withdrawn, with or without a second
    consent to the team's services alone."""
    case, team, *_ = factories.case_at(level, opener=staff)
    consent = case.family.consents.get()
    if team_consent_too:
        factories.give_consent(case, units=team.units.all())

    assert workflow.level_after_withdrawal(consent) == (case, predicted)

    actions.withdraw_consent(actor=staff, consent=consent)
    case.refresh_from_db()
    assert case.level == (predicted or level)


def test_level_after_withdrawal__a_closed_case__says_the_kept_access_ends(staff):
    case, team, *_ = factories.case_at(Level.RESSURSTEAM, opener=staff)
    member = factories.ressursteam_member(team)
    workflow.close_case(actor=member, case=case, reason="Flytta.")
    consent = case.family.consents.get()

    assert workflow.level_after_withdrawal(consent) == (case, Level.AVKLARING)


def test_enforce_consent__the_familielos_in_no_familielos_service_any_more__loses_access(staff):
    """A familielos whose Familielos service was taken away is covered by no consent (before: by any)."""
    case, _team, los, _member = factories.case_at(Level.FAMILIELOS, opener=staff)
    Membership.objects.filter(user=los).delete()

    workflow.enforce_consent(actor=staff, family=case.family)

    case.refresh_from_db()
    assert case.level == Level.RESSURSTEAM
    assert not access.can(los, case.family)


def test_older_case_reopened_and_closed_again__is_the_current_one_and_the_daily_job_gives_no_team_access_back(staff):
    older = factories.open_case(opener=staff, family_name="Familien Eldre")
    workflow.close_case(actor=staff, case=older, reason="Ingen uro no.")
    newer = workflow.open_case(actor=staff, family=older.family, children=list(older.children.all()), reason="Uro")
    newer = workflow.move_to_avklaring(actor=staff, case=newer, reason="Samtale.")
    team = factories.RessursteamFactory()
    factories.give_consent(newer, units=team.units.all())
    newer = workflow.refer_to_ressursteam(actor=staff, case=newer, team=team, reason="Hjelp.")
    member = factories.ressursteam_member(team)
    workflow.close_case(actor=member, case=newer, reason="Flytta.")
    workflow.reopen_case(actor=staff, case=Case.objects.get(pk=older.pk), reason="Ny uro.")
    workflow.close_case(actor=staff, case=Case.objects.get(pk=older.pk), reason="Ordna seg.")
    assert not access.can(member, older.family)
    # The family's pages show the case whose grants it holds: the one closed last.
    assert selectors.current_case(older.family) == older == access.current_case_for_grants(older.family)

    case_tasks.enforce_consents.call()

    assert not access.can(member, older.family)


def test_refer_and_reopen__a_team_with_no_service__are_refused_as_no_consent_can_cover_it(staff):
    case, *_ = factories.case_at(Level.AVKLARING, opener=staff)
    team = factories.RessursteamFactory()
    team.units.clear()
    with pytest.raises(Refused, match="no services"):
        workflow.refer_to_ressursteam(actor=staff, case=case, team=team, reason="Hjelp.")

    at_2, team_2, *_ = factories.case_at(Level.RESSURSTEAM, opener=factories.unit_staff())
    workflow.close_case(actor=factories.ressursteam_member(team_2), case=at_2, reason="Flytta.")
    team_2.units.clear()
    with pytest.raises(Refused, match="no services"):
        workflow.reopen_case(actor=at_2.opened_by, case=Case.objects.get(pk=at_2.pk), reason="Tilbake.")
