"""A sniffer on the lobby's wire: every byte between a device on another box and the broker's
network listener, recorded while a visitor takes a ticket with their guestbook entry, looks
themselves up again, and an officer calls them, holds no personal data, password, PIN or token.

The real hub (``antre hub`` in a subprocess) serves it, on the broker's loopback listener as on
the hub box; the kiosk's and the counter's own MQTT code reach the TLS listener through a relay
that records both directions (``tests/broker/mosquitto/lan.py`` says why 127.0.0.1 stands in for
the LAN address). The officer signs in on the staff API, which listens on loopback only.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.touch.hub_client import MqttHubClient
from shared.config import settings_from_mapping
from shared.contract import kiosk_requests
from shared.domain import guestbook
from shared.mqtt import MqttBus
from tests.broker.mosquitto.lan import HUB_CLIENT_ID, SITE, LanBroker, Relay, start_lan_broker
from tests.support import (
    OFFICERS,
    HubProcess,
    free_port,
    hub_env,
    officers_toml,
    site_config,
    staff_call,
    wait_until,
)

pytestmark = pytest.mark.e2e

ENTRY = guestbook.clean(
    {
        "name": "Siti Aminah Lestari",
        "id_type": "ktp",
        "id_number": "1808014101900001",
        "email": "siti.aminah@example.id",
        "phone": "081234567890",
        "institution": "Universitas Lampung",
        "purpose": "Data IPM kecamatan 2025",
    }
)


@pytest.fixture
def lobby(tmp_path: Path) -> Iterator[tuple[LanBroker, HubProcess, str]]:
    broker = start_lan_broker(tmp_path / "broker")
    workdir = tmp_path / "hub"
    workdir.mkdir()
    staff_port = free_port()
    config = site_config(workdir / "antre.toml", desks=2, staff_port=staff_port, extra=officers_toml())
    hub = HubProcess(
        workdir, hub_env(config, broker.url("hub", "plain"), f"sqlite:///{workdir / 'antre.db'}", workdir)
    )
    hub.start()
    try:
        watcher = MqttBus(broker.endpoint("watcher", "plain"), SITE, "antre-watcher")
        online = threading.Event()
        watcher.on(
            "presence", lambda _p, raw: online.set() if raw == b"online" else None, client_id=HUB_CLIENT_ID
        )
        watcher.start()
        try:
            assert online.wait(20), f"the hub did not come online: {hub.log_text()[-2000:]}"
        finally:
            watcher.stop()
        yield broker, hub, f"http://127.0.0.1:{staff_port}"
    finally:
        hub.stop()
        broker.stop()


def test_the_wire_between_a_device_and_the_hub_box_carries_no_secret(
    lobby: tuple[LanBroker, HubProcess, str],
) -> None:
    broker, hub, staff_base = lobby
    relay = Relay(broker.tls_port)
    try:
        # The kiosk: a new visitor's ticket, then the same visitor looked up by ID number.
        kiosk_settings = settings_from_mapping(
            {"site": SITE},
            {"ANTRE_MQTT_URL": broker.url("k1", "tls", relay.port), "ANTRE_MQTT_CA": str(broker.ca_file)},
        )
        kiosk = MqttHubClient(kiosk_settings, "k1", attempt_timeout=5, total_timeout=20)
        kiosk.start()
        try:
            wait_until(lambda: kiosk.connected, 10, "the kiosk over TLS through the relay")
            ticket = kiosk.issue(f"k1-{uuid.uuid4().hex[:8]}", "A", kiosk_requests.new_guest(ENTRY))
            found = kiosk.lookup(f"k1-{uuid.uuid4().hex[:8]}", id_number=ENTRY["id_number"])
        finally:
            kiosk.stop()
        assert found is not None, "the returning visitor was not found"

        # The officer signs in on the hub box's loopback staff API and calls the visitor from the
        # counter app's MQTT link, which crosses the wire.
        officer, _name, pin = OFFICERS[0]
        status, signin = staff_call(
            staff_base, "/api/v1/signin", {"desk": "1", "officer": officer, "pin": pin}
        )
        assert status == 200, signin
        counter = MqttBus(broker.endpoint("desk1", "tls", relay.port), SITE, "antre-counter-1")
        states: list[bytes] = []
        counter.on("counter_state", lambda _p, raw: states.append(raw), desk="1")
        counter.start()
        try:
            assert counter.connected.wait(10), "the counter over TLS through the relay"
            counter.publish(f"antre/{SITE}/counter/1/cmd", b"next")
            wait_until(lambda: any(ticket.code.encode() in s for s in states), 10, "the visitor called")
        finally:
            counter.stop()
        status, visitor = staff_call(staff_base, "/api/v1/visitor", token=signin["token"])
        assert status == 200 and visitor["visitor"] is not None, visitor
    finally:
        relay.close()

    wire = relay.seen()
    assert relay.connections >= 2, "the devices did not go through the relay"
    secrets = {
        **{f"guest {k}": v for k, v in ENTRY.items() if k not in ("id_type",)},
        "NIK's last digits with its middle": ENTRY["id_number"][4:],
        "the kiosk's password": broker.passwords["k1"],
        "the counter's password": broker.passwords["desk1"],
        "the officer's PIN": pin,
        "the staff token": signin["token"],
        "the ticket code": ticket.code,
        "a topic": f"antre/{SITE}/",
    }
    found_in_clear = [what for what, text in secrets.items() if text.encode() in wire]
    assert not found_in_clear, f"readable on the wire: {found_in_clear}"
    assert wire[0] == 0x16, "the first byte on the wire is not a TLS handshake record"
    assert "Siti" not in hub.log_text()
