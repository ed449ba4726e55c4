"""The real wall display with the tests' probe attached, for the whole-app tests and the bench:

    python -m tests.display.probed_app --probe DIR [the options of ``antre display``]

The way ``tests.counter.harness`` wraps the counter app: the product builds the app as
``antre display`` does (``display.app.build_app``: config, Kivy set-up, the UI), and this module
only adds ``tests.display.probe.Probe`` to its observers (``display.observers``) before it runs,
and with ``--now`` fixes the wall's time of day (its clock and whether the office is open).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from display import app as display_app
from shared.config import ConfigError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.display.probed_app", add_help=False)
    parser.add_argument("--probe", type=Path, required=True, help="the probe's directory")
    parser.add_argument("--now", help="the wall's time of day, fixed (ISO 8601 with its offset)")
    ours, rest = parser.parse_known_args(argv)
    args = display_app.build_parser().parse_args(rest)
    display_app.configure_logging()
    try:
        app = display_app.build_app(args)
    except ConfigError as exc:
        print(f"antre display: configuration error: {exc}", file=sys.stderr)
        return 2
    from tests.display.probe import Probe  # imports Kivy: only once build_app has set it up

    app.observers.append(Probe(ours.probe.resolve()))
    if ours.now:  # the clock and the opening hours at a chosen moment (the tests run at any hour)
        fixed = datetime.fromisoformat(ours.now).astimezone(app.settings.tz)
        app.now = lambda: fixed
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
