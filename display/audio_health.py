"""The display's voice as device health: staff learn that the lobby went mute.

Each change of state (``ready`` at start, ``ok`` once a call was heard, ``failed`` with the
player's own words, ``off``) is logged once and published retained on
``display/{display_id}/status``, which the counters and ``antre doctor`` read. Repeats of the
same state publish nothing: a display that fails every call does not flood the broker or the log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from shared.contract import topics as contract

log = logging.getLogger(__name__)

Publish = Callable[[dict[str, object]], None]


class AudioHealth:
    def __init__(self, display_id: str, publish: Publish, now: Callable[[], datetime] | None = None) -> None:
        self.display_id = display_id
        self.publish = publish
        self.now = now or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()  # told from the announcer's thread and Kivy's
        self.audio: str | None = None
        self.detail: str | None = None

    def set(self, audio: str, detail: str | None = None) -> None:
        with self._lock:
            if (audio, detail) == (self.audio, self.detail):
                return
            before, self.audio, self.detail = self.audio, audio, detail
        if audio == "failed":
            log.warning("the voice is not heard: %s; calls are shown but not spoken", detail or "?")
        elif before == "failed":
            log.info("the voice works again (%s)", audio)
        self.republish()

    def heard(self, problem: str | None) -> None:
        """The announcer's outcome of one call."""
        if problem is None:
            self.set("ok")
        else:
            self.set("failed", problem)

    def republish(self) -> None:
        """Send the current state (again): at start and on every reconnect, retained."""
        with self._lock:
            audio, detail = self.audio, self.detail
        if audio is not None:
            self.publish(contract.display_status(self.display_id, audio, detail, self.now()))
