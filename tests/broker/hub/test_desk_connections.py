"""Each configured desk's commands on a connection of the hub's own (issue 14): a desk whose
connection is held up (its thread reading a flood on that desk's topic) holds up no other desk.
Before, the desks shared one connection, so desk 2's ``next`` waited behind every junk message
sent to desk 1 (up to 1.5 s in ``bench/faults.py --only flood``).

In the live test ``HubService`` runs in this process against a real Mosquitto. Desk 1's reading is
held at its first command, as if it were still reading a flood; desk 2's ``next`` must be answered
meanwhile, and desk 1's command once its reading goes on. The others check which desks get a
connection (and which account each logs in as) and that the main connection no longer gives way
to a flooded desk's connection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from broker.hub.desk_connections import HOT_PER_S, DeskConnections, connection_desks, desk_endpoint
from broker.hub.process import HubService
from shared.config import MqttEndpoint, load_settings, settings_from_mapping
from shared.mqtt import Message
from shared.store.db import upgrade
from tests.conftest import wait_for_hub_online
from tests.support import Probe, hub_env, site_config

DESKS = [{"id": d, "name": f"Meja {d}", "services": ["A"]} for d in ("1", "2", "3")]


class HeldDesk:
    """Holds the hub's reading of one desk's commands at the first one, until released."""

    def __init__(self, desk: str) -> None:
        self.desk = desk
        self.entered = threading.Event()
        self.release = threading.Event()
        self.held = 0  # commands held

    def wrap(self, queue_counter: Any) -> Any:
        def held(service: HubService, params: dict[str, str], message: Message) -> None:
            if params["desk"] == self.desk and not self.release.is_set():
                self.held += 1
                self.entered.set()
                self.release.wait(60)
            queue_counter(service, params, message)

        return held


@pytest.fixture
def held(tmp_path: Path, broker, monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldDesk]:  # type: ignore[no-untyped-def]
    holder = HeldDesk("1")
    monkeypatch.setattr(HubService, "_queue_counter", holder.wrap(HubService._queue_counter))
    config = site_config(tmp_path / "antre.toml", desks=2)
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    service = HubService(load_settings(config, hub_env(config, broker.url, url, tmp_path)))
    stop = threading.Event()
    runner = threading.Thread(target=service.run, args=(stop,), name="hub", daemon=True)
    runner.start()
    try:
        wait_for_hub_online(broker.port)
        yield holder
    finally:
        holder.release.set()
        stop.set()
        runner.join(30)


@pytest.mark.e2e
def test_a_desk_is_answered_while_another_desks_reading_is_held(held: HeldDesk, broker) -> None:  # type: ignore[no-untyped-def]
    probe = Probe(broker.port)
    try:
        assert [probe.issue("A")["ticket"] for _ in range(2)] == ["A-001", "A-002"]
        probe.publish("counter/1/cmd", {"v": 1, "action": "next", "request_id": "desk1-next"})
        assert held.entered.wait(30), "desk 1's command never reached the hub"

        probe.publish("counter/2/cmd", {"v": 1, "action": "next", "request_id": "desk2-next"})
        answer = probe.wait_for("counter/2/response", lambda m: m.get("request_id") == "desk2-next")
        assert answer.get("ticket") == "A-001", answer
        assert held.held == 1 and not held.release.is_set()  # desk 1's reading still held meanwhile

        held.release.set()  # desk 1's reading goes on: its command is served, not lost
        first = probe.wait_for("counter/1/response", lambda m: m.get("request_id") == "desk1-next")
        assert first.get("ticket") == "A-002", first
    finally:
        probe.close()


def test_each_configured_desk_gets_a_connection_of_its_own_on_the_open_broker() -> None:
    settings = settings_from_mapping({"site": "pst", "desks": DESKS}, {})
    connections = DeskConnections(settings, lambda _p, _m: None)
    assert sorted(connections.buses) == ["1", "2", "3"]
    assert connections.buses["2"].client_id == "antre-hub-pst-desk-2"
    assert desk_endpoint(MqttEndpoint("h", 1), "2").username is None  # no accounts on the open broker


def test_on_a_secure_broker_only_the_desks_with_a_device_get_one_under_their_own_account() -> None:
    """Only a desk-bound device's desk can get a command through the broker's access list, and
    ``antre broker`` makes the hub an account for those desks only: any other desk stays on the
    main connection rather than knock on an account that does not exist."""
    devices = [{"id": "hub", "role": "hub"}, {"id": "c2", "role": "counter", "desk": "2"}]
    raw = {"site": "pst", "desks": DESKS, "devices": devices}
    settings = settings_from_mapping(raw, {"ANTRE_MQTT_URL": "mqtt://hub:secret@127.0.0.1:1883"})
    assert connection_desks(settings) == ("2",)
    endpoint = desk_endpoint(settings.mqtt, "2")
    assert (endpoint.username, endpoint.password) == ("hub-desk-2", "secret")


def test_the_main_connection_gives_way_to_a_quiet_desk_but_not_to_a_flooded_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    settings = settings_from_mapping({"site": "pst", "desks": DESKS}, {})
    handled: list[str] = []
    connections = DeskConnections(settings, lambda params, _m: handled.append(params["desk"]), lambda: now[0])
    unread = {"1"}  # desk 1's connection has a message its thread has not read yet
    for desk, bus in connections.buses.items():
        monkeypatch.setattr(bus, "readable", lambda desk=desk: desk in unread)
    assert connections.readable()  # a desk's command waits: the main connection gives way

    flood = connections.buses["1"]._handlers["counter_cmd"][1]
    for _ in range(HOT_PER_S + 1):  # desk 1's topic flooded within one second
        flood({"desk": "1"}, None)  # type: ignore[arg-type]
    assert handled == ["1"] * (HOT_PER_S + 1)  # every message still handled
    assert not connections.readable()  # always readable under a flood: no longer given way to
    unread.add("2")
    assert connections.readable()  # a quiet desk's command still is

    unread.discard("2")
    now[0] += 2.5  # the flood over for two whole seconds: desk 1 is quiet again
    assert connections.readable()
