"""The kiosk (``antre kiosk``): the guestbook and the queue tickets, on a touch screen.

``main`` parses the options, loads the settings, builds the ports (the hub and the printer come
from a factory: the MQTT hub client and the ESC/POS printer, or, in tests, recording fakes),
prepares Kivy's environment and only then imports ``kiosk.ui`` (the Kivy app) and runs it over a
``KioskViewModel``. Importing this module loads no Kivy and changes no environment variable.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import platformdirs

from kiosk.guide_health import GuideHealth
from kiosk.options import KioskOptions
from kiosk.ports import PrinterPort
from kiosk.touch.ports import HubPort
from kiosk.viewmodel import KioskViewModel
from shared import logs
from shared.config import APP_NAME, ConfigError, Settings, load_settings
from shared.kivy_base import window as kivy_window
from shared.texts import LANGUAGES

log = logging.getLogger(__name__)

ESCPOS_PICKLE_ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"

PortsFactory = Callable[[Settings, str], tuple[HubPort, PrinterPort]]


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


class PortsUnavailable(RuntimeError):
    """The hub client or the printer driver cannot be loaded; the message says which and why."""


def default_ports(settings: Settings, kiosk_id: str, *, one_off: bool = False) -> tuple[HubPort, PrinterPort]:
    """The MQTT hub client and the configured ESC/POS printer (``[kiosk] printer``, default dummy);
    ``one_off`` for a ``--screenshot`` run beside the live kiosk (``MqttHubClient``)."""
    try:
        from kiosk.touch.hub_client import MqttHubClient
    except ImportError as exc:
        raise PortsUnavailable(
            f"the kiosk's hub client (kiosk.touch.hub_client) cannot be loaded: {exc}"
        ) from exc
    try:
        from kiosk.printing import PrinterConfig, TicketPrinter
    except ImportError as exc:
        raise PortsUnavailable(f"the kiosk's printer (kiosk.printing) cannot be loaded: {exc}") from exc
    printer_config = PrinterConfig.from_mapping(settings.section("kiosk").get("printer", {"kind": "dummy"}))
    return MqttHubClient(settings, kiosk_id, one_off=one_off), TicketPrinter(printer_config)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antre kiosk", description="The Antre touch kiosk.")
    parser.add_argument("--config", help="TOML config file (default: $ANTRE_CONFIG or the user config dir)")
    parser.add_argument("--lang", choices=LANGUAGES, help="default language (default: [kiosk] language)")
    parser.add_argument("--kiosk-id", help="this kiosk's id in the topics (default: [kiosk] id, or k1)")
    kivy_window.add_window_arguments(parser)
    return parser


def run_in_thread(job: Callable[[], None]) -> None:
    threading.Thread(target=job, name="kiosk-io", daemon=True).start()


def main(
    argv: Sequence[str] | None = None, *, settings: Settings | None = None, ports: PortsFactory | None = None
) -> int:
    args = build_parser().parse_args(argv)
    use_escpos_cache()  # before default_ports imports kiosk.printing (python-escpos)
    configure_logging()
    try:
        settings = settings or load_settings(args.config)
        options = KioskOptions.from_settings(settings, language=args.lang, kiosk_id=args.kiosk_id)
        if ports is None:
            hub, printer = default_ports(settings, options.kiosk_id, one_off=bool(args.screenshot))
        else:
            hub, printer = ports(settings, options.kiosk_id)
    except (ConfigError, PortsUnavailable) as exc:
        print(f"antre kiosk: {exc}", file=sys.stderr)
        return 2
    kivy_window.prepare_environment()  # before the first kivy import
    window = kivy_window.window_args(args)
    kivy_window.configure_window(window.size, window.fullscreen, window.position)
    from kiosk.ui import KioskApp

    if not window.screenshot:  # a one-off run beside the live kiosk speaks for nobody
        health = GuideHealth(lambda audio, detail: _call_if_present(hub, "report_audio", audio, detail))
    else:
        health = GuideHealth(lambda _audio, _detail: None)
    options = _with_voice_checked(options, health)
    vm = KioskViewModel(options, hub, printer, run_background=run_in_thread, post=kivy_window.post_to_main)
    if options.spoken_guide != "off":
        from kiosk.spoken_guide import EspeakVoice, ScreenGuide

        voice = EspeakVoice(options.spoken_voice, player=options.audio_command, on_outcome=health.heard)
        problem = voice.problem()
        health.set("failed" if problem else "ready", problem)
        ScreenGuide(vm, voice)  # kept alive by the view-model's listeners
    follow_hub(hub, vm)
    _call_if_present(hub, "start")
    try:
        KioskApp(vm, screenshot=window.screenshot).run()
    finally:
        _call_if_present(hub, "stop")
    return 0


def follow_hub(hub: object, vm: KioskViewModel) -> None:
    """Hand the hub's retained ``site/schedule`` and ``site/services`` to ``vm`` on the UI thread
    (a hub port without them, a fake, is left alone): the opening hours and the services set on
    the console win over the TOML's once they arrive. Before the hub port starts."""
    follow_schedule = getattr(hub, "follow_schedule", None)
    if callable(follow_schedule):
        follow_schedule(lambda schedule: kivy_window.post_to_main(lambda: vm.use_schedule(schedule)))
    follow_services = getattr(hub, "follow_services", None)
    if callable(follow_services):
        follow_services(lambda found: kivy_window.post_to_main(lambda: vm.use_services(found)))


def _with_voice_checked(options: KioskOptions, health: GuideHealth) -> KioskOptions:
    """No "read aloud" button when espeak-ng is missing: a button that does nothing misleads. Staff
    hear of it in the kiosk's status (``health``), as of a guide turned off."""
    from kiosk.spoken_guide import EspeakVoice

    if options.spoken_guide == "off":
        health.set("off")
        return options
    if EspeakVoice.available():
        return options
    health.set("failed", "espeak-ng is not installed; install it with:  sudo apt-get install -y espeak-ng")
    return dataclasses.replace(options, spoken_guide="off")


def _call_if_present(obj: object, name: str, *args: object) -> None:
    method = getattr(obj, name, None)
    if callable(method):
        method(*args)


if __name__ == "__main__":
    sys.exit(main())
