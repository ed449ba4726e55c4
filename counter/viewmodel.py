"""What an officer's desk is, as plain Python: no Kivy, no paho, no HTTP of its own.

Inputs are the contract messages for this desk (``on_*``, called on the app's main thread), the
link going up and down, and the officer's presses. Slow work (the staff HTTP API) runs through
``run_background`` and comes back through ``post``, so state changes only on one thread; tests pass
synchronous functions and a fake clock. ``counter.view.build_view`` turns this into words.

Rules kept here:
- a queue button is enabled only when its action makes sense for the desk's retained state, the
  officer is signed in, the broker is reachable and no command is in flight;
- no-show is offered only after ``noshow_after_recalls`` recalls;
- a command in flight when the link drops is sent again with the SAME request id on reconnect
  (and after ``retry_after_s`` without an answer) until the hub answers it;
- the visitor's guestbook details are fetched from the staff API while their ticket is at this
  desk, and dropped as soon as it leaves.

The view-model is composed of parts it holds: ``session`` (``counter.staff_session``: the officer's
sign-in and sign-out), ``visitor`` (``counter.visitor_details``: the guestbook details of the
visitor at the desk), ``online`` (``counter.online_desk``: the online requests' panel) and ``lobby``
(``counter.lobby_feed``: the queue states, kiosks, displays and hub presence, and the waiting list);
the queue commands in flight are ``commands`` (``counter.commands``); when the queue actions and the
desk actions (hold, resume, return, an out-of-order call) make sense is ``counter.queue_actions``
and ``counter.desk_actions``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from counter import desk_actions, queue_actions
from counter.commands import CommandSender, Pending
from counter.desk_records import LastAnswer, TicketClock, TicketClocks, WaitingSection, WaitingTicket
from counter.lobby_feed import LobbyFeed
from counter.online_desk import OnlineDesk
from counter.options import CounterOptions, ServiceInfo, with_catalogue
from counter.ports import Job, StaffPort
from counter.staff_session import StaffSession
from counter.visitor_details import VisitorDetails
from shared.contract.answers import parse_counter_answer
from shared.contract.catalogue import parse_site_services
from shared.contract.codec import PayloadError
from shared.contract.records import DeskState, parse_desk_state
from shared.contract.staff_bodies import Visitor
from shared.domain.priority import CALL_REASONS
from shared.domain.queue import utc_now

__all__ = [
    "CounterViewModel",
    "Job",
    "LastAnswer",
    "StaffPort",
    "TicketClock",
    "TicketClocks",
    "WaitingSection",
    "WaitingTicket",
]

log = logging.getLogger(__name__)

PENDING_GRACE_S = 0.3


class CounterViewModel:
    def __init__(
        self,
        options: CounterOptions,
        staff: StaffPort,
        send: Callable[[bytes], bool],
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        run_background: Callable[[Job], Any] | None = None,
        post: Callable[[Job], Any] | None = None,
        ticket_clocks: TicketClocks | None = None,
        session: str | None = None,
    ) -> None:
        self.options = options
        self.staff = staff
        self.clock = clock
        self.now = now
        self._run_background = run_background or (lambda job: job())
        self._post = post or (lambda job: job())
        self.ticket_clocks: TicketClocks = ticket_clocks or self._published_clock
        self.commands = CommandSender(options.desk, send, clock, options.retry_after_s, session)
        self._listeners: list[Callable[[], None]] = []
        self.language = options.language
        self.desk: DeskState | None = None
        self.recalls = 0
        self.link_up = False
        self.ever_connected = False
        self.answer: LastAnswer | None = None
        self.malformed = 0
        self.lobby = LobbyFeed(malformed=self._malformed)
        self.session = StaffSession(
            options.desk,
            staff,
            run_background=self._run_background,
            post=self._post,
            changed=self._changed,
            started=self._session_started,
            ended=self._session_ended,
            refused=self._set_answer,
        )
        self.visitor = VisitorDetails(
            staff,
            token=lambda: self.session.token,
            ticket=lambda: self.desk.ticket if self.desk else None,
            clock=clock,
            run_background=self._run_background,
            post=self._post,
            changed=self._changed,
            loaded=self._visitor_loaded,
            session_lost=self._session_lost,
        )
        self.online = OnlineDesk(
            staff,
            lambda: self.session.token,
            clock=clock,
            run_background=self._run_background,
            post=self._post,
            changed=self._changed,
            session_lost=self._session_lost,
            refresh_s=options.online_refresh_s,
        )

    # --- observing -------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    @property
    def pending(self) -> Pending | None:
        return self.commands.pending

    @property
    def signed_in(self) -> bool:
        return self.session.officer is not None

    # --- what is allowed -------------------------------------------------------------------

    @property
    def pending_shown(self) -> bool:
        """A command in flight that the screen should show: unanswered for ``PENDING_GRACE_S``,
        or the link is down. A normal answer comes in a few ms; greying every button out and
        back for that would only flicker (and costs two redraws of each button)."""
        pending = self.pending
        if pending is None:
            return False
        return not self.link_up or self.clock() - pending.created_at >= PENDING_GRACE_S

    @property
    def parked(self) -> tuple[str, ...]:
        """The visitors parked at this desk (``hold``), as the hub's desk state lists them."""
        return self.desk.parked if self.desk else ()

    def can(self, action: str, *, display: bool = False, ticket: str | None = None) -> bool:
        """Whether ``action`` (a queue or desk action, or ``signout``) makes sense right now; for
        ``resume`` and ``return``, ``ticket`` names a parked visitor (without it, ``return`` is the
        visitor at the desk and ``resume`` the only one parked). A command in flight holds every
        action; ``display=True`` asks how the button should look, where a command answered within
        the grace time does not grey it out."""
        desk = self.desk
        held = self.pending_shown if display else self.pending is not None
        ready = self.signed_in and self.link_up and not held and desk is not None
        if not ready or desk is None:
            return False
        status = desk.status
        if action == "signout":
            return not self.session.signout_busy and desk.ticket is None
        if action in desk_actions.DESK_ACTIONS:
            waiting = {t.code for t in self.call_choices()} if action == "call_ticket" else ()
            return desk_actions.allowed(
                action, status, current=desk.ticket, parked=self.parked, waiting=waiting, ticket=ticket
            )
        return queue_actions.allowed(
            action,
            status,
            recalls=self.recalls,
            noshow_after_recalls=self.options.noshow_after_recalls,
            can_transfer=bool(self.transfer_targets()),
        )

    def call_choices(self) -> list[WaitingTicket]:
        """The waiting tickets of the desk's services an out-of-order call may pick: every code the
        hub lists in their queue states, in queue order, service by service."""
        return [ticket for section in self.waiting() for ticket in section.tickets]

    def transfer_targets(self) -> list[ServiceInfo]:
        """Every service of the office except the one the visitor is in now."""
        current = self.desk.service if self.desk else None
        return [s for s in self.options.all_services if s.prefix != current]

    def _published_clock(self, code: str) -> TicketClock | None:
        """The clock the hub published for ``code``, running on this machine's wall clock."""
        return self.lobby.published_clock(code, self.now())

    def waiting(self) -> list[WaitingSection]:
        return self.lobby.waiting(self.options.services, self.ticket_clocks, self.now())

    # --- the officer -----------------------------------------------------------------------

    def sign_in(self, officer: str, pin: str) -> None:
        self.session.sign_in(officer, pin)

    def take_over(self) -> None:
        """Take the desk over from the officer named by the last sign-in's ``desk_taken``."""
        self.session.take_over()

    def sign_out(self) -> None:
        """Offered only with nobody at the desk (``can("signout")``)."""
        if self.can("signout"):
            self.session.sign_out()

    def set_language(self, language: str) -> None:
        self.language = language
        self._changed()

    def press(
        self,
        action: str,
        to_service: str | None = None,
        *,
        ticket: str | None = None,
        reason: str | None = None,
    ) -> bool:
        """A button or shortcut: send the command if it makes sense now; False if it was held.
        ``ticket``: the parked visitor a resume or return is for, the waiting one a call_ticket
        calls; ``reason``: a call_ticket's, one of ``CALL_REASONS``."""
        if action not in (*queue_actions.QUEUE_ACTIONS, *desk_actions.DESK_ACTIONS):
            return False
        named = ticket if action in desk_actions.TICKET_ACTIONS else None
        if not self.can(action, ticket=named):
            return False
        if action == "transfer" and to_service not in {s.prefix for s in self.transfer_targets()}:
            return False
        if action == "call_ticket" and (named is None or reason not in CALL_REASONS):
            return False
        if action == "resume" and named is None:
            named = self.parked[0]  # the only one (``can`` checked): the answer names it either way
        self.commands.submit(
            action,
            self.link_up,
            to_service if action == "transfer" else None,
            ticket=named,
            reason=reason if action == "call_ticket" else None,
        )
        self._changed()
        return True

    def toggle_break(self) -> bool:
        """The break button: close an idle desk, open a closed one."""
        return self.press("open" if self.desk is not None and self.desk.status == "closed" else "close")

    def tick(self) -> None:
        """From the app (4 Hz): resend an unanswered command, retry a failed visitor fetch,
        refresh the online list when due, and let the clocks on screen move."""
        if self.link_up and self.commands.due():
            self.commands.retry()
        self.visitor.tick()
        self.online.tick()
        self._changed()

    # --- messages (main thread) ------------------------------------------------------------

    def on_link(self, up: bool) -> None:
        self.link_up = up
        if up:
            self.ever_connected = True
            self.commands.on_link_up()
        else:
            self.lobby.hub_online = None  # unknown until its retained presence arrives again
        self._changed()

    def on_hub_presence(self, raw: bytes) -> None:
        self.lobby.on_hub_presence(raw)
        self._changed()

    def on_desk_state(self, raw: bytes) -> None:
        try:
            state = parse_desk_state(raw)
        except PayloadError as exc:
            self._malformed("counter state", exc)
            return
        if state.desk != self.options.desk:
            return
        previous = self.desk.ticket if self.desk else None
        self.desk = state
        if state.ticket != previous:
            self.recalls = 0
        self.visitor.sync()
        self._changed()

    def on_queue_state(self, service: str, raw: bytes) -> None:
        """Every queue's state is kept (``lobby``); the screen changes for the desk's own."""
        if self.lobby.on_queue_state(service, raw) and service in {s.prefix for s in self.options.services}:
            self._changed()

    def on_services(self, raw: bytes) -> None:
        """``site/services``: the desk's services and the names, as set on the console."""
        try:
            found = parse_site_services(raw)
        except PayloadError as exc:
            self._malformed("site services", exc)
            return
        options = with_catalogue(self.options, found)
        if options != self.options:
            self.options = options
            self._changed()

    def on_kiosk_status(self, kiosk: str, raw: bytes) -> None:
        if self.lobby.on_kiosk_status(kiosk, raw):
            self._changed()

    def on_display_status(self, display: str, raw: bytes) -> None:
        if self.lobby.on_display_status(display, raw):
            self._changed()

    def on_response(self, raw: bytes) -> None:
        try:
            answer = parse_counter_answer(raw)
        except PayloadError as exc:
            self._malformed("counter response", exc)
            return
        busy = answer.error is not None and answer.error.code == "busy"
        if busy and self.commands.on_busy(answer.request_id):
            self._changed()  # still in flight: sent again by tick() after a pause
            return
        whose = self.commands.settle(answer.request_id)
        if whose == "repeat":
            return
        if (
            answer.ok
            and answer.action in ("recall", "repeat")
            and self.desk
            and answer.ticket == self.desk.ticket
        ):
            self.recalls = max(self.recalls, answer.recalls or 0)
        kind = "ok" if answer.ok else "error"
        self.answer = LastAnswer(kind, answer=dict(answer.fields), mine=whose == "mine")
        self._changed()

    # --- from the parts (main thread) ------------------------------------------------------

    def _session_started(self) -> None:
        self.answer = None
        self.visitor.sync()
        self.online.start()

    def _session_ended(self) -> None:
        self.answer = None
        self.visitor.clear()
        self.online.stop()

    def _session_lost(self, code: str = "") -> None:
        """The staff API no longer takes the officer's token: ``code`` says why when the hub told
        (``session_expired``, ``session_revoked``: the sign-in screen says so), else "ended"."""
        self.session.end(code if code in ("session_expired", "session_revoked") else "session_ended")

    def _set_answer(self, answer: LastAnswer) -> None:
        self.answer = answer

    def _visitor_loaded(self, visitor: Visitor) -> None:
        self.recalls = max(self.recalls, visitor.recalls)

    def _malformed(self, what: str, exc: PayloadError) -> None:
        self.malformed += 1
        log.warning("desk %s: dropped a malformed %s (%s)", self.options.desk, what, exc)
