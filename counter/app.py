"""``antre counter``: the officer's desk app (Kivy), or with ``--keypad`` the keypad bridge.

    antre counter --desk 2 [--lang en] [--size 1366x768] [--fullscreen] [--screenshot out.png]
    antre counter --keypad --desk 2 [--device /dev/input/event3]

Nothing here imports Kivy at module level: the keypad mode runs without it, and Kivy must be
prepared (environment, window size) before its first import. ``main`` loads the config and only
then sets Kivy up and imports ``counter.ui`` (``build_app``, which the tests' harness,
``tests.counter.harness``, wraps the same way).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from counter import texts
from counter.options import CounterOptions, counter_options
from shared import logs
from shared.config import ConfigError, Settings, load_settings
from shared.kivy_base.window import (
    add_window_arguments,
    configure_window,
    prepare_environment,
    schedule_screenshot,
    window_args,
)

if TYPE_CHECKING:
    from counter.ui import CounterApp

DEFAULT_SIZE = (1366, 768)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antre counter", description="The officer's desk app.")
    parser.add_argument("--config", help="TOML config file (default: $ANTRE_CONFIG or the user config dir)")
    parser.add_argument("--desk", help="the desk id (default: [counter] desk)")
    parser.add_argument(
        "--lang", choices=texts.LANGUAGES, help="language (default: [counter] language or id)"
    )
    parser.add_argument(
        "--keypad", action="store_true", help="no window: map a USB numeric keypad (see keypad)"
    )
    add_window_arguments(parser)
    return parser


def load(args: argparse.Namespace) -> tuple[Settings, CounterOptions]:
    settings = load_settings(args.config)
    return settings, counter_options(settings, args.desk, args.lang)


def build_app(args: argparse.Namespace) -> CounterApp:
    """Prepare Kivy and build the app (not run). Raises ``ConfigError`` for a bad config."""
    settings, options = load(args)
    prepare_environment()
    window = window_args(args)
    configure_window(window.size or DEFAULT_SIZE, window.fullscreen, window.position)
    from kivy.config import Config

    # No multisampling (Kivy asks for 2 samples by default): on a software renderer (llvmpipe)
    # every pixel of every frame costs more; without it the app's CPU per "call next" press fell
    # by about half (bench/README.md, counter). Text is unchanged (its glyphs are smoothed in their
    # textures); only the rounded corners' edge pixels lose their blend.
    Config.set("graphics", "multisamples", "0")
    from counter.ui import create_app

    app = create_app(settings, options, one_off=window.screenshot is not None)
    if window.screenshot is not None:
        path = window.screenshot
        app.bind(on_start=lambda _app: schedule_screenshot(app, path, frames=5))
    return app


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--keypad" in argv:
        from counter.keypad import bridge as keypad

        return keypad.main([a for a in argv if a != "--keypad"])
    args = build_parser().parse_args(argv)
    logs.configure(logging.INFO)  # journald-aware: no doubled timestamp under systemd
    try:
        app = build_app(args)
    except ConfigError as exc:
        print(f"antre counter: configuration error: {exc}", file=sys.stderr)
        return 2
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
