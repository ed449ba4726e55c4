"""What the complaints and online-request pages share: the hub's case desk, running a change on the
worker, a form's one-time request id, paging, and times and durations in the reader's language."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request

from broker.console.context import ConsoleContext
from broker.hub.casework import Casework
from broker.hub.staff import StaffResult

PAGE_SIZE = 25
ROLES = ("officer", "supervisor")


def casework(ctx: ConsoleContext) -> Casework:
    """The hub's case desk, made once per console (its policy reads the settings)."""
    desk = ctx.extras.get("casework")
    if desk is None:
        desk = ctx.extras["casework"] = Casework(ctx.staff.hub)
    return desk  # type: ignore[no-any-return]


async def on_worker(ctx: ConsoleContext, call: Callable[[], StaffResult]) -> StaffResult:
    """``ctx.on_worker`` with a worker that did not answer in time read as busy (503): the change
    may still be applied, and the form's request id makes sending it again safe."""
    try:
        return await ctx.on_worker(call)
    except TimeoutError:
        return StaffResult(503, {"error": {"code": "busy", "message": "busy", "fields": {}}})


def request_id() -> str:
    """A form's hidden id: the same form sent twice is recorded once."""
    return secrets.token_urlsafe(16)


def fields_of(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    """The form's text fields (what the user typed, kept as is to show it again on an error)."""
    return {name: value if isinstance(value := form.get(name, ""), str) else "" for name in names}


def page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return max(1, min(int(text), 10_000)) if text.isdigit() else 1


def pages(count: int) -> int:
    return max(1, -(-count // PAGE_SIZE))


def when(value: datetime | None, tz: Any) -> str:
    """``24-11-2026 10:05`` in office time; ``-`` for none."""
    return value.astimezone(tz).strftime("%d-%m-%Y %H:%M") if value is not None else "-"


_UNITS = {"id": ("hari", "jam", "mnt", "< 1 mnt"), "en": ("d", "h", "min", "< 1 min")}


def duration(delta: timedelta | None, lang: str) -> str:
    """``2 hari 3 jam``, ``4 jam 20 mnt``, ``15 mnt`` (the two largest units); ``-`` for none."""
    if delta is None:
        return "-"
    day, hour, minute, under = _UNITS.get(lang, _UNITS["id"])
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return under
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} {day} {hours} {hour}" if hours else f"{days} {day}"
    if hours:
        return f"{hours} {hour} {minutes} {minute}" if minutes else f"{hours} {hour}"
    return f"{minutes} {minute}"
