"""Runs the REAL kiosk app in this process (Kivy window, offscreen under SDL) with recording fakes
for the hub and the printer, plays a scripted scenario of taps (``UnitTestTouch``) and keystrokes,
saves screenshots and writes ``result.json``: what the widgets showed at each checkpoint, the
layout problems found (cut or overlapping text), and what the fake ports were asked.

    python -m tests.kiosk.kiosk_driver SCENARIO OUT_DIR [--size 1280x800] [--lang id] [--real CONFIG]

With ``--real CONFIG`` (JSON, see ``tests.kiosk.real_ports``) the ports are the real ones instead:
``MqttHubClient`` against a broker and hub, ``TicketPrinter`` on a configured printer, recording what
they were asked under the fakes' names. A scenario may then hand over to the process that started
it at a ``handshake`` (files in ``OUT_DIR/sync``: ``tests.kiosk.real_app``).

``App.run()`` works once per process, so the tests start one of these per scenario.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")

from kiosk import app as kiosk_app
from kiosk.options import KioskOptions
from kiosk.touch.keys import SHIFT, SPACE
from kiosk.viewmodel import KioskViewModel
from shared.domain.queue import Service
from shared.domain.timing import OpeningHours
from shared.kivy_base import window as kivy_window
from tests.kiosk import layout_check
from tests.kiosk.fakes import FakeClock, FakeHub, FakePrinter, RecordingVoice
from tests.kiosk.real_scenarios import REAL_SCENARIOS
from tests.kiosk.scenarios import SCENARIOS

if TYPE_CHECKING:
    from kiosk.touch.app_base import TouchApp
    from tests.kiosk.real_ports import RecordingHub, RecordingPrinter

Steps = Iterator[None]
WIB = ZoneInfo("Asia/Jakarta")
ALL_SCENARIOS = {**SCENARIOS, **REAL_SCENARIOS}


class Driver:
    """What a scenario can do: tap, type, wait, take screenshots and record what is shown."""

    def __init__(
        self,
        app: TouchApp,
        out: Path,
        hub: FakeHub | RecordingHub,
        printer: FakePrinter | RecordingPrinter,
        clock: FakeClock,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.app, self.vm, self.out, self.clock = app, app.vm, out, clock
        self.hub, self.printer = hub, printer
        self.params = params or {}  # the real config's "params" (e.g. how many tickets)
        self.records: dict[str, Any] = {}
        self.last_tap: tuple[Any, ...] = ()
        self.last_tap_at = 0.0  # time.time() just before the last tap's touch_down
        self.problems: list[str] = []

    # --- waiting ---------------------------------------------------------------------------

    def frames(self, count: int = 3) -> Steps:
        for _ in range(count):
            yield

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 10.0) -> Steps:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what} (screen {self.app.sm.current})")
            yield
        yield from self.frames(3)

    def wait_screen(self, name: str) -> Steps:
        yield from self.wait_for(lambda: self.app.sm.current == name, f"the {name} screen")

    # --- finding and tapping -----------------------------------------------------------------

    def widget(self, path: str) -> Any:
        """``"form.next"`` (an id on a screen), ``"form.f_email.input"`` (an id inside it)."""
        screen_name, *ids = path.split(".")
        node: Any = self.app.sm.get_screen(screen_name)
        for name in ids:
            node = node.ids[name]
        return node

    def settle(self, seconds: float = 0.15) -> Steps:
        """Let the app finish what it scheduled (it scrolls a focused field into view after 0.1 s)."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            yield

    def tap_widget(self, widget: Any) -> Steps:
        scroll = layout_check.scroll_parent(widget)
        for _ in range(3 if scroll is not None else 0):  # as a visitor would: scroll it into view first
            yield from self.settle()
            scroll.scroll_to(widget, padding=20, animate=False)
            yield from self.frames(2)
            if layout_check.visible_box(widget) is not None:
                break  # else the view was still changing size (the keyboard coming up): again
        x, y = widget.to_window(*widget.center)
        box = layout_check.visible_box(widget)
        self.last_tap = (round(x), round(y), box)
        if box is None or not (box[0] <= x <= box[2] and box[1] <= y <= box[3]):
            where = ""
            if scroll is not None:
                content = scroll.children[0].height
                where = f" (scroll_y {scroll.scroll_y:.3f}, view {scroll.height:.0f}, content {content:.0f})"
            name = type(widget).__name__
            raise AssertionError(f"{name} is not where a visitor can tap: {self.last_tap}{where}")
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        self.last_tap_at = time.time()
        touch.touch_down()
        touch.touch_up()
        yield from self.frames(2)

    def tap(self, path: str) -> Steps:
        widget = self.widget(path)
        if widget.disabled or widget.opacity == 0:
            raise AssertionError(f"{path} is not there to tap")
        yield from self.tap_widget(widget)

    def type_on_screen(self, text: str) -> Steps:
        """Type by tapping the docked keyboard's keys, shift included."""
        keyboard = self.app.keyboard
        for char in text:
            key = SPACE if char == " " else char.lower()
            if key not in keyboard.keys:
                raise AssertionError(f"no key {char!r} on the {keyboard.layout or 'hidden'} keyboard")
            if char.isalpha() and char.isupper() != keyboard.shift:
                yield from self.tap_widget(keyboard.keys[SHIFT])
            yield from self.tap_widget(keyboard.keys[key])

    def type_physical(self, text: str) -> Steps:
        """Type as a USB keyboard does (SDL's text input events)."""
        from kivy.core.window import Window

        Window.dispatch("on_textinput", text)
        yield from self.frames(2)

    def press_key(self, name: str) -> Steps:
        from kivy.core.window import Window

        codes = {"enter": 13, "backspace": 8, "tab": 9}
        Window.dispatch("on_key_down", codes[name], 0, None, [])
        Window.dispatch("on_key_up", codes[name], 0)
        yield from self.frames(2)

    def fill(self, field_path: str, text: str, physical: bool = False) -> Steps:
        yield from self.tap(field_path)
        yield from self.wait_for(
            lambda: self.widget(field_path).focus, f"{field_path} focused (tapped {self.last_tap})"
        )
        yield from (self.type_physical(text) if physical else self.type_on_screen(text))

    def handshake(self, name: str, timeout: float = 90.0, **info: Any) -> Steps:
        """Hand over to the process that started this one: write ``sync/NAME.wait`` (``info`` as
        JSON) and wait, frames still drawn, for its ``sync/NAME.go`` (empty: go on; text: stop)."""
        sync = self.out / "sync"
        sync.mkdir(exist_ok=True)
        go = sync / f"{name}.go"
        go.unlink(missing_ok=True)
        _write_atomic(sync / f"{name}.wait", json.dumps(info, default=str))
        deadline = time.monotonic() + timeout
        while not go.exists():
            if time.monotonic() > deadline:
                raise AssertionError(f"no go for handshake {name} in {timeout} s")
            yield
        answer = go.read_text()
        if answer:
            raise AssertionError(f"the test process stopped at {name}: {answer}")
        yield from self.frames(2)

    # --- evidence ------------------------------------------------------------------------------

    def shot(self, name: str) -> Steps:
        """A checkpoint: after the next frames are drawn, a PNG and a record of what is shown."""
        yield from self.frames(3)
        kivy_window.save_window_png(self.out / f"{name}.png")
        self.record(name)

    def record(self, name: str) -> None:
        screen = self.app.sm.current_screen
        texts = {key: w.text for key, w in screen.ids.items() if isinstance(getattr(w, "text", None), str)}
        texts.update(
            {key: w.value for key, w in screen.ids.items() if isinstance(getattr(w, "value", None), str)}
        )
        fields = {}
        for box in self.app.inputs(screen):
            error = box.parent.ids.get("error") if hasattr(box.parent, "ids") else None
            fields[box.field] = {
                "text": box.text,
                "focus": box.focus,
                "error": error.text if error is not None else "",
                "error_color": list(error.color) if error is not None else None,
                "has_error": box.has_error,
            }
        problems = layout_check.problems(self.app.root)
        self.problems += [f"{name}: {p}" for p in problems]
        self.records[name] = {
            "screen": self.app.sm.current,
            "language": self.vm.language,
            "texts": texts,
            "fields": fields,
            "keyboard": self.app.keyboard.layout,
            "large_text": bool(getattr(self.app, "large", False)),
            "keyboard_height": self.app.keyboard.height,
            "window": list(self.app.root.size),
            "layout_problems": problems,
        }


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(text)
    os.replace(partial, path)


def run(scenario: str, out: Path, size: tuple[int, int], language: str, real: Path | None = None) -> int:
    if (scenario in REAL_SCENARIOS) != (real is not None):
        raise SystemExit(
            f"{scenario}: {', '.join(REAL_SCENARIOS)} run with --real CONFIG, the others without"
        )
    out.mkdir(parents=True, exist_ok=True)
    script, setup = ALL_SCENARIOS[scenario]
    hub: FakeHub | RecordingHub
    printer: FakePrinter | RecordingPrinter
    params: dict[str, Any] = {}
    kiosk_id = "k1"
    if real is None:
        hub, printer = FakeHub(**setup.hub), FakePrinter(**setup.printer)
    else:
        kiosk_app.use_escpos_cache()  # as kiosk.app.main does, before python-escpos is imported
        kiosk_app.configure_logging()
        from tests.kiosk import real_ports

        config = real_ports.RealConfig.load(real)
        hub, printer = real_ports.build(config, out)
        params, kiosk_id = config.params, config.kiosk_id
    clock = FakeClock()
    services = tuple(Service(prefix=p, name=n) for p, n in setup.services)
    options = KioskOptions(
        services=services,
        language=language,
        minutes_per_visitor=setup.minutes_per_visitor,
        kiosk_id=kiosk_id,
        names_en=setup.names_en,
        hours=None
        if setup.hours is None
        else OpeningHours.from_mapping(ZoneInfo("Asia/Jakarta"), setup.hours),
    )
    kivy_window.prepare_environment()  # as kiosk.app.main does: before kivy is imported
    kivy_window.configure_window(size)
    from kiosk.ui import KioskApp

    vm = KioskViewModel(
        options, hub, printer, clock=clock, run_background=kiosk_app.run_in_thread,
        post=kivy_window.post_to_main, wall=None if setup.wall is None else (lambda: setup.wall),
    )  # fmt: skip
    from kiosk.spoken_guide import ScreenGuide

    voice = RecordingVoice()
    ScreenGuide(vm, voice)  # what the kiosk would read aloud, recorded at the audio edge
    app = KioskApp(vm)
    driver = Driver(app, out, hub, printer, clock, params)
    result: dict[str, Any] = {"scenario": scenario, "size": list(size), "ok": False}
    steps = script(driver)
    from kivy.clock import Clock

    def step(_dt: float) -> bool:
        try:
            next(steps)
            return True
        except StopIteration:
            result["ok"] = True
        except Exception:
            result["error"] = traceback.format_exc()
            kivy_window.save_window_png(out / "failure.png")
        app.stop()
        return False

    Clock.schedule_once(lambda _dt: Clock.schedule_interval(step, 0), 0.3)
    started = time.monotonic()
    if isinstance(hub, FakeHub):
        app.run()
    else:
        if params.get("follow_services"):  # the hub's site/services, as kiosk.app.follow_hub (opt-in:
            # the other scenarios keep their one service; the hub's hours would close a night run)
            hub.follow_services(lambda found: kivy_window.post_to_main(lambda: vm.use_services(found)))
        hub.start()  # the real hub client connects in the background, as in kiosk.app.main
        try:
            app.run()
        finally:
            hub.stop()
    result.update(
        seconds=round(time.monotonic() - started, 2),
        records=driver.records,
        layout_problems=driver.problems,
        hub={
            "issue_calls": hub.issue_calls,
            "issue_lanes": [asdict(lane) for lane in hub.issue_lanes],
            "lookup_calls": hub.lookup_calls,
            "feedback_calls": hub.feedback_calls,
            "reports": hub.reports,
            "threads": hub.threads,
        },
        spoken=voice.said,
        printer={
            "printed": [asdict(t) for t in printer.printed],
            "attempts": [t.code for t in printer.attempts],
            "status_calls": printer.status_calls,
        },
    )
    (out / "result.json").write_text(json.dumps(result, indent=2, default=str, ensure_ascii=False))
    return 0 if result["ok"] else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=sorted(ALL_SCENARIOS))
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=kivy_window.parse_size, default=(1280, 800))
    parser.add_argument("--lang", default="id")
    parser.add_argument("--real", type=Path, help="JSON config of the real ports (tests.kiosk.real_ports)")
    args = parser.parse_args()
    return run(args.scenario, args.out, args.size, args.lang, args.real)


if __name__ == "__main__":
    sys.exit(main())
