"""The latest call's blink, drawn over the still wall instead of re-rendering it.

The latest call's tile and call card blink for a few seconds: amber ground, texts in the dark
``on_accent`` colour, every ``BLINK_S``. Drawn by the tile and the card themselves, every toggle
changed the still part of the wall (display.widgets.StillLayer) and cost a full re-render (15-20
ms at 1920x1080 on llvmpipe, plus the 5-8 ms copy), and a call arriving meanwhile waited for it.
Now the tile and the card always draw their steady look, and ``FlashLayer``, a sibling drawn
after the still layer, adds the "on" phase on top: per blinking part one amber rounded rectangle
over the whole part, the same as the part's own ground, and its texts again in ``on_accent``. A
toggle is then a cached frame plus a few quads.

The texts' textures come from twin labels (plain ``Label``, outside the widget tree, so the
probe and the tests see only the real ones): Kivy bakes a label's colour into its texture, and a
twin with the same font properties renders the same glyphs in the other colour, placed as Kivy's
own Label rule places a texture. The "on" picture is pixel-identical to what the tile and card
drew themselves before (checked on screenshots at three sizes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle, RoundedRectangle
from kivy.properties import NumericProperty
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from display.theme import THEME

# Everything that shapes a label's texture, except its colours (the twin's are its own).
MIRRORED = tuple(name for name in Label._font_properties if "color" not in name)


class _Twin:
    """An ``on_accent`` copy of one label of a blinking part: same text and font, its own texture.
    It follows its source only while the part blinks (``attach``/``detach``)."""

    def __init__(self, source: Label, changed: Callable[..., None]) -> None:
        self.source = source
        self.label = Label(color=THEME["on_accent"])
        self.label.fbind("texture", changed)
        self._uids: list[tuple[str, int]] = []

    def attach(self) -> None:
        if self._uids:
            return
        for name in MIRRORED:
            setattr(self.label, name, getattr(self.source, name))
            self._uids.append((name, self.source.fbind(name, self._copy, name)))

    def detach(self) -> None:
        for name, uid in self._uids:
            self.source.unbind_uid(name, uid)
        self._uids = []

    def _copy(self, name: str, _source: Label, value: Any) -> None:
        setattr(self.label, name, value)


class FlashLayer(Widget):
    """Draws, over the still wall, the "on" phase of the parts ``show`` is given (the latest
    call's tile and card while their ``blink`` is on); nothing otherwise.

    ``key`` names what it draws now (parts and their boxes, ``()`` for nothing): the still layer
    compares it with what was on screen when it took its copy (display.widgets.StillLayer).
    """

    radius = NumericProperty(0)  # the tile's and the card's corner radius

    def __init__(self, **kwargs: Any) -> None:
        self.key: tuple[Any, ...] = ()
        self._parts: list[Widget] = []
        self._twins: dict[int, _Twin] = {}  # by id() of the source label; parts are reused, so few
        self._watch: list[tuple[Widget, str, int]] = []
        self._trigger = Clock.create_trigger(self._draw, -1)  # before the frame, after the layout
        super().__init__(**kwargs)
        self.fbind("radius", self._trigger)

    def show(self, parts: list[Widget]) -> None:
        """Blink ``parts`` (widgets whose ``Label`` children are their texts); ``[]`` ends it."""
        if parts == self._parts:
            return
        for widget, name, uid in self._watch:
            widget.unbind_uid(name, uid)
        self._watch = []
        for twin in self._twins_of(self._parts):
            twin.detach()
        self._parts = list(parts)
        for twin in self._twins_of(self._parts):
            twin.attach()
            self._follow(twin.source)
        for part in self._parts:
            self._follow(part)
        self._trigger()
        self._draw()  # now: ``key`` is read when the frame is drawn

    def _follow(self, widget: Widget) -> None:
        for name in ("pos", "size"):
            self._watch.append((widget, name, widget.fbind(name, self._trigger)))

    def _twins_of(self, parts: list[Widget]) -> list[_Twin]:
        twins = []
        for part in parts:
            # Every label inside the part, nested ones too (a tile's name line), in drawing order.
            for child in part.walk(restrict=True):
                if child is not part and isinstance(child, Label):
                    if id(child) not in self._twins:
                        self._twins[id(child)] = _Twin(child, self._trigger)
                    twins.append(self._twins[id(child)])
        return twins

    def _draw(self, *_args: object) -> None:
        self.canvas.clear()
        key: list[Any] = []
        for part in self._parts:
            # The same instructions, in the same order, as the part's own kv rule draws them.
            with self.canvas:
                Color(*THEME["accent"])
                RoundedRectangle(pos=part.pos, size=part.size, radius=[self.radius])
                Color(1, 1, 1, 1)
            box = (round(part.x, 3), round(part.y, 3), round(part.width, 3), round(part.height, 3))
            key.append((id(part), box))
            for twin in self._twins_of([part]):
                texture, source = twin.label.texture, twin.source
                if texture is None or not source.text:
                    continue
                width, height = twin.label.texture_size
                # Placed as Kivy's Label rule places a label's texture (kivy/data/style.kv).
                pos = (int(source.center_x - width / 2.0), int(source.center_y - height / 2.0))
                self.canvas.add(Rectangle(texture=texture, size=(width, height), pos=pos))
                key.append((id(source), pos, (width, height), source.text))
        self.key = tuple(key)
