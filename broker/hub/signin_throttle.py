"""The sign-in throttle: slows PIN and passphrase guessing, and lets no stranger lock a real officer
out. Pure (no I/O), with an injectable clock in seconds, so the rates below are tested exactly.

Three limits, each on failures only (a success never counts against anyone):

1. Per (account, client address): 5 failures are free; after ``n`` failures in a row (n >= 5) the
   next attempt must come at least ``min(2 ** (n - 5), 60)`` s after the last failure, else it is
   refused with ``slow_down`` and ``retry_after`` (the PIN is not even checked). A success resets
   the pair; a pair quiet for a day is forgotten.
2. Per account, across addresses: at most 30 failures in a rolling hour from addresses that have
   not signed in successfully to that account in the last 30 days. Once reached, such addresses
   wait (``slow_down``) until the oldest failure leaves the hour. An address with a recent success
   for the account (the officer's own desk or PC) is exempt: its failures do not count towards
   this limit and other addresses' failures never slow it. So a stranger's thousand failures from
   elsewhere leave the officer at their usual place signing in as ever - the design's whole point,
   and why there is no hard lockout anywhere.
3. Per client address, across accounts: at most 60 failures in a rolling hour (one guessing box
   trying many officers).

The resulting guessing rate, the worst case for a defender: one account can be tried at most 30
times an hour from all strangers' addresses together (limit 2; limit 1 alone would allow 60 an hour
per address, and limit 3 caps one address at 60 an hour over all accounts), i.e. **720 guesses a
day per account**. A 6-digit PIN (10^6 values) then takes on average 500,000 / 720 = **694 days
(about 1.9 years)** to find, and all of it 1,389 days; an 8-digit PIN 100 times that. Trying every
officer of an office of 20 at once: the first PIN found after ~35 days on average - long enough for
the access log's ``sign_in_failed`` lines (each with the client address) to be noticed. From a
single address the rate is lower still: 60 an hour over all accounts. The cost: an officer on a PC
they have never used successfully, while a stranger saturates limit 2, waits for the window (at
most an hour) or uses their own desk.

Memory is bounded three ways, so a hub that runs for months holds no more than the attempts that
still matter: each table keeps at most ``max_entries`` keys and drops the least recently touched
first (each key holds at most 60 timestamps); a key is at most ``KEY_MAX`` characters of the
account id or address it was given (a stranger may send a 60 KB "officer id"; ids that share
their first 64 characters share their counts, which only slows that stranger); and every
``PRUNE_EVERY_S`` of use, or when the hub's minute sweep calls ``prune``, the entries whose time
has passed go (a pair quiet for a day, failures all older than the hour, a success older than 30
days): so after an attack the tables empty again instead of staying full until the cap evicts.
Forgetting only ever makes the throttle more lenient for the evicted key, never locks anyone.
Successes ("trusted" addresses) are remembered here for 30 days; the caller may also pass
``trusted`` from its own records (the hub asks its session table, which outlives a restart).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

FREE_FAILURES = 5  # per (account, address) before any wait
MAX_DELAY_S = 60.0  # the longest wait between two attempts of one pair
PAIR_FORGET_S = 24 * 3600.0  # a pair quiet this long starts from 0 again
ACCOUNT_FAILURES_PER_HOUR = 30  # from untrusted addresses, per account
ADDRESS_FAILURES_PER_HOUR = 60  # per address, over all accounts
WINDOW_S = 3600.0
TRUST_S = 30 * 24 * 3600.0  # an address that signed in to an account this recently is trusted
MAX_ENTRIES = 10_000  # per table
KEY_MAX = 64  # characters of an account id or a client address kept in a key
PRUNE_EVERY_S = 60.0  # expired entries are dropped at most this often on use

GUESSES_PER_DAY = ACCOUNT_FAILURES_PER_HOUR * 24  # 720: the worst case, per account
DAYS_TO_FIND_6_DIGITS = 500_000 / GUESSES_PER_DAY  # on average: ~694 days

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Verdict:
    """May this attempt be checked? If not, ``retry_after`` whole seconds and which ``limit``."""

    allowed: bool
    retry_after: int = 0
    limit: str = ""  # "pair", "account", "address"


ALLOWED = Verdict(True)


class _Lru(Generic[K, V]):
    """A dict that keeps at most ``cap`` keys, dropping the least recently touched."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.data.get(key)
        if value is not None:
            self.data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.data[key] = value
        self.data.move_to_end(key)
        while len(self.data) > self.cap:
            self.data.popitem(last=False)

    def pop(self, key: K) -> None:
        self.data.pop(key, None)

    def drop(self, expired: Callable[[V], bool]) -> int:
        """Remove every entry whose value is ``expired``; how many."""
        gone = [key for key, value in self.data.items() if expired(value)]
        for key in gone:
            del self.data[key]
        return len(gone)

    def __len__(self) -> int:
        return len(self.data)


class SigninThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_entries: int = MAX_ENTRIES) -> None:
        self.clock = clock
        self._pairs: _Lru[tuple[str, str], tuple[int, float]] = _Lru(max_entries)  # (failures, last)
        self._accounts: _Lru[str, deque[float]] = _Lru(max_entries)  # untrusted failures' times
        self._addresses: _Lru[str, deque[float]] = _Lru(max_entries)
        self._trusted: _Lru[tuple[str, str], float] = _Lru(max_entries)  # last success
        self._pruned_at = clock()

    def is_trusted(self, account: str, client: str) -> bool:
        """Has ``client`` signed in to ``account`` in the last 30 days (as far as this throttle saw)?"""
        last = self._trusted.get((account[:KEY_MAX], client[:KEY_MAX]))
        return last is not None and self.clock() - last < TRUST_S

    def check(self, account: str, client: str, trusted: bool | None = None) -> Verdict:
        """Before checking a secret: may this attempt go ahead? ``trusted`` overrides what this
        throttle remembers of the address's successes (the caller may know of older ones)."""
        now = self._now()
        account, client = account[:KEY_MAX], client[:KEY_MAX]
        trusted = self.is_trusted(account, client) if trusted is None else trusted
        waits: list[tuple[float, str]] = []
        pair = self._pair(account, client, now)
        if pair is not None and pair[0] >= FREE_FAILURES:
            delay = min(2.0 ** (pair[0] - FREE_FAILURES), MAX_DELAY_S)
            waits.append((pair[1] + delay - now, "pair"))
        if not trusted:
            waits.append(
                (self._window_wait(self._accounts.get(account), ACCOUNT_FAILURES_PER_HOUR, now), "account")
            )
        waits.append(
            (self._window_wait(self._addresses.get(client), ADDRESS_FAILURES_PER_HOUR, now), "address")
        )
        wait, limit = max(waits)
        if wait <= 0:
            return ALLOWED
        return Verdict(False, max(1, math.ceil(wait)), limit)

    def failed(self, account: str, client: str, trusted: bool | None = None) -> None:
        """A wrong secret (or an unknown or inactive account: counted the same, so the throttle
        does not tell known ids from unknown ones)."""
        now = self._now()
        account, client = account[:KEY_MAX], client[:KEY_MAX]
        trusted = self.is_trusted(account, client) if trusted is None else trusted
        pair = self._pair(account, client, now)
        self._pairs.put((account, client), ((pair[0] if pair else 0) + 1, now))
        if not trusted:
            self._add(self._accounts, account, ACCOUNT_FAILURES_PER_HOUR, now)
        self._add(self._addresses, client, ADDRESS_FAILURES_PER_HOUR, now)

    def succeeded(self, account: str, client: str) -> None:
        now = self._now()
        account, client = account[:KEY_MAX], client[:KEY_MAX]
        self._pairs.pop((account, client))
        self._trusted.put((account, client), now)

    def prune(self) -> int:
        """Drop every entry whose time has passed (the hub's minute sweep calls it; use does too,
        every ``PRUNE_EVERY_S``); how many went. What is dropped counted for nothing any more."""
        now = self._pruned_at = self.clock()
        gone = self._pairs.drop(lambda pair: now - pair[1] >= PAIR_FORGET_S)
        gone += self._trusted.drop(lambda last: now - last >= TRUST_S)
        for table in (self._accounts, self._addresses):
            gone += table.drop(lambda times: not times or now - times[-1] >= WINDOW_S)
        return gone

    def _now(self) -> float:
        now = self.clock()
        if now - self._pruned_at >= PRUNE_EVERY_S:
            self.prune()
        return now

    def sizes(self) -> dict[str, int]:
        """Entries per table (for tests and a health line)."""
        return {"pairs": len(self._pairs), "accounts": len(self._accounts),
                "addresses": len(self._addresses), "trusted": len(self._trusted)}  # fmt: skip

    def _pair(self, account: str, client: str, now: float) -> tuple[int, float] | None:
        pair = self._pairs.get((account, client))
        if pair is not None and now - pair[1] >= PAIR_FORGET_S:
            self._pairs.pop((account, client))
            return None
        return pair

    @staticmethod
    def _window_wait(times: deque[float] | None, limit: int, now: float) -> float:
        """Seconds until fewer than ``limit`` failures remain in the last hour (<= 0: now)."""
        if times is None:
            return 0.0
        while times and now - times[0] >= WINDOW_S:
            times.popleft()
        if len(times) < limit:
            return 0.0
        return times[-limit] + WINDOW_S - now

    @staticmethod
    def _add(table: _Lru[str, deque[float]], key: str, limit: int, now: float) -> None:
        times = table.get(key)
        if times is None:
            times = deque(maxlen=limit)
            table.put(key, times)
        times.append(now)
