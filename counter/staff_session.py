"""The officer's session at the desk, a part of the counter's view-model: sign-in and sign-out over
the hub's staff API. The HTTP calls run through ``run_background`` and their results come back
through ``post``, so the state changes on the app's main thread only. The view-model hears of the
session through ``started`` (signed in), ``ended`` (signed out, or the hub ended it) and
``refused`` (a sign-out the hub did not accept).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from counter.desk_records import LastAnswer
from counter.ports import Job, StaffPort
from counter.staff_client import SignedIn, StaffError
from shared.domain import pins

log = logging.getLogger(__name__)

TAKE_OVER_WINDOW_S = 120.0
"""How long after a ``desk_taken`` refusal "take over the desk" may use the PIN just typed (kept in
memory only, for that button): longer and a PIN would linger behind an unattended screen."""


class StaffSession:
    def __init__(
        self,
        desk: str,
        staff: StaffPort,
        *,
        run_background: Callable[[Job], Any],
        post: Callable[[Job], Any],
        changed: Callable[[], None],
        started: Callable[[], None],
        ended: Callable[[], None],
        refused: Callable[[LastAnswer], None],
    ) -> None:
        self.desk = desk
        self.staff = staff
        self._run_background = run_background
        self._post = post
        self._changed = changed
        self._started = started
        self._ended = ended
        self._refused = refused
        self.officer: SignedIn | None = None
        self.signin_error: str | None = None  # a code: no_officer, pin_shape, bad_pin, signed_out, ...
        self.signin_busy = False
        self.signin_attempts = 0  # answered sign-ins: the screen clears the PIN after each
        self.signout_busy = False
        self.taken_by: str | None = None  # desk_taken: who is signed in at the desk (their name)
        self._take_over_with: tuple[str, str, float] | None = None  # officer, PIN, when refused

    @property
    def token(self) -> str | None:
        """The staff API token of the officer signed in, if any."""
        return self.officer.token if self.officer else None

    def sign_in(self, officer: str, pin: str, take_over: bool = False) -> None:
        officer, pin = officer.strip(), pin.strip()
        if self.signin_busy:
            return
        self.taken_by, self._take_over_with = None, None
        if not officer:
            self.signin_error = "no_officer"
        elif not pins.valid_pin(pin):
            self.signin_error = "pin_shape"
        else:
            self.signin_error = None
            self.signin_busy = True
            self._run_background(lambda: self._signin_job(officer, pin, take_over))
        self._changed()

    @property
    def may_take_over(self) -> bool:
        """Whether "take over the desk" is offered: a ``desk_taken`` refusal, moments ago."""
        held = self._take_over_with
        return held is not None and time.monotonic() - held[2] < TAKE_OVER_WINDOW_S

    def take_over(self) -> None:
        """Sign in again with the officer and PIN just refused with ``desk_taken``, taking the desk
        over (the other officer's session ends and the hub says so on their screen)."""
        if not self.may_take_over or self._take_over_with is None:
            self.taken_by, self._take_over_with = None, None
            self._changed()
            return
        officer, pin, _at = self._take_over_with
        self.sign_in(officer, pin, take_over=True)

    def _signin_job(self, officer: str, pin: str, take_over: bool) -> None:
        try:
            result: SignedIn | StaffError = self.staff.signin(self.desk, officer, pin, take_over)
        except StaffError as exc:
            result = exc
        self._post(lambda: self._signed_in(result, officer, pin))

    def _signed_in(self, result: SignedIn | StaffError, officer: str = "", pin: str = "") -> None:
        self.signin_busy = False
        self.signin_attempts += 1
        if isinstance(result, StaffError):
            self.signin_error = result.code
            if result.code == "desk_taken":  # kept for "take over the desk" only (TAKE_OVER_WINDOW_S)
                self.taken_by = str(result.detail.get("officer_name") or "") or None
                self._take_over_with = (officer, pin, time.monotonic())
        else:
            self.officer = result
            self.signin_error = None
            log.info("desk %s: officer %s signed in", self.desk, result.officer)
            self._started()
        self._changed()

    def sign_out(self) -> None:
        """Ask the hub to end the session (the view-model offers it only with nobody at the desk)."""
        if self.officer is None:
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
            self.end("signed_out")
        elif error.code == "desk_busy":
            self._refused(LastAnswer("error", key="answer.signed_out_busy"))
        else:
            self._refused(LastAnswer("error", answer={"error": {"code": error.code}}))
        self._changed()

    def end(self, reason: str) -> None:
        """Signed out, or the hub no longer knows the token (``reason`` is shown on the sign-in
        screen): forget the officer; the view-model then drops what belonged to the session."""
        self.officer = None
        self.signin_error = reason
        self._ended()
