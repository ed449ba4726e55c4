"""``antre``: one command, a subcommand per part. Imports happen inside each subcommand so that
``antre --help`` stays fast and no part pulls in another's libraries."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from deploy.cli.broker import add_parser as add_broker_parser  # argparse only until a command runs
from deploy.cli.device import add_parsers as add_deploy_parsers  # setup, doctor
from deploy.cli.feedback import add_parsers as add_feedback_parsers
from deploy.cli.maintenance import add_parsers as add_maintenance_parsers  # backup, restore, purge, forget
from deploy.cli.officers import add_parsers as add_officer_parsers  # officer
from deploy.cli.online import add_parsers as add_clock_parsers  # argparse only until a command runs
from deploy.cli.privacy import add_parsers as add_privacy_parsers  # access-log, key
from deploy.cli.report import add_parsers as add_report_parsers  # report
from shared.config import ConfigError, Settings, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def cmd_hub(args: argparse.Namespace) -> int:
    from broker.hub.process import serve

    return serve(_settings(args))


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from shared.store.db import upgrade

    settings = _settings(args)
    upgrade(settings.db_url)
    print("database is at the newest schema")
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    from deploy.ops.lobby import APPS, run_lobby

    apps = tuple(a for a in args.apps.split(",") if a and a != "none")
    unknown = set(apps) - set(APPS)
    if unknown:
        raise ConfigError(f"--apps: unknown {', '.join(sorted(unknown))} (choose from {', '.join(APPS)})")
    return run_lobby(_settings(args), args.config, apps, args.screen)


def _screen_size(text: str) -> tuple[int, int]:
    from shared.kivy_base.window import parse_size  # no Kivy in it: only the window's arguments

    return parse_size(text)


def _app(module: str) -> Callable[[argparse.Namespace], int]:
    """A Kivy app's own ``main(argv)``, imported only when asked for (Kivy is slow to import)."""

    def run(args: argparse.Namespace) -> int:
        main_of_app = importlib.import_module(module).main
        extra = ["--config", args.config] if args.config else []
        return int(main_of_app([*extra, *args.app_args]) or 0)

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="antre", description="Antre: queue, guestbook and service standard."
    )
    parser.add_argument("--config", help="TOML config file (default: $ANTRE_CONFIG or the user config dir)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    up = sub.add_parser("up", help="run the whole lobby on this machine (broker, hub, apps)")
    up.add_argument(
        "--apps", default="kiosk,display,counter", help="apps to open, comma-separated, or none (default all)"
    )
    up.add_argument(
        "--screen",
        type=_screen_size,
        default="1920x1080",
        metavar="WxH",
        help="this screen's size; the apps' windows are laid out side by side in it (default 1920x1080)",
    )
    up.set_defaults(func=cmd_up)

    hub = sub.add_parser("hub", help="run the hub: the one writer of queue state")
    hub.set_defaults(func=cmd_hub)

    add_broker_parser(sub)  # broker [--secure], broker certs, broker url

    for name, module, text in (
        ("kiosk", "kiosk.app", "run the touch kiosk (guestbook and tickets)"),
        ("display", "display.app", "run the wall display (calls, voice)"),
        ("counter", "counter.app", "run an officer's desk app (or --keypad for a USB keypad)"),
        ("rate", "kiosk.rating.app", "run a desk's rating screen facing the visitor (--desk N)"),
    ):
        # The app parses its own options (``antre kiosk --help``): main() hands over the rest.
        app = sub.add_parser(name, help=text, add_help=False)
        app.set_defaults(func=_app(module), app_args=[])

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="create or migrate the schema").set_defaults(func=cmd_db_upgrade)
    online_actions = add_clock_parsers(sub)  # online add/reply/message/close/list/autoclose, sla
    add_feedback_parsers(sub, online_actions)  # complaints ..., online rate
    add_maintenance_parsers(sub)
    add_privacy_parsers(sub)
    add_officer_parsers(sub)
    add_report_parsers(sub)  # report --month YYYY-MM: XLSX and PDF
    add_deploy_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if rest and args.command not in ("kiosk", "display", "counter", "rate"):
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.app_args = rest
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"antre: configuration error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # e.g. mosquitto missing: the message says what to do
        print(f"antre: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
