"""Browser-test helpers for the staff console: Debian's Chromium driven by Playwright (sync API).

Nothing is downloaded: Playwright is pointed at ``/usr/bin/chromium`` (apt package ``chromium``) and
the browser is started with flags that keep it off the network (the test machines' network is
closed, and an unflagged Chromium keeps retrying its update, sync and QUIC probes).

The fixtures that use these live in ``tests/console/conftest.py``; the helpers here take plain
arguments so a bench script or a one-off screenshot run can use them too.
"""

from __future__ import annotations

import os
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tests.support import FULL_MATRIX, wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Playwright

# Playwright must never fetch a browser of its own (``playwright install``), whatever runs it.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",  # tests may run as root in a container, where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
SCREENSHOT_DIR = ROOT / "docs" / "screenshots" / "console"
# Generous: two cores shared with other test workers, a hub and Mosquitto. Waits poll, so a fast
# machine never pays for this; only a broken page does.
WAIT_S = 30.0
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


@dataclass(frozen=True)
class Size:
    """A viewport the console is checked at; ``name`` ends up in screenshot file names."""

    name: str
    width: int
    height: int
    touch: bool = False


SIZES: dict[str, Size] = {
    size.name: size
    for size in (
        Size("desktop", 1366, 768),  # the most common office laptop/monitor resolution
        Size("tablet", 1280, 800, touch=True),  # a 10" tablet held landscape
        Size("tablet-portrait", 800, 1280, touch=True),
    )
}
# The two sizes issue 16 wants every page shown at; CI drives the desktop only (the tablet's layout
# is checked by test_browser_infra.py), the screenshot runs (tests.support.FULL_MATRIX) both.
ISSUE_SIZES = ("desktop", "tablet") if FULL_MATRIX else ("desktop",)


def chromium_missing_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is missing: install Debian's browser with  sudo apt-get install -y chromium"
            "  (deploy/dev-setup.sh does)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[test]'"
    return None


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless and quiet on the network."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS), timeout=WAIT_S * 2000
    )


@dataclass
class PageLog:
    """What went wrong in a page, collected as it happens: assert ``log.problems() == []``."""

    errors: list[str] = field(default_factory=list)  # uncaught exceptions and console.error
    failed: list[str] = field(default_factory=list)  # requests that got no response at all
    offsite: list[str] = field(default_factory=list)  # requests leaving this machine (a CDN, a font)

    def problems(self) -> list[str]:
        return [
            *self.errors,
            *(f"failed: {u}" for u in self.failed),
            *(f"offsite: {u}" for u in self.offsite),
        ]


_LOGS: dict[int, PageLog] = {}


def log_of(page: Page) -> PageLog:
    """The PageLog of a page opened by :func:`open_page`."""
    return _LOGS[id(page)]


def open_page(
    browser: Browser,
    size: str | Size = "desktop",
    *,
    ignore_https_errors: bool = False,
    base_url: str | None = None,
    locale: str = "id-ID",
) -> Page:
    """A page in a fresh context (own cookies, so one test's sign-in never leaks into another).

    ``ignore_https_errors`` is off unless asked: Chromium cannot be handed a CA file, so a test of
    the console's HTTPS sets it and checks the chain separately with :func:`verify_served_chain`.
    Close it with ``page.context.close()`` (the ``page_at`` fixture does).
    """
    spec = SIZES[size] if isinstance(size, str) else size
    context = browser.new_context(
        viewport={"width": spec.width, "height": spec.height},
        screen={"width": spec.width, "height": spec.height},
        device_scale_factor=1,
        has_touch=spec.touch,
        ignore_https_errors=ignore_https_errors,
        base_url=base_url,
        locale=locale,
        timezone_id="Asia/Jakarta",
    )
    context.set_default_timeout(WAIT_S * 1000)
    context.set_default_navigation_timeout(WAIT_S * 1000)
    page = context.new_page()
    log = PageLog()
    _LOGS[id(page)] = log
    page.on("pageerror", lambda exc: log.errors.append(f"page error: {exc}"))
    page.on("console", lambda msg: _record_console(log, msg))
    page.on("requestfailed", lambda req: _record_failure(log, req.url, req.failure))
    page.on("request", lambda req: _is_offsite(req.url) and log.offsite.append(req.url))
    page.on("close", lambda _page: _LOGS.pop(id(page), None))
    return page


def _record_console(log: PageLog, msg: ConsoleMessage) -> None:
    if msg.type == "error":  # the message alone ("404 (Not Found)") does not say which URL
        log.errors.append(f"console: {msg.text} [{msg.location.get('url', '')}]")


def _record_failure(log: PageLog, url: str, failure: str | None) -> None:
    # A stream the page drops on navigation (server-sent events) is aborted, not broken.
    if failure and "ERR_ABORTED" in failure:
        return
    log.failed.append(f"{url} ({failure})")


def _is_offsite(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss"} and (parts.hostname or "") not in LOCAL_HOSTS


def wait_for_text(where: Page | Locator, text: str, timeout_s: float = WAIT_S) -> Locator:
    """The first visible element holding ``text`` (substring, case-sensitive), once it shows."""
    found = where.get_by_text(text).first
    found.wait_for(state="visible", timeout=timeout_s * 1000)
    return found


def wait_for_selector(
    where: Page | Locator, selector: str, timeout_s: float = WAIT_S, state: str = "visible"
) -> Locator:
    """The first element matching the CSS ``selector`` once it reaches ``state``
    ("visible", "attached", "hidden" or "detached")."""
    found = where.locator(selector).first
    found.wait_for(state=state, timeout=timeout_s * 1000)  # type: ignore[arg-type]
    return found


def screenshot_path(name: str, size: str | Size, scratch_dir: Path) -> Path:
    """Where a screenshot of page ``name`` at ``size`` goes: ``docs/screenshots/console/`` when
    ``ANTRE_SCREENSHOTS=1`` (to be looked at and committed), else ``scratch_dir``."""
    size_name = size if isinstance(size, str) else size.name
    folder = SCREENSHOT_DIR if os.environ.get("ANTRE_SCREENSHOTS") == "1" else scratch_dir
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}-{size_name}.png"


def take_screenshot(
    page: Page, name: str, size: str | Size, scratch_dir: Path, full_page: bool = False
) -> Path:
    """A PNG of what ``page`` shows (the viewport, or the whole page), without a blinking caret or
    an animation caught half way; returns its path."""
    path = screenshot_path(name, size, scratch_dir)
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    return path


def verify_served_chain(
    host: str, port: int, ca_file: Path, server_name: str | None = None
) -> dict[str, Any]:
    """The certificate served at ``host:port``, after checking it chains to ``ca_file`` and names
    ``server_name`` (default ``host``); raises ``ssl.SSLCertVerificationError`` when it does not.

    The browser tests run with ``ignore_https_errors``; this is the check they skip."""
    context = ssl.create_default_context(cafile=str(ca_file))  # trusts only this CA, checks the name
    with (
        socket.create_connection((host, port), timeout=WAIT_S) as raw,
        context.wrap_socket(raw, server_hostname=server_name or host) as tls,
    ):
        cert = tls.getpeercert()
    assert cert is not None
    return cert


class ServedApp:
    """An ASGI app served by uvicorn in a thread on a free loopback port (port 0: the kernel picks,
    so two workers never race for one). Use as a context manager; ``url`` is the base URL."""

    def __init__(
        self, app: Any, *, ssl_certfile: Path | None = None, ssl_keyfile: Path | None = None
    ) -> None:
        import uvicorn

        self._config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="auto",
            timeout_graceful_shutdown=5,  # a page left holding an event stream must not hang the test
            ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
            ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
        )
        self._server = uvicorn.Server(self._config)
        self._thread = threading.Thread(target=self._server.run, name="console-test-server", daemon=True)
        self.port = 0
        self.url = ""

    def __enter__(self) -> ServedApp:
        self._thread.start()
        wait_until(
            lambda: self._server.started or not self._thread.is_alive(), WAIT_S * 2, "uvicorn to start"
        )
        if not self._server.started:
            raise RuntimeError("uvicorn stopped before it listened (its log is above)")
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        scheme = "https" if self._config.ssl_certfile else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(WAIT_S)


@contextmanager
def served(app: Any, *, ssl_certfile: Path | None = None, ssl_keyfile: Path | None = None) -> Iterator[str]:
    """``with served(app) as url:`` - the app on a free port for the duration, then stopped."""
    with ServedApp(app, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile) as server:
        yield server.url
