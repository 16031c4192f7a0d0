from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction

from cases import access
from cases import workflow as case_workflow
from familielos import roles
from familielos.errors import Refused
from familieteam.models import LifeArea
from stafettlogg import selectors, workflow
from stafettlogg.models import Entry, Kind, Outcome, Visibility
from tests import factories

pytestmark = pytest.mark.django_db

START = date(2026, 12, 1)


def note(actor, family, text="Emma har hatt ei god veke.", visibility=Visibility.TEAM, kind=Kind.NOTE):
    return workflow.post_entry(actor=actor, family=family, kind=kind, visibility=visibility, text=text)


def measure(actor, family, *, starts_on=START, evaluate_by=date(2027, 1, 15), **kwargs):
    return workflow.post_measure(
        actor=actor,
        family=family,
        visibility=Visibility.TEAM_AND_FAMILY,
        text="Ekstra lesetrening tre dagar i veka.",
        responsible=kwargs.pop("responsible", "Kontaktlærar"),
        starts_on=starts_on,
        evaluate_by=evaluate_by,
        life_area=kwargs.pop("life_area", LifeArea.objects.first()),
        **kwargs,
    )


# Writing


def test_post_entry__keeps_the_authors_role_and_service_as_they_were(writer, family):
    entry = note(writer, family)
    writer.memberships.all().delete()
    writer.groups.clear()
    entry = Entry.objects.get(pk=entry.pk)
    assert (entry.kind, entry.author_role, entry.author_unit.name) == (Kind.NOTE, roles.UNIT_STAFF, "Nordvik skule")
    assert entry.author_role_label == "Unit staff"


@pytest.mark.parametrize("kind", [Kind.MEASURE, Kind.EVALUATION, Kind.SYSTEM, "gossip"])
def test_post_entry__a_kind_with_fields_of_its_own_or_unknown__is_refused(writer, family, kind):
    with pytest.raises(Refused):
        note(writer, family, kind=kind)
    assert not Entry.objects.filter(family=family).exclude(kind=Kind.SYSTEM).exists()


@pytest.mark.parametrize(("text", "visibility"), [("   ", Visibility.TEAM), ("Hei", "everyone"), ("x" * 5001, "team")])
def test_post_entry__empty_text_too_long_or_unknown_readers__is_refused(writer, family, text, visibility):
    with pytest.raises(Refused):
        note(writer, family, text=text, visibility=visibility)
    assert not Entry.objects.filter(family=family).exclude(kind=Kind.SYSTEM).exists()


def test_post_entry__staff_without_a_grant_or_the_familys_login__is_denied(family, outsider, family_login):
    for actor in (outsider, family_login):
        with pytest.raises(PermissionDenied):
            note(actor, family)
    assert not Entry.objects.filter(family=family).exclude(kind=Kind.SYSTEM).exists()


def test_post_measure__evaluation_date_before_the_start__is_refused(writer, family):
    with pytest.raises(Refused, match="before the start"):
        measure(writer, family, starts_on=START, evaluate_by=date(2026, 11, 30))
    assert not Entry.objects.filter(kind=Kind.MEASURE).exists()


def test_post_measure__evaluated_the_day_it_starts__is_allowed(writer, family):
    entry = measure(writer, family, evaluate_by=START)
    assert (entry.starts_on, entry.evaluate_by, entry.responsible) == (START, START, "Kontaktlærar")


def test_post_measure__nobody_responsible__is_refused(writer, family):
    with pytest.raises(Refused):
        measure(writer, family, responsible=" ")


def test_evaluate_measure__points_at_the_measure(writer, family):
    tiltak = measure(writer, family)
    evaluation = workflow.evaluate_measure(
        actor=writer,
        family=family,
        measure=tiltak,
        outcome=Outcome.PARTLY,
        visibility=Visibility.TEAM,
        text="Betre med lesinga, men ho er trøytt.",
        next_steps="Held fram to dagar i veka.",
    )
    assert list(tiltak.evaluations.all()) == [evaluation]


def test_evaluate_measure__another_familys_measure__is_refused(writer, family):
    other = factories.open_case(opener=writer, family_name="Familien Berg").family
    foreign = measure(writer, other)
    with pytest.raises(Refused, match="measure in this family"):
        workflow.evaluate_measure(
            actor=writer, family=family, measure=foreign, outcome=Outcome.WELL, visibility="team", text="Bra."
        )
    assert not Entry.objects.filter(kind=Kind.EVALUATION).exists()


def test_evaluate_measure__a_note_is_no_measure__is_refused(writer, family):
    with pytest.raises(Refused):
        workflow.evaluate_measure(
            actor=writer, family=family, measure=note(writer, family), outcome="well", visibility="team", text="Ok"
        )


def test_evaluate_measure__no_outcome__is_refused(writer, family):
    with pytest.raises(Refused, match="how the measure went"):
        workflow.evaluate_measure(
            actor=writer, family=family, measure=measure(writer, family), outcome="", visibility="team", text="Ok"
        )


# Corrections


def test_correct_entry__links_both_ways_and_keeps_the_original(writer, family):
    original = measure(writer, family)
    correction = workflow.correct_entry(actor=writer, entry=original, text="Lesetrening to dagar i veka.")
    original.refresh_from_db()
    assert original.text == "Ekstra lesetrening tre dagar i veka."
    assert correction.corrects == original
    assert original.correction == correction
    assert (correction.kind, correction.visibility, correction.evaluate_by) == (
        Kind.MEASURE,
        Visibility.TEAM_AND_FAMILY,
        original.evaluate_by,
    )
    assert list(selectors.open_measures(family)) == [correction]


def test_correct_entry__twice__is_refused(writer, family):
    original = note(writer, family)
    workflow.correct_entry(actor=writer, entry=original, text="Retta.")
    with pytest.raises(Refused, match="already corrected"):
        workflow.correct_entry(actor=writer, entry=original, text="Retta igjen.")
    assert Entry.objects.filter(corrects=original).count() == 1


def test_correct_entry__someone_elses_or_the_systems_entry__is_refused(writer, family):
    colleague = factories.unit_staff()
    access.grant_user(colleague, family)
    theirs = note(colleague, family)
    system = Entry.objects.get(family=family, kind=Kind.SYSTEM)
    for entry in (theirs, system):
        with pytest.raises(Refused, match="Only the person"):
            workflow.correct_entry(actor=writer, entry=entry, text="Anna ordlyd.")
    assert not Entry.objects.filter(corrects__isnull=False).exists()


# Immutability, in the database


def test_entry__update_and_delete__are_refused_by_the_database_through_the_orm(writer, family):
    entry = note(writer, family)
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(text="Endra i ettertid.")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        entry.delete()
    assert Entry.objects.get(pk=entry.pk).text == "Emma har hatt ei god veke."


def test_entry__update_and_delete__are_refused_by_the_database_in_raw_sql(writer, family):
    entry = note(writer, family)
    for sql in (
        "UPDATE stafettlogg_entry SET text = 'Endra' WHERE id = %s",
        "UPDATE stafettlogg_entry SET visibility = 'team_and_family' WHERE id = %s",
        "DELETE FROM stafettlogg_entry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="Cannot update or delete"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert Entry.objects.filter(pk=entry.pk, text="Emma har hatt ei god veke.", visibility="team").exists()


def test_entry__a_measure_without_dates_or_an_evaluation_without_measure__is_refused_by_the_database(writer, family):
    for fields in (
        {"kind": Kind.MEASURE, "responsible": "Lærar"},
        {"kind": Kind.MEASURE, "responsible": "Lærar", "starts_on": START, "evaluate_by": date(2026, 1, 1)},
        {"kind": Kind.EVALUATION, "outcome": Outcome.WELL},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Entry.objects.create(family=family, author=writer, text="x", **fields)


# The workflow's own entries


def test_level_change__writes_a_system_entry_for_the_team(writer, case):
    case_workflow.move_to_avklaring(actor=writer, case=case, reason="Samtale med foreldra.")
    entry = Entry.objects.get(level_change=case.level_changes.first())
    assert (entry.kind, entry.visibility, entry.author_role, entry.author_unit.name) == (
        Kind.SYSTEM,
        Visibility.TEAM,
        roles.UNIT_STAFF,
        "Nordvik skule",
    )


# Visibility


def test_family_visible_entries__only_those_for_the_team_and_the_family(writer, family):
    shared = note(writer, family, text="Til alle.", visibility=Visibility.TEAM_AND_FAMILY)
    note(writer, family, text="Berre teamet.", visibility=Visibility.TEAM)
    lysglimt = note(writer, family, text="Emma song i kor!", kind=Kind.LYSGLIMT, visibility="team_and_family")
    other = factories.open_case(opener=writer, family_name="Familien Berg").family
    note(writer, other, text="Annan familie.", visibility=Visibility.TEAM_AND_FAMILY)
    visible = list(selectors.family_visible_entries(family))
    assert [entry.text for entry in visible if entry.kind != Kind.SYSTEM] == [lysglimt.text, shared.text]
    assert all(entry.visibility == Visibility.TEAM_AND_FAMILY for entry in visible)
    # A level change's reason can be a report to barnevern: the team's own.
    assert not any(entry.kind == Kind.SYSTEM for entry in visible)


def test_family_delete__is_refused_while_it_has_log_entries(family):
    """Nothing in the app deletes a family; a delete would take the log with it, so the database refuses it too."""
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        family.delete()
    assert Entry.objects.filter(family=family).exists()


def test_evaluate_measure__a_team_only_measure_is_not_evaluated_for_the_family(writer, family):
    private = workflow.post_measure(
        actor=writer,
        family=family,
        visibility=Visibility.TEAM,
        text="Oppfølging av mor.",
        responsible="Helsesjukepleiar",
        starts_on=START,
        evaluate_by=date(2027, 1, 15),
    )
    with pytest.raises(Refused, match="team only"):
        workflow.evaluate_measure(
            actor=writer,
            family=family,
            measure=private,
            outcome=Outcome.WELL,
            visibility=Visibility.TEAM_AND_FAMILY,
            text="Det gjekk fint.",
        )
