"""The hub's intake: what arrives is sorted before any database work, and the one worker serves
the senders in turn, so no client can starve the others.

Each message is first checked where it arrives (paho's network thread), without the database:
the payload's size, depth and encoding, a known desk, a known service, a sane kiosk id. What fails
is answered at once (when it carries a request id) and never reaches the worker or the database;
a refusal that depends on nothing but the message is the same every time, so a repeat gets the
same answer without it being stored. What passes waits in its sender's own short queue. The
worker takes one job from each sender in turn (round robin), so a kiosk flooding the hub waits
behind itself, while a desk's ``next`` waits for at most one job of each other busy sender. A
sender whose queue is full is answered ``busy`` (its client retries with the same request id):
memory stays bounded however fast the junk comes.

The same checks keep the lobby's devices to their part (issue 15): a retained request or command
is refused and cleared from the broker (a request is a one-time message; kept, it would be applied
again for every later subscriber and its personal data would sit in the broker), a request kind
the device's role does not send is refused ``forbidden`` (``broker.hub.authorisation``), and
returning-visitor lookups and ticket issues over their rate are answered ``too_many_requests``
with the seconds to wait (``broker.hub.throttle``), all before any database work.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from broker.hub import throttle
from broker.hub.authorisation import LOOKUP, TICKET, Authorisation, kind_of
from broker.hub.publications import Publication, SiteNames, answer
from shared.contract import kiosk_requests
from shared.contract import topics as contract
from shared.contract.codec import PayloadError
from shared.contract.kiosk_requests import KioskRequest

log = logging.getLogger(__name__)

Job = Callable[[], list[Publication]]

HUB_LANE = "hub"  # the hub's own jobs (the clocks' tick, snapshots, the staff desk) take turns too
PER_SENDER = 16  # a kiosk or desk waits on a handful of answers at most; more is a flood
MAX_SENDERS = 64  # distinct kiosks and desks with work waiting at one time
# Refusals sent and not yet acknowledged by the broker, beyond which no more are sent: two of paho's
# in-flight windows (shared.mqtt: 100), so a window jammed for good still bounds them.
MAX_UNACKNOWLEDGED = 200
KIOSK_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}")
BUSY_MESSAGE = "the hub is busy with this device's earlier requests; send the same request again shortly"


class Refusal(NamedTuple):
    """A refusal's code and message (and, for a throttled request, the seconds to wait)."""

    code: str
    message: str
    retry_after_s: int | None = None


@dataclass(frozen=True)
class Verdict:
    """What the intake decided about one message: admit it (``request_id``, ``reply_to``: where a
    ``busy`` answer would go), or answer it now with ``reply`` (or drop it: nobody to answer).

    A refusal's answer is built only when it is sent (``reply``): under a flood most refusals are
    dropped by the ``RefusalBudget``, and encoding each one's JSON would be wasted work in the
    network thread that every real request waits behind."""

    admit: bool
    request_id: str | None = None
    reply_to: str = ""
    refusal: Refusal | None = None  # a refusal that gets an answer
    clear: str = ""  # a retained message's topic, to be cleared on the broker

    @property
    def reply(self) -> Publication | None:
        """The refusal's answer (``None`` for an admitted or a dropped message)."""
        if self.refusal is None:
            return None
        body = contract.error_answer(self.request_id, self.refusal.code, self.refusal.message)
        if self.refusal.retry_after_s is not None:
            body["error"]["retry_after_s"] = self.refusal.retry_after_s
        return answer(self.reply_to, body)

    def busy(self) -> Publication:
        """The answer when the sender's queue cannot take this request."""
        return answer(self.reply_to, contract.error_answer(self.request_id, "busy", BUSY_MESSAGE))


DROP = Verdict(admit=False)


class Hush:
    """Which refusals the intake logs: the first ``burst`` of each kind in a ``window_s``, the rest
    only counted, the count told in the next line of that kind written. The log's own
    ``RepeatLimiter`` would hold them back too, but only after a log record was made (its time,
    caller, thread): under a flood that cost, per junk message, slowed the network thread that
    real requests wait behind. Used from the hub's two network threads (its main and its desk
    connection), hence the lock."""

    def __init__(
        self, burst: int = 5, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst, self.window_s, self.clock = burst, window_s, clock
        self._seen: dict[str, list[float]] = {}  # kind -> [window start, written, left out]
        self._lock = threading.Lock()

    def __call__(self, kind: str) -> str | None:
        """``None``: do not log this one; else a note to append (empty, or how many were left out)."""
        with self._lock:
            return self._note(kind)

    def _note(self, kind: str) -> str | None:
        now = self.clock()
        seen = self._seen.get(kind)
        if seen is None or now - seen[0] >= self.window_s:
            left_out = int(seen[2]) if seen else 0
            self._seen[kind] = [now, 1, 0]
            return f" ({left_out} more like this left out in the last minute)" if left_out else ""
        if seen[1] < self.burst:
            seen[1] += 1
            return ""
        seen[2] += 1
        return None


class Precheck:
    """The checks that need no database: they run where the message arrives."""

    def __init__(self, names: SiteNames, authorisation: Authorisation | None = None) -> None:
        self.names = names
        self.hush = Hush()
        self.authorisation = authorisation or Authorisation({})
        # Like the request kinds, the rates bind the devices of a deployment ([[devices]]): the open
        # demo broker listens on loopback only, where whoever can publish is already on the box.
        self.throttles = (
            {} if self.authorisation.open else {LOOKUP: throttle.lookups(), TICKET: throttle.tickets()}
        )

    def kiosk(self, kiosk_id: str, raw: bytes, *, retained: bool = False) -> Verdict:
        if retained and not raw:
            return DROP  # a retained message cleared (by the hub itself, say): nothing was asked
        if not KIOSK_ID.fullmatch(kiosk_id):
            if (note := self.hush("kiosk_id")) is not None:
                log.warning("kiosk request on a malformed kiosk id: dropped%s", note)
            return DROP
        reply_to = self.names.topic("kiosk_response", kiosk_id=kiosk_id)
        if retained:
            return self._retained(f"kiosk {kiosk_id}", reply_to, raw, "kiosk_request", kiosk_id=kiosk_id)
        try:
            request = kiosk_requests.parse_kiosk_request(raw)
        except PayloadError as exc:
            if (note := self.hush("kiosk_rejected")) is not None:
                log.warning("kiosk %s: rejected request %s: %s%s", kiosk_id, exc.request_id, exc.code, note)
            return refuse(reply_to, exc.request_id, exc.code, exc.message)
        if isinstance(request, KioskRequest) and request.service not in self.names.services:
            if (note := self.hush("kiosk_service")) is not None:
                log.warning("kiosk %s: request %s for unknown service%s", kiosk_id, request.request_id, note)
            message = f"unknown service {request.service!r}"
            return refuse(reply_to, request.request_id, "unknown_service", message)
        if isinstance(request, KioskRequest) and request.service in self.names.inactive:
            message = f"service {request.service!r} takes no new tickets now"
            return refuse(reply_to, request.request_id, "unknown_service", message)
        kind = kind_of(request)
        if not self.authorisation.allows(kiosk_id, kind):
            if (note := self.hush("forbidden")) is not None:
                log.warning(
                    "kiosk %s: %s request %s forbidden to its role%s",
                    kiosk_id,
                    kind,
                    request.request_id,
                    note,
                )
            role = self.authorisation.role(kiosk_id) or "device not listed in [[devices]]"
            refusal = Refusal("forbidden", f"a {role} may not send {kind} requests")
            return Verdict(admit=False, request_id=request.request_id, reply_to=reply_to, refusal=refusal)
        limit = self.throttles.get(kind)
        if limit is not None and (wait := limit.take(kiosk_id, request.request_id)) is not None:
            if (note := self.hush("throttled")) is not None:
                log.warning(
                    "kiosk %s: %s request %s over its rate%s", kiosk_id, kind, request.request_id, note
                )
            message = f"too many {kind} requests from this device; send it again in {wait} s"
            refusal = Refusal("too_many_requests", message, wait)
            return Verdict(admit=False, request_id=request.request_id, reply_to=reply_to, refusal=refusal)
        return Verdict(admit=True, request_id=request.request_id, reply_to=reply_to)

    def counter(self, desk: str, raw: bytes, *, retained: bool = False) -> Verdict:
        if retained and not raw:
            return DROP
        if retained and KIOSK_ID.fullmatch(desk):
            reply_to = self.names.topic("counter_response", desk=desk)
            return self._retained(f"desk {desk}", reply_to, raw, "counter_cmd", desk=desk)
        if desk not in self.names.desks:
            request_id = contract.request_id_in(raw)
            if (note := self.hush("unknown_desk")) is not None:
                log.warning("command %s for an unknown desk: refused%s", request_id, note)
            if not KIOSK_ID.fullmatch(desk):
                return DROP  # no sane topic to answer on (a 300-character level, say)
            reply_to = self.names.topic("counter_response", desk=desk)
            return refuse(reply_to, request_id, "unknown_desk", f"unknown desk {desk!r}")
        reply_to = self.names.topic("counter_response", desk=desk)
        try:
            command = contract.parse_counter_command(raw)
        except PayloadError as exc:
            if (note := self.hush("desk_rejected")) is not None:
                log.warning("desk %s: rejected command %s: %s%s", desk, exc.request_id, exc.code, note)
            return refuse(reply_to, exc.request_id, exc.code, exc.message)
        return Verdict(admit=True, request_id=command.request_id, reply_to=reply_to)

    def _retained(self, sender: str, reply_to: str, raw: bytes, key: str, **params: str) -> Verdict:
        # Never parsed further: its request id is all the answer needs, and nothing of it is applied.
        request_id = contract.request_id_in(raw)
        if (note := self.hush("retained")) is not None:
            log.warning("%s: retained request %s refused and cleared%s", sender, request_id, note)
        refusal = Refusal("retained", "a request must not be retained; it was not applied and was cleared")
        clear = self.names.topic(key, **params)
        return Verdict(admit=False, request_id=request_id, reply_to=reply_to, refusal=refusal, clear=clear)


def refuse(reply_to: str, request_id: str | None, code: str, message: str) -> Verdict:
    # Answered even without a request id (``"request_id": null``), as the hub always has: whoever
    # watches the response topic (a technician wiring a button) sees why. No database was touched.
    return Verdict(admit=False, request_id=request_id, reply_to=reply_to, refusal=Refusal(code, message))


class RefusalBudget:
    """How many refusals the intake answers: ``per_sender`` a second for each sender (a burst of
    ``burst``) and ``total`` a second in all. A real device never comes near it; a flood's
    refusals beyond it are dropped. They go out on the hub's main connection and the real answers
    on its desk connection, so they no longer queue in front of a desk's; but answering all of a
    flood's (QoS 1, unacknowledged ones kept by paho) took the hub from 91 to 228 MB in 20 s and a
    thread's worth of CPU from the real work (bench/README.md, "Junk flood").

    Nor is any refusal answered while ``unacknowledged()`` (the main connection's publications the
    broker has not acknowledged) is at ``max_unacknowledged``. The broker's acknowledgements come
    in the same stream as the flood, behind every junk message not yet read: within the budget,
    paho still kept 5,000 refusals (about 8 MB of Python objects) through a flood and its backlog,
    and the heap they were spread over stayed the hub's after they went (issue 14, RSS +20-30%)."""

    def __init__(self, per_sender: float = 10, burst: float = 20, total: float = 200,
                 clock: Callable[[], float] = time.monotonic,
                 unacknowledged: Callable[[], int] = lambda: 0,
                 max_unacknowledged: int = MAX_UNACKNOWLEDGED) -> None:  # fmt: skip
        self.per_sender, self.burst, self.total = per_sender, burst, total
        self.clock = clock
        self.unacknowledged, self.max_unacknowledged = unacknowledged, max_unacknowledged
        self._buckets: dict[str, tuple[float, float]] = {}  # sender -> (tokens, at)
        self._all = (total, clock())
        self.dropped = 0
        self._lock = threading.Lock()  # the hub's main and desk connections both ask

    def allow(self, sender: str) -> bool:
        with self._lock:
            return self._allow(sender)

    def _allow(self, sender: str) -> bool:
        if self.unacknowledged() >= self.max_unacknowledged:
            self.dropped += 1  # the tokens are kept: nothing was sent
            return False
        now = self.clock()
        tokens, at = self._all
        tokens = min(self.total, tokens + (now - at) * self.total)
        mine, mine_at = self._buckets.get(sender, (self.burst, now))
        mine = min(self.burst, mine + (now - mine_at) * self.per_sender)
        if tokens < 1 or mine < 1:
            self._all = (tokens, now)
            self._buckets[sender] = (mine, now)
            self.dropped += 1
            return False
        self._all = (tokens - 1, now)
        if len(self._buckets) > 4 * MAX_SENDERS:  # random sender ids must not grow the table
            self._buckets.clear()
        self._buckets[sender] = (mine - 1, now)
        return True


class FairQueue:
    """Jobs by sender, each sender's own bounded queue, served one job per sender in turn."""

    def __init__(self, per_sender: int = PER_SENDER, max_senders: int = MAX_SENDERS) -> None:
        self.per_sender = per_sender
        self.max_senders = max_senders
        self._senders: OrderedDict[str, deque[Job]] = OrderedDict()
        self._ready = threading.Condition()
        self.shed = 0  # jobs refused because a queue was full: a figure for the logs and benches

    def put(self, sender: str, job: Job, *, bounded: bool = True) -> bool:
        """Queue ``job`` behind ``sender``'s others; ``False`` (and not queued) when it is full."""
        with self._ready:
            jobs = self._senders.get(sender)
            if jobs is None:
                if bounded and len(self._senders) >= self.max_senders:
                    self.shed += 1
                    return False
                jobs = self._senders[sender] = deque()
            elif bounded and len(jobs) >= self.per_sender:
                self.shed += 1
                return False
            jobs.append(job)
            self._ready.notify()
            return True

    def take(self) -> Job:
        """The next job: the oldest of the sender whose turn it is (blocks while there is none)."""
        with self._ready:
            while not self._senders:
                self._ready.wait()
            return self._pop()

    def take_ready(self, accept: Callable[[Job], bool]) -> Job | None:
        """The job ``take`` would give next, if there is one now and ``accept`` takes it; else
        None, and the queue is left as it was (the worker batches consecutive takes with it)."""
        with self._ready:
            if not self._senders:
                return None
            _sender, jobs = next(iter(self._senders.items()))
            return self._pop() if accept(jobs[0]) else None

    def _pop(self) -> Job:
        sender, jobs = next(iter(self._senders.items()))
        job = jobs.popleft()
        if jobs:
            self._senders.move_to_end(sender)  # the others go first next time
        else:
            del self._senders[sender]
        return job

    def waiting(self) -> int:
        with self._ready:
            return sum(len(jobs) for jobs in self._senders.values())
