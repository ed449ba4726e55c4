"""A version counter that wakes waiters in other threads: asyncio code (the console's live page,
one queue per open page) and plain threads.

Bursts coalesce: each asyncio subscriber has at most one wake-up scheduled on its loop and a
queue of one item (the latest version), so 100 changes in a row cost a waiting page one wake and
a slow reader holds one integer, never a backlog.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass

MAX_SUBSCRIBERS = 256  # open live pages; past this a new one is refused rather than memory grown


class TooManySubscribers(RuntimeError):
    pass


@dataclass(eq=False)
class _Subscriber:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[int]
    pending: bool = False  # a wake-up is scheduled on the loop and has not run yet


class ChangeFeed:
    def __init__(self, max_subscribers: int = MAX_SUBSCRIBERS) -> None:
        self.max_subscribers = max_subscribers
        self._version = 0
        self._changed = threading.Condition()
        self._subscribers: dict[int, _Subscriber] = {}  # id(queue) -> subscriber

    @property
    def version(self) -> int:
        return self._version

    def subscribe(self, loop: asyncio.AbstractEventLoop | None = None) -> asyncio.Queue[int]:
        """A queue on ``loop`` (default: the running one) that receives the latest version after
        each change (bursts coalesced into one item). ``unsubscribe`` it when the page closes."""
        loop = loop or asyncio.get_running_loop()
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=1)
        with self._changed:
            if len(self._subscribers) >= self.max_subscribers:
                raise TooManySubscribers(f"{self.max_subscribers} live pages are open already")
            self._subscribers[id(queue)] = _Subscriber(loop, queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[int]) -> None:
        with self._changed:
            self._subscribers.pop(id(queue), None)

    @property
    def subscribers(self) -> int:
        with self._changed:
            return len(self._subscribers)

    def bump(self) -> int:
        """One change (call from any thread): the new version; every waiter is woken."""
        with self._changed:
            self._version += 1
            version = self._version
            self._changed.notify_all()
            due = [s for s in self._subscribers.values() if not s.pending]
            for subscriber in due:
                subscriber.pending = True
        for subscriber in due:
            try:
                subscriber.loop.call_soon_threadsafe(self._deliver, subscriber)
            except RuntimeError:  # its loop is closed: the page went away without unsubscribing
                self.unsubscribe(subscriber.queue)
        return version

    def _deliver(self, subscriber: _Subscriber) -> None:
        # On the subscriber's loop: the queue holds the latest version only.
        with self._changed:
            subscriber.pending = False
            version = self._version
        queue = subscriber.queue
        with contextlib.suppress(asyncio.QueueEmpty):
            if queue.full():
                queue.get_nowait()
        queue.put_nowait(version)

    def wait(self, after: int, timeout: float) -> int:
        """For a plain thread: block until the version passes ``after`` (or ``timeout`` seconds);
        the version then."""
        with self._changed:
            self._changed.wait_for(lambda: self._version > after, timeout)
            return self._version
