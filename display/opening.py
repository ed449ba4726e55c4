"""Whether the wall says the office is closed, and when it opens again (``shared.closed_notice``, as
the kiosk's closed screen). The hours are the hub's retained ``site/schedule`` once it has arrived,
the display's own ``[timing]`` before that and for the dates it does not list. Plain Python: the
app asks ``lines(now)`` on its tick; the answer is worked out again once a minute or when a new
schedule arrives, not on every tick."""

from __future__ import annotations

from datetime import datetime

from shared.closed_notice import closed_lines, closed_now, schedule_hours
from shared.contract.records import SiteSchedule
from shared.domain.timing import OpeningHours


class OpeningWatch:
    def __init__(self, own: OpeningHours | None, language: str) -> None:
        self.own = own
        self.hours = own
        self.language = language
        self._minute: datetime | None = None
        self._lines: tuple[str, str] | None = None

    def use_schedule(self, schedule: SiteSchedule) -> None:
        """The hub's ``site/schedule``: it wins over the display's own hours for the dates it lists."""
        self.hours = schedule_hours(schedule, self.own)
        self._minute = None

    def lines(self, now: datetime) -> tuple[str, str] | None:
        """("Layanan tutup", "Buka kembali besok pukul 08.00 WIB") while closed; ``None`` while open."""
        minute = now.replace(second=0, microsecond=0)
        if minute != self._minute:
            self._minute = minute
            closed = closed_now(self.hours, now)
            self._lines = None if closed is None else closed_lines(self.language, closed, now)
        return self._lines
