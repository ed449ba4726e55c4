"""A compressed office day through the real processes, for ``bench/soak.py`` and the short CI form
(``tests/soak/test_soak.py``).

Who does what:
- the REAL kiosk, offscreen, takes ``kiosk_visits`` whole visits by touch (service, guestbook,
  consent, the ticket printed by python-escpos into a file);
- contract kiosks (MQTT, as any kiosk speaks) issue the rest of the ``tickets``, paced to the real
  kiosk's progress so the day's load is spread over the whole run;
- desk 1 is the REAL counter app (touches on "call next"), and its visitor rates the visit on the
  REAL rating screen (a face and the nine elements tapped); desks 2.. are contract clients
  pressing ``next`` after a short service;
- the REAL wall display shows every call;
- Mosquitto and the hub are restarted once each in the middle of the day.

Memory (VmRSS) of every process is read at the start (after the kiosk's warm-up visits) and at the
end. The broker and hub restarts happen while the two touch screens wait between visitors (a
handshake), so that a visitor's tap is never lost to them; the contract kiosks and desks, the
counter app and the display go on through them."""

from __future__ import annotations

import contextlib
import json
import queue
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.soak import apps, traffic
from tests.soak.traffic import ContractDesk, ContractKiosk, Tally

CUT = b"\x1dV\x00"  # GS V 0: the full cut that ends every kiosk ticket
APP_ANSWER_S = 60.0  # the counter app's harness answers between frames; 2 cores may be shared 15 ways
PRESS_S = 60.0  # one press of the counter app answered (a restart in between included)
DAY_END_S = 500.0  # after the kiosk's last visit: the rest issued, called and finished
LIVING = ("kiosk", "rating", "counter", "display")  # apps that live the whole day


@dataclass(frozen=True)
class Plan:
    tickets: int = 3000
    kiosk_visits: int = 300
    warmup_visits: int = 10
    desks: int = 4  # desk 1: the counter app and the rating screen; the others contract clients
    contract_kiosks: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.warmup_visits < self.kiosk_visits // 3 or self.tickets < self.kiosk_visits:
            raise ValueError("need 0 < warmup_visits < kiosk_visits / 3 and tickets >= kiosk_visits")
        if self.desks < 2 or self.contract_kiosks < 1:
            raise ValueError("need at least 2 desks and 1 contract kiosk")


@dataclass
class Day:
    """What happened: memory at each mark, the checks' inputs, and the run's timing."""

    plan: Plan
    rss: dict[str, dict[str, float]] = field(default_factory=dict)  # mark -> process -> MB
    heap: dict[str, dict[str, Any]] = field(default_factory=dict)  # "kiosk start" -> heap facts
    kiosk_codes: list[str] = field(default_factory=list)
    printed: int = 0
    kiosk_retries: int = 0  # "try again" taps after the hub was late (8 s) with an answer
    tally: Tally = field(default_factory=Tally)
    desk1_served: list[str] = field(default_factory=list)
    outages: dict[str, float] = field(default_factory=dict)  # restart -> seconds it took
    db: dict[str, Any] = field(default_factory=dict)
    alive_at_end: dict[str, bool] = field(default_factory=dict)
    display_answered: bool = False
    seconds: float = 0.0
    marks_at: dict[str, float] = field(default_factory=dict)

    def growth(self, name: str, start: str = "start", end: str = "end") -> float:
        """Percent growth of ``name``'s RSS between two marks."""
        return (self.rss[end][name] / self.rss[start][name] - 1) * 100

    @property
    def issued(self) -> list[str]:
        return self.kiosk_codes + self.tally.issued


class _Faults:
    """Restarts run by the rating screen's thread while it waits between visitors (the kiosk waits
    at its own handshake meanwhile), or at once when that screen has stopped."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[Callable[[], None], threading.Event, list[BaseException]]] = (
            queue.Queue()
        )
        self.screen_stopped = threading.Event()

    def run(self, job: Callable[[], None]) -> None:
        if self.screen_stopped.is_set():
            job()
            return
        done, failed = threading.Event(), []
        self.jobs.put((job, done, failed))
        if not done.wait(300):
            raise AssertionError("the rating screen never came back to serve (the restart did not run)")
        if failed:
            raise failed[0]

    def run_pending(self) -> None:
        while True:
            try:
                job, done, failed = self.jobs.get_nowait()
            except queue.Empty:
                return
            try:
                job()
            except BaseException as exc:
                failed.append(exc)
            done.set()


class _Actions(dict[str, Any]):
    """Handshake actions by name, where every ``serve_N`` is the same action."""

    def __init__(self, serve: Callable[[dict[str, Any]], None]) -> None:
        super().__init__(serve_0=serve)  # not empty: ``run`` takes an empty mapping for none
        self.serve = serve

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        return self.serve if name.startswith("serve_") else super().get(name, default)


def run_day(workdir: Path, plan: Plan, say: Callable[[str], None] = print) -> Day:
    """The whole day; every process stopped on return. Raises ``AssertionError`` when a part
    fails outright (an app exits, a request is never answered); the checks are the caller's."""
    with contextlib.ExitStack() as stack:
        return _Run(workdir, plan, say, stack).day_through()


def _patiently(stop: Callable[[], None], process: Callable[[], subprocess.Popen[Any] | None]) -> None:
    """Stop a process with its own ``stop``; on a loaded machine a big process can outlast that
    method's grace periods, so then kill it and give it a minute to go."""
    try:
        stop()
    except subprocess.TimeoutExpired:
        found = process()
        if found is not None and found.poll() is None:
            found.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                found.wait(60)


class _Run:
    def __init__(
        self, workdir: Path, plan: Plan, say: Callable[[str], None], stack: contextlib.ExitStack
    ) -> None:
        self.workdir, self.plan, self.say, self.stack = workdir, plan, say, stack
        self.day = Day(plan)
        self.faults = _Faults()
        self.kiosk_finished = threading.Event()
        self.rating_waiting_at_end = threading.Event()
        self.end_sampled = threading.Event()
        self.rating_facts: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._contract_taken = 0
        self._read_at = self._printed_at = self._visit_s = 0.0
        self._printed = 0
        self.started = time.monotonic()

    # --- the processes -------------------------------------------------------------------------

    def start(self) -> None:
        plan, workdir = self.plan, self.workdir
        self.core = apps.Core(workdir, plan.desks)
        self.core.start()
        self.stack.callback(_patiently, self.core.stop, lambda: self.core.hub.process)
        port = self.core.port
        self.say(f"mosquitto on 127.0.0.1:{port}, hub pid {self.core.hub.process.pid}, work dir {workdir}")
        self.display = apps.display(workdir, port)
        self.stack.callback(_patiently, self.display.stop, lambda: self.display.process)
        self.counter = apps.counter_app(workdir, port, self.core.config)
        self.stack.callback(_patiently, self.counter.stop, lambda: self.counter.process)
        self.display.tree(timeout=apps.START_S)  # up and answering its probe
        self.rating = apps.rating_screen(workdir, port)
        self.rating.start()
        self.stack.callback(_patiently, self.rating.stop, lambda: self.rating.process)
        visits, warm = plan.kiosk_visits, plan.warmup_visits
        self.kiosk = apps.kiosk(workdir, port, visits, [warm, visits // 3, 2 * visits // 3])
        self.kiosk.start()
        self.stack.callback(_patiently, self.kiosk.stop, lambda: self.kiosk.process)

    def processes(self) -> dict[str, Any]:
        return {
            "kiosk": self.kiosk.process,
            "rating": self.rating.process,
            "counter": self.counter.process,
            "display": self.display.process,
            "hub": self.core.hub.process,
            "mosquitto": self.core.broker.process,
        }

    def sample(self, mark: str, only: tuple[str, ...] = ()) -> None:
        found = {name: apps.mb(p) for name, p in self.processes().items() if not only or name in only}
        self.day.rss.setdefault(mark, {}).update(found)
        self.day.marks_at[mark] = time.monotonic() - self.started
        shown = ", ".join(f"{name} {value:.0f}" for name, value in found.items())
        self.say(f"  [{self.day.marks_at[mark]:6.0f} s] RSS MB at {mark}: {shown}")

    # --- the kiosk's handshakes ----------------------------------------------------------------

    def kiosk_actions(self) -> dict[str, Callable[[dict[str, Any]], None]]:
        visits, warm = self.plan.kiosk_visits, self.plan.warmup_visits

        def at_start(info: dict[str, Any]) -> None:
            self.day.heap["kiosk start"] = info
            self.day.heap["rating start"] = dict(self.rating_facts)
            self.sample("start")

        def broker_restart(_info: dict[str, Any]) -> None:
            self.faults.run(lambda: self._restart("broker", self.core.restart_broker, ("mosquitto",)))

        def hub_restart(_info: dict[str, Any]) -> None:
            self.faults.run(lambda: self._restart("hub", self.core.restart_hub, ("hub",)))

        def at_end(info: dict[str, Any]) -> None:
            self.day.heap["kiosk end"] = info
            self.sample("kiosk's last visit", ("kiosk",))
            self.kiosk_finished.set()
            self.say(f"  the kiosk's {visits} visits are done; the desks finish the day ...")
            if not self._wait(lambda: self.issuing_done() and self.rating_waiting_at_end.is_set(), DAY_END_S):
                raise AssertionError(
                    f"the day did not end within {DAY_END_S:.0f} s of the kiosk's last visit"
                )
            for desk in self.desks:
                desk.join(DAY_END_S)
            self.day.heap["rating end"] = dict(self.rating_facts)
            self.sample("end")
            self.end_sampled.set()

        return {
            f"after_{warm}": at_start,
            f"after_{visits // 3}": broker_restart,
            f"after_{2 * visits // 3}": hub_restart,
            f"after_{visits}": at_end,
        }

    def _restart(self, what: str, restart: Callable[[], None], names: tuple[str, ...]) -> None:
        self.sample(f"before the {what} restart")  # every process: the day's curve
        self.say(f"  restarting the {what} ...")
        began = time.monotonic()
        restart()
        self.day.outages[what] = time.monotonic() - began
        self.sample(f"after the {what} restart", names)

    # --- desk 1: the counter app, its visitor rating on the rating screen ------------------------

    def desk1(self) -> tuple[str, str | None]:
        state = self.counter.request({"op": "state"}, timeout=APP_ANSWER_S)
        status, ticket = state["desk"] or ("closed", None)
        return status, ticket if status in ("called", "serving") else None

    def press(self, moves: bool) -> bool:
        """A touch on "call next" (False: the button was off, the app not linked yet), then until
        the app's command is answered and, when ``moves``, its desk state has moved on."""
        before = self.counter.request({"op": "state"}, timeout=APP_ANSWER_S)["desk"]
        if not self.counter.request({"op": "tap", "id": "btn_next"}, timeout=APP_ANSWER_S)["enabled"]:
            return False
        began = time.monotonic()
        while True:
            state = self.counter.request({"op": "state"}, timeout=APP_ANSWER_S)
            waited = time.monotonic() - began
            if state["pending"] is None and (state["desk"] != before or (not moves and waited > 2)):
                return True  # (nobody at the desk and nobody waiting: the state does not move)
            if waited > PRESS_S:
                raise AssertionError(f"desk 1's press was not answered in {PRESS_S:.0f} s: {state}")
            time.sleep(0.05)

    def serve(self, info: dict[str, Any]) -> None:
        """The rating screen waits: run a restart if one is due, then serve one visitor at desk 1
        (its prompt opens the faces); at the day's end, tell the screen to stop."""
        if info:
            self.rating_facts = info
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            self.faults.run_pending()
            _status, current = self.desk1()
            over = self.issuing_done()
            if current is None and over:
                self.rating_waiting_at_end.set()
                if not self.end_sampled.wait(DAY_END_S + 60):
                    raise AssertionError("the day's end was never sampled")
                (self.rating.sync / "stop").write_text("")
                self.faults.screen_stopped.set()
                return
            if not self.press(moves=current is not None):
                time.sleep(0.3)  # the app is still reconnecting after a restart
                continue
            if current is not None:
                self.day.desk1_served.append(current)
                return  # its prompt opens the faces
            if self.desk1()[1] is None:
                time.sleep(0.3)  # nobody was waiting
        raise AssertionError("desk 1 found nobody to serve for 300 s")

    # --- the contract clients ------------------------------------------------------------------

    def kiosk_done(self) -> float:
        """The real kiosk's visits so far (tickets in its printer file, read twice a second), with
        the share of the visit under way estimated from the last one's length: smooth pacing,
        not a burst of contract tickets after each visit."""
        now = time.monotonic()
        if now - self._read_at > 0.5:
            path = self.workdir / "kiosk" / "printer.bin"
            count = path.read_bytes().count(CUT) if path.exists() else 0
            if count != self._printed:
                self._visit_s = (now - self._printed_at) / (count - self._printed) if self._printed else 0.0
                self._printed, self._printed_at = count, now
            self._read_at = now
        share = min(1.0, (now - self._printed_at) / self._visit_s) if self._visit_s else 1.0
        return self._printed + share

    def take(self) -> bool:
        """A contract kiosk may issue one more now: paced to the real kiosk's visits."""
        total = self.plan.tickets - self.plan.kiosk_visits
        with self._lock:
            if self._contract_taken >= total:
                raise StopIteration
            done = self.plan.kiosk_visits if self.kiosk_finished.is_set() else self.kiosk_done()
            if self._contract_taken < total * done / self.plan.kiosk_visits:
                self._contract_taken += 1
                return True
            return False

    def issuing_done(self) -> bool:
        return self.kiosk_finished.is_set() and not any(k.is_alive() for k in self.kiosks)

    def start_traffic(self) -> None:
        port, tally = self.core.port, self.day.tally
        watch = traffic.QueueWatch(port)
        self.stack.callback(watch.close)
        self.kiosks = [
            ContractKiosk(port, f"k{n + 2}", self.take, tally) for n in range(self.plan.contract_kiosks)
        ]
        self.desks = [
            ContractDesk(port, str(d), tally, self.issuing_done, watch.total)
            for d in range(2, self.plan.desks + 1)
        ]
        for thread in [*self.kiosks, *self.desks]:
            thread.start()

    # --- the day -------------------------------------------------------------------------------

    @staticmethod
    def _wait(check: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def day_through(self) -> Day:
        self.start()
        self.start_traffic()
        results: dict[str, Any] = {}

        def screen(name: str, app: Any, actions: Any, timeout: float) -> None:
            try:
                results[name] = app.run(actions, timeout=timeout)
            except BaseException as exc:
                results[name] = exc

        budget = 600 + self.plan.kiosk_visits * 30.0
        threads = [
            threading.Thread(
                target=screen, args=("kiosk", self.kiosk, self.kiosk_actions(), budget), daemon=True
            ),
            threading.Thread(
                target=screen, args=("rating", self.rating, _Actions(self.serve), budget), daemon=True
            ),
        ]
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            for name, result in list(results.items()):
                if isinstance(result, BaseException):
                    raise AssertionError(f"the {name} screen failed: {result}") from result
                if not result.get("ok"):
                    raise AssertionError(f"the {name} screen failed: {result.get('error')}")
            for thread in [*self.kiosks, *self.desks]:
                if thread.error is not None:
                    raise AssertionError(f"{thread.name} failed: {thread.error}") from thread.error
            time.sleep(0.2)
        for name in ("kiosk", "rating"):
            result = results.get(name)
            if isinstance(result, BaseException) or not (result or {}).get("ok"):
                app = self.kiosk if name == "kiosk" else self.rating
                raise AssertionError(f"the {name} screen failed: {result}\n{app.log_tail(2000)}")
        self.day.seconds = time.monotonic() - self.started
        self.finish()
        return self.day

    def finish(self) -> None:
        day = self.day
        day.alive_at_end = {name: p is not None and p.poll() is None for name, p in self.processes().items()}
        day.alive_at_end["kiosk"] = self.kiosk.process.returncode == 0  # it ended its visits by itself
        day.alive_at_end["rating"] = self.rating.process.returncode == 0
        with contextlib.suppress(AssertionError):
            self.display.tree(timeout=30)
            day.display_answered = True
        taps = (self.workdir / "kiosk" / "taps.json").read_text()
        day.kiosk_codes = [t["code"] for t in json.loads(taps)]
        day.kiosk_retries = sum(t.get("retries", 0) for t in json.loads(taps))
        day.printed = (self.workdir / "kiosk" / "printer.bin").read_bytes().count(CUT)
        day.db = read_database(self.core.db)


def read_database(db: Path) -> dict[str, Any]:
    """What the hub stored: tickets by status, calls per ticket, ratings, and the integrity check."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)) as conn:
        codes = [row[0] for row in conn.execute("SELECT code FROM tickets")]
        statuses = Counter(row[0] for row in conn.execute("SELECT status FROM tickets"))
        calls = Counter(
            row[0]
            for row in conn.execute(
                "SELECT t.code FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id"
                " WHERE e.action = 'call'"
            )
        )
        ratings = conn.execute("SELECT count(*) FROM ratings WHERE overall IS NOT NULL").fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return {
        "codes": codes,
        "statuses": dict(statuses),
        "never_called": sorted(set(codes) - set(calls)),
        "called_twice": sorted(code for code, n in calls.items() if n > 1),
        "ratings": int(ratings),
        "integrity": integrity,
    }


def iter_checks(day: Day) -> Iterator[tuple[str, bool]]:
    """(what, held) for every effect the day must show, whatever the machine's load."""
    issued, db = day.issued, day.db
    yield (
        f"every ticket answered once: {len(issued)} of {day.plan.tickets}",
        (len(issued) == day.plan.tickets and len(set(issued)) == len(issued)),
    )
    yield (
        f"the database holds exactly the answered tickets ({len(db['codes'])})",
        sorted(db["codes"]) == sorted(issued),
    )
    yield f"every ticket done at the day's end ({db['statuses']})", set(db["statuses"]) == {"done"}
    yield (
        f"every ticket called exactly once (never: {len(db['never_called'])},"
        f" twice: {len(db['called_twice'])})",
        (not db["never_called"] and not db["called_twice"]),
    )
    called = [code for codes in day.tally.called.values() for code in codes]
    yield f"no contract desk was handed a ticket twice ({len(called)} calls)", len(called) == len(set(called))
    yield (
        f"every kiosk visit printed its ticket ({day.printed} / {len(day.kiosk_codes)})",
        (day.printed == len(day.kiosk_codes) == day.plan.kiosk_visits),
    )
    yield (
        f"every desk-1 visitor rated on the rating screen ({db['ratings']} / {len(day.desk1_served)})",
        (db["ratings"] == len(day.desk1_served) > 0),
    )
    yield f"no unexpected refusal ({len(day.tally.refused)})", not day.tally.refused
    yield "the database passes integrity_check", db["integrity"] == "ok"
    gone = [name for name, alive in day.alive_at_end.items() if not alive]
    yield (
        f"every process alive at the end (or ended by itself){': not ' + ', '.join(gone) if gone else ''}",
        not gone,
    )
    yield "the display still answers at the end", day.display_answered
