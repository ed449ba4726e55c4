"""How often one device may ask for what costs a visitor their privacy or the lobby its queue.

Token buckets, decided in paho's network thread before any database work (``ingress.Precheck``):
a request over its rate is answered ``too_many_requests`` with the seconds to wait, at once.

- **Returning-visitor lookups: 3 at once, then 1 every 20 s per kiosk, and 20 at once, then 1
  every 2 s for the whole site.** A real visitor needs one lookup, three with typing mistakes (or
  switching from ID number to email); the next visitor at that kiosk comes a minute later, when
  the bucket is full again. An attacker with one kiosk's password gets 180 guesses an hour
  instead of ~135 a second (the issue's finding): the 300 NIK guesses that found a visitor take
  100 minutes instead of 2 seconds, a birth date's 10,000 serial numbers two days, and every
  guess is in the access log. The site-wide cap bounds many devices' guesses together (and, on
  the open demo broker, kiosk ids made up per request).
- **Ticket issues: 10 at once, then 1 every 3 s per kiosk, and 60 at once, then 2 a second for
  the site.** A family or a group takes several tickets in a row; nobody walks up, chooses a
  service and takes a printed ticket faster than every 3 s. 100 tickets in 2.3 s from one kiosk
  (the finding) become 10, then one per 3 s.
A repeat of a request id this device had admitted recently is let through without a token: its
sender retries while the hub is slow or down (the broker queues every attempt for the hub), and
the hub answers a repeat from its record, with no new ticket and no new lookup.

Ratings and complaints are not throttled here: each needs a served ticket or is a text a person
wrote, and the intake's per-sender queue bounds a flood of them.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    burst: float  # requests at once
    per_s: float  # then this many a second

    @property
    def period_s(self) -> float:
        return 1 / self.per_s


LOOKUP_PER_KIOSK = Rate(burst=3, per_s=1 / 20)
LOOKUP_SITE = Rate(burst=20, per_s=1 / 2)
TICKET_PER_KIOSK = Rate(burst=10, per_s=1 / 3)
TICKET_SITE = Rate(burst=60, per_s=2)
MAX_BUCKETS = 4096  # distinct senders remembered; full buckets are forgotten first
RECENT_IDS = 16  # request ids remembered per sender, so that its retries cost no token


class Bucket:
    __slots__ = ("at", "recent", "tokens")

    def __init__(self, tokens: float, at: float) -> None:
        self.tokens, self.at = tokens, at
        self.recent: deque[str] = deque(maxlen=RECENT_IDS)

    def level(self, rate: Rate, now: float) -> float:
        return min(rate.burst, self.tokens + (now - self.at) * rate.per_s)


class Throttle:
    """Per-sender and site-wide buckets of one kind of request. Used from paho's network thread
    only (no lock)."""

    def __init__(self, per_sender: Rate, site: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_sender, self.site, self.clock = per_sender, site, clock
        self._senders: dict[str, Bucket] = {}
        self._site = Bucket(site.burst, clock())
        self.refused = 0  # requests answered too_many_requests: a figure for the logs and tests

    def take(self, sender: str, request_id: str | None = None) -> int | None:
        """``None`` and one token taken from both buckets (none for a repeat of a request id
        admitted recently); else the whole seconds to wait."""
        now = self.clock()
        mine = self._senders.get(sender)
        if mine is not None and request_id is not None and request_id in mine.recent:
            return None
        if mine is None:
            if len(self._senders) >= MAX_BUCKETS:
                self._forget_full(now)
            mine = self._senders[sender] = Bucket(self.per_sender.burst, now)
        own, site = mine.level(self.per_sender, now), self._site.level(self.site, now)
        if own >= 1 and site >= 1:
            mine.tokens, mine.at = own - 1, now
            self._site.tokens, self._site.at = site - 1, now
            if request_id is not None:
                mine.recent.append(request_id)
            return None
        self.refused += 1
        wait = max((1 - own) * self.per_sender.period_s, (1 - site) * self.site.period_s)
        return max(1, math.ceil(wait))

    def _forget_full(self, now: float) -> None:
        # A full bucket is what a new sender gets anyway: forgetting it changes nothing.
        full = [s for s, b in self._senders.items() if b.level(self.per_sender, now) >= self.per_sender.burst]
        for sender in full:
            del self._senders[sender]
        if len(self._senders) >= MAX_BUCKETS:  # all busy: a flood of made-up ids; the site cap holds
            self._senders.clear()


def lookups(clock: Callable[[], float] = time.monotonic) -> Throttle:
    return Throttle(LOOKUP_PER_KIOSK, LOOKUP_SITE, clock)


def tickets(clock: Callable[[], float] = time.monotonic) -> Throttle:
    return Throttle(TICKET_PER_KIOSK, TICKET_SITE, clock)
