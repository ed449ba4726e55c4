"""Small Kivy helpers every Antre app (kiosk, wall display, counter) shares.

Kivy reads its environment when it is first imported and creates the window when
``kivy.core.window`` is first imported, so the order matters:

1. ``prepare_environment()`` before anything imports kivy (no command-line parsing by Kivy, log
   records through Python's ``logging`` at WARNING and up, no log files in the Kivy home);
2. ``configure_window(size, fullscreen, position)`` before the window exists;
3. ``App.run()``; ``schedule_screenshot(app, path)`` writes a PNG of the window after a few drawn
   frames and stops the app (``--screenshot PATH``);
4. results from other threads (MQTT, printer) reach widgets only through ``call_on_main``.

Kivy is imported inside the functions only: the domain never pulls it in through this module.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.kivy_base.screenshot import capture

# Optional providers Kivy probes on Linux; where one is missing it logs a traceback at each start.
# (X11's cut buffer needs xclip or xsel: a kiosk has no use for copy and paste.)
_QUIET_PROBES = (
    "Input: MTDev is not supported",
    "Input: ProbeSysfs is not supported",
    "Input: HIDInput is not supported",
    "Input: LinuxWacom is not supported",
    "Cutbuffer: Unable to find any valuable Cutbuffer provider",
)


class _DropProviderProbes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_QUIET_PROBES)


def prepare_environment(kivy_home: str | Path | None = None, level: int = logging.WARNING) -> None:
    """Set Kivy's environment; call before kivy is imported. Values already set by the caller win."""
    if "kivy" in sys.modules:
        logging.getLogger(__name__).warning("kivy was imported before prepare_environment()")
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # our argparse owns the command line
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # no stderr redirection, no own handlers
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_NO_CONFIG", "1")  # Kivy's config.ini would override ours
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")  # not xclip/xsel, which a kiosk does not have
    if kivy_home is not None:
        os.environ["KIVY_HOME"] = str(kivy_home)
    kivy_log = logging.getLogger("kivy")
    kivy_log.setLevel(level)
    if not any(isinstance(f, _DropProviderProbes) for f in kivy_log.filters):
        kivy_log.addFilter(_DropProviderProbes())


@dataclass(frozen=True)
class WindowArgs:
    size: tuple[int, int] | None = None
    fullscreen: bool = False
    screenshot: Path | None = None
    position: tuple[int, int] | None = None


def parse_size(text: str) -> tuple[int, int]:
    """``"1080x1920"`` -> ``(1080, 1920)``."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"size must look like 1280x800, got {text!r}") from exc
    if width < 200 or height < 200:
        raise argparse.ArgumentTypeError(f"size is too small: {text!r}")
    return width, height


def parse_position(text: str) -> tuple[int, int]:
    """``"540,0"`` -> ``(540, 0)``: the window's top-left corner on the screen."""
    try:
        left, top = (int(part) for part in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"position must look like 540,0, got {text!r}") from exc
    if left < 0 or top < 0:
        raise argparse.ArgumentTypeError(f"position must not be negative: {text!r}")
    return left, top


def add_window_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", type=parse_size, metavar="WxH", help="window size, e.g. 1080x1920")
    parser.add_argument(
        "--position", type=parse_position, metavar="LEFT,TOP", help="window's top-left corner, e.g. 540,0"
    )
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (a kiosk, a wall TV)")
    parser.add_argument(
        "--screenshot", type=Path, metavar="PATH", help="write a PNG of the first screen there, then exit"
    )


def window_args(args: argparse.Namespace) -> WindowArgs:
    return WindowArgs(
        size=args.size,
        fullscreen=args.fullscreen,
        screenshot=args.screenshot,
        position=getattr(args, "position", None),
    )


def configure_window(
    size: tuple[int, int] | None = None,
    fullscreen: bool = False,
    position: tuple[int, int] | None = None,
) -> None:
    """Window size and mode; call after ``prepare_environment`` and before the window exists."""
    if "kivy.core.window" in sys.modules:
        raise RuntimeError("configure_window() must run before kivy.core.window is imported")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")  # a kiosk keyboard's Esc must not quit the app
    Config.set("input", "mouse", "mouse,disable_multitouch")  # no red multitouch dots on right-click
    if size is not None:
        Config.set("graphics", "width", str(size[0]))
        Config.set("graphics", "height", str(size[1]))
    if position is not None:  # `antre up` lays its windows out side by side
        Config.set("graphics", "position", "custom")
        Config.set("graphics", "left", str(position[0]))
        Config.set("graphics", "top", str(position[1]))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "resizable", "1")


def save_window_png(path: str | Path) -> Path:
    """What the window shows now, as a PNG at exactly ``path`` (resolved; written atomically).

    The one encoder is ``shared.kivy_base.screenshot`` (RGBA rows, exact at every width); this name
    stays for the kiosk's test drivers, which call it. Call on Kivy's main thread once a frame has
    been drawn."""
    return capture(Path(path).resolve())


def schedule_screenshot(app: Any, path: str | Path, frames: int = 3) -> None:
    """After ``frames`` drawn frames, save the window to ``path`` and stop ``app``."""
    from kivy.clock import Clock

    remaining = [frames]

    def on_frame(_dt: float) -> bool:
        remaining[0] -= 1
        if remaining[0] > 0:
            return True
        capture(path)
        app.stop()
        return False

    Clock.schedule_interval(on_frame, 0)


def call_on_main(callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run ``callback(*args, **kwargs)`` on Kivy's main thread at the next frame; safe from any thread."""
    from kivy.clock import Clock

    Clock.schedule_once(lambda _dt: callback(*args, **kwargs), 0)


def post_to_main(job: Callable[[], Any]) -> None:
    """``call_on_main`` for a callable without arguments (what view-models take as ``post``)."""
    call_on_main(job)
