"""The live lobby's model inside a real hub: ``HubService`` runs in this process (in a thread, as
``antre hub`` runs it) against a real Mosquitto and an SQLite file; kiosks and desks are MQTT
clients. The view follows a ticket from the kiosk to the desk, and wakes an asyncio waiter."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from broker.hub.lobby_view import LobbyView
from broker.hub.process import HubService
from shared.config import load_settings
from shared.contract import topics as contract
from shared.store.db import upgrade
from tests.conftest import wait_for_hub_online
from tests.support import Probe, hub_env, officers_toml, site_config, wait_until

ALL_DAY = "\n".join(f'{day} = "00:00-24:00"' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
TIMING = f"\n[timing]\nwarning_s = 480\nbreach_s = 600\n[timing.opening_hours]\n{ALL_DAY}\n"


@pytest.fixture
def service(tmp_path: Path, broker) -> Iterator[HubService]:  # type: ignore[no-untyped-def]
    workdir = tmp_path / "hub"
    workdir.mkdir()
    config = site_config(workdir / "antre.toml", desks=2, extra=officers_toml() + TIMING)
    url = f"sqlite:///{workdir / 'antre.db'}"
    upgrade(url)
    service = HubService(load_settings(config, hub_env(config, broker.url, url, workdir)))
    stop = threading.Event()
    runner = threading.Thread(target=service.run, args=(stop,), name="hub", daemon=True)
    runner.start()
    try:
        wait_for_hub_online(broker.port)
        yield service
    finally:
        stop.set()
        runner.join(30)


class WebThread:
    """An asyncio loop in its own thread, as the web server's, waiting on the lobby's changes."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="web", daemon=True)
        self.thread.start()

    def run(self, coro: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def _waiting(view: LobbyView, service: str) -> list[str]:
    return [w.code for s in view.services if s.prefix == service for w in s.waiting]


def test_the_lobby_follows_a_ticket_from_kiosk_to_desk(service: HubService, broker) -> None:  # type: ignore[no-untyped-def]
    lobby = service.lobby
    wait_until(lambda: lobby.view().services[0].updated_at is not None, 30, "the hub's snapshot in the lobby")
    web = WebThread()
    probe = Probe(broker.port)
    try:
        queue = web.run(_subscribe(lobby))
        answer = probe.issue("A", timeout=30)
        assert answer["ticket"] == "A-001"
        wait_until(lambda: _waiting(lobby.view(), "A") == ["A-001"], 30, "A-001 waiting in the lobby")
        view = lobby.view()
        (waiting,) = view.services[0].waiting
        clock = waiting.clock
        assert waiting.issued_at is not None and clock.started_at is not None  # first of the day: runs
        assert clock.deadline is not None and (clock.deadline - clock.started_at).total_seconds() == 600
        assert clock.seconds_left is not None and 0 < clock.seconds_left <= 600 and clock.running
        assert view.alerts == () and view.connected

        # The page's waiter, in another thread, is woken until it sees the desk's call.
        woke = asyncio.run_coroutine_threadsafe(_until_called(lobby, queue), web.loop)
        assert probe.command("1", "next", timeout=30)["ticket"] == "A-001"
        seen = woke.result(60)
        desk = seen.desks[0]
        assert (desk.id, desk.status, desk.ticket, desk.service) == ("1", "called", "A-001", "A")
        wait_until(lambda: _waiting(lobby.view(), "A") == [], 30, "A-001 gone from the queue")

        service.submit(lambda: service.staff.signin("1", "budi", "246813")).result(30)
        probe.command("1", "start", timeout=30)
        wait_until(lambda: lobby.view().desks[0].status == "serving", 30, "desk 1 serving")
        desk = lobby.view().desks[0]
        assert (desk.ticket, desk.officer_id, desk.officer_name) == ("A-001", "budi", "Budi Santoso")

        # A kiosk's health: its presence and printer status, as the hub's subscriptions get them.
        kiosk_presence = probe.t("presence/antre-kiosk-k1")
        probe.client.publish(kiosk_presence, "online", qos=1, retain=True).wait_for_publish(5)
        status = contract.kiosk_status("k1", "paper_out", None, seen.at)
        probe.client.publish(probe.t("kiosk/k1/status"), contract.encode(status), qos=1, retain=True)
        wait_until(lambda: _kiosk(lobby.view()) is not None and _kiosk(lobby.view()).printer == "paper_out",
                   30, "the kiosk's printer in the lobby")  # fmt: skip
        assert _kiosk(lobby.view()).online is True
        probe.client.publish(kiosk_presence, "offline", qos=1, retain=True).wait_for_publish(5)
        wait_until(lambda: _kiosk(lobby.view()).online is False, 30, "the kiosk offline in the lobby")
        hub = [d for d in lobby.view().devices if d.kind == "hub"]
        assert hub and hub[0].online  # the hub hears its own presence too
        web.run(_unsubscribe(lobby, queue))
        assert lobby.feed.subscribers == 0
    finally:
        probe.client.publish(probe.t("presence/antre-kiosk-k1"), b"", qos=1, retain=True)
        probe.client.publish(probe.t("kiosk/k1/status"), b"", qos=1, retain=True)
        probe.close()
        web.close()


def _kiosk(view: LobbyView) -> Any:
    return next((d for d in view.devices if (d.kind, d.id) == ("kiosk", "k1")), None)


async def _subscribe(lobby: Any) -> asyncio.Queue[int]:
    return lobby.feed.subscribe()


async def _unsubscribe(lobby: Any, queue: asyncio.Queue[int]) -> None:
    lobby.feed.unsubscribe(queue)


async def _until_called(lobby: Any, queue: asyncio.Queue[int]) -> LobbyView:
    """What a live page does: wait for a change, then read the view; until desk 1 calls."""
    while True:
        version = await asyncio.wait_for(queue.get(), 60)
        view = lobby.view()
        assert view.version >= version
        if view.desks[0].status == "called":
            return view
