"""The Kivy app both touch programs build on (the kiosk, a desk's rating screen): the size of
everything, the screens over a docked on-screen keyboard, the view-model's loop, and the text boxes
bound to the view-model (what it holds is shown, what is typed goes back, Enter moves on).

A subclass provides ``vm`` (``set_field``, ``focus``, ``blur``, ``touch``, ``tick``, ``subscribe``,
``language``, ``keyboard_layout``), ``sm`` (the screen manager, in ``build``),
``focused_field()``, ``_next_field()`` and ``_on_vm_change()``. Importing this module imports
Kivy: the apps' ``ui`` modules import it once the environment is prepared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.touch import texts
from kiosk.touch.palette import HIGH_CONTRAST, LARGE_TEXT_SCALE, STANDARD
from shared.kivy_base import window as kivy_window
from shared.kivy_base.gl_sync import finish_gl
from shared.kivy_base.heap import freeze_after_start
from shared.texts import DEFAULT_LANGUAGE

COMMON_KV = Path(__file__).with_name("screens") / "common.kv"


def load_kv(paths: Iterable[Path]) -> None:
    """Load the toolkit's common looks, then ``paths`` in order; each file once per process."""
    from kivy.lang import Builder

    from kiosk.touch import widgets  # noqa: F401  (registers KioskInput, KButton, KioskScroll)

    for path in [COMMON_KV, *paths]:
        if str(path) not in Builder.files:
            Builder.load_file(str(path))


def window_scale(width: float, height: float) -> float:
    """The size of everything: 1.0 on a 1100x800 landscape or a 900x1400 portrait window (1.16 on
    1280x800, 1.2 on 1080x1920, 1.35 on 1920x1080): large type however the screen stands."""
    if width >= height:
        return max(0.6, min(width / 1100, height / 800))
    return max(0.6, min(width / 900, height / 1400))


class TouchApp(App):
    """The Kivy app of a visitor-facing touch screen (the kiosk, a desk's rating screen)."""

    lang = StringProperty(DEFAULT_LANGUAGE)
    rev = NumericProperty(0)  # moves on every view-model change: kv expressions re-evaluate
    u = NumericProperty(1.0)  # the size scale of every font and margin
    landscape = BooleanProperty(True)
    large = BooleanProperty(False)  # "Aa": larger type, high-contrast colours
    # The colours every .kv file reads (kiosk.touch.palette). rebind: a rule reading app.pal.text
    # is evaluated again when the palette is swapped (the palette itself is plain data).
    pal = ObjectProperty(STANDARD, rebind=True)
    typing = BooleanProperty(False)  # the on-screen keyboard is up

    vm: Any
    sm: Any
    keyboard: Any
    # True while a change comes from a widget: the view-model's echo must not move the focus back.
    _from_widget: bool = False

    def __init__(self, vm: Any, *, title: str, screenshot: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.vm = vm
        self.screenshot = screenshot
        self.title = title

    def focused_field(self) -> str | None:
        raise NotImplementedError

    def _next_field(self) -> None:
        raise NotImplementedError

    def _on_vm_change(self) -> None:
        raise NotImplementedError

    # --- used by the .kv files of both programs --------------------------------------------------

    def fit(self, text: str, width: float, base: float) -> float:
        """A font size no larger than ``base`` at which the longest word of ``text`` fits ``width``."""
        longest = max((len(word) for word in text.split()), default=1)
        return max(8.0, min(base, width / (0.62 * longest)))

    def other_language_name(self, _lang: str = "") -> str:
        """The other language's own name, on the language button."""
        return texts.LANGUAGE_NAMES[texts.other_language(self.vm.language)]

    # --- the window, the keyboard, the loop ----------------------------------------------------

    def watch_window(self, background: tuple[float, ...]) -> None:
        """Follow the window's size; any touch or key counts as activity (the idle minute)."""
        from kivy.core.window import Window

        Window.clearcolor = background
        Window.bind(size=self._on_window_size, on_touch_down=self._activity, on_key_down=self._activity)
        self._on_window_size(Window, Window.size)

    def _on_window_size(self, _window: Any, size: Any) -> None:
        self.u = window_scale(*size) * (LARGE_TEXT_SCALE if self.large else 1.0)
        self.landscape = size[0] > size[1]

    def on_large(self, _app: Any, large: bool) -> None:
        from kivy.core.window import Window

        self.pal = HIGH_CONTRAST if large else STANDARD
        Window.clearcolor = self.pal.bg
        self._on_window_size(Window, Window.size)

    def _activity(self, *_args: Any) -> None:
        self.vm.touch()

    def dock_keyboard(self) -> Any:
        """The screens over the on-screen keyboard (shown only while a field wants it)."""
        from kivy.uix.boxlayout import BoxLayout

        from kiosk.touch.keyboard import OnScreenKeyboard

        self.keyboard = OnScreenKeyboard(u=self.u, language=self.vm.language)
        self.bind(u=self.keyboard.setter("u"))
        self.keyboard.on_next = self._next_field
        self.keyboard.on_hide = self._hide_keyboard
        root = BoxLayout(orientation="vertical")
        root.add_widget(self.sm)
        root.add_widget(self.keyboard)
        return root

    def start_view_model(self) -> None:
        """Widgets follow the view-model; its clock ticks twice a second; the screenshot option."""
        self.vm.subscribe(self._on_vm_change)
        Clock.schedule_interval(lambda _dt: self.vm.tick(), 0.5)
        from kivy.core.window import Window

        # Each frame's pixels done before the swap, the GIL released meanwhile (as the counter and
        # the wall do): a software renderer (llvmpipe, a box without a GPU driver) never blocks at
        # the swap, and without this wait the frames it queued kept memory the kiosk never got
        # back: 446 -> 665 MB over 65 visits, 264 -> 285 MB with it (bench/README.md, "Soak").
        Window.bind(on_flip=lambda _window: finish_gl())
        freeze_after_start()
        if self.screenshot is not None:
            kivy_window.schedule_screenshot(self, self.screenshot)
        self._on_vm_change()

    def inputs(self, screen: Any) -> list[Any]:
        from kiosk.touch.widgets import KioskInput

        return [w for w in screen.walk(restrict=True) if isinstance(w, KioskInput)]

    def sync_inputs(self, current: Any, value_of: Callable[[str], str]) -> None:
        """Every box shows its field's value; only the view-model's focused field on the screen
        shown has the focus; the keyboard takes the view-model's language and layout."""
        for screen in self.sm.screens:
            for box in self.inputs(screen):
                value = value_of(box.field)
                if box.text != value:
                    box.text = value
                if not self._from_widget:
                    wanted = screen is current and self.focused_field() == box.field
                    if box.focus != wanted:
                        box.focus = wanted
        self.keyboard.language = self.vm.language
        self.keyboard.layout = self.vm.keyboard_layout or ""
        self.typing = self.vm.keyboard_layout is not None
        if self.vm.keyboard_layout is None:
            self.keyboard.target = None

    # --- widgets -> view-model (called by KioskInput) ------------------------------------------

    def input_focus(self, box: Any, focused: bool) -> None:
        if focused:
            self.keyboard.target = box
            self._from_widget = True
            try:
                self.vm.focus(box.field)
            finally:
                self._from_widget = False
            Clock.schedule_once(lambda _dt: self._scroll_to(box), 0.1)
        else:
            Clock.schedule_once(lambda _dt: self._blurred(box), 0)

    def _blurred(self, box: Any) -> None:
        if not box.focus and self.focused_field() == box.field:
            self.vm.blur(box.field)

    def input_text(self, box: Any, text: str) -> None:
        if self.sm.current_screen is None or box not in self.inputs(self.sm.current_screen):
            return  # a screen in the background being cleared
        self._from_widget = True
        try:
            self.vm.set_field(box.field, text)
        finally:
            self._from_widget = False

    def input_enter(self, box: Any) -> None:
        self.keyboard.target = box
        self._next_field()

    def _hide_keyboard(self) -> None:
        if self.keyboard.target is not None:
            self.keyboard.target.focus = False
        self.vm.focus(None)

    def _scroll_to(self, box: Any) -> None:
        scroll = self.sm.current_screen.ids.get("scroll") if self.sm.current_screen else None
        if scroll is not None and box.focus and box in self.inputs(self.sm.current_screen):
            scroll.scroll_to(box.parent, padding=self.u * 20, animate=False)
