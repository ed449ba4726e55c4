"""The online requests at a desk, as part of the counter's view-model (plain Python, no Kivy).

The list comes from the hub's staff API: every request not closed, each flagged ``overdue`` or
``due_today`` (not answered and past / at its due date). It is fetched when the officer signs in,
every ``refresh_s`` (30 s) while signed in, on opening the tab and after each change; a failed fetch is
tried again after ``RETRY_S`` and the last list stays on screen. The officer records a request
(channel, contact, subject, when it became complete) and, on the selected one, a reply, a
visitor's message or the closing (a second press within ``CLOSE_CONFIRM_S`` confirms it).

A write that got no answer (unreachable, timed out) is sent again with the same ``request_id``
when the officer presses again with the same content, so the hub records it once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from counter.ports import Job, StaffPort
from counter.staff_client import StaffError
from shared.contract.staff_bodies import CHANNELS, OnlineItem, OnlineList

log = logging.getLogger(__name__)

REFRESH_S = 30.0
RETRY_S = 10.0
CLOSE_CONFIRM_S = 5.0
ACTIONS = ("reply", "message", "close")
_RANK = {"overdue": 0, "due_today": 1}


@dataclass(frozen=True)
class OnlineNote:
    """The result of the officer's last online action, kept raw so it renders in either language."""

    kind: str  # "ok" | "error"
    key: str
    params: dict[str, Any] = field(default_factory=dict)


def _order(item: OnlineItem) -> tuple[int, date, str]:
    """Overdue first, then due today, then the ones the officer owes, then answered; by due date."""
    rank = _RANK.get(item.flag, 2 if item.status == "open" else 3)
    return rank, item.due_date, item.number


class OnlineDesk:
    def __init__(
        self,
        staff: StaffPort,
        token: Callable[[], str | None],
        *,
        clock: Callable[[], float],
        run_background: Callable[[Job], Any],
        post: Callable[[Job], Any],
        changed: Callable[[], None],
        session_lost: Callable[[str], None],
        refresh_s: float = REFRESH_S,
    ) -> None:
        self.staff = staff
        self._token = token
        self.clock = clock
        self._run_background = run_background
        self._post = post
        self._changed = changed
        self._session_lost = session_lost
        self.refresh_s = refresh_s
        self.clear_serial = 0  # bumped when the texts typed in the panel should be cleared
        self._gen = 0  # bumped when the session changes: an answer for an older one is dropped
        self._reset()

    def _reset(self) -> None:
        self.items: tuple[OnlineItem, ...] = ()
        self.count = 0
        self.today: date | None = None
        self.state = "none"  # none | loading | ready | error (the last list stays shown)
        self.tab = "queue"  # queue | online
        self.mode = "list"  # list | form
        self.selected: str | None = None
        self.channel: str | None = None  # the form's channel
        self.form_error: str | None = None  # a code: no_contact, bad_contact, unreachable, ...
        self.busy: str | None = None  # the write in flight: add | reply | message | close
        self.note: OnlineNote | None = None
        self.close_armed_at: float | None = None
        self._loading = False
        self._next_refresh: float | None = None
        self._rid_key: tuple[str, ...] | None = None
        self._rid = ""

    # --- the session -----------------------------------------------------------------------

    def start(self) -> None:
        """The officer signed in: load the list."""
        self.stop()
        self.refresh()

    def stop(self) -> None:
        """Signed out or the session ended: nothing of the list stays in memory."""
        self._reset()
        self._gen += 1  # a fetch still running is now stale
        self.clear_serial += 1

    def tick(self) -> None:
        now = self.clock()
        if self._next_refresh is not None and now >= self._next_refresh:
            self.refresh()
        if self.close_armed_at is not None and now - self.close_armed_at >= CLOSE_CONFIRM_S:
            self.close_armed_at = None

    # --- the list ----------------------------------------------------------------------------

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.flag == "overdue")

    @property
    def due_today(self) -> int:
        return sum(1 for item in self.items if item.flag == "due_today")

    @property
    def selected_item(self) -> OnlineItem | None:
        return next((item for item in self.items if item.number == self.selected), None)

    def refresh(self) -> None:
        token = self._token()
        if token is None or self._loading:
            return
        self._loading = True
        self._next_refresh = None
        if self.state != "ready":
            self.state = "loading"
        gen = self._gen

        def job() -> None:
            try:
                result: OnlineList | StaffError = self.staff.online_list(token, "open")
            except StaffError as exc:
                result = exc
            self._post(lambda: self._listed(gen, result))

        self._run_background(job)

    def _listed(self, gen: int, result: OnlineList | StaffError) -> None:
        if gen != self._gen:
            return
        self._loading = False
        if isinstance(result, StaffError):
            if result.status == 401:
                self._lost(result.code)
                return
            log.warning("online list not loaded (%s)", result.code)
            self.state = "error"
            self._next_refresh = self.clock() + RETRY_S
        else:
            self.items = tuple(sorted(result.items, key=_order))
            self.count, self.today, self.state = result.count, result.today, "ready"
            self._next_refresh = self.clock() + self.refresh_s
            if self.selected_item is None:
                self.selected = None
                self.close_armed_at = None
        self._changed()

    # --- the officer ---------------------------------------------------------------------------

    def show_tab(self, tab: str) -> None:
        if tab not in ("queue", "online") or tab == self.tab:
            return
        self.tab = tab
        if tab == "online":
            self.refresh()
        self._changed()

    def open_form(self) -> None:
        self.mode, self.channel, self.form_error, self.note = "form", None, None, None
        self.clear_serial += 1
        self._changed()

    def cancel_form(self) -> None:
        if self.busy == "add":
            return
        self.mode, self.form_error = "list", None
        self.clear_serial += 1
        self._changed()

    def choose_channel(self, channel: str) -> None:
        if channel in CHANNELS:
            self.channel = channel
            self.form_error = None
            self._changed()

    def submit_form(self, contact: str, subject: str, complete_at: str) -> None:
        token = self._token()
        if token is None or self.busy is not None or self.mode != "form":
            return
        contact, subject, complete_at = contact.strip(), subject.strip(), complete_at.strip()
        missing = [c for c, gone in (("no_channel", not self.channel), ("no_contact", not contact),
                                     ("no_subject", not subject)) if gone]  # fmt: skip
        if missing or self.channel is None:
            self.form_error = missing[0] if missing else "no_channel"
            self._changed()
            return
        channel, self.form_error, self.busy = self.channel, None, "add"
        rid = self._request_id(("add", channel, contact, subject, complete_at))

        def job() -> None:
            try:
                result: OnlineItem | StaffError = self.staff.online_add(
                    token, channel, contact, subject, complete_at or None, rid
                )
            except StaffError as exc:
                result = exc
            self._post(lambda: self._added(result))

        self._run_background(job)
        self._changed()

    def _added(self, result: OnlineItem | StaffError) -> None:
        self.busy = None
        if isinstance(result, StaffError):
            self._failed(result, in_form=True)
            return
        self._rid_key = None
        self.mode, self.selected = "list", result.number
        self.note = OnlineNote("ok", "online.done.add", {"number": result.number, "due": result.due_date})
        self.clear_serial += 1
        self.refresh()
        self._changed()

    def select(self, number: str) -> None:
        self.selected = None if number == self.selected else number
        self.close_armed_at = None
        self._changed()

    def act(self, action: str, text: str = "") -> None:
        """``reply`` / ``message`` / ``close`` on the selected request (close asks twice)."""
        token, item = self._token(), self.selected_item
        if token is None or item is None or self.busy is not None or action not in ACTIONS:
            return
        if action == "close" and self.close_armed_at is None:
            self.close_armed_at = self.clock()
            self._changed()
            return
        self.close_armed_at, self.busy, self.note = None, action, None
        number, text = item.number, text.strip() if action != "close" else ""
        rid = self._request_id((action, number, text))

        def job() -> None:
            try:
                result: OnlineItem | StaffError = self.staff.online_act(token, number, action, text, rid)
            except StaffError as exc:
                result = exc
            self._post(lambda: self._acted(action, number, result))

        self._run_background(job)
        self._changed()

    def _acted(self, action: str, number: str, result: OnlineItem | StaffError) -> None:
        self.busy = None
        if isinstance(result, StaffError):
            self._failed(result, in_form=False)
            if result.code in ("closed", "unknown"):
                self.refresh()
            return
        self._rid_key = None
        self.note = OnlineNote("ok", f"online.done.{action}", {"number": number})
        self.clear_serial += 1
        self.refresh()
        self._changed()

    # --- inside ------------------------------------------------------------------------------

    def _failed(self, error: StaffError, *, in_form: bool) -> None:
        if error.status == 401:
            self._lost(error.code)
            return
        if 400 <= error.status < 500:
            self._rid_key = None  # refused: nothing was recorded, the next try is a new one
        log.info("online action refused (%s)", error.code)
        if in_form:
            self.form_error = error.code
        else:
            self.note = OnlineNote("error", "online.err", {"code": error.code})
        self._changed()

    def _lost(self, code: str) -> None:
        self._session_lost(code)  # signs out, which calls stop()
        self._changed()

    def _request_id(self, key: tuple[str, ...]) -> str:
        """The same id for the same content until it is answered: a resend is recorded once."""
        if key != self._rid_key:
            self._rid_key, self._rid = key, uuid.uuid4().hex
        return self._rid
