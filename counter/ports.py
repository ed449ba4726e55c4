"""What the counter's view-model needs from outside, as ports: the hub's staff API (``StaffPort``,
``counter.staff_client.StaffClient`` in the app, a fake in the tests) and the background ``Job``
its parts hand to ``run_background`` and ``post``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from counter.staff_client import SignedIn
from shared.contract.staff_bodies import OnlineItem, OnlineList, Visitor

Job = Callable[[], None]


class StaffPort(Protocol):
    def signin(self, desk: str, officer: str, pin: str, take_over: bool = False) -> SignedIn: ...
    def signout(self, token: str) -> None: ...
    def visitor(self, token: str) -> Visitor | None: ...
    def online_list(self, token: str, which: str = "open") -> OnlineList: ...
    def online_add(
        self, token: str, channel: str, contact: str, subject: str, complete_at: str | None, request_id: str
    ) -> OnlineItem: ...
    def online_act(self, token: str, number: str, action: str, text: str, request_id: str) -> OnlineItem: ...
