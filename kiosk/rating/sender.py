"""The survey's requests to the hub, one at a time and in order: the first score begins the rating
(with the ticket) and its answer's ``rating_ref`` is what every later score and the complaint carry.

Each request is built only when its turn comes (so a score given while the first one is on its way
still gets the ref, and nothing is sent for a survey whose first score was refused) and sent
through ``run_background``; its answer (or the refusal's code) comes back through ``post``.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.touch.ports import HubError
from shared.contract.feedback_requests import Body

log = logging.getLogger(__name__)
Job = Callable[[], None]
__all__ = ["Body", "Job", "Outgoing", "Sender"]


@dataclass
class Outgoing:
    build: Callable[[], Body | None]  # None: nothing to send any more
    done: Callable[[Body], None]
    failed: Callable[[str], None]
    request_id: str | None = None  # given: the same request again (the hub answers it once)


class Sender:
    def __init__(
        self,
        feedback: Callable[[str, Body], Body],
        run_background: Callable[[Job], Any],
        post: Callable[[Job], Any],
        new_id: Callable[[], str] | None = None,
    ) -> None:
        self._feedback = feedback
        self._run_background = run_background
        self._post = post
        self._new_id = new_id or (lambda: uuid.uuid4().hex)
        self._queue: list[Outgoing] = []
        self.sending = False

    @property
    def idle(self) -> bool:
        return not self.sending and not self._queue

    def send(
        self,
        build: Callable[[], Body | None],
        done: Callable[[Body], None],
        failed: Callable[[str], None],
        request_id: str | None = None,
    ) -> None:
        self._queue.append(Outgoing(build, done, failed, request_id))
        self._pump()

    def _pump(self) -> None:
        while self._queue and not self.sending:
            item = self._queue.pop(0)
            body = item.build()
            if body is None:
                continue
            self.sending = True
            request_id = item.request_id or self._new_id()
            self._run_background(functools.partial(self._call, request_id, body, item))

    def _call(self, request_id: str, body: Body, item: Outgoing) -> None:
        try:
            answer = self._feedback(request_id, body)
        except HubError as exc:
            code = exc.code
            self._post(lambda: self._failed(code, item))
            return
        except Exception:  # a broken port must not leave the visitor waiting
            log.exception("rating: a hub call failed unexpectedly")
            self._post(lambda: self._failed("kiosk.error", item))
            return
        self._post(lambda: self._answered(answer, item))

    def _answered(self, answer: Body, item: Outgoing) -> None:
        self.sending = False
        item.done(answer)
        self._pump()

    def _failed(self, code: str, item: Outgoing) -> None:
        self.sending = False
        item.failed(code)
        self._pump()
