"""The wall display's instrumentation for the tests and the bench: an observer of the app
(``display.observers``) that ``tests.display.probed_app`` attaches, never part of the product.

It writes into its directory ``DIR``:
- ``timings.jsonl``: ``{"k": "label", "ticket", "desk", "t"}`` when a desk's tile shows a new
  code, ``{"k": "frame", "submitted", "t", "tickets"}`` at the next frame (``submitted``: Kivy
  has drawn it, ``Window.on_flip``; ``t``: its pixels are done, after ``glFinish``, before the
  swap), and ``{"k": "fps", "frames", "renders", "span", "t"}`` every second (``renders``: re-draws
  of the cached still part of the wall, the rest of the frames only copy it). ``t`` is
  ``time.monotonic()``: CLOCK_MONOTONIC, the same clock in every process of the machine, so the
  bench can subtract the moment it published a command;
- ``NAME.png`` and ``NAME.json`` (what the widget tree shows) for each file ``requests/NAME``
  that appears, after the next drawn frame; only ``NAME.json`` for a request ``NAME.json``. The
  request file is removed when they are written.
It never writes anything a visitor typed: the screen holds ticket codes, desk and service names.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, TextIO

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.widget import Widget

from display.widgets import CallCard, DeskTile, Overlay, Text
from shared.kivy_base.screenshot import capture

POLL_S = 0.1  # how often screenshot requests are looked for


def _box(widget: Widget) -> list[float]:
    x, y = widget.to_window(widget.x, widget.y)
    return [round(x, 1), round(y, 1), round(widget.width, 1), round(widget.height, 1)]


def _shown(widget: Widget | None) -> bool:
    while isinstance(widget, Widget):
        if widget.opacity == 0:
            return False
        widget = widget.parent
    return True


def _tile_of(widget: Widget) -> DeskTile | None:
    """The desk tile a label is in (its name line is a row inside the tile), if any."""
    parent = widget.parent
    while isinstance(parent, Widget) and not isinstance(parent, DeskTile):
        parent = parent.parent
    return parent if isinstance(parent, DeskTile) else None


def describe(root: Widget, window_size: tuple[int, int]) -> dict[str, Any]:
    """What the labels of the widget tree show, with their boxes (window pixels, origin bottom left)."""
    labels: list[dict[str, Any]] = []
    tiles: list[dict[str, Any]] = []
    parts: dict[str, Any] = {}
    for widget in root.walk(restrict=True):
        if isinstance(widget, Text) and widget.role and widget.text and _shown(widget):
            tile = _tile_of(widget)
            labels.append(
                {
                    "role": widget.role,
                    "text": widget.text,
                    "desk": tile.desk if tile else None,
                    "box": _box(widget),
                    "texture": [int(v) for v in widget.texture_size],
                    "font_size": round(float(widget.font_size), 1),
                    "bounded": widget.text_size[0] is not None,  # wrapped/shortened to its box
                    "shorten": bool(widget.shorten),
                    # The text's width on one line, unconstrained: wider than the box means a
                    # shortened label shows an ellipsis, a wrapping one more lines.
                    "natural_w": int(widget._label.get_extents(widget.text)[0]),
                }
            )
        elif isinstance(widget, DeskTile) and widget.parent is not None:
            tiles.append(
                {
                    "desk": widget.desk,
                    "name": widget.desk_name,
                    "code": widget.code,
                    "idle": widget.idle,
                    "highlighted": widget.highlighted,
                    "flashing": widget.flashing,
                    "blink": widget.blink,
                    "priority": widget.priority_text,
                    "box": _box(widget),
                }
            )
        elif isinstance(widget, CallCard):
            parts["call"] = {"code": widget.code, "desk_name": widget.desk_name, "flashing": widget.flashing}
        elif isinstance(widget, Overlay):
            parts["overlay"] = {"visible": True, "title": widget.title, "detail": widget.detail}
    parts.setdefault("overlay", {"visible": False})
    parts["logo"] = getattr(root, "logo", "")
    return {"window": list(window_size), "labels": labels, "tiles": tiles, **parts}


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


class Probe:
    """A ``display.observers.DisplayObserver``; import it only after Kivy is set up."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.root: Any = None  # the app's widget tree, from on_start
        self.requests = directory / "requests"
        directory.mkdir(parents=True, exist_ok=True)
        self._log: TextIO = (directory / "timings.jsonl").open("a", encoding="utf-8", buffering=1)
        self._pending: list[str] = []
        self._frames = 0
        self._renders = 0
        self._fps_since = time.monotonic()
        self._due: list[str] = []

    def on_start(self, app: Any) -> None:
        self.root = app.root
        self.requests.mkdir(exist_ok=True)  # the tests wait for it: the wall is up
        self._fps_since = time.monotonic()
        Clock.schedule_interval(self.poll, POLL_S)

    def _write(self, record: dict[str, Any]) -> None:
        self._log.write(json.dumps(record, separators=(",", ":")) + "\n")

    def on_call_shown(self, ticket: str, desk: str) -> None:
        self._pending.append(ticket)
        self._write({"k": "label", "ticket": ticket, "desk": desk, "t": time.monotonic()})

    def on_frame(self, window_size: tuple[int, int], submitted: float) -> None:
        """A frame is drawn: ``submitted`` when Kivy had issued it, now when its pixels are done."""
        now = time.monotonic()
        self._frames += 1
        if self._pending:
            self._write({"k": "frame", "t": now, "submitted": submitted, "tickets": self._pending})
            self._pending = []
        for name in self._due:
            if name.endswith(".json"):  # the widget tree only: cheap enough to poll
                _write_atomic(
                    self.dir / name, json.dumps(describe(self.root, window_size), ensure_ascii=False)
                )
            else:
                self.snapshot(self.dir / f"{name}.png", window_size)
            (self.requests / name).unlink(missing_ok=True)
        self._due = []

    def poll(self, _dt: float = 0) -> None:
        """Pick up screenshot requests (called a few times a second); they are served at the next frame.
        Also writes the frame count every second, from the clock: a still screen draws no frames."""
        now = time.monotonic()
        if now - self._fps_since >= 1.0:
            # "renders": how often the cached still part of the wall was re-drawn (display.widgets.StillLayer)
            renders = getattr(self.root.ids.get("still"), "renders", 0)
            self._write(
                {
                    "k": "fps",
                    "frames": self._frames,
                    "renders": renders - self._renders,
                    "span": now - self._fps_since,
                    "t": now,
                }
            )
            self._frames, self._renders, self._fps_since = 0, renders, now
        for entry in os.scandir(self.requests):
            if entry.is_file() and not entry.name.startswith(".") and entry.name not in self._due:
                self._due.append(entry.name)
        if self._due:
            Window.canvas.ask_update()

    def snapshot(self, png: Path, window_size: tuple[int, int]) -> None:
        """``png`` and, beside it, the JSON of the widget tree at this same frame."""
        capture(png)
        self.on_screenshot(png, window_size)

    def on_screenshot(self, path: Path, size: tuple[int, int]) -> None:
        """The JSON of the widget tree beside a PNG of this frame (the app's ``--screenshot`` too)."""
        data = json.dumps(describe(self.root, size), ensure_ascii=False, indent=1)
        _write_atomic(path.with_suffix(".json"), data)

    def on_stop(self) -> None:
        self._log.close()
