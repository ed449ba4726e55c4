"""A device's sound as health: the state machine the wall display's voice and the kiosk's spoken
guide share (``display.audio_health``, ``kiosk.guide_health``).

States (``shared.contract.topics.AUDIO_STATES``): ``ready``, ``ok`` (the last sentence was heard),
``failed`` (``detail``: the player's own words), ``off``. Each change is logged once, on the
device's own logger and in its own words, and handed to ``changed``; a repeat of the same state
does nothing, so a device that fails every time floods neither the log nor the broker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

Changed = Callable[[str, str | None], None]


class AudioState:
    def __init__(self, log: logging.Logger, failed_line: str, back_line: str, changed: Changed) -> None:
        """``failed_line`` takes the detail (``%s``), ``back_line`` the new state."""
        self._log, self._failed_line, self._back_line = log, failed_line, back_line
        self._changed = changed
        self._lock = threading.Lock()  # told from the player's thread and Kivy's
        self.audio: str | None = None
        self.detail: str | None = None

    def set(self, audio: str, detail: str | None = None) -> None:
        with self._lock:
            if (audio, detail) == (self.audio, self.detail):
                return
            before, self.audio, self.detail = self.audio, audio, detail
        if audio == "failed":
            self._log.warning(self._failed_line, detail or "?")
        elif before == "failed":
            self._log.info(self._back_line, audio)
        self._changed(audio, detail)

    def heard(self, problem: str | None) -> None:
        """The outcome of one sentence played to its end (``None``: heard)."""
        if problem is None:
            self.set("ok")
        else:
            self.set("failed", problem)

    def current(self) -> tuple[str | None, str | None]:
        with self._lock:
            return self.audio, self.detail
