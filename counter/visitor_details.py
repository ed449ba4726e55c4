"""The guestbook details of the visitor at the desk, a part of the counter's view-model: fetched
from the hub's staff API while their ticket is at this desk (and an officer is signed in), tried
again after ``VISITOR_RETRY_S`` when the fetch failed, and dropped as soon as the ticket leaves.
The fetch runs through ``run_background`` and comes back through ``post``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter.ports import Job, StaffPort
from counter.staff_client import StaffError
from shared.contract.staff_bodies import Visitor

VISITOR_RETRY_S = 2.0
LOADING_GRACE_S = 0.3


class VisitorDetails:
    def __init__(
        self,
        staff: StaffPort,
        *,
        token: Callable[[], str | None],
        ticket: Callable[[], str | None],
        clock: Callable[[], float],
        run_background: Callable[[Job], Any],
        post: Callable[[Job], Any],
        changed: Callable[[], None],
        loaded: Callable[[Visitor], None],
        session_lost: Callable[[str], None],
    ) -> None:
        self.staff = staff
        self._token = token  # the officer's staff API token (None: nobody signed in)
        self._ticket = ticket  # the ticket at the desk now
        self.clock = clock
        self._run_background = run_background
        self._post = post
        self._changed = changed
        self._loaded = loaded
        self._session_lost = session_lost
        self.details: Visitor | None = None
        self.state = "none"  # none | loading | ready | error
        self._gen = 0
        self._for_ticket: str | None = None  # what the newest fetch is for
        self._retry_at: float | None = None
        self._asked_at = 0.0

    @property
    def loading_shown(self) -> bool:
        """Say "loading" only when the staff API is slow: a normal answer takes a few ms, and a
        note that flashes for one frame is noise (and a redraw)."""
        return self.state == "loading" and self.clock() - self._asked_at >= LOADING_GRACE_S

    def clear(self) -> None:
        self._gen += 1  # any fetch still running is now stale
        self._for_ticket = None
        self._retry_at = None
        self.details = None
        self.state = "none"

    def sync(self) -> None:
        """The desk's ticket or the session changed: fetch the new visitor, or drop the old one."""
        ticket = self._ticket()
        if ticket is None or self._token() is None:
            self.clear()
            return
        if self._for_ticket == ticket:
            return  # loaded or loading already
        self.details = None
        self._fetch()

    def tick(self) -> None:
        """Try a failed fetch again when it is due."""
        if self._retry_at is not None and self.clock() >= self._retry_at:
            self._retry_at = None
            self._fetch()

    def _fetch(self) -> None:
        ticket, token = self._ticket(), self._token()
        if token is None or ticket is None:
            return
        self._gen += 1
        gen = self._gen
        self._for_ticket = ticket
        self.state = "loading"
        self._asked_at = self.clock()

        def job() -> None:
            try:
                result: Visitor | StaffError | None = self.staff.visitor(token)
            except StaffError as exc:
                result = exc
            self._post(lambda: self._fetched(gen, ticket, result))

        self._run_background(job)

    def _fetched(self, gen: int, ticket: str, result: Visitor | StaffError | None) -> None:
        if gen != self._gen:
            return  # the desk moved on while this was loading
        if isinstance(result, StaffError):
            if result.status == 401:
                self._session_lost(result.code)
            else:
                self.state = "error"
                self._retry_at = self.clock() + VISITOR_RETRY_S
        elif result is None or result.ticket != ticket:
            # The hub publishes after it commits, so a mismatch means our desk state is behind:
            # the newer one is on its way. Ask again shortly in case it was lost.
            self._retry_at = self.clock() + VISITOR_RETRY_S
        else:
            self.details = result
            self.state = "ready"
            self._loaded(result)
        self._changed()
