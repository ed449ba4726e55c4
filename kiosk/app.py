"""The kiosk app (``antre kiosk``): Kivy screens bound to ``KioskViewModel``.

The screens are ``screens/*.kv`` (one per screen, looks shared in ``common.kv``); their texts come
from the view-model through ``app.tr`` and ``app.ui``, re-evaluated when ``app.rev`` moves. The
hub and the printer come from a factory, so ``main`` runs the same app against the MQTT hub client
and the ESC/POS printer, or, in tests, against recording fakes.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import platformdirs

from shared import logs
from shared.config import APP_NAME
from shared.kivy_base import window as kivy_app

ESCPOS_PICKLE_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def use_escpos_cache() -> None:
    """python-escpos pickles its printer database on import into ``$ESCPOS_CAPABILITIES_PICKLE_DIR``,
    or else into a new temp dir at every import (a ``/tmp/tmpXXXX`` with a pickle left per start, the
    YAML parsed each time): keep one in the user cache dir (``~/.cache/antre/escpos``). Call before
    anything imports escpos. (python-escpos 3.1 still makes an empty temp dir on every import: its
    ``mkdtemp()`` is the default argument of ``environ.get``, evaluated either way.)"""
    if ESCPOS_PICKLE_ENV in os.environ:
        return  # the caller's choice wins
    folder = Path(platformdirs.user_cache_dir(APP_NAME)) / "escpos"
    try:
        folder.mkdir(parents=True, exist_ok=True)  # escpos writes into it and does not create it
    except OSError:
        return  # not writable: python-escpos falls back to a temp dir
    os.environ.setdefault(ESCPOS_PICKLE_ENV, str(folder))


def configure_logging() -> None:
    """The kiosk's log format at INFO. Before ``kiosk.printing`` is imported: python-escpos calls
    ``logging.basicConfig()`` on import, which would otherwise take the root logger first (and
    where it already did, its bare handler is replaced)."""
    logs.configure(logging.INFO, force="escpos.capabilities" in sys.modules)  # journald-aware format


use_escpos_cache()
kivy_app.prepare_environment()  # before the first kivy import

import argparse  # noqa: E402
import threading  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from typing import Any  # noqa: E402

from kivy.lang import Builder  # noqa: E402

from kiosk import texts as i18n  # noqa: E402
from kiosk import view as presenter  # noqa: E402
from kiosk.flow import Step  # noqa: E402
from kiosk.form_binding import TouchApp  # noqa: E402
from kiosk.options import KioskOptions  # noqa: E402
from kiosk.ports import HubPort, PrinterPort  # noqa: E402
from kiosk.rating import texts as rating_texts  # noqa: E402
from kiosk.rating import ui as rating_ui  # noqa: E402
from kiosk.rating import view as rating_presenter  # noqa: E402
from kiosk.rating.viewmodel import RatingViewModel, RStep  # noqa: E402
from kiosk.scanner import ScanBuffer  # noqa: E402
from kiosk.viewmodel import KioskViewModel  # noqa: E402
from shared.config import ConfigError, Settings, load_settings  # noqa: E402

log = logging.getLogger(__name__)

SCREENS_DIR = Path(__file__).with_name("screens")
SCREENS = {
    Step.WELCOME: "WelcomeScreen",
    Step.FORM: "FormScreen",
    Step.RETURNING: "ReturningScreen",
    Step.PREFILL: "PrefillScreen",
    Step.CONSENT: "ConsentScreen",
    Step.ISSUING: "IssuingScreen",
    Step.TICKET: "TicketScreen",
    Step.PROBLEM: "ProblemScreen",
}
# What the keyboard's "next" (or Enter) does on the last field of a screen.
_LAST_FIELD_ACTION = {
    Step.FORM: "submit_form",
    Step.RETURNING: "submit_lookup",
    Step.PREFILL: "submit_prefill",
}
BACKGROUND = (0.96, 0.97, 0.98, 1)

PortsFactory = Callable[[Settings, str], tuple[HubPort, PrinterPort]]


class PortsUnavailable(RuntimeError):
    """The hub client or the printer driver cannot be loaded; the message says which and why."""


def default_ports(settings: Settings, kiosk_id: str) -> tuple[HubPort, PrinterPort]:
    """The MQTT hub client and the configured ESC/POS printer (``[kiosk] printer``, default dummy)."""
    try:
        from kiosk.hub_client import MqttHubClient
    except ImportError as exc:
        raise PortsUnavailable(f"the kiosk's hub client (kiosk.hub_client) cannot be loaded: {exc}") from exc
    try:
        from kiosk.printing import PrinterConfig, TicketPrinter
    except ImportError as exc:
        raise PortsUnavailable(f"the kiosk's printer (kiosk.printing) cannot be loaded: {exc}") from exc
    printer_config = PrinterConfig.from_mapping(settings.section("kiosk").get("printer", {"kind": "dummy"}))
    return MqttHubClient(settings, kiosk_id), TicketPrinter(printer_config)


class KioskApp(TouchApp):
    def __init__(self, vm: KioskViewModel, *, screenshot: Path | None = None, **kwargs: Any) -> None:
        super().__init__(vm, title="Antre", screenshot=screenshot, **kwargs)

    # --- used by the .kv files -----------------------------------------------------------------

    def tr(self, key: str, _lang: str = "") -> str:
        if not key or key.endswith("."):
            return ""  # a widget whose key is not set yet (while Kivy builds it)
        return i18n.t(self.vm.language, key)

    def ui(self, name: str, _rev: float = 0) -> Any:
        return presenter.ui_value(self.vm, name)

    def fit(self, text: str, width: float, base: float) -> float:
        """A font size no larger than ``base`` at which the longest word of ``text`` fits ``width``."""
        longest = max((len(word) for word in text.split()), default=1)
        return max(8.0, min(base, width / (0.62 * longest)))

    def other_language_name(self, _lang: str = "") -> str:
        return i18n.LANGUAGE_NAMES[i18n.other_language(self.vm.language)]

    # The rating screens (kiosk.rating.ui) ask for these.
    @property
    def rvm(self) -> RatingViewModel:
        return self.vm.rating

    def rt(self, key: str, _lang: str = "") -> str:
        return rating_texts.t(self.vm.rating.language, key) if key and not key.endswith(".") else ""

    def rui(self, name: str, _rev: float = 0) -> Any:
        return rating_presenter.ui_value(self.vm.rating, name)

    def toggle_rating_language(self) -> None:
        self.vm.rating.toggle_language()
        self.vm.set_language(self.vm.rating.language)

    # --- building ------------------------------------------------------------------------------

    def build(self) -> Any:
        from kivy.core.window import Window
        from kivy.factory import Factory
        from kivy.uix.screenmanager import NoTransition, ScreenManager

        from kiosk import widgets  # noqa: F401  (registers KioskInput and FieldBox for the .kv files)

        for path in [SCREENS_DIR / "common.kv", *sorted(SCREENS_DIR.glob("*.kv"))]:
            if str(path) not in Builder.files:
                Builder.load_file(str(path))
        self.watch_window(BACKGROUND)
        # A ticket's QR scanned at the welcome screen opens its rating without a tap first.
        # Kept on the app: Kivy binds methods weakly.
        self._scans = ScanBuffer(self.vm.scanned, lambda: self.vm.step == Step.WELCOME)
        Window.bind(on_textinput=self._scans.on_textinput, on_key_down=self._scans.on_key_down)
        self.lang = self.vm.language
        self.sm = ScreenManager(transition=NoTransition())
        for step, class_name in SCREENS.items():
            self.sm.add_widget(Factory.get(class_name)(name=step.value))
        rating_ui.load_screens()
        rating_ui.add_screens(self.sm, tuple(s for s in RStep if s != RStep.IDLE))
        services = self.sm.get_screen(Step.WELCOME.value).ids.services
        for service in self.vm.options.services:
            services.add_widget(Factory.ServiceButton(service=service.prefix, service_name=service.name))
        root = self.dock_keyboard()
        self.start_view_model()
        return root

    # --- view-model -> widgets -------------------------------------------------------------------

    def _on_vm_change(self) -> None:
        vm = self.vm
        self.lang = vm.language
        self.rev += 1
        shown = vm.rating.step.value if vm.step == Step.RATING else vm.step.value
        if self.sm.current != shown:
            self.sm.current = shown
        self.sync_inputs(self.sm.get_screen(shown), lambda name: str(presenter.ui_value(vm, f"value.{name}")))

    def focused_field(self) -> str | None:
        return self.vm.active_focus

    def _next_field(self) -> None:
        boxes = self.inputs(self.sm.current_screen)
        target = self.keyboard.target
        if self.vm.step == Step.RATING:
            if target is not None:
                self.vm.rating.enter(target.field)  # the next field, or the code checked (a scanner's Enter)
            return
        later = boxes[boxes.index(target) + 1 :] if target in boxes else []
        if later:
            later[0].focus = True
            return
        action = _LAST_FIELD_ACTION.get(self.vm.step)
        if action:
            getattr(self.vm, action)()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antre kiosk", description="The Antre touch kiosk.")
    parser.add_argument("--config", help="TOML config file (default: $ANTRE_CONFIG or the user config dir)")
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help="default language (default: [kiosk] language)")
    parser.add_argument("--kiosk-id", help="this kiosk's id in the topics (default: [kiosk] id, or k1)")
    kivy_app.add_window_arguments(parser)
    return parser


def run_in_thread(job: Callable[[], None]) -> None:
    threading.Thread(target=job, name="kiosk-io", daemon=True).start()


def main(
    argv: Sequence[str] | None = None, *, settings: Settings | None = None, ports: PortsFactory | None = None
) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()  # before default_ports imports kiosk.printing (python-escpos)
    try:
        settings = settings or load_settings(args.config)
        options = KioskOptions.from_settings(settings, language=args.lang, kiosk_id=args.kiosk_id)
        hub, printer = (ports or default_ports)(settings, options.kiosk_id)
    except (ConfigError, PortsUnavailable) as exc:
        print(f"antre kiosk: {exc}", file=sys.stderr)
        return 2
    window = kivy_app.window_args(args)
    kivy_app.configure_window(window.size, window.fullscreen)
    vm = KioskViewModel(options, hub, printer, run_background=run_in_thread, post=kivy_app.post_to_main)
    _call_if_present(hub, "start")
    try:
        KioskApp(vm, screenshot=window.screenshot).run()
    finally:
        _call_if_present(hub, "stop")
    return 0


def _call_if_present(obj: object, name: str) -> None:
    method = getattr(obj, name, None)
    if callable(method):
        method()


if __name__ == "__main__":
    sys.exit(main())
