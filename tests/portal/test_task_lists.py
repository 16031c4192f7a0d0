"""Ticking a task on the family's task page moves it to where it belongs: the htmx answer is both lists again, the
task under "Done" (or back under "Not done yet"), saying it was saved; a refused tick leaves it where it was."""

import re

import pytest

from cases.models import ActionStatus
from portal import workflow
from tests.conftest import client_for, shown
from tests.portal.test_workflow import HTMX, _point, _tick_url, _unchanged

pytestmark = pytest.mark.django_db


def _sections(page: str) -> tuple[str, str]:
    """The "Not done yet" list and the "Done" list ("" when there is none) of an answer."""
    open_part, _, done_part = page.partition('aria-labelledby="closed-heading"')
    return open_part, done_part


def test_tick_view__htmx_done__moves_the_task_under_done_and_says_it_is_saved(lund):
    point = _point(lund, "Ringje skulen")
    other = _point(lund, "Kjøpe joggesko")

    page = client_for(lund.login).post(_tick_url(point), {"status": "done", "base_version": 1}, **HTMX).content.decode()

    not_done, done = _sections(page)
    assert 'id="tasks"' in page
    assert "Ringje skulen" in done
    assert "Ringje skulen" not in not_done
    assert "Kjøpe joggesko" in not_done
    assert shown("Saved: done") in done
    # The lists are new: focus goes to the task that moved, where what was saved is shown.
    assert re.search(rf'<li id="task-{point.pk}" [^>]*tabindex="-1" autofocus>', done)
    assert len(re.findall("autofocus", page)) == 1
    assert _tick_url(other) in not_done


def test_tick_view__htmx_not_done_after_all__moves_it_back(lund):
    point = _point(lund, "Ringje skulen")
    workflow.tick(actor=lund.login, point=point, status=ActionStatus.DONE, base_version=1)

    page = client_for(lund.login).post(_tick_url(point), {"status": "open", "base_version": 2}, **HTMX).content.decode()

    not_done, done = _sections(page)
    assert "Ringje skulen" in not_done
    assert done == ""
    assert shown("Saved: not done") in not_done


def test_tick_view__htmx_bad_status__the_task_stays_with_the_error(lund):
    point = _point(lund, "Ringje skulen")

    page = client_for(lund.login).post(_tick_url(point), {"status": "nonsense", "base_version": 1}, **HTMX)

    not_done, done = _sections(page.content.decode())
    assert "Ringje skulen" in not_done
    assert shown("Choose done or not done.") in not_done
    assert _unchanged(point)


def test_tick_view__htmx_answer__queries_are_the_same_with_2_and_8_tasks(lund, django_assert_max_num_queries):
    client = client_for(lund.login)
    first = _point(lund, "Oppgåve 0")
    _point(lund, "Oppgåve 1")
    with django_assert_max_num_queries(30) as few:
        client.post(_tick_url(first), {"status": "done", "base_version": 1}, **HTMX)
    for number in range(2, 8):
        _point(lund, f"Oppgåve {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.post(_tick_url(first), {"status": "open", "base_version": 2}, **HTMX).content.decode()
    assert page.count('<li id="task-') == 8
