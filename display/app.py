"""``antre display``: the lobby's wall TV. ``main(argv)`` loads the config, sets Kivy up and only
then imports ``display.ui`` and runs the wall (``build_app``); importing this module touches
neither Kivy nor the environment. The tests' ``tests.display.probed_app`` wraps ``build_app``.

    antre display [--config FILE] [--size WxH] [--fullscreen] [--screenshot PATH] [--no-voice]

``--screenshot PATH`` waits until the retained state has arrived (or 6 s without a broker), writes
a PNG of the window and exits: a technician can check a remote screen with it.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from display.options import display_config
from shared import logs
from shared.config import ConfigError, load_settings
from shared.kivy_base.window import add_window_arguments, configure_window, prepare_environment

if TYPE_CHECKING:
    from display.ui import DisplayApp

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antre display", description="The wall display of the lobby.")
    parser.add_argument("--config", help="TOML config file (default: $ANTRE_CONFIG or the user config dir)")
    add_window_arguments(parser)
    parser.add_argument("--no-voice", action="store_true", help="show calls without the chime and voice")
    return parser


def build_app(args: argparse.Namespace) -> DisplayApp:
    """Load the config, set Kivy up (environment, clock, window), then import the UI and build the
    wall, ready to ``run()``. Raises ``ConfigError`` for a bad config."""
    settings = load_settings(args.config)
    display = display_config(settings)
    # A call must reach the screen at once. With the "interrupt" clock, the MQTT hand-off's trigger
    # (display.ui) ends the main loop's sleep and the frame is drawn right away. "free_only" ran the
    # hand-off in the sleep too, but still drew at the next 60 Hz tick (kivy.clock
    # ClockBaseFreeInterruptOnly.idle): up to 16.7 ms more. Measured at 1920x1080 (500 calls,
    # load ~2): next -> frame p50/p99 14.6/40.3 ms against 19.8/57.6, display's share 4.7/20.0
    # against 6.2/32.0. The running text then also steps at its own pace, not on 60 Hz ticks.
    os.environ.setdefault("KIVY_CLOCK", "interrupt")
    prepare_environment()
    configure_window(args.size, args.fullscreen, args.position)
    from kivy.config import Config

    # No multisampling (Kivy asks for 2 samples by default): the wall is upright rectangles and
    # text (its glyphs are smoothed in their textures anyway), and on a software renderer
    # (llvmpipe) every pixel then costs a third: measured at 1920x1080, a window clear 7.8 -> 2.1
    # ms, a full-window fill 20 -> 6 ms. Also needed for display.widgets.StillLayer's copy to be
    # exactly what was drawn.
    Config.set("graphics", "multisamples", "0")

    from kivy.clock import Clock

    from display.ui import DisplayApp

    app = DisplayApp(
        settings,
        display,
        voice_on=not args.no_voice,
        screenshot=Path(args.screenshot).resolve() if args.screenshot else None,
    )
    # SIGTERM (systemd, `antre up`, tests) stops the app cleanly: presence "offline", voice closed.
    signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda _dt: app.stop(), 0))
    return app


def configure_logging() -> None:
    if not logging.getLogger().handlers:
        logs.configure(logging.INFO)  # journald-aware: no doubled timestamp under systemd


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        app = build_app(args)
    except ConfigError as exc:
        print(f"antre display: configuration error: {exc}", file=sys.stderr)
        return 2
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
