"""The rating screen facing the visitor at a desk (``antre rate --desk N``): Kivy screens bound to
``RatingViewModel``. It follows the desk's retained ``rate/{desk}/prompt`` and sends the scores
and the complaint on its own ``kiosk/{client_id}/request`` topic (a kiosk on the contract).
"""

from __future__ import annotations

import logging
import sys

from shared import logs
from shared.kivy_base import window as kivy_app

kivy_app.prepare_environment()  # before the first kivy import

import argparse  # noqa: E402
import threading  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from kiosk import texts as i18n  # noqa: E402
from kiosk.form_binding import TouchApp  # noqa: E402
from kiosk.rating import texts, ui  # noqa: E402
from kiosk.rating import view as presenter  # noqa: E402
from kiosk.rating.options import RatingOptions  # noqa: E402
from kiosk.rating.viewmodel import RatingViewModel, RStep  # noqa: E402
from shared.config import ConfigError, Settings, load_settings  # noqa: E402
from shared.contract import topics as contract  # noqa: E402

log = logging.getLogger(__name__)
BACKGROUND = (0.96, 0.97, 0.98, 1)
SCREENS = (RStep.IDLE, RStep.FACES, RStep.ELEMENT, RStep.COMPLAINT, RStep.DONE, RStep.THANKS, RStep.PROBLEM)


class RatingApp(TouchApp):
    def __init__(self, vm: RatingViewModel, *, screenshot: Path | None = None, **kwargs: Any) -> None:
        super().__init__(vm, title="Antre - penilaian", screenshot=screenshot, **kwargs)

    # --- used by the .kv files -----------------------------------------------------------------

    @property
    def rvm(self) -> RatingViewModel:
        return self.vm

    def rt(self, key: str, _lang: str = "") -> str:
        return texts.t(self.vm.language, key) if key and not key.endswith(".") else ""

    def rui(self, name: str, _rev: float = 0) -> Any:
        return presenter.ui_value(self.vm, name)

    def tr(self, key: str, _lang: str = "") -> str:
        return i18n.t(self.vm.language, key) if key and not key.endswith(".") else ""

    def fit(self, text: str, width: float, base: float) -> float:
        longest = max((len(word) for word in text.split()), default=1)
        return max(8.0, min(base, width / (0.62 * longest)))

    def other_language_name(self, _lang: str = "") -> str:
        return i18n.LANGUAGE_NAMES[i18n.other_language(self.vm.language)]

    def toggle_rating_language(self) -> None:
        self.vm.toggle_language()

    # --- building ------------------------------------------------------------------------------

    def build(self) -> Any:
        from kivy.uix.screenmanager import NoTransition, ScreenManager

        ui.load_screens()
        self.watch_window(BACKGROUND)
        self.sm = ScreenManager(transition=NoTransition())
        ui.add_screens(self.sm, SCREENS)
        root = self.dock_keyboard()
        self.start_view_model()
        return root

    def _on_vm_change(self) -> None:
        vm = self.vm
        self.lang = vm.language
        self.rev += 1
        if self.sm.current != vm.step.value:
            self.sm.current = vm.step.value
        self.sync_inputs(self.sm.current_screen, lambda field: vm.values.get(field, ""))

    def focused_field(self) -> str | None:
        return self.vm.focused

    def _next_field(self) -> None:
        target = self.keyboard.target
        if target is not None:
            self.vm.enter(target.field)


def listen_for_prompts(
    client: Any, desk: str, vm: RatingViewModel, post: Callable[[Callable[[], None]], Any]
) -> None:
    """Route the desk's retained prompt to ``vm.on_prompt`` on the UI thread (before ``start``)."""

    def on_prompt(_params: dict[str, str], payload: bytes) -> None:
        try:
            prompt = contract.decode(payload)
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
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help="default language (default: [rate] language)")
    parser.add_argument("--client-id", help="this screen's id in the topics (default: rate-{desk})")
    parser.add_argument(
        "--idle-timeout", type=float, metavar="S", help="seconds without a touch (default 60)"
    )
    kivy_app.add_window_arguments(parser)
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
        from kiosk.hub_client import MqttHubClient

        client = MqttHubClient(settings, args.client_id or f"rate-{desk}", report_status=False)
    except ConfigError as exc:
        print(f"antre rate: {exc}", file=sys.stderr)
        return 2
    window = kivy_app.window_args(args)
    kivy_app.configure_window(window.size, window.fullscreen)
    vm = RatingViewModel(options, client, run_background=run_in_thread, post=kivy_app.post_to_main)
    listen_for_prompts(client, desk, vm, kivy_app.post_to_main)
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
