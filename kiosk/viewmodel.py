"""The kiosk's flow as plain Python: what the screens show and what a tap does. No Kivy here; the
app binds widgets to this object, and tests drive it directly with fake ports.

welcome -> guestbook form -> consent -> issuing -> ticket; or, for a returning visitor,
welcome -> form -> returning (ID number or email) -> prefill (masked, purpose only) -> consent ...
With one service the welcome screen has one big button; with more, one per service. Beside them,
"Layanan prioritas": welcome -> priority (the category, or none said; then the service when there
are several) -> the same guestbook, the request asking for the priority lane (``lane``).
The visitor's display choices (``large_text``, ``spoken_guide``) hold until the visit ends. Composed of
parts it holds: ``returning`` (``kiosk.returning``: the returning visitor's lookup and prefill),
``issue`` (``kiosk.ticket_issue``: issuing and printing the ticket, reprints, what is known of the
printer) and ``rating`` (``kiosk.rating.viewmodel``: the rating survey behind "Beri penilaian").

Slow work (hub, printer) runs through ``run_background``; its result comes back through ``post``
(Kivy's main thread in the app, synchronous in tests). State changes only on the caller's thread.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from kiosk.closed import Closed, closed_now, schedule_hours
from kiosk.flow import LOOKUP, TEXT_FIELDS, Notice, Step
from kiosk.options import KioskOptions
from kiosk.ports import PrinterPort, TicketText
from kiosk.rating.options import RatingOptions
from kiosk.rating.viewmodel import RatingViewModel
from kiosk.returning import ReturningVisitor
from kiosk.ticket_issue import TicketIssue
from kiosk.touch.ports import ORDINARY, HubPort, Lane
from kiosk.touch.texts import other_language
from kiosk.visitor_choices import VisitorChoices
from shared.contract.catalogue import SiteServices
from shared.contract.feedback_requests import parse_ticket_text
from shared.contract.records import SiteSchedule
from shared.domain import guestbook
from shared.domain.queue import Service
from shared.domain.timing import OpeningHours
from shared.texts import LANGUAGES

log = logging.getLogger(__name__)
T = TypeVar("T")
Job = Callable[[], None]


class KioskViewModel(VisitorChoices):
    def __init__(
        self,
        options: KioskOptions,
        hub: HubPort,
        printer: PrinterPort,
        *,
        clock: Callable[[], float] = time.monotonic,
        run_background: Callable[[Job], Any] | None = None,
        post: Callable[[Job], Any] | None = None,
        new_id: Callable[[], str] | None = None,
        wall: Callable[[], datetime] | None = None,
    ) -> None:
        self.options = options
        self.services_rev = 0  # counts the changes of options.services (the app rebuilds its buttons)
        self.wall = wall or (lambda: datetime.now(UTC))  # the time of day: opening hours
        self.closed: Closed | None = None
        self.hours: OpeningHours | None = options.hours  # the hub's site/schedule once it arrives
        self.hub = hub
        self.printer = printer
        self._clock = clock
        self._run_background = run_background or (lambda job: job())
        self._post = post or (lambda job: job())
        self._new_id = new_id or (lambda: uuid.uuid4().hex)
        self._listeners: list[Callable[[], None]] = []
        self._last_activity = clock()
        self.returning = ReturningVisitor(self, hub, self._new_id)
        self.issue = TicketIssue(self, hub, printer, self._new_id)
        self.rating = RatingViewModel(
            RatingOptions(
                via="kiosk", language=options.language, idle_timeout_s=options.idle_timeout_s,
                office_name=options.office_name, channels=options.feedback, tz=options.tz,
            ),
            hub, clock=clock, run_background=self._run_background, post=self._post, new_id=self._new_id,
            on_end=self.finish,
        )  # fmt: skip
        self.rating.subscribe(self.changed)
        self._reset()
        self.closed = closed_now(self.hours, self.wall())

    # --- observing -------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def changed(self) -> None:
        """Tell the listeners (the app's widgets) the state changed."""
        for listener in list(self._listeners):
            listener()

    def _reset(self) -> None:
        self.step = Step.WELCOME
        self.language = self.options.language
        self.service: str | None = None
        self.fields: dict[str, str] = dict.fromkeys(guestbook.FIELDS, "")
        self.fields["id_type"] = "ktp"
        self.errors: dict[str, str] = {}
        self.show_errors = False
        self.focused: str | None = None
        self.path = "new"  # or "returning"
        self.lane: Lane = ORDINARY
        self.category_chosen = False  # on the priority screen: the category step is done
        self.large_text = False
        self.spoken_guide = self.options.spoken_guide == "on"
        self.returning.reset()
        self.busy = False
        self.request_id: str | None = None  # one per attempt, reused on every retry
        self.ticket: TicketText | None = None
        self.printed = False
        self.notice: Notice | None = None

    def forget_typed(self) -> None:
        self.fields = dict.fromkeys(guestbook.FIELDS, "")
        self.fields["id_type"] = "ktp"
        self.returning.forget()
        self.errors, self.show_errors, self.focused = {}, False, None

    # --- welcome ---------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        if language in LANGUAGES and language != self.language:
            self.language = language
            self.changed()

    def toggle_language(self) -> None:
        self.set_language(other_language(self.language))

    def check_hours(self) -> bool:
        """Whether the office is closed now (``self.closed`` says until when); listeners are told
        when that changes."""
        closed = closed_now(self.hours, self.wall())
        if closed != self.closed:
            self.closed = closed
            self.changed()
        return closed is not None

    def use_schedule(self, schedule: SiteSchedule) -> None:
        """The hub's ``site/schedule`` arrived (on the UI thread): it wins over the TOML's hours."""
        self.hours = schedule_hours(schedule, self.options.hours)
        self.check_hours()

    def use_services(self, found: SiteServices) -> None:
        """The hub's ``site/services`` arrived (on the UI thread): the buttons show the services it
        offers now (a service added or switched off on the console) in place of the TOML's."""
        services = tuple(Service(s.prefix, s.name) for s in found.offered)
        names_en = {s.prefix: s.name_en for s in found.offered if s.name_en != s.name}
        if not services or (services, names_en) == (self.options.services, dict(self.options.names_en)):
            return
        self.options = dataclasses.replace(self.options, services=services, names_en=names_en)
        self.services_rev += 1
        self.changed()

    def choose_service(self, prefix: str) -> None:
        if prefix not in {s.prefix for s in self.options.services}:
            raise ValueError(f"unknown service {prefix!r}")
        if self.check_hours():
            return  # closed: no ticket (the welcome screen says when it opens)
        if self.step == Step.WELCOME:
            self.lane = ORDINARY  # the ordinary buttons of the welcome screen
        self.service, self.step, self.path, self.focused = prefix, Step.FORM, "new", "name"
        self.changed()

    def start_rating(self) -> None:
        """ "Beri penilaian / Sampaikan pengaduan": the ticket code field (typed or scanned)."""
        self.step, self.focused = Step.RATING, None
        self.rating.begin_code(self.language)  # tells the listeners

    def scanned(self, text: str) -> bool:
        """A ticket's QR read by a USB scanner while the welcome screen shows (no field to type in):
        straight to rating that ticket. False when ``text`` is not a ticket's code."""
        if self.step != Step.WELCOME or parse_ticket_text(text) is None:
            return False
        self.start_rating()
        self.rating.set_field("r_code", text.strip())
        self.rating.submit_code()
        return True

    def finish(self) -> None:
        """Done (or start over): back to the welcome screen, everything typed forgotten."""
        self._reset()
        self.closed = closed_now(self.hours, self.wall())
        self.changed()

    # --- typing ----------------------------------------------------------------------------

    def set_field(self, name: str, value: str) -> None:
        if name.startswith("r_"):
            self.rating.set_field(name, value)
            return
        if name == LOOKUP:
            if not self.returning.type(value):
                return
        else:
            if name not in self.fields:
                raise ValueError(f"unknown field {name!r}")
            if self.fields[name] == value:
                return
            self.fields[name] = value
            if self.show_errors:
                self.validate()
        self.changed()

    def focus(self, name: str | None) -> None:
        if self.step == Step.RATING:
            self.rating.focus(name)
            return
        if name != self.focused:
            self.focused = name
            self.changed()

    def blur(self, name: str) -> None:
        if self.active_focus == name:
            self.focus(None)

    @property
    def active_focus(self) -> str | None:
        """The field being typed in, on the kiosk's screens or on the rating screens."""
        return self.rating.focused if self.step == Step.RATING else self.focused

    @property
    def keyboard_layout(self) -> str | None:
        """``numeric``, ``phone``, ``email``, ``text``, or ``None`` when nothing is being typed."""
        if self.step == Step.RATING:
            return self.rating.keyboard_layout
        name = self.focused
        if name is None:
            return None
        if name == LOOKUP:
            return "email" if self.returning.mode == "email" else "numeric"
        if name == "id_number":
            return "numeric" if self.fields["id_type"] in ("ktp", "sim") else "text"
        return {"phone": "phone", "email": "email"}.get(name, "text")

    def validate(self) -> None:
        """The guestbook's errors for what is typed (on the prefill screen: the purpose only)."""
        errors = guestbook.field_errors(guestbook.clean(self.fields))
        if self.step == Step.PREFILL:
            errors = {k: v for k, v in errors.items() if k == "purpose"}
        self.errors = errors

    # --- guestbook form and prefill ----------------------------------------------------------

    def submit_form(self) -> None:
        self.show_errors = True
        self.validate()
        if self.errors:
            self.focused = next((f for f in TEXT_FIELDS if f in self.errors), None)
        else:
            self.step, self.path, self.focused = Step.CONSENT, "new", None
        self.changed()

    def back(self) -> None:
        previous = {
            Step.RETURNING: Step.FORM,
            Step.PREFILL: Step.RETURNING,
            Step.CONSENT: Step.PREFILL if self.path == "returning" else Step.FORM,
        }
        if self.step == Step.PRIORITY and self.category_chosen:
            self.category_chosen = False  # from the services back to the categories
            self.changed()
            return
        if self.step in (Step.FORM, Step.PRIORITY):
            self.finish()
            return
        if self.step == Step.PROBLEM and self.notice and self.notice.back_to:
            self.step = self.notice.back_to
        elif self.step in previous:
            self.step = previous[self.step]
        else:
            return
        if self.step == Step.RETURNING:
            self.returning.guest = None
        self.focused = None
        self.changed()

    # --- issuing (``issue``) -----------------------------------------------------------------

    def agree(self) -> None:
        """Consent given: issue (and, after a problem, "try again" with the same request id)."""
        self.issue.agree()

    retry = agree

    def reprint(self, code: str | None = None) -> None:
        """Print an issued ticket again, with the same code (the current one, or ``code``)."""
        self.issue.reprint(code)

    def background(self, work: Callable[[], T], done: Callable[[T], None]) -> None:
        """``work`` off the UI thread (hub, printer); ``done`` with its result back on it."""

        def job() -> None:
            try:
                result = work()
            except Exception:  # a broken port must not leave the visitor at "please wait"
                log.exception("kiosk: a hub or printer call failed unexpectedly")
                self._post(self._crashed)
                return
            self._post(lambda: done(result))

        self._run_background(job)

    def _crashed(self) -> None:
        self.busy = self.issue.reprinting = False
        if self.step == Step.RETURNING:
            self.returning.error = "kiosk.error"
        elif self.step == Step.ISSUING:  # the request id is kept: a retry cannot give a second ticket
            self.notice, self.step = Notice("kiosk", "error"), Step.PROBLEM
        self.changed()

    # --- idle --------------------------------------------------------------------------------

    def touch(self) -> None:
        """Any touch or key press: the visitor is still there."""
        self._last_activity = self._clock()
        self.rating.touch()

    def tick(self) -> None:
        """Called about once a second: after the idle timeout, back to the welcome screen."""
        if self.step == Step.RATING:
            self.rating.tick()  # its own minute; it ends in finish()
            return
        if self.busy or self.issue.reprinting:
            return
        idle = self._clock() - self._last_activity
        if self.step == Step.WELCOME:
            self.check_hours()
            # The last visitor's language and display choices do not wait for the next one.
            chose = self.language != self.options.language or self.large_text
            chose = chose or self.spoken_guide != (self.options.spoken_guide == "on")
            if chose and idle >= self.options.idle_timeout_s:
                self.finish()
            return
        limit = self.options.ticket_screen_s if self.step == Step.TICKET and self.printed else None
        if idle >= (limit or self.options.idle_timeout_s):
            self.finish()
