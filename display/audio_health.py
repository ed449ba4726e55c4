"""The display's voice as device health: staff learn that the lobby went mute.

Each change of state (``ready`` at start, ``ok`` once a call was heard, ``failed`` with the
player's own words, ``off``) is logged once and published retained on
``display/{display_id}/status``, which the counters and ``antre doctor`` read. Repeats of the
same state publish nothing: a display that fails every call does not flood the broker or the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from shared.audio_state import AudioState
from shared.contract import topics as contract

log = logging.getLogger(__name__)

Publish = Callable[[dict[str, object]], None]


class AudioHealth(AudioState):
    def __init__(self, display_id: str, publish: Publish, now: Callable[[], datetime] | None = None) -> None:
        self.display_id = display_id
        self.publish = publish
        self.now = now or (lambda: datetime.now(UTC))
        super().__init__(
            log,
            "the voice is not heard: %s; calls are shown but not spoken",
            "the voice works again (%s)",
            lambda _audio, _detail: self.republish(),
        )

    def republish(self) -> None:
        """Send the current state (again): at start and on every reconnect, retained."""
        audio, detail = self.current()
        if audio is not None:
            self.publish(contract.display_status(self.display_id, audio, detail, self.now()))
