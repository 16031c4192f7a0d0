"""The pages tests/e2e/pages.py keeps for later tests: what one test did to a page is gone for the next."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.helpers import LOG_IN, MY_FAMILIES, sign_in
from tests.e2e.pages import NOT_UNDONE, VIEWPORT, PagePool

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LEFT_IN_THE_BROWSER = """async () => [
    localStorage.getItem('left'), sessionStorage.getItem('left'), window.name,
    (await indexedDB.databases()).length, (await caches.keys()).length,
]"""


@pytest.fixture
def pool(browser, live_server):
    """A pool of the test's own, beside the one the other tests share."""
    pool = PagePool(browser, live_server.url)
    yield pool
    pool.close()


def test_given_back__a_page_signed_in_on_and_changed__is_taken_again_as_a_new_contexts_page(pool, staff):
    page = pool.take()
    sign_in(page, staff, reverse("cases:family_list"))
    page.goto(reverse("home"))
    page.evaluate("""async () => {
        localStorage.setItem('left', '1'); sessionStorage.setItem('left', '1'); window.name = 'left';
        await new Promise(opened => { indexedDB.open('left').onsuccess = opened; });
        await caches.open('left');
    }""")
    assert page.evaluate(LEFT_IN_THE_BROWSER) == ["1", "1", "left", 1, 1]
    page.set_viewport_size(PHONE)
    page.route(re.compile(r"/logg-inn/"), lambda route: route.abort())
    page.context.grant_permissions(["clipboard-read"])

    pool.give_back(page, java_script_enabled=True)
    again = pool.take()

    assert again is page
    assert page.context.cookies() == []
    assert page.viewport_size == VIEWPORT
    assert page.evaluate("() => history.length") == 1
    assert page.evaluate("() => navigator.permissions.query({name: 'clipboard-read'}).then(s => s.state)") != "granted"
    # Signed out, and the route is gone: the family list sends the page on to the login form, which loads.
    page.goto(reverse("cases:family_list"))
    expect(page.get_by_role("heading", level=1, name=LOG_IN)).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=MY_FAMILIES)).to_have_count(0)
    assert page.evaluate(LEFT_IN_THE_BROWSER) == [None, None, "", 0, 0]


def test_given_back__without_javascript__is_kept_apart_and_signed_out(pool, staff):
    page = pool.take(java_script_enabled=False)
    sign_in(page, staff, reverse("cases:family_list"))
    expect(page.get_by_role("heading", level=1, name=MY_FAMILIES)).to_be_visible()

    pool.give_back(page, java_script_enabled=False)

    assert pool.take().context is not page.context
    again = pool.take(java_script_enabled=False)
    assert again is page
    assert page.context.cookies() == []


def test_given_back__a_page_the_test_closed__is_not_kept_and_its_context_is_closed(pool, browser):
    page = pool.take()
    page.goto(reverse("login"))
    page.close()

    pool.give_back(page, java_script_enabled=True)

    assert page.context not in browser.contexts
    assert pool.failed_resets == 1
    assert pool.take() is not page


def test_new_page__two_in_one_test__have_contexts_of_their_own(new_page, staff):
    first, second = new_page(), new_page()
    sign_in(first, staff)

    assert first.context is not second.context
    assert second.context.cookies() == []


def test_e2e_tests__use_nothing_of_playwright_that_a_kept_page_would_carry_to_the_next_test():
    here = Path(__file__).parent
    uses = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted([*here.glob("test_*.py"), here / "helpers.py"])
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if NOT_UNDONE.search(line)
    ]
    assert uses == [], "Undo it in PagePool._reset (tests/e2e/pages.py), then take it off NOT_UNDONE:\n" + "\n".join(
        uses
    )


def test_not_undone__finds_a_listener_and_a_timeout_but_not_what_the_reset_undoes():
    assert NOT_UNDONE.search('page.on("dialog", handler)')
    assert NOT_UNDONE.search("page.set_default_timeout(500)")
    assert NOT_UNDONE.search("page.keyboard.down('Shift')")
    assert not NOT_UNDONE.search("page.route(pattern, handler)")
    assert not NOT_UNDONE.search("page.set_viewport_size(PHONE)")
