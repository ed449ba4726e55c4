"""The widgets both touch programs use (their looks are in ``screens/common.kv``): the text box
bound to a view-model field, the flat touch button and the scroll view that stays in range.
Importing this module creates Kivy's window, so the apps import it only once the window is
configured."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput

_ENTER_KEYS = ("enter", "numpadenter")


class KioskInput(TextInput):
    """A text box bound to one view-model field by name; Enter moves on instead of typing."""

    field = StringProperty("")
    has_error = BooleanProperty(False)

    def on_focus(self, _instance: Any, focused: bool) -> None:
        app = App.get_running_app()
        if app is not None:
            app.input_focus(self, focused)

    def on_text(self, _instance: Any, text: str) -> None:
        app = App.get_running_app()
        if app is not None:
            app.input_text(self, text)

    def keyboard_on_key_down(self, window: Any, keycode: Any, text: Any, modifiers: Any) -> bool:
        if keycode[1] in _ENTER_KEYS:
            App.get_running_app().input_enter(self)
            return True
        return bool(super().keyboard_on_key_down(window, keycode, text, modifiers))

    def insert_text(self, substring: str, from_undo: bool = False) -> None:
        # No line breaks or tabs in a guestbook entry (the rules refuse control characters).
        super().insert_text(substring.replace("\r", "").replace("\n", " ").replace("\t", " "), from_undo)


class KButton(Button):
    """A flat, rounded touch button: ``bg`` its colour, ``fg`` its text's."""

    bg = ColorProperty([0.05, 0.36, 0.68, 1])
    fg = ColorProperty([1, 1, 1, 1])
    min_height = NumericProperty(0)  # 0: the standard touch target
    even_height = NumericProperty(0)  # set by a ChoiceGrid: as tall as the tallest of its row


class KioskScroll(ScrollView):
    """A scroll view that stays in range. Kivy computes ``scroll_y`` from the height the view had
    when a touch began; the docked keyboard changes that height during the very tap that focuses a
    field, which without this clamp throws the content far out of view."""

    def on_scroll_y(self, _instance: Any, value: float) -> None:
        if not 0.0 <= value <= 1.0:
            self.scroll_y = min(1.0, max(0.0, value))
