"""A hook to watch the wall from inside its process: ``DisplayApp.observers``.

The product attaches none. A test or a benchmark adds an object with these methods before the app
runs (``tests.display.probed_app`` adds the tests' probe, which stamps when a code reached the
screen and answers screenshot requests). Every call comes on Kivy's main thread, inside the frame
it is about, so an observer must be quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class DisplayObserver(Protocol):
    def on_start(self, app: Any) -> None:
        """The window and the widget tree (``app.root``) exist; the broker is not connected yet."""

    def on_call_shown(self, ticket: str, desk: str) -> None:
        """A desk's tile was given a new code; the next ``on_frame`` is the first frame with it."""

    def on_frame(self, size: tuple[int, int], submitted: float) -> None:
        """A frame is drawn and its pixels are done (after ``glFinish``, before the swap).
        ``submitted``: ``time.monotonic()`` when Kivy had issued it; ``size``: the window's."""

    def on_screenshot(self, path: Path, size: tuple[int, int]) -> None:
        """``--screenshot`` wrote ``path`` from the frame just drawn (the app stops next)."""

    def on_stop(self) -> None:
        """The app is stopping."""
