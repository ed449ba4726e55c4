"""The kiosk's own widgets (their looks are in ``screens/common.kv`` and ``screens/welcome.kv``; the
ones the rating screen shares are in ``kiosk.touch.widgets``). Importing this module creates
Kivy's window, so the app imports it only once the window is configured."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.touch.widgets import KButton
from kiosk.welcome_grid import PriorityButton, ServiceButton, WelcomeChoices

__all__ = ["ChoiceGrid", "FieldBox", "PriorityButton", "ServiceButton", "WelcomeChoices"]


class FieldBox(BoxLayout):
    """A field's label, its text box and, under it in red, what is wrong with it."""

    field = StringProperty("")
    label_key = StringProperty("")  # default: "field.<field>"
    multiline = BooleanProperty(False)
    pair_height = NumericProperty(0)  # the height of the box beside it, to line up with it


class ChoiceGrid(GridLayout):
    """A grid of big choices (the services and the priority lane, the categories), each as tall as
    the tallest: side by side, buttons of unequal height look like a mistake. Only the texts'
    heights are read (they follow the width, never the height), so nothing feeds back."""

    def on_children(self, _grid: Any, children: list[Any]) -> None:
        for child in children:
            child.fbind("texture_size", self._even)
        self._even()

    def _even(self, *_args: Any) -> None:
        buttons = [c for c in self.children if isinstance(c, KButton)]
        app = App.get_running_app()
        pad = 28 * (app.u if app is not None else 1.0)
        tallest = max((b.texture_size[1] for b in buttons), default=0) + pad
        for button in buttons:
            button.even_height = tallest
