"""The on-screen keyboard: docked under the screen, laid out for the field being typed (numbers for
an ID or phone number, an email layout with ``@`` and common endings, letters otherwise).

Its own big buttons rather than Kivy's VKeyboard: keys sized for a finger and labelled in the
visitor's language. Keys type into the focused ``KioskInput`` without taking its focus; a physical
keyboard keeps working alongside. The layouts themselves are plain data in ``kiosk.touch.keys``.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.widget import Widget

from kiosk.touch import texts
from kiosk.touch.keys import BACKSPACE, HIDE, LAYOUTS, MAX_WIDTH, NEXT, SHIFT, SPACE
from shared.texts import DEFAULT_LANGUAGE

# The special keys labelled in the visitor's language (shift says what it does next).
_LABEL_KEYS = {SPACE: "kbd.space", BACKSPACE: "kbd.backspace", HIDE: "kbd.hide", NEXT: "kbd.next"}


class KeyButton(Button):
    key = StringProperty("")


class OnScreenKeyboard(BoxLayout):
    """Set ``layout`` (or ``""`` to hide) and ``target`` (a TextInput); ``u`` scales the keys."""

    layout = StringProperty("")
    language = StringProperty(DEFAULT_LANGUAGE)
    target = ObjectProperty(None, allownone=True)
    shift = BooleanProperty(False)
    u = NumericProperty(1.0)
    on_next: Callable[[], None] | None = None
    on_hide: Callable[[], None] | None = None

    def __init__(self, **kwargs: object) -> None:
        super().__init__(orientation="vertical", size_hint_y=None, height=0, **kwargs)
        self.keys: dict[str, KeyButton] = {}
        self._built: tuple[object, ...] = ()
        self.bind(layout=self._rebuild, language=self._rebuild, u=self._rebuild, width=self._rebuild)
        self.bind(shift=self._relabel, target=self._auto_shift)

    def _rebuild(self, *_args: object) -> None:
        wanted = (self.layout, self.language, round(self.u, 3), round(self.width))
        if wanted == self._built:
            return
        self._built = wanted
        self.clear_widgets()
        self.keys = {}
        rows = LAYOUTS.get(self.layout, [])
        if not rows:
            self.height, self.opacity, self.disabled = 0, 0, True
            return
        self.opacity, self.disabled = 1, False
        gap = 8 * self.u
        # Keys for a finger, but the whole keyboard at most 45% of the window's height.
        window_height = self.get_root_window().height if self.get_root_window() else 800
        key_h = min(72 * self.u, (0.45 * window_height - gap) / len(rows) - gap)
        self.padding, self.spacing = [gap, gap, gap, gap], gap
        width = min(self.width - 2 * gap, MAX_WIDTH[self.layout] * self.u)
        side = max((self.width - 2 * gap - width) / 2, 0)
        for row in rows:
            line = BoxLayout(spacing=gap, size_hint_y=None, height=key_h, padding=[side, 0, side, 0])
            for key, weight in row:
                line.add_widget(self._key(key, weight) if key else Widget(size_hint_x=weight))
            self.add_widget(line)
        self.height = len(rows) * (key_h + gap) + gap
        self._auto_shift()
        self._relabel()

    def _key(self, key: str, weight: float) -> KeyButton:
        special = key.startswith("<")
        button = KeyButton(
            key=key,
            size_hint_x=weight,
            bold=special,
            background_normal="",
            background_down="",
            background_color=(0.80, 0.84, 0.90, 1) if special else (1, 1, 1, 1),
            color=(0.09, 0.11, 0.14, 1),
            halign="center",
            valign="middle",
        )
        if key == NEXT:
            button.background_color = (0.05, 0.36, 0.68, 1)
            button.color = (1, 1, 1, 1)
        button.bind(size=self._fit, text=self._fit)
        button.bind(on_release=lambda b: self.press(b.key))
        self.keys[key] = button
        return button

    def _fit(self, button: KeyButton, *_args: object) -> None:
        """Wrap at spaces only: shrink the type until the longest word fits the key, and its lines
        (one a word at worst) its height: a key's height is capped, its type grows with large text."""
        room = button.width - 12 * self.u
        button.text_size = (max(room, 1), None)
        words = button.text.split()
        longest = max((len(word) for word in words), default=1)
        base = (26 if button.key.startswith("<") else 34) * self.u
        tall_enough = (button.height - 8 * self.u) / (1.3 * max(len(words), 1))
        button.font_size = max(8.0, min(base, room / (0.62 * longest), tall_enough))

    def _relabel(self, *_args: object) -> None:
        for key, button in self.keys.items():
            if key == SHIFT:
                button.text = texts.t(self.language, "kbd.unshift" if self.shift else "kbd.shift")
            elif key in _LABEL_KEYS:
                button.text = texts.t(self.language, _LABEL_KEYS[key])
            else:
                button.text = key.upper() if self.shift and len(key) == 1 else key

    def _auto_shift(self, *_args: object) -> None:
        """A capital at the start of a text field, and at the start of each word of a name."""
        target = self.target
        if self.layout != "text" or target is None:
            self.shift = False
            return
        text = target.text
        self.shift = not text or (getattr(target, "field", "") == "name" and text.endswith(" "))

    def press(self, key: str) -> None:
        target = self.target
        if key == SHIFT:
            self.shift = not self.shift
        elif key == HIDE:
            if self.on_hide:
                self.on_hide()
        elif key == NEXT:
            if self.on_next:
                self.on_next()
        elif target is None:
            return
        elif key == BACKSPACE:
            target.do_backspace()
            self._auto_shift()
        else:
            text = " " if key == SPACE else key
            target.insert_text(text.upper() if self.shift and len(text) == 1 else text)
            self._auto_shift()
