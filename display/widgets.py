"""The wall display's widgets; their look is in the ``.kv`` files beside this module.

Widgets hold only what they show (strings, flags, font sizes) and are filled by ``display.ui``
from the view-model on the main thread. Labels the tests and the probe read carry a ``role``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Callback, Canvas, Color, Rectangle
from kivy.graphics.opengl import (
    GL_BLEND,
    GL_SCISSOR_TEST,
    GL_TEXTURE_2D,
    glCopyTexSubImage2D,
    glDisable,
    glEnable,
    glScissor,
)
from kivy.graphics.texture import Texture
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from display.layout import Grid, name_line
from display.viewmodel import CallView, DeskView, ServiceView


class Text(Label):
    """A label the probe can name: ``role`` says what it shows (``desk-code``, ``clock``, ...)."""

    role = StringProperty("")


class Badge(Text):
    """The priority mark: bold words on a light pill (sidebar.kv), beside a name or over a code."""


@lru_cache(maxsize=256)
def text_em(text: str, bold: bool = False) -> float:
    """The width of ``text`` on one line, in em of its font (Roboto)."""
    width, _height = CoreLabel(font_size=100, bold=bold).get_extents(text)
    return width / 100


class DeskTile(BoxLayout):
    desk = StringProperty("")
    desk_name = StringProperty("")
    code = StringProperty("")
    priority_text = StringProperty("")  # the badge's words for a priority ticket, else ""
    line_font = NumericProperty(10)  # the name line's font (display.layout.name_line)
    name_w = NumericProperty(10)
    badge_w = NumericProperty(0)
    idle = BooleanProperty(True)
    highlighted = BooleanProperty(False)  # the latest call: a steady amber frame
    flashing = BooleanProperty(False)  # within the flash time of the latest call
    blink = BooleanProperty(False)  # the flash's "on" phase: amber ground (drawn by display.flash)
    code_font = NumericProperty(10)
    name_font = NumericProperty(10)


class Board(BoxLayout):
    """The "now serving" grid: one tile per open desk, reused between updates."""

    title = StringProperty("")
    empty_text = StringProperty("")
    # Outside opening hours (display.opening): "Layanan tutup" and when it opens again, in place
    # of "no desk is open", or beside the title while desks are still open (a break).
    closed_title = StringProperty("")
    closed_when = StringProperty("")
    cols = NumericProperty(1)
    rows = NumericProperty(1)
    empty = BooleanProperty(True)
    tiles = ListProperty([])

    def show(
        self, desks: list[DeskView], grid: Grid, latest: CallView | None, idle_mark: str, badge: str
    ) -> None:
        """``badge``: the priority mark's words, shown on the tiles of priority tickets."""
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
            marked = bool(desk.ticket and desk.priority)
            line = name_line(grid, text_em(desk.name), text_em(badge, bold=True) if marked else None)
            tile.priority_text = badge if marked else ""
            tile.line_font, tile.name_w, tile.badge_w = line.font, line.name_w, line.badge_w
            tile.highlighted = latest is not None and (latest.desk, latest.ticket) == (desk.desk, desk.ticket)
            if tile.parent is None:
                container.add_widget(tile)

    def set_flash(self, flashing: bool, blink: bool) -> None:
        for tile in self.tiles:
            tile.flashing = tile.highlighted and flashing
            tile.blink = tile.flashing and blink

    def blinking(self) -> list[DeskTile]:
        """The shown tiles in the "on" phase of the flash (drawn by display.flash.FlashLayer)."""
        return [tile for tile in self.tiles if tile.blink and tile.parent is not None]


class CallCard(BoxLayout):
    title = StringProperty("")
    code = StringProperty("")
    desk_name = StringProperty("")
    recall_text = StringProperty("")
    priority_text = StringProperty("")  # the badge's words when the call is a priority ticket
    code_font = NumericProperty(10)
    flashing = BooleanProperty(False)
    blink = BooleanProperty(False)


class CallRow(BoxLayout):
    code = StringProperty("")
    desk_name = StringProperty("")
    priority_text = StringProperty("")  # the badge's words when the call was a priority ticket
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

    def calls(self, calls: list[CallView], badge: str = "") -> None:
        """``badge``: the priority mark's words, shown after the code of a priority ticket."""
        for index, row in enumerate(self._rows(CallRow, len(calls))):
            call = calls[index] if index < len(calls) else None
            row.code = call.ticket if call else ""
            row.desk_name = call.desk_name if call else ""
            row.priority_text = badge if call and call.priority else ""

    def services(self, services: list[ServiceView], count_text: list[str]) -> None:
        for index, row in enumerate(self._rows(WaitingRow, len(services))):
            service = services[index] if index < len(services) else None
            row.service = service.service if service else ""
            row.service_name = service.name if service else ""
            row.count_text = count_text[index] if service else ""
            # The 10-minute standard, discreetly: the count turns amber past 8 minutes, red past 10.
            row.level = ("breach" if service.late else "warning" if service.near else "") if service else ""


# The running text steps at most every PACE frame-draw times (and at most 30 times a second). Its
# frames are cheap copies of the still wall (StillLayer), so at 5 it still moves more smoothly
# than it did at 3 with full frames (about 26 steps a second at 1920x1080 on llvmpipe, was 15)
# while the renderer is idle four fifths of the time instead of two thirds.
PACE = 5


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
        """Given how long a frame takes to draw, step no more often than every ``PACE``-th such
        time: the renderer is then idle most of the time, ready for a call (on a GPU a frame takes
        a millisecond and this changes nothing; on a software renderer it does)."""
        wanted = min(0.25, max(1 / 30, PACE * render_s))
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


class StillLayer(FloatLayout):
    """The wall minus the running text, with a copy of its last drawn pixels to show when it has
    not changed.

    Why: Kivy redraws the whole window on every frame, and the running text makes a frame every
    few tens of milliseconds. On a software renderer (llvmpipe) a frame of the board, the sidebar
    and the header costs about 15 ms at 1920x1080 (without multisampling, see display.app), and a
    call that landed during such a frame waited for it, then for its own. Now a frame in which
    nothing here changed ("cached") draws one opaque textured rectangle, the copy, instead (about
    5 ms: no window clear, no blending, no text); the running text is drawn over it. A frame in
    which something changed ("direct") draws the widgets as before, and ``after_frame`` then
    copies the window into the texture once its pixels are done (``glFinish``), so the call's
    own frame is not delayed. The copy costs 5-8 ms at 1920x1080: it pays from the second frame
    without a change, and a lobby has dozens between calls. A cached frame is pixel-for-pixel
    the direct one (checked on the screenshots; with multisampling on it was not: the copy
    resolves the samples, the screen read-back did not).

    Why not an ``Fbo`` re-rendered on change (as ``EffectWidget``): a call's frame then costs the
    Fbo's render plus the full-window blit, and llvmpipe finishes the Fbo before the blit can
    read it, inside the frame; measured (with multisampling still on): next -> frame p50 56 ms
    against 24 ms, no faster to the pixels.

    Both draws stay in the canvas and flags propagate as usual (a change here asks for a frame);
    the one not wanted in a frame is clipped away with an empty scissor box, which the renderer
    rejects before rasterizing. ``use_cache`` off (the overlay is shown over the wall: the copy
    would hold the veil) means direct frames only. ``renders`` counts direct frames.

    The latest call's blink is drawn over this by ``flash`` (display.flash.FlashLayer), so a toggle
    is a cached frame. The copy is taken of the whole window: if the blink was on in that frame,
    the copy holds it, and a frame that draws less of the blink than the copy holds is direct.
    """

    use_cache = BooleanProperty(True)
    flash = ObjectProperty(None, allownone=True)  # the FlashLayer drawn over this (display.flash)

    def __init__(self, **kwargs: object) -> None:
        self.renders = 0
        self._direct = True
        self._cache_valid = False
        self._frame_flash: tuple[Any, ...] = ()  # what the flash layer drew in this frame ...
        self._copy_flash: tuple[Any, ...] = ()  # ... and in the frame the copy was taken of
        self.content = Canvas()  # the children's canvases (see add_widget)
        super().__init__(**kwargs)
        self._cache = Texture.create(size=(1, 1), colorfmt="rgba")
        with self.canvas:
            Callback(self._begin_cached)
            Color(1, 1, 1, 1)
            self._blit = Rectangle(texture=self._cache, size=(1, 1))
            Callback(self._begin_direct)
        self.canvas.add(self.content)
        with self.canvas:
            Callback(self._end)
        self.fbind("size", self._resize)
        self.fbind("pos", self._resize)
        self.fbind("use_cache", self._invalidate)

    def _invalidate(self, *_args: object) -> None:
        self._cache_valid = False
        self.content.ask_update()  # a frame now, and a direct one

    def _resize(self, *_args: object) -> None:
        size = (max(1, int(self.width)), max(1, int(self.height)))
        if tuple(self._cache.size) != size:
            self._cache = Texture.create(size=size, colorfmt="rgba")
            self._cache.mag_filter = self._cache.min_filter = "nearest"  # copied 1:1
            self._blit.texture = self._cache
        self._blit.pos, self._blit.size = self.pos, size
        self._invalidate()

    def draw_window(self, window: Any) -> bool:
        """Bound to ``Window.on_draw`` (replaces its clear + draw): decide this frame's kind."""
        # The copy is of the whole window, so it holds the blink's "on" look if a direct frame
        # drew it: fine while the flash layer draws the same over it, not once it draws less.
        flash = self.flash.key if self.flash is not None else ()
        clean = self._copy_flash in ((), flash)
        self._direct = not (self.use_cache and self._cache_valid and clean) or self.content.needs_redraw
        self._frame_flash = flash
        if self._direct:
            window.clear()
            self.renders += 1
        # A cached frame needs no clear: the opaque copy covers the window, the running text is on it.
        window.render_context.draw()
        return True  # drawn: Window.on_draw's own clear + draw are skipped

    def after_frame(self) -> None:
        """Call when the frame's pixels are done (after ``glFinish``), before the swap: a direct
        frame's pixels become the copy the next cached frames show."""
        if not self._direct or not self.use_cache:
            return
        width, height = (int(v) for v in self._cache.size)
        self._cache.bind()
        glCopyTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, int(self.x), int(self.y), width, height)
        self._cache_valid = True
        self._copy_flash = self._frame_flash

    def _begin_cached(self, _instruction: Callback) -> bool:
        if self._direct:
            _clip_all()
        else:
            glDisable(GL_BLEND)  # opaque: a plain copy, and llvmpipe drops what is under it
        return True  # done: Kivy clears the callback's "needs update" flag

    def _begin_direct(self, _instruction: Callback) -> bool:
        glEnable(GL_BLEND)
        if self._direct:
            glDisable(GL_SCISSOR_TEST)
        else:
            _clip_all()
        return True

    def _end(self, _instruction: Callback) -> bool:
        glDisable(GL_SCISSOR_TEST)
        return True

    # Children's canvases go into ``content``, not into this widget's canvas (as EffectWidget does).
    def add_widget(self, *args: Any, **kwargs: Any) -> None:
        canvas, self.canvas = self.canvas, self.content
        try:
            super().add_widget(*args, **kwargs)
        finally:
            self.canvas = canvas

    def remove_widget(self, *args: Any, **kwargs: Any) -> None:
        canvas, self.canvas = self.canvas, self.content
        try:
            super().remove_widget(*args, **kwargs)
        finally:
            self.canvas = canvas

    def clear_widgets(self, *args: Any, **kwargs: Any) -> None:
        canvas, self.canvas = self.canvas, self.content
        try:
            super().clear_widgets(*args, **kwargs)
        finally:
            self.canvas = canvas


def _clip_all() -> None:
    """Nothing drawn until the scissor test is off again (cheaper than drawing, then covering)."""
    glEnable(GL_SCISSOR_TEST)
    glScissor(0, 0, 0, 0)


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
        self.ids.still.use_cache = not shown  # a copy of the wall must not hold the veil
        if shown and self.overlay.parent is None:
            self.add_widget(self.overlay)  # added last: drawn on top of everything
        elif not shown and self.overlay.parent is not None:
            self.remove_widget(self.overlay)
