"""``antre hub``: the one writer. Wires ``Hub`` to the MQTT bus.

paho's network thread checks each message without the database (``broker.hub.ingress``): junk is
answered there and goes no further; the rest waits in its sender's own short queue. One worker
thread applies the jobs, one sender's at a time in turn, so the database sees one command at a
time, the network never waits on a disk flush, and a noisy client cannot starve the others. On
every (re)connect the worker republishes every retained state from the database.

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
from collections.abc import Callable
from concurrent.futures import Future

from broker.hub.authorisation import Authorisation
from broker.hub.commands import Hub, Incoming
from broker.hub.ingress import HUB_LANE, FairQueue, Precheck, RefusalBudget, Verdict
from broker.hub.publications import Publication
from broker.hub.staff import StaffDesk, StaffResult
from broker.hub.staff_api import StaffApi
from shared import logs
from shared.config import ConfigError, Settings
from shared.mqtt import Message, MqttBus
from shared.store.checkpoint import Checkpointer
from shared.store.db import make_engine

log = logging.getLogger(__name__)

Job = Callable[[], list[Publication]]
TICK_S = 0.25
BATCH_MAX = 32  # commands in one transaction: past a few dozen a batch only delays its first answer
_STOP: Job = lambda: []  # noqa: E731 - a sentinel the worker recognises by identity


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


class HubService:
    def __init__(self, settings: Settings, hub: Hub | None = None) -> None:
        self.settings = settings
        self.hub = hub or Hub(settings, make_engine(settings.db_url))
        self.jobs = FairQueue()
        self.checkpoints = Checkpointer(self.hub.engine)  # the WAL's checkpoints off the command path
        self.precheck = Precheck(self.hub.names, Authorisation(settings.raw))
        self.refusals = RefusalBudget()
        # A fixed id and a persistent session: commands sent while the hub was down are kept by
        # the broker (QoS 1) and delivered when it returns.
        self.bus = MqttBus(
            settings.mqtt,
            settings.site,
            f"antre-hub-{settings.site}",
            persistent_session=True,
            see_retain=True,
        )
        self.bus.on_message("kiosk_request", self._queue_kiosk)
        self.bus.on_message("counter_cmd", self._queue_counter)
        self.bus.on_connected(lambda: self.jobs.put(HUB_LANE, self.hub.snapshot, bounded=False))
        self.staff = StaffDesk(self.hub)
        host, port = staff_api_address(settings)
        try:
            self.staff_api = StaffApi(self.staff, self.submit, host, port)
        except OSError as exc:
            raise RuntimeError(
                f"the staff API cannot listen on {host}:{port} ({exc.strerror}); is another hub running? "
                'Choose another address with [hub] staff_api = "host:port"'
            ) from exc

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
            return result.publications

        self.jobs.put(HUB_LANE, job, bounded=False)
        return future

    # --- paho's network thread: check, then queue behind the sender's own earlier jobs ---------

    def _queue_kiosk(self, params: dict[str, str], message: Message) -> None:
        kiosk_id, payload = params["kiosk_id"], message.payload
        verdict = self.precheck.kiosk(kiosk_id, payload, retained=message.retain)
        self._admit(f"kiosk/{kiosk_id}", verdict, CommandJob(self.hub, ("kiosk", kiosk_id, payload)))

    def _queue_counter(self, params: dict[str, str], message: Message) -> None:
        desk, payload = params["desk"], message.payload
        verdict = self.precheck.counter(desk, payload, retained=message.retain)
        self._admit(f"counter/{desk}", verdict, CommandJob(self.hub, ("counter", desk, payload)))

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
        self.bus.start()
        self.staff_api.start()
        log.info("staff API on http://%s:%d", *self.staff_api.server.server_address[:2])
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
            self.staff_api.stop()
            self.bus.stop()
            self.hub.engine.dispose()

    def _tick_timing(self, stop: threading.Event) -> None:
        # A few times a second: an alert follows its moment within TICK_S plus the queue's delay.
        while not stop.wait(TICK_S):
            if self.jobs.waiting() < 100:  # under a burst, commands first; the clocks keep counting
                self.jobs.put(HUB_LANE, self.hub.timing_tick, bounded=False)

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
        for publications in results:
            for item in publications:
                self.bus.publish(item.topic, item.payload, retain=item.retain)

    def _apply(self, job: Job) -> None:
        try:
            publications = job()
        except Exception:
            # A database or programming error must not take the hub down: the command is lost to
            # this attempt only (a client retries with the same request_id), the rest go on.
            log.exception("a command failed inside the hub")
            return
        for item in publications:
            self.bus.publish(item.topic, item.payload, retain=item.retain)


def staff_api_address(settings: Settings) -> tuple[str, int]:
    """``[hub] staff_api = "host:port"`` (default loopback, port 8742)."""
    value = str(settings.section("hub").get("staff_api", "127.0.0.1:8742"))
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f'[hub] staff_api must be "host:port", got {value!r}')
    return host, int(port)


def upgrade_in_child(db_url: str) -> None:
    """Migrate the schema in a short-lived child process: Alembic would otherwise stay loaded in the
    hub for good (about 14 MB of its memory) for a job done once at start."""
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
