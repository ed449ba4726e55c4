"""The kiosk's own widgets (their looks are in ``screens/common.kv`` and ``screens/welcome.kv``; the
ones the rating screen shares are in ``kiosk.touch.widgets``). Importing this module creates
Kivy's window, so the app imports it only once the window is configured."""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.touch.widgets import KButton


class FieldBox(BoxLayout):
    """A field's label, its text box and, under it in red, what is wrong with it."""

    field = StringProperty("")
    label_key = StringProperty("")  # default: "field.<field>"
    multiline = BooleanProperty(False)
    pair_height = NumericProperty(0)  # the height of the box beside it, to line up with it


class ServiceButton(KButton):
    """A service on the welcome screen (its looks and text are in ``welcome.kv``)."""

    service = StringProperty("")
    service_name = StringProperty("")
