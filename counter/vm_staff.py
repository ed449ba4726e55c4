"""The officer's session, as part of the counter's view-model: sign-in and sign-out over the
hub's staff API, and the visitor's guestbook details, fetched while their ticket is at this desk
and dropped as soon as it leaves. ``StaffSteps`` is mixed into ``CounterViewModel``; the HTTP calls
run through ``_run_background`` and come back through ``_post``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from counter.options import CounterOptions
from counter.staff_client import SignedIn, StaffError
from counter.vm_online import OnlineDesk
from counter.vm_types import Job, LastAnswer, StaffPort
from shared.contract.records import DeskState
from shared.contract.staff_bodies import Visitor
from shared.domain import pins

log = logging.getLogger(__name__)

VISITOR_RETRY_S = 2.0
LOADING_GRACE_S = 0.3


class StaffSteps:
    # Set up by CounterViewModel.__init__.
    options: CounterOptions
    staff: StaffPort
    clock: Callable[[], float]
    _run_background: Callable[[Job], Any]
    _post: Callable[[Job], Any]
    officer: SignedIn | None
    signin_error: str | None
    signin_busy: bool
    signout_busy: bool
    desk: DeskState | None
    visitor: Visitor | None
    visitor_state: str
    _visitor_gen: int
    _visitor_ticket: str | None
    _visitor_retry_at: float | None
    _visitor_asked_at: float
    recalls: int
    answer: LastAnswer | None
    online: OnlineDesk

    def _changed(self) -> None:
        raise NotImplementedError

    def can(self, action: str) -> bool:
        raise NotImplementedError

    def sign_in(self, officer: str, pin: str) -> None:
        officer, pin = officer.strip(), pin.strip()
        if self.signin_busy:
            return
        if not officer:
            self.signin_error = "no_officer"
        elif not pins.valid_pin(pin):
            self.signin_error = "pin_shape"
        else:
            self.signin_error = None
            self.signin_busy = True
            self._run_background(lambda: self._signin_job(officer, pin))
        self._changed()

    def _signin_job(self, officer: str, pin: str) -> None:
        try:
            result: SignedIn | StaffError = self.staff.signin(self.options.desk, officer, pin)
        except StaffError as exc:
            result = exc
        self._post(lambda: self._signed_in(result))

    def _signed_in(self, result: SignedIn | StaffError) -> None:
        self.signin_busy = False
        if isinstance(result, StaffError):
            self.signin_error = result.code
        else:
            self.officer = result
            self.signin_error = None
            self.answer = None
            log.info("desk %s: officer %s signed in", self.options.desk, result.officer)
            self._sync_visitor()
            self.online.start()
        self._changed()

    def sign_out(self) -> None:
        if self.officer is None or not self.can("signout"):
            return
        token = self.officer.token
        self.signout_busy = True
        self._run_background(lambda: self._signout_job(token))
        self._changed()

    def _signout_job(self, token: str) -> None:
        try:
            self.staff.signout(token)
            error: StaffError | None = None
        except StaffError as exc:
            error = exc
        self._post(lambda: self._signed_out_result(error))

    def _signed_out_result(self, error: StaffError | None) -> None:
        self.signout_busy = False
        if error is None or error.status == 401:
            self._drop_session("signed_out")
        elif error.code == "desk_busy":
            self.answer = LastAnswer("error", key="answer.signed_out_busy")
        else:
            self.answer = LastAnswer("error", answer={"error": {"code": error.code}})
        self._changed()

    def _drop_session(self, reason: str) -> None:
        self.officer = None
        self.signin_error = reason
        self.answer = None
        self._clear_visitor()
        self.online.stop()

    # --- the visitor at the desk -----------------------------------------------------------

    @property
    def visitor_loading_shown(self) -> bool:
        """Say "loading" only when the staff API is slow: a normal answer takes a few ms, and a
        note that flashes for one frame is noise (and a redraw)."""
        return self.visitor_state == "loading" and self.clock() - self._visitor_asked_at >= LOADING_GRACE_S

    def _clear_visitor(self) -> None:
        self._visitor_gen += 1  # any fetch still running is now stale
        self._visitor_ticket = None
        self._visitor_retry_at = None
        self.visitor = None
        self.visitor_state = "none"

    def _sync_visitor(self) -> None:
        ticket = self.desk.ticket if self.desk else None
        if ticket is None or self.officer is None:
            self._clear_visitor()
            return
        if self._visitor_ticket == ticket:
            return  # loaded or loading already
        self.visitor = None
        self._fetch_visitor()

    def _fetch_visitor(self) -> None:
        ticket = self.desk.ticket if self.desk else None
        if self.officer is None or ticket is None:
            return
        self._visitor_gen += 1
        gen, token = self._visitor_gen, self.officer.token
        self._visitor_ticket = ticket
        self.visitor_state = "loading"
        self._visitor_asked_at = self.clock()

        def job() -> None:
            try:
                result: Visitor | StaffError | None = self.staff.visitor(token)
            except StaffError as exc:
                result = exc
            self._post(lambda: self._visitor_loaded(gen, ticket, result))

        self._run_background(job)

    def _visitor_loaded(self, gen: int, ticket: str, result: Visitor | StaffError | None) -> None:
        if gen != self._visitor_gen:
            return  # the desk moved on while this was loading
        if isinstance(result, StaffError):
            if result.status == 401:
                self._drop_session("session_ended")
            else:
                self.visitor_state = "error"
                self._visitor_retry_at = self.clock() + VISITOR_RETRY_S
        elif result is None or result.ticket != ticket:
            # The hub publishes after it commits, so a mismatch means our desk state is behind:
            # the newer one is on its way. Ask again shortly in case it was lost.
            self._visitor_retry_at = self.clock() + VISITOR_RETRY_S
        else:
            self.visitor = result
            self.visitor_state = "ready"
            self.recalls = max(self.recalls, result.recalls)
        self._changed()
