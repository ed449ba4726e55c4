"""``antre hub``: the one writer. Wires ``Hub`` to the MQTT bus.

paho's network thread checks each message without the database (``broker.hub.ingress``): junk is
answered there and goes no further; the rest waits in its sender's own short queue. One worker
thread applies the jobs, one sender's at a time in turn, so the database sees one command at a
time, the network never waits on a disk flush, and a noisy client cannot starve the others. On
every (re)connect the worker republishes every retained state from the database.

A connection per desk (issue 14): each configured desk's commands come on an MQTT connection of
their own (``broker.hub.desk_connections``), since Mosquitto queues per connection and a message is
read only after every one in front of it: a junk flood on the kiosk topics or on another desk's
topic would otherwise sit in front of a desk's ``next``. The worker's answers and states go out on
an outlet of their own, never behind the intake's refusals. While a desk command waits unread,
the main connection's thread pauses before each message (``_give_way``), and the GIL switch
interval is 0.5 ms, so the thread reading a flood does not starve a desk's thread or the worker.

Group commit: after a blocking take, the worker takes the kiosk and desk commands that are ready
right behind it in the same fair order, without waiting, and applies them as one batch (one
transaction, one disk flush; ``Hub.apply_batch``). The staff desk's jobs, the clocks' tick and the
snapshots stay outside batches.

The hub speaks MQTT 5 with "retain as published" (``MqttBus(see_retain=True)``): a request or
command published retained arrives with its flag, and the intake refuses and clears it.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from broker.console.app import make_app
from broker.console.context import ConsoleContext
from broker.console.server import ConsoleServer
from broker.console.settings import ConsoleSettings
from broker.hub.authorisation import Authorisation
from broker.hub.commands import Hub, Incoming
from broker.hub.desk_connections import DeskConnections
from broker.hub.ingress import HUB_LANE, FairQueue, Precheck, RefusalBudget, Verdict
from broker.hub.lobby_mirror import LobbyMirror, officers_at_desks
from broker.hub.publications import Publication
from broker.hub.site_setup import SiteSetup, policy_updater
from broker.hub.staff import StaffDesk, StaffResult
from shared import logs
from shared.config import Settings
from shared.contract import topics as contract
from shared.mqtt import Message, MqttBus
from shared.store.checkpoint import Checkpointer
from shared.store.db import make_engine
from shared.store.schema_version import schema_is_current

log = logging.getLogger(__name__)

Job = Callable[[], list[Publication]]
TICK_S = 0.25
DESK_READY_S = 10  # at start, how long the main connection waits for the desk connections' subscriptions
GIVE_WAY_S = 0.0005  # see HubService._give_way
GIVE_WAY_MAX_S = 0.02
SWITCH_INTERVAL_S = 0.0005  # Python's default is 5 ms
BATCH_MAX = 32  # commands in one transaction: past a few dozen a batch only delays its first answer
_STOP: Job = lambda: []  # noqa: E731 - a sentinel the worker recognises by identity
_PLAIN_WORDS = frozenset(word.encode() for word in contract.PLAIN_WORDS)


class CommandJob:
    """A kiosk request or desk command waiting in the fair queue: a job alone, or one of a batch."""

    __slots__ = ("hub", "incoming")

    def __init__(self, hub: Hub, incoming: Incoming) -> None:
        self.hub = hub
        self.incoming = incoming

    def __call__(self) -> list[Publication]:
        kind, sender, raw = self.incoming
        if kind == "kiosk":
            return self.hub.kiosk_request(sender, raw)
        return self.hub.counter_command(sender, raw)


def give_way_while(waiting: Callable[[], bool]) -> None:
    """Sleep in steps of ``GIVE_WAY_S`` while ``waiting()``, for ``GIVE_WAY_MAX_S`` at most. Never
    raises: a sleep the C library refuses (libfaketime's under a faked clock said EINVAL) ends the
    courtesy, and the message the caller is about to queue is not lost to it."""
    waited = 0.0
    while waited < GIVE_WAY_MAX_S and waiting():
        try:
            time.sleep(GIVE_WAY_S)
        except OSError:
            return
        waited += GIVE_WAY_S


class HubService:
    def __init__(self, settings: Settings, hub: Hub | None = None) -> None:
        self.settings = settings
        self.hub = hub or Hub(settings, make_engine(settings.db_url))
        self.jobs = FairQueue()
        self.checkpoints = Checkpointer(self.hub.engine)  # the WAL's checkpoints off the command path
        self.precheck = Precheck(self.hub.names, Authorisation(settings.raw))
        # The live lobby for the staff console: every publication below, and the devices' health.
        self.lobby = LobbyMirror(settings, self.hub.clock)
        # A fixed id and a persistent session: commands sent while the hub was down are kept by
        # the broker (QoS 1) and delivered when it returns.
        self.bus = MqttBus(
            settings.mqtt,
            settings.site,
            f"antre-hub-{settings.site}",
            persistent_session=True,
            see_retain=True,
        )
        # The refusals go out on the main connection: none while it holds too many unacknowledged.
        self.refusals = RefusalBudget(unacknowledged=self.bus.unacknowledged)
        self.bus.on_message("kiosk_request", self._queue_kiosk)
        # Every desk topic on the main connection too: a command for a desk that does not exist
        # is answered ``unknown_desk`` from there, and a desk added live is served from there.
        self.bus.on_message("counter_cmd", self._queue_other_desk)
        # Each configured desk's commands on a connection of its own: Mosquitto keeps one queue per
        # connection, so a desk's ``next`` never waits behind traffic (a junk flood on the kiosk
        # topics or on another desk's) that another connection has not read yet. The answers and
        # the states go out on the outlet beside them, ahead of the refusals the main connection
        # sends. A desk added on the console's setup page later is read on the main connection
        # (``_queue_other_desk``) until the hub restarts.
        self.desk_buses = DeskConnections(settings, self._queue_counter)
        for key in ("kiosk_status", "display_status", "presence"):
            self.bus.on_message(key, self._observe_device)
        self.bus.on_connected(lambda: self.jobs.put(HUB_LANE, self._snapshot, bounded=False))
        self.bus.on_connected(lambda: self.lobby.set_connected(True))
        self.bus.on_disconnected(lambda: self.lobby.set_connected(False))
        self.staff = StaffDesk(self.hub)
        self.setup = SiteSetup(self.hub, settings, self._setup_changed)
        where = ConsoleSettings.from_settings(settings)
        engine = make_engine(settings.db_url)
        self.console_context = ConsoleContext(
            settings, self.staff, self.submit, engine, https=where.https, lobby=self.lobby
        )
        self.console_context.extras["setup"] = self.setup
        try:
            self.console = ConsoleServer(make_app(self.console_context), where)
        except OSError as exc:
            raise RuntimeError(
                f"the console cannot listen on {where.host}:{where.port} ({exc}); is another hub running? "
                'Choose another address with [console] listen = "host:port"'
            ) from exc

    def _setup_changed(self, settings: Settings) -> None:
        """The site setup (loaded, or changed on the console): what the hub's other parts keep of it."""
        # The console's case desk exists once one of its pages made it.
        holders = [self.staff, self.console_context.extras.get("casework")]
        policy_updater(lambda: [h for h in holders if h is not None])(settings)
        self.lobby.use_settings(settings)

    def submit(self, call: Callable[[], StaffResult]) -> Future[StaffResult]:
        """Run ``call`` on the worker thread (the one writer); its publications are sent after."""
        future: Future[StaffResult] = Future()

        def job() -> list[Publication]:
            try:
                result = call()
            except Exception as exc:
                future.set_exception(exc)
                raise
            future.set_result(result)
            self._refresh_officers()  # a sign-in or sign-out changes who the lobby shows at a desk
            return result.publications

        self.jobs.put(HUB_LANE, job, bounded=False)
        return future

    # --- paho's network thread: check, then queue behind the sender's own earlier jobs ---------

    def _give_way(self) -> None:
        """On the main connection's thread, before each message: while a configured desk's command
        waits to be read on the desk connection, let that connection's thread have the GIL (a
        flood on the kiosk topics would otherwise take most of it). Bounded, so that the kiosks'
        requests are still read at ``1 / GIVE_WAY_MAX_S`` a second at least. Not for the worker's
        jobs: reading on while they wait is what fills the worker's batches (group commit)."""
        give_way_while(self.desk_buses.readable)

    def _queue_kiosk(self, params: dict[str, str], message: Message) -> None:
        self._give_way()
        kiosk_id, payload = params["kiosk_id"], message.payload
        verdict = self.precheck.kiosk(kiosk_id, payload, retained=message.retain)
        self._admit(f"kiosk/{kiosk_id}", verdict, CommandJob(self.hub, ("kiosk", kiosk_id, payload)))

    def _queue_other_desk(self, params: dict[str, str], message: Message) -> None:
        if params["desk"] not in self.desk_buses.desks:  # those come on their own connections
            self._give_way()
            self._queue_counter(params, message)

    def _queue_counter(self, params: dict[str, str], message: Message) -> None:
        desk, payload = params["desk"], message.payload
        verdict = self.precheck.counter(desk, payload, retained=message.retain)
        self._admit(f"counter/{desk}", verdict, CommandJob(self.hub, ("counter", desk, payload)))
        if verdict.admit and payload.strip().lower() in _PLAIN_WORDS:
            self.lobby.note_button(desk)

    def _observe_device(self, _params: dict[str, str], message: Message) -> None:
        # A device's presence or status: a topic match and a dict update, on paho's thread.
        self.lobby.feed_message(message.topic, message.payload, retain=message.retain)

    def _admit(self, sender: str, verdict: Verdict, job: Job) -> None:
        if verdict.clear:  # an empty retained message deletes the retained one: no later subscriber gets it
            self.bus.publish(verdict.clear, b"", retain=True)
        if verdict.admit:
            if self.jobs.put(sender, job):
                return
            if (note := self.precheck.hush("busy")) is not None:
                log.warning("%s: queue full, request %s answered busy%s", sender, verdict.request_id, note)
        elif verdict.refusal is None:
            return  # dropped: a malformed sender id has no topic to answer on
        if not self.refusals.allow(sender):
            return  # a flood of refusals: answering each would only queue up in front of real answers
        reply = verdict.busy() if verdict.admit else verdict.reply  # built only now: most are not sent
        if reply is not None:
            self.bus.publish(reply.topic, reply.payload, retain=reply.retain)

    def run(self, stop: threading.Event) -> None:
        """Serve until ``stop`` is set."""
        self.staff.sync_officers(list(self.settings.raw.get("officers", [])))
        self.setup.start()  # before the first snapshot: it carries the stored names and running text
        # The desk connections first: a new session (the first start, or a broker that lost its
        # sessions) drops what is published before its subscriptions are acknowledged, and the
        # main connection ignores their desks, so a desk's press in between would be lost. The
        # main connection's presence, which tells the devices the hub is there, waits for them.
        self.desk_buses.start()
        if self.desk_buses.wait_subscribed(DESK_READY_S):
            log.info("desk connections subscribed (desks %s) and the outlet connected", self.desk_buses)
        else:
            log.warning("the desk connections are not subscribed after %d s; starting anyway", DESK_READY_S)
        self.bus.start()
        self.console.start()
        log.info("staff console on %s", self.console.url)
        watcher = threading.Thread(
            target=lambda: (stop.wait(), self.jobs.put(HUB_LANE, _STOP, bounded=False)), daemon=True
        )
        watcher.start()
        threading.Thread(target=self._tick_timing, args=(stop,), name="timing", daemon=True).start()
        self.checkpoints.start(stop)
        try:
            while True:
                job = self.jobs.take()
                if job is _STOP:
                    break
                if isinstance(job, CommandJob):
                    self._apply_batch(self._batch_from(job))
                else:
                    self._apply(job)
        finally:
            self.console.stop()
            self.console_context.engine.dispose()
            self.desk_buses.stop()
            self.bus.stop()
            self.hub.engine.dispose()

    def _tick_timing(self, stop: threading.Event) -> None:
        # A few times a second: an alert follows its moment within TICK_S plus the queue's delay.
        ticks = 0
        while not stop.wait(TICK_S):
            if self.jobs.waiting() < 100:  # under a burst, commands first; the clocks keep counting
                self.jobs.put(HUB_LANE, self.hub.timing_tick, bounded=False)
            ticks += 1
            if ticks % max(1, round(60 / TICK_S)) == 0:  # once a minute: staff sessions that ran out
                self.jobs.put(HUB_LANE, self.staff.expire_sessions, bounded=False)

    def _batch_from(self, first: CommandJob) -> list[CommandJob]:
        """``first`` and the kiosk and desk commands ready right behind it in the fair order (up to
        ``BATCH_MAX``): applied in one transaction, one disk flush. Taken without waiting: a lone
        command is not held back for company."""
        batch = [first]
        while len(batch) < BATCH_MAX:
            job = self.jobs.take_ready(lambda j: isinstance(j, CommandJob))
            if not isinstance(job, CommandJob):
                break
            batch.append(job)
        return batch

    def _apply_batch(self, batch: list[CommandJob]) -> None:
        if len(batch) == 1:
            self._apply(batch[0])
            return
        try:
            results = self.hub.apply_batch([job.incoming for job in batch])
        except Exception:
            log.exception("a batch of %d commands failed inside the hub", len(batch))
            return
        self._send([item for publications in results for item in publications])

    def _apply(self, job: Job) -> None:
        try:
            publications = job()
        except Exception:
            # A database or programming error must not take the hub down: the command is lost to
            # this attempt only (a client retries with the same request_id), the rest go on.
            log.exception("a command failed inside the hub")
            return
        self._send(publications)

    def _send(self, publications: list[Publication]) -> None:
        # The worker's answers and states on the outlet while it is up: never behind a thread
        # reading a flood, nor behind the intake's refusals, which go out on the main connection.
        bus = self.desk_buses.outlet() or self.bus
        for item in publications:
            bus.publish(item.topic, item.payload, retain=item.retain)
        self.lobby.feed_all(publications)

    def _snapshot(self) -> list[Publication]:
        """Every retained state (on each (re)connect), and who is signed in at each desk."""
        publications = self.hub.snapshot()
        self._refresh_officers()
        return publications

    def _refresh_officers(self) -> None:
        try:
            self.lobby.set_officers(*officers_at_desks(self.hub.engine))
        except Exception:  # the lobby's names are a nicety: never the reason a job fails
            log.exception("the lobby could not read who is signed in at the desks")


def staff_api_address(settings: Settings) -> tuple[str, int]:
    """Where the console (and its JSON API for the counters) listens: ``[console] listen``."""
    where = ConsoleSettings.from_settings(settings)
    return where.host, where.port


def upgrade_in_child(db_url: str) -> None:
    """Migrate the schema in a short-lived child process: Alembic would otherwise stay loaded in the
    hub for good (about 14 MB of its memory) for a job done once at start. Skipped when the schema is
    already the newest (most starts): the child alone costs ~1.5 s of CPU."""
    if schema_is_current(db_url):
        return
    env = {**os.environ, "ANTRE_DB_URL": db_url}
    child = subprocess.Popen(
        [sys.executable, "-m", "deploy.cli.main", "db", "upgrade"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # A timer kills a stuck migration; communicate() itself waits without a timeout, because its
    # timeout loop sleeps on the wall clock, which may jump (NTP, or libfaketime in the tests).
    killer = threading.Timer(120, child.kill)
    killer.start()
    try:
        _out, err = child.communicate()
    finally:
        killer.cancel()
    if child.returncode != 0:
        raise RuntimeError(f"the database could not be migrated: {err.strip()[-500:]}")


def serve(settings: Settings) -> int:
    logs.configure(logging.INFO)  # journald-aware: no doubled timestamp under systemd
    # A thread waiting for the GIL while another one reads a flood gets it at the next switch:
    # the worker's every SQLite call and the desk connection's every read wait up to this long.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    upgrade_in_child(settings.db_url)
    service = HubService(settings)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    log.info(
        "hub for site %s on %s, desks %s, services %s",
        settings.site,
        settings.mqtt.url(),
        ",".join(d.id for d in settings.desks),
        ",".join(s.prefix for s in settings.services),
    )
    service.run(stop)
    return 0
