"""The spoken guide's sound as device health (issue 18): a kiosk whose guide cannot be heard (no
sound card, a wrong output) tells staff, as the wall display does for its voice.

States as the display's (``shared.contract.topics.AUDIO_STATES``): ``ready`` (set up, nothing read
yet), ``ok`` (the last sentence was heard), ``failed`` (``detail``: the player's own words), ``off``
(``[kiosk] spoken_guide = "off"``). Each change is logged once and handed to ``report``, which puts
it in the kiosk's retained ``kiosk/{id}/status``; the console's device health and ``antre doctor``
read it there. A repeat of the same state does nothing: a guide that fails on every screen does not
flood the log or the broker. The detail is the player's or espeak-ng's words, never what was read
aloud, so nothing the visitor typed can reach the log or the topic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from shared.audio_state import AudioState

log = logging.getLogger(__name__)

Report = Callable[[str, str | None], None]


class GuideHealth(AudioState):
    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(
            log,
            "kiosk: the spoken guide is not heard: %s; the screens still show everything",
            "kiosk: the spoken guide is heard again (%s)",
            report,
        )
