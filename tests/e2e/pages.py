"""The browser contexts the e2e tests' pages live in, kept for later tests (tests/e2e/conftest.py's `new_page`).

A new context's first page starts two renderer processes (one for the blank page, one for the site): 1.8 s of CPU,
which most tests spent again on their one page, a quarter of the suite's time on two cores. So a context and its one
page are given back after a test, reset to what a new context's page is, and taken by a later test.

The reset undoes what the browser keeps for the site (cookies, every kind of storage, the history, permissions) and
what a test may set on a page through Playwright and that tests/e2e uses: routes, the viewport, the default timeout.
What else Playwright can set on a page or context (listeners, init scripts, exposed functions, extra headers,
emulation, a clock) is not undone: tests/e2e/test_kept_pages.py fails when a test uses it. Still shared with earlier
tests: the HTTP cache, which holds the static files (the app's pages are sent as not to be stored).
"""

import contextlib

from django.templatetags.static import static
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


class PagePool:
    """Pages in contexts of their own, against `base_url` (the live server), kept apart by whether JavaScript is on."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self._kept: dict[bool, list[Page]] = {True: [], False: []}

    def take(self, *, java_script_enabled: bool = True) -> Page:
        """A page as a new context's first page is: one given back earlier, or a new one."""
        kept = self._kept[java_script_enabled]
        if kept:
            return kept.pop()
        context = self.browser.new_context(
            base_url=self.base_url, java_script_enabled=java_script_enabled, locale="nb-NO", viewport=VIEWPORT
        )
        context.set_default_timeout(TIMEOUT_MS)
        return context.new_page()

    def give_back(self, page: Page, *, java_script_enabled: bool) -> None:
        """Keep `page` for a later `take` once it is reset; close its context if it cannot be."""
        if self._reset(page, java_script_enabled=java_script_enabled):
            self._kept[java_script_enabled].append(page)
        else:
            with contextlib.suppress(PlaywrightError):
                page.context.close()

    def close(self) -> None:
        for page in self._kept[True] + self._kept[False]:
            with contextlib.suppress(PlaywrightError):
                page.context.close()
        self._kept = {True: [], False: []}

    def _reset(self, page: Page, *, java_script_enabled: bool) -> bool:
        """Leave `page` on an inert page of the site (a static file: no script, so no poll goes on into the next
        test's database), as a new context's page would be in all else (see the module's docstring). False if it
        cannot be: the test closed the page or opened another in its context, or the page does not leave."""
        context = page.context
        if page.is_closed() or len(context.pages) != 1:
            return False
        try:
            page.unroute_all(behavior="ignoreErrors")
            context.unroute_all(behavior="ignoreErrors")
            response = page.goto(static("favicon.svg"), timeout=2_000)
            if response is None or not response.ok:
                return False
            session = context.new_cdp_session(page)
            session.send("Storage.clearDataForOrigin", {"origin": self.base_url, "storageTypes": "all"})
            session.send("Page.resetNavigationHistory")
            session.detach()
            if java_script_enabled:  # what a script of the site could leave, which "all" does not cover
                page.evaluate("() => { sessionStorage.clear(); window.name = ''; }")
            context.clear_cookies()
            context.clear_permissions()
            context.set_default_timeout(TIMEOUT_MS)
            page.set_default_timeout(TIMEOUT_MS)
            page.set_viewport_size(VIEWPORT)
        except PlaywrightError:
            return False
        return True
