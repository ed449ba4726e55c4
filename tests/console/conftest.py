"""Fixtures for the staff console's browser tests (helpers in tests/console/browser.py).

``browser`` is one headless Chromium per test session, so per xdist worker; every ``page_at``
page gets a fresh context (cookies, storage) and is closed after the test. A test that uses them
is marked ``e2e`` (``browser`` is in tests/conftest.py's PROCESS_FIXTURES: it starts Chromium).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.console.browser import (
    WAIT_S,
    Size,
    chromium_missing_reason,
    launch_chromium,
    open_page,
    take_screenshot,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium under Playwright; the test is skipped, with the reason, when it is absent."""
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_S * 1000)  # expect(...) waits as generously as the helpers
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


PageAt = Callable[..., "Page"]


@pytest.fixture
def page_at(browser: Browser) -> Iterator[PageAt]:
    """``page_at(size="desktop", *, ignore_https_errors=False, base_url=None, locale="id-ID")``:
    a new page at "desktop" (1366x768), "tablet" (1280x800) or "tablet-portrait" (800x1280), or
    a :class:`Size`. See ``browser.log_of(page)`` for its JS errors and off-site requests."""
    pages: list[Page] = []

    def make(size: str | Size = "desktop", **options: object) -> Page:
        page = open_page(browser, size, **options)  # type: ignore[arg-type]
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.context.close()


@pytest.fixture
def screenshot(tmp_path: Path) -> Callable[..., Path]:
    """``screenshot(page, name, size, full_page=False) -> Path``: a PNG ``<name>-<size>.png`` in
    docs/screenshots/console/ when ANTRE_SCREENSHOTS=1, else in the test's tmp_path."""

    def take(page: Page, name: str, size: str | Size, full_page: bool = False) -> Path:
        return take_screenshot(page, name, size, tmp_path / "screenshots", full_page=full_page)

    return take
