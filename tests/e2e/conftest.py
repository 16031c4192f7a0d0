"""Playwright in Debian's Chromium against pytest-django's live server, with an axe-core check per page.

Each page a test opens has a browser context of its own in one shared Chromium, kept for later tests and reset
between them (`new_page`, tests/e2e/pages.py); `check_page` runs axe-core on a page, and with E2E_SCREENSHOTS=1
(`make screenshots`) saves a full-page screenshot of it to look at.
"""

import os
import warnings
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, sync_playwright

from tests.e2e.pages import PagePool

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# A full-page screenshot takes half a second: a run that nobody looks at (`make test`, CI) takes none.
TAKE_SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS") == "1"


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop running in this thread while it is started, so Django takes every
    # ORM call (from the tests and from later tests in the session) for one made in async code. They are synchronous.
    # Set here, not at import: conftest files are imported for every run, and subprocesses started by tests that run
    # before the first browser test (manage.py check --deploy) would inherit it and warn.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture(scope="session")
def page_pool(browser, live_server) -> PagePool:
    pool = PagePool(browser, live_server.url)
    yield pool
    pool.close()
    if pool.failed_resets:
        # Each cost a later test a new context: a reset that failed every time would otherwise go unnoticed.
        warnings.warn(f"{pool.failed_resets} e2e pages could not be reset for a later test", stacklevel=1)


@pytest.fixture
def new_page(page_pool):
    """Open a page in a browser context of its own (own cookies and storage); it is given back after the test, to be
    reset and kept for a later one (tests/e2e/pages.py says what the reset undoes)."""
    taken = []

    def open_page(*, java_script_enabled: bool = True) -> Page:
        page = page_pool.take(java_script_enabled=java_script_enabled)
        taken.append((page, java_script_enabled))
        return page

    yield open_page
    for page, java_script_enabled in taken:
        page_pool.give_back(page, java_script_enabled=java_script_enabled)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def screenshot(request):
    """With E2E_SCREENSHOTS=1, save a full-page screenshot to tests/e2e/screenshots/, named by the test and the step."""

    def save(page: Page, name: str) -> None:
        if not TAKE_SCREENSHOTS:
            return
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{request.node.name}--{name}.png", full_page=True)

    return save


@pytest.fixture
def check_page(axe, screenshot):
    """Assert axe-core finds no violations on the page as it is now (and screenshot it, with E2E_SCREENSHOTS=1).

    axe-core runs in the page, so only with JavaScript on (page.evaluate never returns in a context without it).
    """

    def check(page: Page, name: str) -> None:
        screenshot(page, name)
        results = axe.run(page)
        assert results.violations_count == 0, (
            f"axe on {name} ({page.url}):\n{results.generate_snapshot()}\n\n{results.generate_report()}"
        )

    return check
