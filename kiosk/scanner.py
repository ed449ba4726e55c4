"""A USB barcode scanner typing a ticket's QR while no field has the focus (the welcome screen).

A scanner is a keyboard that types fast and ends with Enter. Without a text box to receive it the
keystrokes reach only the window, so they are gathered here and handed over on Enter; a pause of
more than ``GAP_S`` starts afresh (a person fumbling on a keyboard is not a scan).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

GAP_S = 1.0
ENTER_KEYS = frozenset({13, 271})  # Enter, keypad Enter (SDL key codes as Kivy gives them)


class ScanBuffer:
    def __init__(
        self,
        on_scan: Callable[[str], Any],
        active: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_scan, self._active, self._clock = on_scan, active, clock
        self._text, self._last = "", 0.0

    def on_textinput(self, _window: Any, text: str) -> None:
        if not self._active():
            self._text = ""
            return
        now = self._clock()
        if now - self._last > GAP_S:
            self._text = ""
        self._text, self._last = self._text + text, now

    def on_key_down(self, _window: Any, key: int, *_args: Any) -> None:
        if key in ENTER_KEYS and self._text and self._active():
            text, self._text = self._text, ""
            self._on_scan(text)
