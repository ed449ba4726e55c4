"""The payloads of the state and event topics (and the hub's refusal answer), built here: what the
hub publishes, and the status the kiosk and the display publish of themselves.

``shared.contract.records`` parses them back, one record type per topic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from shared.contract.codec import iso
from shared.contract.limits import QUEUE_STATE_HEAD

AUDIO_STATES = ("ready", "ok", "failed", "off")


def kiosk_status(
    kiosk: str, printer: str, pending_reprint: str | None, at: datetime, audio: str | None = None,
    audio_detail: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A kiosk's printer as staff need to know it: ``ready``, ``paper_out``, ``offline``, ``unknown``;
    and its spoken guide's sound (``audio``, one of ``AUDIO_STATES``, with ``audio_detail`` when it
    failed), left out until the kiosk knows it."""
    body: dict[str, Any] = {"kiosk": kiosk, "printer": printer, "pending_reprint": pending_reprint}
    if audio is not None:
        body |= {"audio": audio, "audio_detail": audio_detail}
    return body | {"at": iso(at)}


def display_status(display: str, audio: str, detail: str | None, at: datetime) -> dict[str, Any]:
    """A wall display's voice as staff need to know it: ``ready`` (set up, nothing played yet),
    ``ok`` (the last call was heard), ``failed`` (``detail`` says why), ``off`` (voice turned off)."""
    return {"display": display, "audio": audio, "detail": detail, "at": iso(at)}


def sla_alert(ticket: str, service: str, level: str, clock_s: float, at: datetime) -> dict[str, Any]:
    """A waiting visitor's 10-minute clock reached ``warning`` or ``breach`` (``clock_s`` seconds)."""
    return {"ticket": ticket, "service": service, "level": level, "clock_s": round(clock_s), "at": iso(at)}


def rate_prompt(
    prompt_id: str,
    ticket: str | None,
    day: str | None,
    service: str | None,
    desk: str,
    desk_name: str,
    at: datetime,
) -> dict[str, Any]:
    """Ask the visitor who just finished at ``desk`` to rate ``ticket`` (of business ``day``); a
    prompt with ``ticket`` null clears the screen (the rating was given or is no longer asked)."""
    return {
        "prompt_id": prompt_id,
        "ticket": ticket,
        "day": day,
        "service": service,
        "desk": desk,
        "desk_name": desk_name,
        "at": iso(at),
    }


def error_answer(request_id: str | None, code: str, message: str) -> dict[str, Any]:
    return {"request_id": request_id, "error": {"code": code, "message": message}}


def desk_state(
    desk: str,
    name: str,
    status: str,
    ticket: str | None,
    service: str | None,
    since: datetime | None,
    priority: bool = False,
    parked: list[str] | None = None,
) -> dict[str, Any]:
    """``priority``: the desk's ticket is a priority-lane one; ``parked``: the codes of the visitors
    parked at the desk (``hold``), who come back to it."""
    return {
        "desk": desk,
        "name": name,
        "status": status,
        "ticket": ticket,
        "service": service,
        "since": iso(since) if since else None,
        "priority": priority,
        "parked": list(parked or []),
    }


def queue_state(
    service: str,
    name: str,
    waiting: list[str],
    at: datetime,
    count: int | None = None,
    clocks: list[dict[str, Any]] | None = None,
    priority: list[str] | None = None,
    idle_desks: list[str] | None = None,
) -> dict[str, Any]:
    """``waiting`` is the head of the queue (at most ``QUEUE_STATE_HEAD`` codes) in queue order;
    ``count`` all; ``clocks`` the 10-minute clock of each code in ``waiting``, in the same order;
    ``priority`` the codes of ``waiting`` that are priority-lane tickets; ``idle_desks`` the desks
    serving the service that are open (an officer signed in) with nobody at them at ``at`` (left
    out when none: a newer, optional field)."""
    head = waiting[:QUEUE_STATE_HEAD]
    payload = {
        "service": service,
        "name": name,
        "waiting": head,
        "count": len(waiting) if count is None else count,
        "clocks": (clocks or [])[:QUEUE_STATE_HEAD],
        "priority": [code for code in (priority or []) if code in head],
        "updated_at": iso(at),
    }
    if idle_desks:
        payload["idle_desks"] = list(idle_desks)
    return payload


def waiting_clock(
    ticket: str,
    issued_at: datetime,
    clock_started_at: datetime | None,
    level: str | None,
    idle_desk_s: float = 0,
) -> dict[str, Any]:
    """One waiting visitor's clock: ``clock_started_at`` is null until the visitor before them has
    finished; ``level`` is the highest reached (null, ``warning``, ``breach``); ``idle_desk_s`` the
    whole seconds they have waited in this queue, up to the state's ``updated_at``, while a desk
    serving it was open and idle (left out when 0: a newer, optional field)."""
    clock: dict[str, Any] = {
        "ticket": ticket,
        "issued_at": iso(issued_at),
        "clock_started_at": iso(clock_started_at) if clock_started_at else None,
        "level": level,
    }
    if int(idle_desk_s) > 0:
        clock["idle_desk_s"] = int(idle_desk_s)
    return clock


def call_event(
    call_id: str,
    ticket: str,
    service: str,
    desk: str,
    desk_name: str,
    recall: bool,
    at: datetime,
    priority: bool = False,
) -> dict[str, Any]:
    """``priority``: a priority-lane ticket (the display shows its mark, the voice says so)."""
    return {
        "call_id": call_id,
        "ticket": ticket,
        "service": service,
        "desk": desk,
        "desk_name": desk_name,
        "recall": recall,
        "priority": priority,
        "at": iso(at),
    }


def running_text(text_id: str, text_en: str, updated_at: datetime) -> dict[str, Any]:
    """The display's running text in each language (set on the console's setup page)."""
    return {"id": text_id, "en": text_en, "updated_at": iso(updated_at)}


def site_schedule(
    tz: str, days: Mapping[date, Sequence[tuple[time, time | None]]], updated_at: datetime
) -> dict[str, Any]:
    """The office's opening ranges per date (office time zone ``tz``, an IANA name), as the hub
    has them from the setup page: each day ``"08:00-11:30, 13:00-16:00"`` or ``"closed"``
    (``24:00`` closes at midnight), in date order."""
    return {
        "tz": tz,
        "days": {day.isoformat(): _day_text(days[day]) for day in sorted(days)},
        "updated_at": iso(updated_at),
    }


def _day_text(ranges: Sequence[tuple[time, time | None]]) -> str:
    if not ranges:
        return "closed"
    return ", ".join(
        f"{opens:%H:%M}-{closes:%H:%M}" if closes is not None else f"{opens:%H:%M}-24:00"
        for opens, closes in ranges
    )
