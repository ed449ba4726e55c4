"""Broker and hub SIGKILLed during traffic: 0 lost, 0 duplicated, the queue's order, an intact database.

Two kiosks issue tickets one after another, every ``PRIORITY_EVERY``-th of each kiosk a priority
ticket with a category (the priority lane, docs/queue.md), and a desk app presses ``next`` at
desks 1 and 2 in turn, keeping about ``BACKLOG`` visitors waiting so that priority and ordinary
heads meet (then drains the rest), all through the contract: each request carries its own request
id and is sent again with the same id until it is answered, as the apps do. Meanwhile Mosquitto
(``kill_broker``: it keeps nothing, no persistence) or the hub (``kill_hub``) is SIGKILLed at
even steps of the traffic and started again. The hub's record of answered requests must turn
every repeat into the first answer: every request gets one ticket, no two requests the same
ticket, every ticket stored was answered to its kiosk with the mark it asked for, each ticket is
called once, every call was the queue policy's pick among the tickets waiting at that moment
(derived afterwards from the stored day: ``tests.faults.queue_order``), and SQLite's
``integrity_check`` says ``ok``.

The lobby runs a short head start and a short run (``QUEUE_TOML``) so that a run of a few
seconds meets every branch of the policy: priority ahead, the fairness bound, and an ordinary
visitor who waited longer than the head start (a kill makes some wait that long).
"""

from __future__ import annotations

import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.domain.priority import PRIORITY_CATEGORIES, PriorityPolicy
from tests.faults.lobby import SITE, Asked, Client, Lobby, Outcome, lobby, new_id
from tests.faults.queue_order import Stored, audit, stored_time

KIOSKS = ("kiosk-1", "kiosk-2")
DESKS = ("1", "2")
RESTART_PAUSE_S = 0.3  # the process stays dead this long before it is started again
PRIORITY_EVERY = 3  # every 3rd ticket of each kiosk takes the priority lane
BACKLOG = 4  # the desk presses once more than this many tickets wait (then drains the rest)
QUEUE_TOML = """
[queue]
priority_run = 2
priority_head_start_s = 1.0
"""
POLICY = PriorityPolicy.from_mapping(tomllib.loads(QUEUE_TOML)["queue"])


@dataclass
class Traffic:
    issues: list[Asked] = field(default_factory=list)
    asked: dict[str, dict[str, Any]] = field(default_factory=dict)  # request id -> its body
    presses: list[Asked] = field(default_factory=list)
    kills: list[float] = field(default_factory=list)  # seconds from the start
    down_s: list[float] = field(default_factory=list)  # kill -> back (hub: online again)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answered(self) -> int:
        with self.lock:
            return sum(1 for a in self.issues if a.ticket)

    def progress(self) -> int:
        with self.lock:
            return len(self.issues) + len(self.presses)


def run(workdir: Path, victim: str, tickets: int, kills: int) -> Outcome:
    """Issue and call ``tickets`` tickets while ``victim`` ("broker" or "hub") is killed ``kills`` times."""
    if victim not in ("broker", "hub"):
        raise ValueError(victim)
    traffic = Traffic()
    started = time.monotonic()
    with lobby(workdir, extra_config=QUEUE_TOML) as place:
        client = Client(
            place.port,
            f"kills-{victim}",
            [f"antre/{SITE}/kiosk/+/response", f"antre/{SITE}/counter/+/response"],
        )
        try:
            client.connected.wait(5)
            per_kiosk = [tickets // len(KIOSKS) + (n < tickets % len(KIOSKS)) for n in range(len(KIOSKS))]
            workers = [
                threading.Thread(target=_kiosk, args=(client, k, n, traffic), daemon=True)
                for k, n in zip(KIOSKS, per_kiosk, strict=True)
            ]
            workers.append(
                threading.Thread(target=_desk, args=(client, tickets, traffic, started), daemon=True)
            )
            for worker in workers:
                worker.start()
            _killer(place, victim, kills, 2 * tickets, traffic, started, workers)
            for worker in workers:
                worker.join(600)
        finally:
            client.close()
        place.stop()  # the hub closes the database before it is read
        stored = _stored(place)
        called = place.query(
            "SELECT t.code, count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
            "WHERE e.action = 'call' GROUP BY t.code"
        )
        events = place.query("SELECT id, ticket_id, action FROM ticket_events")
        integrity = place.query("PRAGMA integrity_check")[0][0]
    return _outcome(
        victim, tickets, kills, traffic, stored, dict(called), events, integrity, time.monotonic() - started
    )


def _stored(place: Lobby) -> list[tuple[Stored, str | None]]:
    """Every ticket stored, in its service's numbering, with its priority category."""
    rows = place.query(
        "SELECT id, code, service, priority, queue_at, issued_at, priority_category FROM tickets "
        "ORDER BY business_day, service, seq"
    )
    return [
        (Stored(tid, code, service, bool(prio), stored_time(queue_at), stored_time(issued)), category)  # type: ignore[arg-type]
        for tid, code, service, prio, queue_at, issued, category in rows
    ]


def _kiosk(client: Client, kiosk: str, count: int, traffic: Traffic) -> None:
    for n in range(1, count + 1):
        body: dict[str, Any] = {"v": 1, "request_id": new_id(), "service": "A"}
        if n % PRIORITY_EVERY == 0:
            category = PRIORITY_CATEGORIES[(n // PRIORITY_EVERY) % len(PRIORITY_CATEGORIES)]
            body.update(priority=True, category=category)
        with traffic.lock:
            traffic.asked[body["request_id"]] = body
        asked = client.request(f"kiosk/{kiosk}/request", body)
        with traffic.lock:
            traffic.issues.append(asked)


def _desk(client: Client, tickets: int, traffic: Traffic, started: float) -> None:
    """Press ``next`` at desks 1 and 2 in turn while more than ``BACKLOG`` tickets wait, then,
    once every kiosk request is done, for each ticket left."""
    deadline = time.monotonic() + 300
    while len(traffic.presses) < tickets and time.monotonic() < deadline:
        with traffic.lock:
            issuing = len(traffic.issues) < tickets
        if traffic.answered() - len(traffic.presses) <= (BACKLOG if issuing else 0):
            time.sleep(0.01)
            continue
        desk = DESKS[len(traffic.presses) % len(DESKS)]
        body = {"v": 1, "action": "next", "request_id": new_id()}
        asked = client.request(f"counter/{desk}/cmd", body)
        with traffic.lock:
            traffic.presses.append(asked)


def _killer(
    place: Lobby,
    victim: str,
    kills: int,
    total: int,
    traffic: Traffic,
    started: float,
    workers: list[threading.Thread],
) -> None:
    """Kill ``victim`` each time the traffic passes another 1/(kills+1) of its length."""
    for step in range(1, kills + 1):
        target = step * total // (kills + 1)
        while traffic.progress() < target and any(w.is_alive() for w in workers):
            time.sleep(0.005)
        if not any(w.is_alive() for w in workers):
            return
        killed = time.monotonic()
        traffic.kills.append(killed - started)
        if victim == "broker":
            place.broker.kill()
            time.sleep(RESTART_PAUSE_S)
            place.broker.start()
        else:
            place.hub.kill()
            time.sleep(RESTART_PAUSE_S)
            place.start_hub()
        traffic.down_s.append(time.monotonic() - killed)


def _outcome(
    victim: str,
    tickets: int,
    kills: int,
    traffic: Traffic,
    stored: list[tuple[Stored, str | None]],
    called: dict[str, int],
    events: list[tuple[int, int, str]],
    integrity: str,
    seconds: float,
) -> Outcome:
    issued = [a.ticket for a in traffic.issues if a.ticket]
    calls = [a.ticket for a in traffic.presses if a.ticket]
    codes = [row.code for row, _category in stored]
    unanswered = [a for a in traffic.issues + traffic.presses if a.answer is None]
    errors = sorted({str(a.error) for a in traffic.issues + traffic.presses if a.answer and not a.ticket})
    retries = sum(a.tries - 1 for a in traffic.issues + traffic.presses)
    order = audit([row for row, _category in stored], events, POLICY)
    out = Outcome(
        f"{victim} SIGKILL x {kills} during {tickets} issues and {tickets} calls, priority tickets in the mix"
    )
    down = ", ".join(f"{s:.1f}" for s in traffic.down_s)
    priority = sum(row.priority for row, _category in stored)
    out.figures += [
        f"  kills at {', '.join(f'{s:.1f}' for s in traffic.kills)} s; back after {down} s",
        f"  {len(traffic.issues)} issues, {len(traffic.presses)} presses, {retries} requests sent again, "
        f"{seconds:.1f} s",
        f"  {priority} priority tickets; {order.priority_calls} priority calls; ordinary calls ahead of a "
        f"waiting priority ticket: {order.bound_calls} by the fairness bound, {order.kept_place} as they "
        "waited longer than the head start",
    ]
    out.check(f"{victim} killed {len(traffic.kills)} times during the traffic", len(traffic.kills) == kills)
    out.check(f"every request answered ({len(unanswered)} unanswered)", not unanswered)
    out.check(f"every answer a ticket or a call (errors: {', '.join(errors) or 'none'})", not errors)
    lost = set(codes) ^ set(issued)
    out.check(
        f"0 lost: tickets stored = tickets answered ({len(codes)} / {len(issued)})",
        not lost and len(issued) == tickets,
    )
    dup_issue = len(issued) - len(set(issued))
    dup_call = len(calls) - len(set(calls)) + sum(1 for n in called.values() if n > 1)
    out.check(
        f"0 duplicated: {dup_issue} tickets answered twice, {dup_call} called twice",
        not dup_issue and not dup_call,
    )
    marks = _wrong_marks(traffic, stored)
    out.check(
        f"each ticket stored and answered with the mark asked for ({len(marks)} wrong: {marks[:3]})",
        not marks,
    )
    out.check(
        f"the calls follow the queue's order: each the policy's pick among those waiting "
        f"({order.calls} calls, {len(order.wrong)} not: {order.wrong[:2]})",
        not order.wrong and order.calls == len(calls),
    )
    out.check(f"every ticket called ({len(called)} of {len(codes)})", len(called) == len(codes) == tickets)
    out.check(f"PRAGMA integrity_check: {integrity}", integrity == "ok")
    return out


def _wrong_marks(traffic: Traffic, stored: list[tuple[Stored, str | None]]) -> list[str]:
    """Tickets whose stored priority and category, kiosk answer or desk answer differ from what the
    kiosk asked for."""
    rows = {row.code: (row.priority, category) for row, category in stored}
    wrong: list[str] = []
    for asked in traffic.issues:
        if asked.ticket is None:
            continue
        body = traffic.asked[asked.request_id]
        want = (bool(body.get("priority")), body.get("category"))
        answered = (bool((asked.answer or {}).get("priority")), (asked.answer or {}).get("category"))
        if rows.get(asked.ticket) != want or answered != want:
            wrong.append(
                f"{asked.ticket}: asked {want}, stored {rows.get(asked.ticket)}, answered {answered}"
            )
    for press in traffic.presses:
        if (
            press.ticket is not None
            and bool((press.answer or {}).get("priority")) != rows.get(press.ticket, (None,))[0]
        ):
            wrong.append(f"{press.ticket}: called with priority {(press.answer or {}).get('priority')}")
    return wrong
