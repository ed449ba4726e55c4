"""Acting on the frame Kivy has just drawn (screenshots and timing in ``tests.counter.harness``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def on_drawn_frame(callback: Callable[[], None], frames: int = 1) -> None:
    """Call ``callback`` when the ``frames``-th next frame has been drawn, before it is flipped to
    the screen: the back buffer then holds exactly that frame. Forces the frames to be drawn."""
    from kivy.core.window import Window

    remaining = [frames]

    def on_flip(*_args: Any) -> None:
        remaining[0] -= 1
        if remaining[0] > 0:
            Window.canvas.ask_update()
            return
        Window.unbind(on_flip=on_flip)
        callback()

    Window.bind(on_flip=on_flip)
    Window.canvas.ask_update()  # Kivy draws only when something changed; make sure it does
