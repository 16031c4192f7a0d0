"""The browser contexts the e2e tests' pages live in, kept for later tests (tests/e2e/conftest.py's `new_page`).

A new context's first page starts two renderer processes (one for the blank page, one for the site): 1.8 s of CPU,
which most tests spent again on their one page, a quarter of the suite's time on two cores. So a context and its one
page are given back after a test, reset, and taken by a later test.

The reset undoes what the site can leave in the browser (cookies, every kind of storage, `window.name`, the history,
permissions) and what the tests set on a page through Playwright: routes and the viewport. The kept page starts on an
inert page of the site, not on about:blank. What else Playwright can set on a page or context is not undone: those
calls are NOT_UNDONE, and tests/e2e/test_kept_pages.py fails when an e2e test makes one. Still shared with earlier
tests: the HTTP cache, which holds the static files (the pages of a signed-in person are sent as not to be stored).
"""

import contextlib
import re

from django.templatetags.static import static
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
# What a test could set through Playwright that a kept page would carry into the next test.
NOT_UNDONE = re.compile(
    r"\.(on|once|add_init_script|expose_function|expose_binding|set_extra_http_headers|emulate_media|set_offline"
    r"|set_geolocation|set_default_timeout|set_default_navigation_timeout|add_locator_handler|route_web_socket)\s*\("
    r"|\.clock\.|\.tracing\.start\s*\(|\.(keyboard|mouse)\.down\s*\("
)


class PagePool:
    """Pages in contexts of their own, against `base_url` (the live server), kept apart by whether JavaScript is on."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self._kept: dict[bool, list[Page]] = {True: [], False: []}
        self._contexts: list[BrowserContext] = []
        self.failed_resets = 0

    def take(self, *, java_script_enabled: bool = True) -> Page:
        """A page given back earlier, reset, or else a new context's page."""
        kept = self._kept[java_script_enabled]
        while kept:
            page = kept.pop()
            if not page.is_closed():
                return page
        context = self.browser.new_context(
            base_url=self.base_url, java_script_enabled=java_script_enabled, locale="nb-NO", viewport=VIEWPORT
        )
        context.set_default_timeout(TIMEOUT_MS)
        self._contexts.append(context)
        return context.new_page()

    def give_back(self, page: Page, *, java_script_enabled: bool) -> None:
        """Keep `page` for a later `take` once it is reset; close its context if it cannot be."""
        if self._reset(page, java_script_enabled=java_script_enabled):
            self._kept[java_script_enabled].append(page)
            return
        self.failed_resets += 1
        with contextlib.suppress(PlaywrightError):
            page.context.close()

    def close(self) -> None:
        """Close every context the pool made, those taken and not given back too."""
        for context in self._contexts:
            with contextlib.suppress(PlaywrightError):
                context.close()
        self._kept, self._contexts = {True: [], False: []}, []

    def _reset(self, page: Page, *, java_script_enabled: bool) -> bool:
        """Leave `page` on an inert page of the site (a static file: no script, so no poll goes on into the next
        test's database), with nothing left of the test that the site or the tests can see (the module's docstring).
        False if it cannot be: the test closed the page or opened another in its context, or the page does not
        leave."""
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
            # Cookies, local and session storage, IndexedDB, Cache Storage, service workers: of the live server's
            # origin, which is the only one the tests reach.
            session.send("Storage.clearDataForOrigin", {"origin": self.base_url, "storageTypes": "all"})
            session.send("Page.resetNavigationHistory")
            session.detach()
            if java_script_enabled:  # a window's name is no storage type
                page.evaluate("() => { window.name = ''; }")
            context.clear_cookies()  # any other host's too
            context.clear_permissions()
            page.set_viewport_size(VIEWPORT)
        except PlaywrightError:
            return False
        return True
