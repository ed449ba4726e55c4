"""Whether the office serves now, and the words that say when it opens again: the kiosk's closed
screen and the wall display's closed notice. Pure: the opening hours and the time are passed in.
The hours are the hub's retained ``site/schedule`` (what a supervisor set on the console's setup
page) once one has arrived, the app's own ``[timing]`` (read by ``shared.timing_config``) before
that and for the days the schedule does not list.

Outside opening hours (a break, the evening, a weekend, a holiday or collective leave) the kiosk's
welcome screen says "Layanan tutup" with the next opening, day and time, and issues no ticket (so
no wait is estimated for a visitor who could not be served today); the wall says the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.contract.records import SiteSchedule
from shared.domain.calendar_words import indonesian_zone, long_date
from shared.domain.timing import OpeningHours
from shared.texts import Catalog

TEXTS = Catalog({
    "id": {
        "title": "Layanan tutup",
        "reopens": "Buka kembali {when} pukul {time}",
        "today": "hari ini",
        "tomorrow": "besok",
        "unknown": "Jadwal buka berikutnya belum ditetapkan",
    },
    "en": {
        "title": "Service closed",
        "reopens": "Opens again {when} at {time}",
        "today": "today",
        "tomorrow": "tomorrow",
        "unknown": "The next opening is not set yet",
    },
})  # fmt: skip


@dataclass(frozen=True)
class Closed:
    """The office is closed now; ``reopens``: the next opening (office time), ``None`` if none is
    set within a year."""

    reopens: datetime | None


def schedule_hours(schedule: SiteSchedule | None, own: OpeningHours | None) -> OpeningHours | None:
    """The hours an app goes by: the hub's schedule for the dates it lists (they win over
    everything, as a special day does), the app's ``own`` rules for any other date."""
    if schedule is None:
        return own
    if own is None:
        return OpeningHours(schedule.tz, {}, dict(schedule.days))
    return OpeningHours(schedule.tz, own.hours, dict(schedule.days), own.periods, own.closed_days)


def closed_now(hours: OpeningHours | None, now: datetime) -> Closed | None:
    """``None`` while the office is open (or no hours are known: always open); else when it opens."""
    if hours is None or hours.is_open(now):
        return None
    return Closed(hours.next_opening(now))


def closed_lines(language: str, closed: Closed, now: datetime) -> tuple[str, str]:
    """(title, when it opens again) in ``language``: "today"/"tomorrow", else the long date;
    the time as Indonesians write it (08.00 WIB) or 08:00 WIB in English."""
    title = TEXTS.t(language, "title")
    reopens = closed.reopens
    if reopens is None:
        return title, TEXTS.t(language, "unknown")
    today = now.astimezone(reopens.tzinfo).date()
    days = (reopens.date() - today).days
    when = TEXTS.t(language, "today") if days == 0 else TEXTS.t(language, "tomorrow") if days == 1 else None
    if when is None:
        when = long_date(reopens, "en" if language == "en" else "id")
    clock = f"{reopens:%H.%M}" if language == "id" else f"{reopens:%H:%M}"
    zone = indonesian_zone(reopens)
    return title, TEXTS.t(language, "reopens", when=when, time=f"{clock} {zone}" if zone else clock)
