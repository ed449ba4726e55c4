"""Broker and hub SIGKILLed during traffic: 0 lost, 0 duplicated, FIFO, an intact database.

Two kiosks issue tickets one after another and a desk app presses ``next`` at desks 1 and 2 in
turn for every ticket issued, all through the contract: each request carries its own request id
and is sent again with the same id until it is answered, as the apps do. Meanwhile Mosquitto
(``kill_broker``: it keeps nothing, no persistence) or the hub (``kill_hub``) is SIGKILLed at
even steps of the traffic and started again. The hub's record of answered requests must turn
every repeat into the first answer: every request gets one ticket, no two requests the same
ticket, every ticket stored was answered to its kiosk, the calls come in ticket order, each
ticket is called once, and SQLite's ``integrity_check`` says ``ok``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults.lobby import SITE, Asked, Client, Lobby, Outcome, lobby, new_id

KIOSKS = ("kiosk-1", "kiosk-2")
DESKS = ("1", "2")
RESTART_PAUSE_S = 0.3  # the process stays dead this long before it is started again


@dataclass
class Traffic:
    issues: list[Asked] = field(default_factory=list)
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
    with lobby(workdir) as place:
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
        stored = [
            code for (code,) in place.query("SELECT code FROM tickets ORDER BY business_day, service, seq")
        ]
        called = place.query(
            "SELECT t.code, count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
            "WHERE e.action = 'call' GROUP BY t.code"
        )
        integrity = place.query("PRAGMA integrity_check")[0][0]
    return _outcome(
        victim, tickets, kills, traffic, stored, dict(called), integrity, time.monotonic() - started
    )


def _kiosk(client: Client, kiosk: str, count: int, traffic: Traffic) -> None:
    for _ in range(count):
        asked = client.request(f"kiosk/{kiosk}/request", {"v": 1, "request_id": new_id(), "service": "A"})
        with traffic.lock:
            traffic.issues.append(asked)


def _desk(client: Client, tickets: int, traffic: Traffic, started: float) -> None:
    """Press ``next`` once for each ticket answered, at desks 1 and 2 in turn."""
    deadline = time.monotonic() + 300
    while len(traffic.presses) < tickets and time.monotonic() < deadline:
        if traffic.answered() <= len(traffic.presses):
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
    stored: list[str],
    called: dict[str, int],
    integrity: str,
    seconds: float,
) -> Outcome:
    issued = [a.ticket for a in traffic.issues if a.ticket]
    calls = [a.ticket for a in traffic.presses if a.ticket]
    unanswered = [a for a in traffic.issues + traffic.presses if a.answer is None]
    errors = sorted({str(a.error) for a in traffic.issues + traffic.presses if a.answer and not a.ticket})
    retries = sum(a.tries - 1 for a in traffic.issues + traffic.presses)
    out = Outcome(f"{victim} SIGKILL x {kills} during {tickets} issues and {tickets} calls")
    down = ", ".join(f"{s:.1f}" for s in traffic.down_s)
    out.figures += [
        f"  kills at {', '.join(f'{s:.1f}' for s in traffic.kills)} s; back after {down} s",
        f"  {len(traffic.issues)} issues, {len(traffic.presses)} presses, {retries} requests sent again, "
        f"{seconds:.1f} s",
    ]
    out.check(f"{victim} killed {len(traffic.kills)} times during the traffic", len(traffic.kills) == kills)
    out.check(f"every request answered ({len(unanswered)} unanswered)", not unanswered)
    out.check(f"every answer a ticket or a call (errors: {', '.join(errors) or 'none'})", not errors)
    lost = set(stored) ^ set(issued)
    out.check(
        f"0 lost: tickets stored = tickets answered ({len(stored)} / {len(issued)})",
        not lost and len(issued) == tickets,
    )
    dup_issue = len(issued) - len(set(issued))
    dup_call = len(calls) - len(set(calls)) + sum(1 for n in called.values() if n > 1)
    out.check(
        f"0 duplicated: {dup_issue} tickets answered twice, {dup_call} called twice",
        not dup_issue and not dup_call,
    )
    out.check(
        f"FIFO: the calls follow the tickets' order ({len(calls)} calls)", calls == stored[: len(calls)]
    )
    out.check(f"every ticket called ({len(called)} of {len(stored)})", len(called) == len(stored) == tickets)
    out.check(f"PRAGMA integrity_check: {integrity}", integrity == "ok")
    return out
