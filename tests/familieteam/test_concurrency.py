"""Saves of the canvas at the same moment, each in its own transaction. Two people saving one cell: one save wins, the
other is kept as a conflict and offered back; the text on the canvas is never the loser's written over the winner's.
Two families' saves of the same life area: neither waits for the other."""

import threading

import pytest
from django.db import connection, transaction

from cases.models import Level
from familieteam import workflow
from familieteam.models import CanvasCell, CellVersion, Column, LifeArea
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_saves_of_one_cell_at_once__one_wins_and_the_other_is_kept():
    case, *_ = factories.case_at(Level.FAMILIELOS)
    _member, member = factories.familieteam_member(case)
    meeting = factories.familieteam_meeting(case)
    area = LifeArea.objects.filter(active=True).first()
    start = threading.Barrier(2)
    results = {}

    def save(actor, text):
        try:
            start.wait()
            results[text] = workflow.save_cell(
                actor=actor, meeting=meeting, life_area=area, column=Column.NOW, text=text, due=None, base_version=0
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(case.familielos, "Familielosen skreiv dette")),
        threading.Thread(target=save, args=(member, "Helsesjukepleiaren skreiv dette")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(result.saved for result in results.values()) == [False, True]
    winner = next(text for text, result in results.items() if result.saved)
    loser = next(text for text, result in results.items() if not result.saved)
    cell = CanvasCell.objects.get(meeting=meeting, life_area=area, column=Column.NOW)
    assert (cell.text, cell.version) == (winner, 1)
    assert results[loser].cell.text == winner
    kept = {(version.text, version.conflict) for version in CellVersion.objects.filter(cell=cell)}
    assert kept == {(winner, False), (loser, True)}


def test_save_cell__held_open_in_one_family__does_not_hold_up_the_same_life_area_in_another():
    cell = {"life_area": LifeArea.objects.filter(active=True).first(), "column": Column.NOW, "due": None}
    saves = []
    for _ in range(2):
        case, *_ = factories.case_at(Level.FAMILIELOS)
        meeting = factories.familieteam_meeting(case)
        first = workflow.save_cell(actor=case.familielos, meeting=meeting, text="Først", base_version=0, **cell)
        saves.append({"actor": case.familielos, "meeting": meeting, "base_version": first.cell.version, **cell})
    saved, done = threading.Event(), threading.Event()
    results = {}

    def hold_open():
        try:
            with transaction.atomic():
                workflow.save_cell(text="Held open", **saves[0])
                saved.set()
                # Held open until the other save is over (False: it never ended, and the test fails).
                results["held"] = done.wait(timeout=10)
        except Exception as error:
            results["held"] = error
        finally:
            saved.set()
            connection.close()

    def save_meanwhile():
        try:
            if not saved.wait(timeout=10):
                results["saved"] = "the other save was not held open"
                return
            with transaction.atomic():
                # A lock held by the other family's save fails this save within a second, rather than waiting.
                connection.cursor().execute("SET LOCAL lock_timeout = '1s'")
                results["saved"] = workflow.save_cell(text="Meanwhile", **saves[1]).saved
        except Exception as error:
            results["error"] = error
        finally:
            done.set()
            connection.close()

    threads = [threading.Thread(target=hold_open), threading.Thread(target=save_meanwhile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == {"held": True, "saved": True}
