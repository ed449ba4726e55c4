"""The rating screen facing the visitor at a desk (``antre rate --desk N``): Kivy screens bound to
``RatingViewModel``. It follows the desk's retained ``rate/{desk}/prompt`` and sends the scores
and the complaint on its own ``kiosk/{client_id}/request`` topic (a kiosk on the contract).

``main`` parses the options, loads the settings, connects the hub client, prepares Kivy's
environment and only then imports ``kiosk.rating.ui`` (the Kivy app) and runs it: importing this
module loads no Kivy and changes no environment variable.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from kiosk.rating.options import RatingOptions
from kiosk.rating.viewmodel import RatingViewModel
from shared import logs
from shared.config import ConfigError, Settings, load_settings
from shared.contract import topics as contract
from shared.contract.records import parse_rate_prompt
from shared.kivy_base import window as kivy_window
from shared.texts import LANGUAGES

log = logging.getLogger(__name__)


def listen_for_prompts(
    client: Any, desk: str, vm: RatingViewModel, post: Callable[[Callable[[], None]], Any]
) -> None:
    """Route the desk's retained prompt to ``vm.on_prompt`` on the UI thread (before ``start``)."""

    def on_prompt(_params: dict[str, str], payload: bytes) -> None:
        try:
            prompt = parse_rate_prompt(payload)
        except contract.PayloadError as exc:
            log.warning("rating screen %s: unreadable prompt: %s", desk, exc.code)
            return
        post(lambda: vm.on_prompt(prompt))

    client.bus.on("rate_prompt", on_prompt, desk=desk)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="antre rate", description="The rating screen facing the visitor at a desk."
    )
    parser.add_argument("--config", help="TOML config file (default: $ANTRE_CONFIG or the user config dir)")
    parser.add_argument(
        "--desk", help="the desk whose visitors rate here (default: [counter] desk, or the first)"
    )
    parser.add_argument("--lang", choices=LANGUAGES, help="default language (default: [rate] language)")
    parser.add_argument("--client-id", help="this screen's id in the topics (default: rate-{desk})")
    parser.add_argument(
        "--idle-timeout", type=float, metavar="S", help="seconds without a touch (default 60)"
    )
    kivy_window.add_window_arguments(parser)
    return parser


def resolve_desk(settings: Settings, wanted: str | None) -> tuple[str, str]:
    """(desk id, desk name): ``--desk``, else ``[counter] desk``, else the first desk."""
    desk = wanted or str(settings.section("counter").get("desk", "")) or settings.desks[0].id
    names = {d.id: d.name for d in settings.desks}
    if desk not in names:
        raise ConfigError(f"--desk {desk}: the office has desks {', '.join(names)}")
    return desk, names[desk]


def main(argv: Sequence[str] | None = None, *, settings: Settings | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.configure(logging.INFO)
    try:
        settings = settings or load_settings(args.config)
        desk, desk_name = resolve_desk(settings, args.desk)
        options = RatingOptions.from_settings(
            settings, via="desk", desk=desk, desk_name=desk_name, language=args.lang,
            idle_timeout_s=args.idle_timeout,
        )  # fmt: skip
        from kiosk.touch.hub_client import MqttHubClient

        client = MqttHubClient(
            settings, args.client_id or f"rate-{desk}", report_status=False, one_off=bool(args.screenshot)
        )
    except ConfigError as exc:
        print(f"antre rate: {exc}", file=sys.stderr)
        return 2
    kivy_window.prepare_environment()  # before the first kivy import
    window = kivy_window.window_args(args)
    kivy_window.configure_window(window.size, window.fullscreen, window.position)
    from kiosk.rating.ui import RatingApp

    vm = RatingViewModel(options, client, run_background=run_in_thread, post=kivy_window.post_to_main)
    listen_for_prompts(client, desk, vm, kivy_window.post_to_main)
    client.start()
    try:
        RatingApp(vm, screenshot=window.screenshot).run()
    finally:
        client.stop()
    return 0


def run_in_thread(job: Callable[[], None]) -> None:
    threading.Thread(target=job, name="rating-io", daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
