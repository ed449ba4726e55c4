"""The wall display's Kivy app: MQTT in, the view-model, the widgets; imported after Kivy is set up.

Threads: paho's network thread only appends ``(method, args)`` to an inbox and pulls a Clock
trigger; the main thread drains the inbox into the view-model and refreshes the widgets once per
batch. With Kivy's ``interrupt`` clock (set by ``display.app``) that trigger ends the main loop's
sleep at once and the frame is drawn right after it, not at the next 60 Hz tick.
"""

from __future__ import annotations

import logging
import re
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.core.window import Window
from kivy.graphics.opengl import glFinish
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty

from display import texts
from display.audio_health import AudioHealth
from display.flash import FlashLayer
from display.layout import Frame, unit_px
from display.observers import DisplayObserver
from display.opening import OpeningWatch
from display.options import DisplayConfig, running_text_from
from display.sound import make_announcer
from display.theme import THEME
from display.viewmodel import Connection, DisplayViewModel
from display.widgets import DisplayRoot
from shared.config import Settings
from shared.contract.catalogue import parse_site_services
from shared.contract.codec import PayloadError
from shared.contract.records import parse_site_schedule
from shared.kivy_base.heap import freeze_after_start
from shared.kivy_base.screenshot import capture
from shared.mqtt import MqttBus

log = logging.getLogger(__name__)

KV_DIR = Path(__file__).resolve().parent / "screens"
KV_FILES = ("wall.kv", "board.kv", "sidebar.kv", "overlay.kv")
TICK_S = 0.1  # clock text, flash phase, overlay delay
BLINK_S = 0.4  # half a period of the flash
SHOT_QUIET_S = 0.4  # --screenshot: retained state has settled when nothing came for this long
SHOT_TIMEOUT_S = 6.0  # ... or take it anyway (no broker: the overlay is what there is to see)


class DisplayApp(App):
    vh = NumericProperty(7.68)  # 1% of the window's 16:9 height (display.layout.unit_px): every .kv size
    portrait = BooleanProperty(False)  # taller than wide: the sidebar goes below the board
    vw = NumericProperty(13.66)
    border = NumericProperty(3)  # the amber frame's width, in pixels
    recent_slots = NumericProperty(5)

    def __init__(
        self,
        settings: Settings,
        display: DisplayConfig,
        *,
        voice_on: bool = True,
        screenshot: Path | None = None,
        observers: Sequence[DisplayObserver] = (),
    ) -> None:
        super().__init__()
        self.settings = settings
        self.display = display
        self.screenshot_path = screenshot
        self.observers: list[DisplayObserver] = list(observers)  # see display.observers; none in production
        self._inbox: deque[tuple[Callable[..., None], tuple[Any, ...]]] = deque()
        self._dirty = False
        self._last_message = time.monotonic()
        self._started = time.monotonic()
        self._frames = 0
        self._render_s = 0.0
        self._shot_due = False
        self._em_cache: dict[str, float] = {}
        self._shown_codes: dict[str, str] = {}
        self.audio = AudioHealth(display.display_id, self._publish_status)
        voice = make_announcer(display, voice_on, on_outcome=self.audio.heard)
        self.announcer = voice.announcer
        self.vm = DisplayViewModel(
            f"antre-hub-{settings.site}",
            language=display.language,
            announce=self.announcer.say if self.announcer else None,
            recent=display.recent_calls,
            flash_seconds=display.flash_seconds,
        )
        self.vm.on_change = self._mark_dirty
        self.opening = OpeningWatch(display.hours, display.language)
        # The wall's time of day (the clock, and whether the office is open); a test may fix it.
        self.now: Callable[[], datetime] = lambda: datetime.now(settings.tz)
        self.title = self.vm.text("window_title")
        self.recent_slots = display.recent_calls
        self._wake = Clock.create_trigger(self._drain, 0)  # wakes the "interrupt" clock at once
        self.bus = self._make_bus()
        self.audio.set(voice.audio, voice.detail)

    def _publish_status(self, payload: dict[str, object]) -> None:
        bus = getattr(self, "bus", None)
        # Before the bus exists, the first connect sends it; a --screenshot run beside the live
        # display never speaks for it.
        if bus is not None and self.screenshot_path is None:
            bus.publish_json("display_status", payload, retain=True, display_id=self.display.display_id)

    def _make_bus(self) -> MqttBus:
        one_off = self.screenshot_path is not None  # beside the live display: never push it off
        bus = MqttBus(self.settings.mqtt, self.settings.site, self.display.client_id, one_off=one_off)
        vm = self.vm
        bus.on("counter_state", lambda p, raw: self._post(vm.on_desk_state, p["desk"], raw))
        bus.on("queue_state", lambda p, raw: self._post(vm.on_queue_state, p["service"], raw))
        bus.on("call_event", lambda _p, raw: self._post(vm.on_call, raw))
        bus.on("running_text", lambda _p, raw: self._post(self._on_running_text, raw))
        bus.on("site_schedule", lambda _p, raw: self._post(self._on_schedule, raw))
        bus.on("site_services", lambda _p, raw: self._post(self._on_services, raw))
        bus.on(
            "presence",
            lambda p, raw: self._post(vm.on_presence, p["client_id"], raw),
            client_id=vm.hub_client_id,
        )
        bus.on_connected(lambda: self._post(vm.on_bus_connected))
        bus.on_connected(self.audio.republish)  # retained, but a broker restart may have lost it
        bus.on_disconnected(lambda: self._post(vm.on_bus_disconnected))
        return bus

    # --- Kivy life cycle --------------------------------------------------------------------

    def build(self) -> DisplayRoot:
        for name in KV_FILES:
            Builder.load_file(str(KV_DIR / name))
        root = DisplayRoot()
        root.office = self.settings.office_name
        root.subtitle = self.vm.text("title")
        root.ids.board.title = self.vm.text("now_serving")
        root.ids.board.empty_text = self.vm.text("no_desk_open")
        root.ids.call_card.title = self.vm.text("latest_call")
        root.ids.recent.title = self.vm.text("recent_calls")
        root.ids.waiting.title = self.vm.text("waiting")
        root.overlay.title = self.vm.text("overlay_title")
        root.overlay.hint = self.vm.text("overlay_hint")
        root.ids.marquee.text = self.display.running_text
        logo = self.display.logo
        if logo is not None:
            if logo.is_file():
                root.logo = str(logo)
            else:
                log.warning("[display] logo %s is not a file; showing no logo", logo)
        return root

    def on_start(self) -> None:
        Window.clearcolor = THEME["ground"]
        # The wall's frames: a cached copy of the still part when only the running text moved.
        Window.bind(on_draw=self.root.ids.still.draw_window)
        Window.bind(on_flip=self._on_flip, size=self._on_resize)
        self._on_resize(Window, Window.size)
        Clock.schedule_interval(self._tick, TICK_S)
        freeze_after_start()
        for observer in self.observers:
            observer.on_start(self)
        self.bus.start()

    def on_stop(self) -> None:
        self.bus.stop()
        if self.announcer is not None:
            self.announcer.close(timeout=1)
        for observer in self.observers:
            observer.on_stop()

    # --- MQTT thread -> main thread ---------------------------------------------------------

    def _on_running_text(self, raw: bytes) -> None:
        """The hub's running text (set on the console) replaces the one of ``[display]``."""
        text = running_text_from(raw, self.display.language)
        if text is not None and self.root is not None:
            self.root.ids.marquee.text = text

    def _on_schedule(self, raw: bytes) -> None:
        """The hub's opening hours (set on the console) win over the display's own ``[timing]``."""
        try:
            self.opening.use_schedule(parse_site_schedule(raw))
        except PayloadError as exc:
            log.warning("ignored a malformed site/schedule message (%s)", exc.code)
            return
        self._tick()

    def _on_services(self, raw: bytes) -> None:
        """The services that exist now: a waiting row of one removed on the console goes."""
        try:
            self.vm.on_services(parse_site_services(raw))
        except PayloadError as exc:
            log.warning("ignored a malformed site/services message (%s)", exc.code)

    def _post(self, method: Callable[..., None], *args: Any) -> None:
        self._inbox.append((method, args))  # deque.append is atomic: no lock needed
        self._wake()

    def _drain(self, _dt: float = 0) -> None:
        while self._inbox:
            method, args = self._inbox.popleft()
            method(*args)
            self._last_message = time.monotonic()
        if self._dirty:
            self._dirty = False
            self.refresh()

    def _mark_dirty(self) -> None:
        self._dirty = True

    # --- view-model -> widgets (main thread) ------------------------------------------------

    def _code_em(self, codes: list[str]) -> float:
        """The widest of ``codes`` in em, bold (digits are tabular: ``A-012`` is as wide as ``A-000``)."""
        widest = 0.0
        for code in codes or ["A-000"]:
            shape = re.sub(r"\d", "0", code)
            if shape not in self._em_cache:
                width, _height = CoreLabel(font_size=100, bold=True).get_extents(shape)
                self._em_cache[shape] = width / 100
            widest = max(widest, self._em_cache[shape])
        return widest

    def refresh(self) -> None:
        vm, ids = self.vm, self.root.ids
        desks, latest, waiting = vm.desks, vm.latest, vm.waiting
        frame = Frame(*Window.size)
        code_em = self._code_em([d.ticket for d in desks if d.ticket] + [f"{s.service}-000" for s in waiting])
        badge = vm.text("priority")
        ids.board.show(desks, frame.board(len(desks), code_em), latest, vm.text("idle_ticket"), badge)
        card = ids.call_card
        card.code = latest.ticket if latest else ""
        card.desk_name = latest.desk_name if latest else vm.text("no_call_yet")
        card.recall_text = vm.text("recall") if latest and latest.recall else ""
        card.priority_text = badge if latest and latest.priority else ""
        card.code_font = frame.call_code_font(code_em, badge=bool(card.priority_text))
        ids.recent.calls(vm.recent, badge)
        ids.waiting.slots = max(2, len(waiting))
        ids.waiting.services(waiting, [vm.waiting_text(s) for s in waiting])
        self._tick()
        if self.observers:
            for desk in desks:
                if desk.ticket and self._shown_codes.get(desk.desk) != desk.ticket:
                    for observer in self.observers:
                        observer.on_call_shown(desk.ticket, desk.desk)
        self._shown_codes = {d.desk: d.ticket for d in desks if d.ticket}

    def _tick(self, _dt: float = 0) -> None:
        root, vm = self.root, self.vm
        now = self.now()
        root.clock_text = texts.clock_line(now, vm.language)
        root.date_text = texts.date_line(now, vm.language)
        closed = self.opening.lines(now)
        board = root.ids.board
        board.closed_title, board.closed_when = closed or ("", "")
        flashing = vm.flashing()
        latest = vm.latest
        since = vm.clock() - latest.at if latest and latest.at is not None else 0.0
        blink = flashing and int(since / BLINK_S) % 2 == 0
        board, card = root.ids.board, root.ids.call_card
        board.set_flash(flashing, blink)
        card.flashing, card.blink = flashing, blink
        # The tile and the card keep their steady look; the "on" phase is drawn over the still wall.
        flash: FlashLayer = root.ids.flash
        flash.show(board.blinking() + ([card] if blink else []))
        broker_lost = vm.connection is Connection.BROKER_LOST
        root.overlay.detail = vm.text("overlay_broker" if broker_lost else "overlay_hub")
        root.show_overlay(vm.overlay_visible())
        if self.screenshot_path is not None and not self._shot_due:
            self._check_screenshot()

    def _on_resize(self, _window: Any, size: tuple[int, int]) -> None:
        self.vh, self.vw = unit_px(*size), size[0] / 100
        self.portrait = size[1] > size[0]
        self.border = max(2, round(self.vh * 0.4))
        self.refresh()

    # --- frames: observers, --screenshot ----------------------------------------------------

    def _on_flip(self, window: Any) -> None:
        # Runs after the frame is drawn and before the swap. glFinish waits until its pixels are
        # done: a software renderer (llvmpipe) or an offscreen window never blocks at the swap,
        # so without this frames pile up and the wall would show a call seconds after its voice.
        # On a GPU the frame is done in a millisecond and this costs nothing.
        submitted = time.monotonic()
        glFinish()
        rendered = time.monotonic() - submitted
        self._render_s = 0.8 * self._render_s + 0.2 * rendered  # smoothed: one slow frame is no trend
        self.root.ids.marquee.pace(self._render_s)
        self._frames += 1
        size = (int(window.width), int(window.height))
        for observer in self.observers:
            observer.on_frame(size, submitted)
        self.root.ids.still.after_frame()  # after the observers' stamp: the copy is not the call's frame
        if self._shot_due and self.screenshot_path is not None:
            capture(self.screenshot_path)
            for observer in self.observers:
                observer.on_screenshot(self.screenshot_path, size)
            log.info("screenshot written to %s", self.screenshot_path)
            self.screenshot_path = None
            Clock.schedule_once(lambda _dt: self.stop(), 0)

    def _check_screenshot(self) -> None:
        if self._frames < 3:
            # A still wall draws no frame: on a loaded machine the retained state may all have
            # arrived (and been drawn) before the third frame, and nothing would ever draw it.
            Window.canvas.ask_update()
            return
        now = time.monotonic()
        settled = self.vm.connection is Connection.CONNECTED and now - self._last_message >= SHOT_QUIET_S
        if settled or now - self._started >= SHOT_TIMEOUT_S:
            # Capture at the next drawn frame: it holds everything received so far.
            self._shot_due = True
            Window.canvas.ask_update()
