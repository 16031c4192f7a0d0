"""Playwright in Debian's Chromium against pytest-django's live server, with an axe-core check per page.

Each page a test opens has a browser context of its own in one shared Chromium, kept for later tests and reset between
them (`new_page`); `check_page` runs axe-core on a page, and with E2E_SCREENSHOTS=1 (`make screenshots`) saves a
full-page screenshot of it to look at.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

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


VIEWPORT = {"width": 1280, "height": 900}
# The inert page a page kept for the next test is left on: on the live server's own site, so the next test's first
# page loads in the same renderer process, and without a script that could go on running.
BLANK = "/static/favicon.svg"


@pytest.fixture(scope="session")
def _kept_pages() -> dict[bool, list[Page]]:
    """The pages (each in a context of its own) that tests have given back, by whether JavaScript is on."""
    return {True: [], False: []}


@pytest.fixture
def new_page(browser, live_server, _kept_pages):
    """Open a page in a browser context of its own (own cookies and storage), as a fresh context has it.

    A context and its page are kept for later tests, reset (`_reset`): a new context's first page starts two renderer
    processes, 1.8 s of CPU, which most tests would spend again on their one page. What a later test still shares
    with an earlier one is the HTTP cache (static files; the app's pages are not stored) and nothing it can see.
    """
    taken = []

    def open_page(*, java_script_enabled: bool = True) -> Page:
        kept = _kept_pages[java_script_enabled]
        page = kept.pop() if kept else _new_context(browser, live_server, java_script_enabled).new_page()
        taken.append((java_script_enabled, page))
        return page

    yield open_page
    for java_script_enabled, page in taken:
        if _reset(page, java_script_enabled):
            _kept_pages[java_script_enabled].append(page)
        else:
            page.context.close()


def _new_context(browser, live_server, java_script_enabled: bool) -> BrowserContext:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=java_script_enabled, locale="nb-NO", viewport=VIEWPORT
    )
    context.set_default_timeout(10_000)
    return context


def _reset(page: Page, java_script_enabled: bool) -> bool:
    """Leave `page` and its context as a new context and page would be for the next test: no cookies, nothing in the
    site's storage, no routes or permissions, the first viewport, an empty history, an inert document. False if it
    cannot be (the test closed the page, or the page will not be left): the caller closes the context instead."""
    if page.is_closed() or len(page.context.pages) != 1:
        return False
    try:
        page.unroute_all(behavior="ignoreErrors")
        page.goto(BLANK, timeout=2_000)
        if java_script_enabled:  # without JavaScript, nothing the site stores in the browser but its cookies
            page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        context = page.context
        context.clear_cookies()
        context.clear_permissions()
        page.set_viewport_size(VIEWPORT)
        session = context.new_cdp_session(page)
        session.send("Page.resetNavigationHistory")
        session.detach()
    except PlaywrightError:
        return False
    return True


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
