"""The deployment broker as the lobby network sees it, against a real Mosquitto started from the
generated files: client ids bound to accounts on every listener (the hub cannot be cut off with
another device's password), TLS with forward-secret suites only, and the limits that match the hub.
"""

from __future__ import annotations

import itertools
import json
import socket
import ssl
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from broker.mosquitto.server import (
    COUNTS_CONNECTIONS_RIGHT_FROM,
    MAX_KEEPALIVE_S,
    MAX_PACKET_BYTES,
    BrokerConfig,
    mosquitto_version,
)
from shared.config import ConfigError, settings_from_mapping
from shared.contract import topics as contract
from shared.contract.client_ids import counter_client_id, desk_program_ids, keypad_client_id
from shared.contract.limits import MAX_PAYLOAD_BYTES
from shared.mqtt import MqttBus
from tests.broker.mosquitto.lan import DEVICES, HUB_CLIENT_ID, LISTENERS, SITE, LanBroker, start_lan_broker
from tests.support import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def lan_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanBroker]:
    server = start_lan_broker(tmp_path_factory.mktemp("lan-broker"))
    yield server
    server.stop()


class RawClient:
    """One MQTT connection, as any program with a device's password could open it."""

    def __init__(
        self,
        broker: LanBroker,
        user: str,
        listener: str,
        *,
        client_id: str,
        clean: bool = True,
        protocol: int = paho.MQTTv311,
        keepalive: int = 10,
    ) -> None:
        self.connack: str | None = None
        self.properties: Any = None
        self.disconnected = threading.Event()
        self.messages: list[tuple[str, bytes]] = []
        self.cond = threading.Condition()
        kwargs: dict[str, Any] = {"clean_session": clean} if protocol != paho.MQTTv5 else {}
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=protocol, **kwargs
        )
        self.client.username_pw_set(user, broker.passwords[user])
        endpoint = broker.endpoint(user, listener)
        if endpoint.tls:
            self.client.tls_set(ca_certs=str(broker.ca_file))
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda *_a: self.disconnected.set()
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(60, 120)  # one connection: never silently a second one
        self.client.connect(endpoint.host, endpoint.port, keepalive=keepalive)
        self.client.loop_start()
        with self.cond:
            assert self.cond.wait_for(lambda: self.connack is not None, 5), "no CONNACK"

    def _on_connect(self, _c: Any, _u: Any, _f: Any, reason: Any, properties: Any) -> None:
        with self.cond:
            self.connack, self.properties = str(reason), properties
            self.cond.notify_all()

    def _on_message(self, _c: Any, _u: Any, message: paho.MQTTMessage) -> None:
        with self.cond:
            self.messages.append((message.topic, message.payload))
            self.cond.notify_all()

    def round_trip(self) -> None:
        """A QoS 1 publish acknowledged on this very connection."""
        info = self.client.publish(f"antre/{SITE}/presence/antre-watcher", b"online", qos=1)
        info.wait_for_publish(5)
        assert info.is_published()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


class HubUnderTest:
    """The hub's own bus (persistent session, fixed client id), recording commands and drops."""

    def __init__(self, broker: LanBroker, listener: str) -> None:
        self.commands: list[bytes] = []
        self.drops = 0
        self.bus = MqttBus(broker.endpoint("hub", listener), SITE, HUB_CLIENT_ID, persistent_session=True)
        self.bus.on("counter_cmd", lambda _p, payload: self.commands.append(payload), desk="1")
        self.bus.on_disconnected(self._dropped)
        self.bus.start()
        assert self.bus.connected.wait(5), "the hub did not connect"

    def _dropped(self) -> None:
        self.drops += 1

    def round_trip(self) -> None:
        """Every CONNECT the broker took before now has had its effect on this connection: a
        PUBACK comes back on the same socket, after any takeover would have closed it."""
        info = self.bus.client.publish(
            f"antre/{SITE}/presence/{HUB_CLIENT_ID}", b"online", qos=1, retain=True
        )
        info.wait_for_publish(5)
        assert info.is_published()

    def stop(self) -> None:
        self.bus.stop()


# --- client identity bound to the account, on every listener ---------------------------------------


@pytest.mark.parametrize(("hub_on", "attacker_on"), list(itertools.product(LISTENERS, LISTENERS)))
def test_a_kiosk_password_cannot_take_over_the_hub(
    lan_broker: LanBroker, hub_on: str, attacker_on: str
) -> None:
    """A kiosk's credentials with the hub's client id, clean session or not, while the hub is
    online and while it is away: the hub is never dropped, and a command queued in its persistent
    session while it was away still reaches it."""
    hub = HubUnderTest(lan_broker, hub_on)
    try:
        for clean in (True, False):
            attacker = RawClient(lan_broker, "k1", attacker_on, client_id=HUB_CLIENT_ID, clean=clean)
            attacker.close()
            assert attacker.connack == "Success"  # accepted, as k1: the id it asked for is ignored
            hub.round_trip()
        assert hub.drops == 0, f"the hub was cut off by a kiosk's password ({hub_on}/{attacker_on})"
    finally:
        hub.stop()

    token = f"next-{uuid.uuid4().hex}".encode()
    button = RawClient(lan_broker, "btn1", "plain", client_id="antre-button-1")
    button.client.publish(f"antre/{SITE}/counter/1/cmd", token, qos=1).wait_for_publish(5)
    button.close()
    for clean in (True, False):  # a clean session would delete the hub's, queued command and all
        RawClient(lan_broker, "k1", attacker_on, client_id=HUB_CLIENT_ID, clean=clean).close()

    back = HubUnderTest(lan_broker, hub_on)
    try:
        wait_until(lambda: token in back.commands, 5, "the command queued while the hub was away")
    finally:
        back.stop()


def test_every_listener_binds_the_client_id_to_the_account(lan_broker: LanBroker) -> None:
    text = lan_broker.config.render()
    blocks = text.split("\nlistener ")[1:]
    assert len(blocks) == 2
    for block in blocks:  # Mosquitto reads it per listener, whatever per_listener_settings says
        assert "\nuse_username_as_clientid true\n" in block + "\n", block


def test_the_client_id_is_the_account_so_one_account_is_one_connection(lan_broker: LanBroker) -> None:
    """Two connections with the same password: the second replaces the first (the docs tell the
    technician to give every program its own account)."""
    first = RawClient(lan_broker, "desk1", "tls", client_id="antre-counter-1")
    second = RawClient(lan_broker, "desk1", "plain", client_id="antre-keypad-1")
    try:
        assert first.disconnected.wait(5)
        second.round_trip()
    finally:
        first.close()
        second.close()


# --- TLS: forward-secret suites only ---------------------------------------------------------------


def _handshake(
    broker: LanBroker, *, ciphers: str | None = None, maximum: ssl.TLSVersion | None = None
) -> tuple[str, str]:
    context = ssl.create_default_context(cafile=str(broker.ca_file))
    if maximum is not None:
        context.maximum_version = maximum
    if ciphers is not None:
        context.set_ciphers(ciphers)
    with (
        socket.create_connection(("127.0.0.1", broker.tls_port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        cipher = tls.cipher()
        assert cipher is not None
        return cipher[1], cipher[0]


@pytest.mark.parametrize(
    "suite", ["AES128-SHA", "AES256-SHA", "AES128-GCM-SHA256", "AES256-GCM-SHA384", "DHE-RSA-AES128-SHA"]
)
def test_non_forward_secret_tls12_suites_are_refused(lan_broker: LanBroker, suite: str) -> None:
    with pytest.raises(ssl.SSLError):
        _handshake(lan_broker, ciphers=f"{suite}:@SECLEVEL=0", maximum=ssl.TLSVersion.TLSv1_2)


@pytest.mark.parametrize(
    "suite", ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"]
)
def test_ecdhe_suites_work_over_tls12(lan_broker: LanBroker, suite: str) -> None:
    assert _handshake(lan_broker, ciphers=suite, maximum=ssl.TLSVersion.TLSv1_2) == ("TLSv1.2", suite)


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated")
def test_tls13_is_offered_and_tls11_refused(lan_broker: LanBroker) -> None:
    assert _handshake(lan_broker)[0] == "TLSv1.3"
    with pytest.raises(ssl.SSLError):
        _handshake(lan_broker, ciphers="DEFAULT:@SECLEVEL=0", maximum=ssl.TLSVersion.TLSv1_1)


def test_the_certificate_names_the_hub_box(lan_broker: LanBroker, tmp_path: Path) -> None:
    """The apps check the broker's name against its certificate, not only the CA that signed it:
    an address the certificate does not name is refused even with the right CA pinned."""
    from broker.mosquitto.certs import make_certs

    made = make_certs(tmp_path / "tls", ["lobby-hub.local", "192.0.2.10"])
    text = _text(made.server_cert)
    assert "DNS:lobby-hub.local" in text and "IP Address:192.0.2.10" in text
    # 127.0.0.2 reaches the broker (all of 127/8 is loopback) but is not in its certificate.
    bus = MqttBus(replace(lan_broker.endpoint("k1", "tls"), host="127.0.0.2"), SITE, "antre-kiosk-k1")
    with pytest.raises(ssl.SSLCertVerificationError, match="IP address mismatch"):
        bus.client.connect("127.0.0.2", lan_broker.tls_port)
    bus.client.connect("127.0.0.1", lan_broker.tls_port)  # named in the lobby's certificate
    bus.client.disconnect()


def _text(cert: Path) -> str:
    import subprocess

    return subprocess.run(
        ["openssl", "x509", "-noout", "-text", "-in", str(cert)], capture_output=True, text=True, check=True
    ).stdout


# --- limits that match the hub ----------------------------------------------------------------------


def test_the_packet_limit_passes_what_the_hub_reads_and_cuts_off_more(lan_broker: LanBroker) -> None:
    watcher = RawClient(lan_broker, "watcher", "plain", client_id="antre-watcher")
    watcher.client.subscribe(f"antre/{SITE}/kiosk/+/request", qos=1)
    kiosk = RawClient(lan_broker, "k1", "tls", client_id="antre-kiosk-k1")
    try:
        topic = f"antre/{SITE}/kiosk/k1/request"
        largest = b"x" * MAX_PAYLOAD_BYTES  # the hub reads it (and answers too_large above it)
        kiosk.client.publish(topic, largest, qos=1).wait_for_publish(5)
        with watcher.cond:
            assert watcher.cond.wait_for(lambda: (topic, largest) in watcher.messages, 5)
        kiosk.client.publish(topic, b"y" * MAX_PACKET_BYTES, qos=1)
        assert kiosk.disconnected.wait(5), "the broker kept a sender of an oversized packet"
        watcher.round_trip()
        with watcher.cond:
            assert not any(len(p) >= MAX_PACKET_BYTES for _t, p in watcher.messages)
    finally:
        kiosk.close()
        watcher.close()


def test_a_long_keepalive_is_cut_to_the_bound(lan_broker: LanBroker) -> None:
    client = RawClient(lan_broker, "k1", "tls", client_id="x", protocol=paho.MQTTv5, keepalive=600)
    client.close()
    assert client.connack == "Success"
    assert client.properties.ServerKeepAlive == MAX_KEEPALIVE_S


def _two_connections(config: BrokerConfig) -> BrokerConfig:
    assert config.tls is not None
    return replace(config, tls=replace(config.tls, max_connections=2))


def test_a_connection_flood_on_the_lan_listener_leaves_the_hub_its_loopback(tmp_path: Path) -> None:
    """More connections on the TLS listener than its bound: the hub's loopback listener does not
    share that bound, so the hub still connects and is heard."""
    server = start_lan_broker(tmp_path, _two_connections)
    flood = [socket.create_connection(("127.0.0.1", server.tls_port)) for _ in range(8)]
    try:
        hub = RawClient(server, "hub", "plain", client_id=HUB_CLIENT_ID)
        hub.round_trip()
        hub.close()
    finally:
        for sock in flood:
            sock.close()
        server.stop()


@pytest.mark.xfail(
    (mosquitto_version() or (0,)) < COUNTS_CONNECTIONS_RIGHT_FROM,
    reason="mosquitto before 2.0.12 counts a closed connection out of max_connections twice "
    "(`antre doctor` warns about it; docs/security.md)",
    strict=True,
)
def test_the_lan_listener_refuses_a_connection_beyond_its_bound_after_reconnects(tmp_path: Path) -> None:
    """A lobby's devices reconnect all day; the bound must still hold after they did."""
    server = start_lan_broker(tmp_path, _two_connections)
    log = tmp_path / "mosquitto.log"
    try:
        for _ in range(5):
            RawClient(server, "k1", "tls", client_id="antre-kiosk-k1").close()
        goodbyes = lambda: log.read_text(errors="replace").count("Client k1 disconnected")  # noqa: E731
        wait_until(lambda: goodbyes() >= 5, 30, "the broker to see 5 goodbyes")
        flood = [socket.create_connection(("127.0.0.1", server.tls_port)) for _ in range(3)]
        try:
            with pytest.raises((ssl.SSLError, OSError, AssertionError)):
                RawClient(server, "k1", "tls", client_id="antre-kiosk-k1").close()
        finally:
            for sock in flood:
                sock.close()
    finally:
        server.stop()


# --- what the generated config refuses -------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "lobby-hub.local", "::"])
def test_the_plain_listener_is_never_put_on_the_network(tmp_path: Path, host: str) -> None:
    from broker.mosquitto.security import broker_config

    for raw in (
        {"data_dir": str(tmp_path)},  # the open demo broker
        {"data_dir": str(tmp_path), "devices": [{"id": "hub", "role": "hub"}]},  # a deployment
        {"data_dir": str(tmp_path), "devices": [{"id": "hub", "role": "hub"}], "broker": {"host": host}},
    ):
        with pytest.raises(ConfigError, match="stays on loopback"):
            broker_config(settings_from_mapping(raw, {}), host=host if "broker" not in raw else None)
    with pytest.raises(ValueError, match="loopback"):
        BrokerConfig(port=1883, host=host)


@pytest.mark.parametrize(
    "url",
    [
        "mqtt://k1:pw@192.168.1.10:1883",
        "mqtt://lobby-hub.local",
        "mqtt://0.0.0.0:1883",
        "mqtt://[fe80::1]:1883",
    ],
)
def test_a_device_with_plain_mqtt_to_another_box_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="mqtts://") as refused:
        settings_from_mapping({}, {"ANTRE_MQTT_URL": url})
    assert "pw" not in str(refused.value)  # the message names the URL without its password


@pytest.mark.parametrize(
    "url",
    [
        "mqtt://127.0.0.1:1883",
        "mqtt://hub:pw@localhost:1883",
        "mqtt://[::1]:1883",
        "mqtts://k1:pw@192.168.1.10:8883",
    ],
)
def test_loopback_in_clear_and_tls_anywhere_are_accepted(url: str) -> None:
    settings_from_mapping({}, {"ANTRE_MQTT_URL": url})


# --- `antre doctor` never logs in as the hub -----------------------------------------------------


def _doctor_env(broker: LanBroker, tmp_path: Path, **extra: str) -> dict[str, str]:
    config = tmp_path / "antre.toml"
    rows = "".join(
        "[[devices]]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in device.items())
        for device in DEVICES
    )
    config.write_text(f'site = "{SITE}"\n{rows}', encoding="utf-8")
    return {
        "ANTRE_CONFIG": str(config),
        "ANTRE_DATA_DIR": str(tmp_path / "data"),
        "ANTRE_MQTT_URL": broker.url("hub", "plain"),
        **extra,
    }


def test_the_doctor_on_the_hub_box_leaves_the_hub_connected(lan_broker: LanBroker, tmp_path: Path) -> None:
    from deploy.ops.doctor import run_checks

    hub = HubUnderTest(lan_broker, "plain")
    try:
        hub.round_trip()
        alone = {c.name: c for c in run_checks((), env=_doctor_env(lan_broker, tmp_path))}
        assert alone["broker"].status == "WARN" and "hub's account" in alone["broker"].text
        assert "ANTRE_DOCTOR_MQTT_URL" in alone["broker"].text
        doctor_url = lan_broker.url("doctor", "tls")
        env = _doctor_env(
            lan_broker, tmp_path, ANTRE_DOCTOR_MQTT_URL=doctor_url, ANTRE_MQTT_CA=str(lan_broker.ca_file)
        )
        checks = {c.name: c for c in run_checks((), env=env)}
        assert (
            checks["broker"].line()
            == f"OK       broker: connected to mqtts://doctor@localhost:{lan_broker.tls_port}"
        )
        assert checks["hub"].line() == "OK       hub: the hub is online"
        hub.round_trip()
        assert hub.drops == 0, "the doctor cut the hub off"
    finally:
        hub.stop()


# --- one live app per id (issue 19, item 4) --------------------------------------------------------


def test_a_one_off_run_on_a_kiosks_account_gives_way_to_the_live_kiosk(lan_broker: LanBroker) -> None:
    """On the TLS listener the account is the client id, so a `--screenshot` run with the kiosk's
    password shares the live kiosk's connection whatever id it asks for: it reads the kiosk's
    presence, finds it there first, and stops instead of pushing the kiosk off for its whole run."""
    endpoint = replace(lan_broker.endpoint("k1", "tls"), ca_file=str(lan_broker.ca_file))
    live = MqttBus(endpoint, SITE, "antre-kiosk-k1")
    live.start()
    once: MqttBus | None = None
    try:
        assert live.connected.wait(10), "the live kiosk did not connect"
        once = MqttBus(endpoint, SITE, "antre-kiosk-k1", one_off=True)
        once.start()
        wait_until(once.displaced.is_set, 30, "the one-off run giving way")
        wait_until(live.connected.is_set, 15, "the live kiosk back")
        assert not live.displaced.is_set()
        info = live.client.publish(f"antre/{SITE}/kiosk/k1/status", b"{}", qos=1)
        info.wait_for_publish(5)
        assert info.is_published()  # acknowledged on the live kiosk's own connection
    finally:
        if once is not None:
            once.stop()
        live.stop()


def test_a_keypad_on_the_counters_account_gives_way_to_the_live_counter(lan_broker: LanBroker) -> None:
    """The counter app and the keypad mode of desk 1 started on one account: the account is the
    client id, so each login pushed the other off for ever (their presence topics differ, so the
    same-id check never saw it). Each now reads the other's presence: the newcomer finds the live
    counter's Last Will and stops, and the counter keeps the desk."""
    endpoint = replace(lan_broker.endpoint("desk1", "tls"), ca_file=str(lan_broker.ca_file))
    counter_ids = desk_program_ids("1")
    live = MqttBus(endpoint, SITE, counter_client_id("1"), siblings=counter_ids)
    live.start()
    keypad: MqttBus | None = None
    try:
        assert live.connected.wait(10), "the counter did not connect"
        keypad = MqttBus(endpoint, SITE, keypad_client_id("1"), siblings=counter_ids)
        keypad.start()
        wait_until(keypad.displaced.is_set, 30, "the keypad giving way")
        wait_until(live.connected.is_set, 15, "the counter back")
        assert not live.displaced.is_set()
        info = live.client.publish(contract.topic(SITE, "counter_cmd", desk="1"), b"{}", qos=1)
        info.wait_for_publish(5)
        assert info.is_published()  # acknowledged on the counter's own connection
    finally:
        if keypad is not None:
            keypad.stop()
        live.stop()
