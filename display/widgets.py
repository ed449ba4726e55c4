"""The wall display's widgets; their look is in the ``.kv`` files beside this module.

Widgets hold only what they show (strings, flags, font sizes) and are filled by ``display.ui``
from the view-model on the main thread. Labels the tests and the probe read carry a ``role``.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from display.layout import Grid
from display.viewmodel import CallView, DeskView, ServiceView


class Text(Label):
    """A label the probe can name: ``role`` says what it shows (``desk-code``, ``clock``, ...)."""

    role = StringProperty("")


class DeskTile(BoxLayout):
    desk = StringProperty("")
    desk_name = StringProperty("")
    code = StringProperty("")
    idle = BooleanProperty(True)
    highlighted = BooleanProperty(False)  # the latest call: a steady amber frame
    flashing = BooleanProperty(False)  # within the flash time of the latest call
    blink = BooleanProperty(False)  # the phase of the flash: amber ground when True
    code_font = NumericProperty(10)
    name_font = NumericProperty(10)


class Board(BoxLayout):
    """The "now serving" grid: one tile per open desk, reused between updates."""

    title = StringProperty("")
    empty_text = StringProperty("")
    cols = NumericProperty(1)
    rows = NumericProperty(1)
    empty = BooleanProperty(True)
    tiles = ListProperty([])

    def show(self, desks: list[DeskView], grid: Grid, latest: CallView | None, idle_mark: str) -> None:
        container = self.ids.grid
        while len(self.tiles) < len(desks):
            self.tiles.append(DeskTile())
        for tile in self.tiles[len(desks) :]:
            if tile.parent is not None:
                container.remove_widget(tile)
        self.cols, self.rows = grid.cols, grid.rows
        self.empty = not desks
        for tile, desk in zip(self.tiles, desks, strict=False):
            tile.desk, tile.desk_name = desk.desk, desk.name
            tile.code = desk.ticket or idle_mark
            tile.idle = desk.ticket is None
            tile.code_font, tile.name_font = grid.code_font, grid.name_font
            tile.highlighted = latest is not None and (latest.desk, latest.ticket) == (desk.desk, desk.ticket)
            if tile.parent is None:
                container.add_widget(tile)

    def set_flash(self, flashing: bool, blink: bool) -> None:
        for tile in self.tiles:
            tile.flashing = tile.highlighted and flashing
            tile.blink = tile.flashing and blink


class CallCard(BoxLayout):
    title = StringProperty("")
    code = StringProperty("")
    desk_name = StringProperty("")
    recall_text = StringProperty("")
    code_font = NumericProperty(10)
    flashing = BooleanProperty(False)
    blink = BooleanProperty(False)


class CallRow(BoxLayout):
    code = StringProperty("")
    desk_name = StringProperty("")
    font = NumericProperty(10)


class WaitingRow(BoxLayout):
    service = StringProperty("")
    service_name = StringProperty("")
    count_text = StringProperty("")
    level = StringProperty("")  # "", "warning" or "breach"
    font = NumericProperty(10)


class RowList(BoxLayout):
    """A titled list of rows sharing the space evenly (recent calls, waiting counts); rows are reused."""

    title = StringProperty("")
    slots = NumericProperty(5)  # the body is cut into this many rows, so fonts do not jump as rows come

    def _rows(self, kind: type[Widget], count: int) -> list[Widget]:
        body = self.ids.body
        rows = list(reversed(body.children))  # Kivy keeps children newest first
        if len(rows) != max(count, int(self.slots)) or any(not isinstance(r, kind) for r in rows):
            body.clear_widgets()
            rows = [kind() for _ in range(max(count, int(self.slots)))]
            for row in rows:
                body.add_widget(row)
        return rows

    def calls(self, calls: list[CallView]) -> None:
        for index, row in enumerate(self._rows(CallRow, len(calls))):
            call = calls[index] if index < len(calls) else None
            row.code = call.ticket if call else ""
            row.desk_name = call.desk_name if call else ""

    def services(self, services: list[ServiceView], count_text: list[str]) -> None:
        for index, row in enumerate(self._rows(WaitingRow, len(services))):
            service = services[index] if index < len(services) else None
            row.service = service.service if service else ""
            row.service_name = service.name if service else ""
            row.count_text = count_text[index] if service else ""
            # The 10-minute standard, discreetly: the count turns amber past 8 minutes, red past 10.
            row.level = ("breach" if service.late else "warning" if service.near else "") if service else ""


class Marquee(FloatLayout):
    """A running text line: moves right to left at ``px_per_s``, then comes round again.

    It is the only thing that redraws the screen continuously, so it steps at most 30 times a
    second, and less on a slow renderer (``pace``): the screen must stay free to draw a call.
    """

    text = StringProperty("")
    px_per_s = NumericProperty(100)
    offset = NumericProperty(0)
    interval = NumericProperty(1 / 30)
    _event = None

    def on_text(self, *_args: object) -> None:
        self.offset = -1.0  # placed at the next step, once the bar has its real width
        self._schedule()

    def on_interval(self, *_args: object) -> None:
        self._schedule()

    def pace(self, render_s: float) -> None:
        """Given how long a frame takes to draw, step no more often than every third such time:
        the renderer is then idle two thirds of the time, ready for a call (on a GPU a frame takes
        a millisecond and this changes nothing; on a software renderer it does)."""
        wanted = min(0.25, max(1 / 30, 3 * render_s))
        if abs(wanted - self.interval) > 0.1 * self.interval:
            self.interval = wanted

    def _schedule(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None
        if self.text:
            self._event = Clock.schedule_interval(self._step, self.interval)

    def _step(self, dt: float) -> None:
        travel = max(self.width + self.ids.label.width, 1)
        if self.offset < 0:
            # Start with the text readable at the left edge (not off-screen to the right): a
            # screen switched on, or a screenshot, shows it at once.
            self.offset = self.width - self.height / 3
        self.offset = (self.offset + dt * self.px_per_s) % travel


class Overlay(FloatLayout):
    """The lost-connection veil. It is added to the root only while shown: a transparent
    full-screen layer would still cost a full-screen blend on every frame."""

    title = StringProperty("")
    detail = StringProperty("")
    hint = StringProperty("")


class DisplayRoot(FloatLayout):
    office = StringProperty("")
    subtitle = StringProperty("")
    date_text = StringProperty("")
    clock_text = StringProperty("")
    logo = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.overlay = Overlay()

    def show_overlay(self, shown: bool) -> None:
        if shown and self.overlay.parent is None:
            self.add_widget(self.overlay)  # added last: drawn on top of everything
        elif not shown and self.overlay.parent is not None:
            self.remove_widget(self.overlay)
