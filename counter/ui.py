"""The counter's Kivy app: two screens bound to ``CounterView`` records, keyboard shortcuts, and the
wiring of the view-model to the broker (``CounterLink``) and the staff API (``StaffClient``).

Imported only after ``shared.kivy_base.window.prepare_environment`` and ``configure_window`` (see
``counter.app``). MQTT and HTTP results reach the view-model through ``post_to_main``, so widgets
change on Kivy's main thread only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager

from counter import texts
from counter.call_dialog import CallDialog, ParkedEntry, ParkedList, PickButton
from counter.link import CounterLink
from counter.online_widgets import OnlineFormPane, OnlineList, OnlineListPane, SidePanel
from counter.options import CounterOptions
from counter.staff_client import StaffClient
from counter.view import CounterView, build_view
from counter.viewmodel import CounterViewModel, Job
from counter.widgets import TransferChooser, WaitingList

# WaitingList, the online panes and the parked row: used by name from the .kv files
__all__ = [
    "CounterApp", "OnlineFormPane", "OnlineList", "OnlineListPane", "ParkedEntry", "ParkedList", "PickButton",
    "SidePanel", "WaitingList", "create_app",
]  # fmt: skip
from shared.config import Settings
from shared.kivy_base.gl_sync import finish_gl
from shared.kivy_base.heap import freeze_after_start
from shared.kivy_base.window import post_to_main

log = logging.getLogger(__name__)

KV_DIR = Path(__file__).parent / "screens"
KV_FILES = ("common.kv", "signin.kv", "widgets.kv", "online.kv", "actions.kv", "desk.kv")
BASE_SIZE = (1366, 768)  # the desk PCs' screen: app.u is 1.0 there
# Kivy key codes: F1, Enter, keypad Enter call next; letters by their code point.
KEY_ACTIONS = {282: "next", 13: "next", 271: "next"}
LETTER_ACTIONS = {"r": "recall", "s": "start", "f": "finish", "n": "noshow", "t": "transfer", "b": "break"}
LETTER_ACTIONS |= {"h": "hold", "k": "return", "l": "call_ticket", "p": "resume"}  # counter.view.SHORTCUTS
ESCAPE = 27
BACKGROUND = (0.94, 0.95, 0.97, 1)  # C_BG in common.kv


class SignInScreen(Screen):
    has_officers = BooleanProperty(False)

    def on_kv_post(self, _base: Any) -> None:
        app = App.get_running_app()
        officers = app.vm.options.officers
        self.has_officers = bool(officers)
        for officer_id, name in officers[:12]:
            chip = _factory("OfficerChip")(text=name)
            chip.dump_id = f"officer_{officer_id}"
            chip.bind(on_release=lambda _c, o=officer_id: self.pick(o))
            self.ids.officer_chips.add_widget(chip)

    def pick(self, officer_id: str) -> None:
        self.ids.officer_input.text = officer_id
        self.ids.pin_input.text = ""
        self.ids.pin_input.focus = True

    def pad(self, digit: str) -> None:
        field = self.ids.pin_input
        if digit == "clear":
            field.text = ""
        elif digit == "back":
            field.text = field.text[:-1]
        elif len(field.text) < 8:
            field.text += digit

    def submit(self) -> None:
        App.get_running_app().vm.sign_in(self.ids.officer_input.text, self.ids.pin_input.text)

    def clear_pin(self) -> None:
        self.ids.pin_input.text = ""


class DeskScreen(Screen):
    pass


def _factory(name: str) -> Any:
    from kivy.factory import Factory

    return getattr(Factory, name)


class CounterApp(App):
    u = NumericProperty(1.0)
    lang = StringProperty(texts.DEFAULT_LANGUAGE)
    view = ObjectProperty(None, rebind=True)  # kv watches app.view.<field>: rebind makes a new record count

    def __init__(self, vm: CounterViewModel, link: CounterLink | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.vm = vm
        self.link = link
        self.lang = vm.language
        self.view = build_view(vm)
        self.title = f"Antre — {vm.options.desk_name}"
        self.chooser: TransferChooser | None = None
        self.dialog: CallDialog | None = None  # the out-of-order dialog, while open
        self.view_listeners: list[Callable[[CounterView], None]] = []  # after widgets show a view
        self._signin_attempts = 0
        self._clear_serial = self.view.online.clear_serial
        # Several messages often land in one frame (the answer, the desk, the queue): one view
        # rebuild per frame for all of them, at the end of the frame's callbacks. Timeout -1:
        # before this frame is drawn (0 ran it only after the next frame, so a desk state that
        # arrived while a frame was being drawn showed one whole frame later).
        self._refresh_soon = Clock.create_trigger(lambda _dt: self._refresh(), -1)
        vm.subscribe(self._refresh_soon)

    # --- Kivy ------------------------------------------------------------------------------

    def build(self) -> ScreenManager:
        for name in KV_FILES:
            Builder.load_file(str(KV_DIR / name))
        # The background is the window's clear colour: a full-screen rectangle on top of the clear
        # would be one more layer for a software renderer to blend on every frame.
        Window.clearcolor = BACKGROUND
        manager = ScreenManager(transition=NoTransition())
        manager.add_widget(SignInScreen())
        manager.add_widget(DeskScreen())
        manager.current = self.view.screen
        Window.bind(size=self._rescale, on_key_down=self._on_key_down)
        self._rescale(Window, Window.size)
        return manager

    def on_start(self) -> None:
        # 4 Hz: the clocks on screen move each second, and a slow answer shows within ~0.3 s.
        Clock.schedule_interval(lambda _dt: self.vm.tick(), 0.25)
        Window.bind(on_flip=self._frame_drawn)
        freeze_after_start()
        if self.link is not None:
            self.link.attach(self.vm, post_to_main)
            self.link.start()

    def _frame_drawn(self, _window: Any) -> None:
        # Every frame's pixels done before the swap, the GIL released meanwhile (the MQTT thread
        # reads on). Without it a software renderer (llvmpipe, a desk PC without a GPU) piles
        # frames up, and the next changed label's texture upload waits, GIL held, until all of
        # them are rasterised: up to seconds (bench/README.md, counter). Bound at the start, so
        # it runs after handlers bound later (the test harness's frame timing).
        finish_gl()

    def on_stop(self) -> None:
        if self.link is not None:
            self.link.stop()

    def _rescale(self, _window: Any, size: tuple[int, int]) -> None:
        self.u = max(0.6, min(size[0] / BASE_SIZE[0], size[1] / BASE_SIZE[1]))

    # --- from kv ---------------------------------------------------------------------------

    def t(self, language: str, key: str) -> str:
        return texts.t(language, key)

    def toggle_language(self) -> None:
        self.lang = "en" if self.lang == "id" else "id"
        self.vm.set_language(self.lang)

    def press(self, action: str) -> None:
        if action == "break":
            self.vm.toggle_break()
        elif action == "transfer":
            self.open_transfer()
        elif action == "call_ticket":
            self.open_call_dialog()
        else:
            self.vm.press(action)

    def open_call_dialog(self) -> None:
        if not self.vm.can("call_ticket") or self.dialog is not None or self.chooser is not None:
            return
        dialog = CallDialog(view=self.view)
        dialog.on_confirm = lambda ticket, reason: self.vm.press("call_ticket", ticket=ticket, reason=reason)
        dialog.bind(on_dismiss=lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open(animation=False)

    def open_transfer(self) -> None:
        if not self.vm.can("transfer") or self.chooser is not None:
            return
        chooser = TransferChooser(title=self.view.transfer_title, targets=list(self.view.transfer_targets))
        chooser.on_choose = lambda prefix: self.vm.press("transfer", prefix)
        chooser.bind(on_dismiss=lambda *_: setattr(self, "chooser", None))
        self.chooser = chooser
        chooser.open(animation=False)

    def online_new(self) -> None:
        self.vm.online.open_form()

    def _online_fields(self) -> list[Any]:
        """The online panel's text fields (both panes exist from the start; one is shown)."""
        if self.root is None:
            return []
        ids = self.get_screen("desk").ids
        return [*ids.online_pane.fields(), *ids.online_form.fields()]

    def typing(self) -> bool:
        """A text field of the online panel has the keyboard: its keys are text, not shortcuts."""
        return any(field.focus for field in self._online_fields())

    # --- the view-model changed ------------------------------------------------------------

    def _refresh(self) -> None:
        view = build_view(self.vm)
        if view == self.view:
            # Nothing shown would change (most 4 Hz ticks, a message that changed nothing on
            # screen): no kv rule re-evaluated and no canvas touched, so no frame to draw for it
            # (on a software-rendered desk PC a frame of this screen costs tens of ms of CPU).
            return
        self.view = view
        manager = self.root
        if manager is not None:
            if manager.current != view.screen:
                manager.current = view.screen
                self.get_screen("signin").clear_pin()
            if view.signin_attempts != self._signin_attempts:
                # A PIN is typed again after every answered attempt. Counted, not seen as a busy
                # edge: an answer that came before the next frame left no busy state to see.
                self._signin_attempts = view.signin_attempts
                self.get_screen("signin").clear_pin()
            if self.chooser is not None and not self.vm.can("transfer"):
                self.chooser.dismiss(animation=False)
            if self.dialog is not None:
                if view.screen != "desk" or view.status not in ("idle", "called", "serving"):
                    self.dialog.dismiss(animation=False)  # signed out, or the desk closed meanwhile
                else:
                    self.dialog.show(view)
            if view.online.clear_serial != self._clear_serial:
                self._clear_serial = view.online.clear_serial
                for field in self._online_fields():
                    field.text = ""
                    field.focus = False
        for listener in list(self.view_listeners):
            listener(view)

    def get_screen(self, name: str) -> Any:
        return self.root.get_screen(name)

    # --- keyboard --------------------------------------------------------------------------

    def _on_key_down(
        self, _window: Any, key: int, _scancode: int, codepoint: str | None, modifiers: list[str]
    ) -> bool:
        if self.root is None or self.root.current != "desk":
            return False  # the sign-in fields take the keys (Enter signs in there)
        if self.dialog is not None:  # picked by touch; Esc cancels, other keys do nothing under it
            if key == ESCAPE:
                self.dialog.dismiss(animation=False)
            return True
        if self.chooser is not None:
            if key == ESCAPE:
                self.chooser.dismiss(animation=False)
                return True
            char = codepoint or (chr(key) if 0 < key < 0x110000 else "")
            return bool(char.isdigit() and self.chooser.choose_number(int(char)))
        if any(m in modifiers for m in ("ctrl", "alt", "meta")):
            return False
        if key != 282 and self.typing():
            return False  # F1 still calls the next visitor; every other key types
        letter = (codepoint or (chr(key) if key < 256 else "")).lower()
        action = KEY_ACTIONS.get(key) or LETTER_ACTIONS.get(letter)
        if action is None:
            return False
        self.press(action)
        return True


def _run_in_thread(job: Job) -> None:
    threading.Thread(target=job, name="counter-staff", daemon=True).start()


def create_app(settings: Settings, options: CounterOptions, *, one_off: bool = False) -> CounterApp:
    """The app wired to the broker of ``settings`` and the hub's staff API (``one_off``: a
    ``--screenshot`` run beside the live counter, see ``CounterLink``)."""
    link = CounterLink(settings.mqtt, options, one_off=one_off)
    staff = StaffClient(options.staff_url, ca_file=options.staff_ca_file)
    vm = CounterViewModel(options, staff, link.send, run_background=_run_in_thread, post=post_to_main)
    return CounterApp(vm, link)
