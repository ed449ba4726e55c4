"""The deployment broker against a real Mosquitto started from the generated files: every role x
topic x publish/subscribe combination, anonymous and wrong passwords, TLS with the lobby's own CA.

One broker serves the whole module. A publish is judged by a watcher with the hub's rights (and by
the MQTT v5 PUBACK reason code); a subscription by whether the hub's message on that topic reaches
the device. Mosquitto's ACL file grants every SUBSCRIBE and checks each message as it is delivered,
so a refused subscription shows as nothing received. A round trip on the same connection (a
SUBACK) comes after everything the broker queued before it, so no case waits for a timeout.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import ssl
import stat
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from broker.mosquitto.acl import devices_from_config, render_acl
from broker.mosquitto.certs import make_certs
from broker.mosquitto.passwords import hash_password, load_secrets, verify_password
from broker.mosquitto.security import SecurityFiles, broker_config, write_security_files
from broker.mosquitto.server import mosquitto_binary
from deploy.cli.main import main
from shared.config import ConfigError, Settings, settings_from_mapping
from shared.contract import topics as contract
from shared.mqtt import MqttBus
from tests.support import ChildProcess, free_port, wait_until

SITE = "pst"
DEVICES: list[dict[str, Any]] = [
    {"id": "hub", "role": "hub"},
    {"id": "watcher", "role": "hub", "client_ids": ["antre-watcher"]},
    {"id": "k1", "role": "kiosk"},
    {"id": "k2", "role": "kiosk"},
    {"id": "r1", "role": "rating", "desk": "2"},
    {"id": "desk1", "role": "counter", "desk": "1"},
    {"id": "btn1", "role": "button", "desk": "1"},
    {"id": "wall", "role": "display"},
    {"id": "doctor", "role": "doctor"},
]

# Concrete topics (after antre/pst/), covering every contract topic for this device's own ids
# and for someone else's.
PRESENCE = (
    "presence/antre-hub-pst",
    "presence/antre-kiosk-k1",
    "presence/antre-kiosk-k2",
    "presence/antre-rating-r1",
    "presence/antre-kiosk-r1",
    "presence/antre-counter-1",
    "presence/antre-keypad-1",
    "presence/antre-counter-2",
    "presence/antre-display-pst-wall",
)
TOPICS = (
    "kiosk/k1/request",
    "kiosk/k1/response",
    "kiosk/k1/status",
    "kiosk/k2/request",
    "kiosk/k2/response",
    "kiosk/k2/status",
    "kiosk/r1/request",
    "kiosk/r1/response",
    "counter/1/cmd",
    "counter/1/response",
    "counter/1/state",
    "counter/2/cmd",
    "counter/2/response",
    "counter/2/state",
    "queue/A/state",
    "queue/B/state",
    "event/call",
    "alert/sla",
    "rate/1/prompt",
    "rate/2/prompt",
    "display/wall/status",
    "display/tv2/status",
    "display/running_text",
    "site/schedule",
    "site/services",
    *PRESENCE,
)

# What each role may do, written from the security brief (not from broker/mosquitto/acl.py).
WRITE: dict[str, set[str]] = {
    "hub": set(TOPICS),
    "k1": {"kiosk/k1/request", "kiosk/k1/status", "presence/antre-kiosk-k1"},
    "r1": {"kiosk/r1/request", "presence/antre-rating-r1", "presence/antre-kiosk-r1"},
    "desk1": {"counter/1/cmd", "presence/antre-counter-1", "presence/antre-keypad-1"},
    "btn1": {"counter/1/cmd"},
    "wall": {"display/wall/status", "presence/antre-display-pst-wall"},
    "doctor": set(),
}
# Beyond the brief's list: every app's device reads the hub's presence (the counter's and the
# display's "connection lost"; `antre doctor` with the device's account), a kiosk reads back
# its own printer status and a display its own voice status (the doctor again); the counters see
# every display's voice status (a mute lobby is a desk's problem too); every app reads back its own
# presence (the bus's check that no second app speaks under its id, shared/mqtt.py).
READ: dict[str, set[str]] = {
    "hub": set(TOPICS),
    "k1": {
        "kiosk/k1/response",
        "kiosk/k1/status",
        "queue/A/state",
        "queue/B/state",
        "site/schedule",
        "site/services",
        "presence/antre-hub-pst",
        "presence/antre-kiosk-k1",
    },
    "r1": {
        "kiosk/r1/response",
        "rate/2/prompt",
        "presence/antre-hub-pst",
        "presence/antre-rating-r1",
        "presence/antre-kiosk-r1",
    },
    "desk1": {
        "counter/1/response",
        "counter/1/state",
        "counter/2/state",
        "queue/A/state",
        "queue/B/state",
        "alert/sla",
        "kiosk/k1/status",
        "kiosk/k2/status",
        "display/wall/status",
        "display/tv2/status",
        "site/services",
        "presence/antre-hub-pst",
        "presence/antre-counter-1",
        "presence/antre-keypad-1",
    },
    "btn1": set(),
    "wall": {
        "counter/1/state",
        "counter/2/state",
        "queue/A/state",
        "queue/B/state",
        "event/call",
        "alert/sla",
        "display/wall/status",
        "display/running_text",
        "site/schedule",
        "site/services",
        "presence/antre-hub-pst",
        "presence/antre-display-pst-wall",
    },
    "doctor": {*PRESENCE, "kiosk/k1/status", "kiosk/k2/status", "display/wall/status", "display/tv2/status"},
}
MATRIX_DEVICES = tuple(WRITE)


class Client:
    """A device's MQTT v5 connection that records messages and waits for its acks."""

    def __init__(self, port: int, user: str | None, password: str | None, **tls: Any) -> None:
        self.messages: list[tuple[str, bytes]] = []
        self.acks: dict[int, str] = {}
        self.connack: str | None = None
        self._cond = threading.Condition()
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=f"test-{uuid.uuid4().hex[:8]}", protocol=paho.MQTTv5
        )
        if user is not None:
            self.client.username_pw_set(user, password)
        if tls:
            self.client.tls_set(**tls)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = lambda _c, _u, mid, codes, _p: self._ack(mid, str(codes[0]))
        self.client.on_unsubscribe = lambda _c, _u, mid, _codes, _p: self._ack(mid, "unsubscribed")
        self.client.on_publish = lambda _c, _u, mid, code, _p: self._ack(mid, str(code))
        self.client.connect("localhost" if tls else "127.0.0.1", port, keepalive=10)
        self.client.loop_start()
        self._wait(lambda: self.connack is not None, "CONNACK")

    def _on_connect(self, _c: paho.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        with self._cond:
            self.connack = str(reason)
            self._cond.notify_all()

    def _on_message(self, _c: paho.Client, _u: Any, msg: paho.MQTTMessage) -> None:
        with self._cond:
            self.messages.append((msg.topic, msg.payload))
            self._cond.notify_all()

    def _ack(self, mid: int, reason: str) -> None:
        with self._cond:
            self.acks[mid] = reason
            self._cond.notify_all()

    def _wait(self, check: Any, what: str, timeout: float = 5) -> None:
        with self._cond:
            if not self._cond.wait_for(check, timeout):
                raise AssertionError(f"timed out waiting for {what}")

    def _acked(self, mid: int) -> str:
        self._wait(lambda: mid in self.acks, f"the ack of message {mid}")
        return self.acks.pop(mid)

    def publish(self, topic: str, payload: bytes) -> str:
        """Publish at QoS 1; the PUBACK's reason ("Success" or "Not authorized")."""
        return self._acked(self.client.publish(topic, payload, qos=1).mid)

    def subscribe(self, topic_filter: str) -> str:
        return self._acked(self.client.subscribe(topic_filter, qos=1)[1])

    def unsubscribe(self, topic_filter: str) -> None:
        self._acked(self.client.unsubscribe(topic_filter)[1])

    def flush(self) -> None:
        """Every message the broker queued for this client before now has been received."""
        self.subscribe(f"antre/{SITE}/flush/{uuid.uuid4().hex}")

    def got(self, payload: bytes) -> set[str]:
        with self._cond:
            return {t for t, p in self.messages if p == payload}

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@dataclass
class SecureBroker(ChildProcess):
    workdir: Path
    settings: Settings
    port: int
    tls_port: int
    process: subprocess.Popen[bytes] | None = None
    clients: dict[str, Client] = field(default_factory=dict)

    @property
    def passwords(self) -> dict[str, str]:
        return load_secrets(SecurityFiles.in_dir(self.settings.data_dir).secrets)

    @property
    def ca_file(self) -> Path:
        return self.settings.data_dir / "tls" / "ca.crt"

    def client(self, user: str) -> Client:
        """One connection per device for the module (the broker's client id is the user name: a
        second connection would take over the first)."""
        if user not in self.clients:
            self.clients[user] = Client(self.port, user, self.passwords[user])
            assert self.clients[user].connack == "Success", (user, self.clients[user].connack)
        return self.clients[user]


def site_raw(data_dir: Path, tls_port: int | None = None, devices: list[dict[str, Any]] = DEVICES) -> dict:
    raw: dict[str, Any] = {"site": SITE, "data_dir": str(data_dir), "devices": devices}
    if tls_port is not None:
        raw["broker"] = {"tls_port": tls_port}
    return raw


@pytest.fixture(scope="module")
def secure_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    workdir = tmp_path_factory.mktemp("secure-broker")
    data_dir = workdir / "data"
    make_certs(data_dir / "tls", ["localhost", "127.0.0.1"])
    tls_port = free_port()
    settings = settings_from_mapping(site_raw(data_dir, tls_port), {})
    port = free_port()
    config = broker_config(settings, port=port).write(data_dir / "mosquitto.conf")
    log = (workdir / "mosquitto.log").open("ab")
    server = SecureBroker(workdir, settings, port, tls_port)
    server.process = subprocess.Popen([mosquitto_binary(), "-c", str(config)], stdout=log, stderr=log)
    try:
        for p in (port, tls_port):
            wait_until(lambda p=p: _listening(p), 5, f"mosquitto on port {p}")
        server.client("watcher").subscribe(f"antre/{SITE}/#")
        yield server
    finally:
        for client in server.clients.values():
            client.close()
        server.stop()


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


def _token() -> bytes:
    return uuid.uuid4().hex.encode()


# --- the ACL matrix ----------------------------------------------------------------------------


@pytest.mark.parametrize(("device", "suffix"), list(itertools.product(MATRIX_DEVICES, TOPICS)))
def test_publish_matrix(secure_broker: SecureBroker, device: str, suffix: str) -> None:
    watcher = secure_broker.client("watcher")  # subscribed to antre/pst/# by the fixture
    token = _token()
    topic = f"antre/{SITE}/{suffix}"
    reason = secure_broker.client(device).publish(topic, token)
    watcher.flush()
    allowed = suffix in WRITE[device]
    assert (watcher.got(token) == {topic}) is allowed, f"{device} publishing {suffix}"
    assert reason == ("Success" if allowed else "Not authorized")


@pytest.mark.parametrize(("device", "suffix"), list(itertools.product(MATRIX_DEVICES, TOPICS)))
def test_subscribe_matrix(secure_broker: SecureBroker, device: str, suffix: str) -> None:
    client = secure_broker.client(device)
    topic = f"antre/{SITE}/{suffix}"
    client.subscribe(topic)
    token = _token()
    assert secure_broker.client("hub").publish(topic, token) == "Success"
    client.flush()
    client.unsubscribe(topic)
    assert bool(client.got(token)) is (suffix in READ[device]), f"{device} receiving {suffix}"


@pytest.mark.parametrize("device", MATRIX_DEVICES)
def test_wildcard_subscription_gets_only_what_the_role_reads(
    secure_broker: SecureBroker, device: str
) -> None:
    """``antre/pst/#`` is granted as a subscription, but it delivers only the readable topics:
    above all, no kiosk's request (personal data) reaches anyone but the hub."""
    client = secure_broker.client(device)
    everything = f"antre/{SITE}/#"
    client.subscribe(everything)
    token = _token()
    hub = secure_broker.client("hub")
    for suffix in TOPICS:
        hub.publish(f"antre/{SITE}/{suffix}", token)
    client.flush()
    client.unsubscribe(everything)
    prefix = f"antre/{SITE}/"
    assert {t.removeprefix(prefix) for t in client.got(token)} == READ[device]


def test_matrix_covers_every_contract_topic() -> None:
    covered = {found[0] for t in TOPICS if (found := contract.match(f"antre/{SITE}/{t}"))}
    assert set(contract.SPECS) <= covered


def test_the_desk_actions_go_where_the_desks_commands_go_and_nowhere_else(
    secure_broker: SecureBroker,
) -> None:
    """Issue 18's words (hold, resume, repeat, return) from a hardware button and a call_ticket from
    the counter travel on the desk's own cmd topic, as next does; another desk's is still refused.
    The ACL grants topics, not words: no grant was added for them (the matrices above hold that)."""
    watcher = secure_broker.client("watcher")
    call = contract.encode(
        contract.counter_command("call_ticket", "c1-x-0001", ticket="A-012", reason="other")
    )
    sends = [("btn1", contract.plain_command(word)) for word in ("hold", "resume", "repeat", "return")]
    for device, payload in [*sends, ("desk1", call)]:
        mine, other = f"antre/{SITE}/counter/1/cmd", f"antre/{SITE}/counter/2/cmd"
        assert secure_broker.client(device).publish(mine, payload) == "Success", (device, payload)
        assert secure_broker.client(device).publish(other, payload) == "Not authorized", (device, payload)
        watcher.flush()
        assert watcher.got(payload) == {mine}, (device, payload)


# --- who may connect -----------------------------------------------------------------------------


def test_anonymous_wrong_and_unknown_users_are_refused(secure_broker: SecureBroker) -> None:
    good = secure_broker.passwords["k2"]
    for user, password in ((None, None), ("k2", good + "x"), ("k2", ""), ("stranger", good)):
        client = Client(secure_broker.port, user, password)
        try:
            assert client.connack == "Not authorized", (user, client.connack)
        finally:
            client.close()


def test_an_app_connects_with_its_password_and_publishes_its_presence(secure_broker: SecureBroker) -> None:
    doctor = secure_broker.client("doctor")
    doctor.subscribe(f"antre/{SITE}/presence/+")
    endpoint = settings_from_mapping(
        {"site": SITE},
        {"ANTRE_MQTT_URL": f"mqtt://k2:{secure_broker.passwords['k2']}@127.0.0.1:{secure_broker.port}"},
    ).mqtt
    bus = MqttBus(endpoint, SITE, "antre-kiosk-k2")
    bus.start()
    try:
        assert bus.connected.wait(5)
        wait_until(lambda: doctor.got(b"online") >= {bus.presence_topic}, 5, "the kiosk's presence")
    finally:
        bus.stop()


# --- TLS -------------------------------------------------------------------------------------------


def test_tls_with_the_local_ca(secure_broker: SecureBroker) -> None:
    """The apps' bus over mqtts:// trusting the lobby's CA from ANTRE_MQTT_CA."""
    password = secure_broker.passwords["k2"]
    settings = settings_from_mapping(
        {"site": SITE},
        {
            "ANTRE_MQTT_URL": f"mqtts://k2:{password}@localhost:{secure_broker.tls_port}",
            "ANTRE_MQTT_CA": str(secure_broker.ca_file),
        },
    )
    assert settings.mqtt.tls and settings.mqtt.ca_file == str(secure_broker.ca_file)
    bus = MqttBus(settings.mqtt, SITE, "antre-kiosk-k2")
    bus.start()
    try:
        assert bus.connected.wait(5), "no TLS connection with the local CA"
    finally:
        bus.stop()
    client = Client(secure_broker.tls_port, "k2", password, ca_certs=str(secure_broker.ca_file))
    client.close()
    assert client.connack == "Success"


def test_tls_refused_for_a_client_trusting_another_ca(secure_broker: SecureBroker, tmp_path: Path) -> None:
    other = make_certs(tmp_path / "other", ["localhost"], ca_name="Someone else's CA")
    with pytest.raises(ssl.SSLCertVerificationError):
        Client(secure_broker.tls_port, "k2", secure_broker.passwords["k2"], ca_certs=str(other.ca_cert))
    with pytest.raises(ssl.SSLCertVerificationError):  # the system's CAs do not know the lobby's
        Client(secure_broker.tls_port, "k2", secure_broker.passwords["k2"], ca_certs=None)


def test_missing_ca_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CA file"):
        settings_from_mapping({"mqtt": {"ca_file": str(tmp_path / "nope.crt")}}, {})


# --- the generated files ---------------------------------------------------------------------------


def _files(data_dir: Path) -> dict[str, bytes]:
    files = SecurityFiles.in_dir(data_dir)
    return {p.name: p.read_bytes() for p in (files.secrets, files.password_file, files.acl_file)}


def test_generation_is_idempotent_and_keeps_passwords(tmp_path: Path) -> None:
    settings = settings_from_mapping(site_raw(tmp_path), {})
    files = write_security_files(settings)
    first = _files(tmp_path)
    write_security_files(settings)
    assert _files(tmp_path) == first
    for path in (files.secrets, files.password_file, files.acl_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    old = load_secrets(files.secrets)

    more = [*DEVICES, {"id": "k3", "role": "kiosk"}]
    write_security_files(settings_from_mapping(site_raw(tmp_path, devices=more), {}))
    grown = load_secrets(files.secrets)
    assert {k: grown[k] for k in old} == old and set(grown) == {*old, "k3"}
    assert files.password_file.read_text().startswith(first["mosquitto.passwd"].decode())

    fewer = [d for d in DEVICES if d["id"] != "k2"]
    write_security_files(settings_from_mapping(site_raw(tmp_path, devices=fewer), {}))
    assert "k2" not in load_secrets(files.secrets)  # a retired device's password is gone
    assert "k2:" not in files.password_file.read_text()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can hand files to another user")
def test_files_made_as_root_belong_to_the_data_dir_owner(tmp_path: Path) -> None:
    """`sudo antre broker url ...` must not leave files the antre-broker service cannot read."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    os.chown(data_dir, 4321, 4321)
    files = write_security_files(settings_from_mapping(site_raw(data_dir), {}))
    certs = make_certs(data_dir / "tls", ["localhost"])
    for path in (files.secrets, files.password_file, files.acl_file, certs.directory, certs.server_key):
        assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4321), path


def test_password_hashes_match_mosquitto_passwd(tmp_path: Path) -> None:
    ours = hash_password("s3cret")
    assert ours.startswith("$7$101$") and verify_password("s3cret", ours) and not verify_password("x", ours)
    theirs = tmp_path / "passwd"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(theirs), "alice", "s3cret"], check=True)
    hashed = theirs.read_text().strip().split(":", 1)[1]
    assert verify_password("s3cret", hashed) and not verify_password("s3cret!", hashed)


def test_acl_uses_the_contract_patterns() -> None:
    text = render_acl(devices_from_config({"devices": DEVICES}), SITE)
    k1_block = (
        "user k1\ntopic readwrite antre/pst/presence/antre-kiosk-k1\ntopic write antre/pst/kiosk/k1/request\n"
    )
    assert k1_block in text
    assert "topic read antre/pst/rate/2/prompt" in text
    # The personal-data topic: written by its own kiosk only, read by the hubs only (through their
    # readwrite antre/pst/#); no grant spans the kiosks.
    grants = [line for line in text.splitlines() if line.startswith("topic ")]
    assert not [line for line in grants if line.startswith("topic read") and "request" in line]
    assert not [line for line in grants if "kiosk/+/request" in line or "kiosk/#" in line]


def test_the_demo_broker_stays_open_on_loopback(tmp_path: Path) -> None:
    config = broker_config(settings_from_mapping({"data_dir": str(tmp_path)}, {}))
    text = config.render()
    assert "listener 1883 127.0.0.1" in text and "allow_anonymous true" in text
    assert "password_file" not in text and not (tmp_path / "mosquitto.acl").exists()


def test_secure_without_devices_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[\[devices\]\]"):
        broker_config(settings_from_mapping({"data_dir": str(tmp_path)}, {}), secure=True)


@pytest.mark.parametrize(
    ("devices", "message"),
    [
        ([{"id": "a", "role": "kiosk"}, {"id": "a", "role": "display"}], "unique"),
        ([{"id": "c", "role": "counter"}], "needs desk"),
        ([{"id": "k", "role": "kiosk", "desk": "1"}], "has no desk"),
        ([{"id": "x", "role": "admin"}], "role must be one of"),
        ([{"id": "bad id", "role": "kiosk"}], "id must be"),
        ([{"id": "x:y", "role": "kiosk"}], "id must be"),
    ],
)
def test_bad_devices_are_config_errors(devices: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        devices_from_config({"devices": devices})


def test_certs_are_kept_and_keys_private(tmp_path: Path) -> None:
    files = make_certs(tmp_path / "tls", ["lobby.local", "192.168.1.10"])
    ca = files.ca_cert.read_bytes()
    server = files.server_cert.read_bytes()
    for key in (files.ca_key, files.server_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    make_certs(tmp_path / "tls", ["lobby.local"])
    assert files.ca_cert.read_bytes() == ca and files.server_cert.read_bytes() == server
    make_certs(tmp_path / "tls", ["lobby.local"], renew_server=True)
    assert files.ca_cert.read_bytes() == ca and files.server_cert.read_bytes() != server
    out = subprocess.run(
        ["openssl", "verify", "-CAfile", str(files.ca_cert), str(files.server_cert)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr


# --- the `antre broker` command -----------------------------------------------------------------------

DEVICES_TOML = """
site = "pst"

[[devices]]
id = "hub"
role = "hub"

[[devices]]
id = "kiosk-1"
role = "kiosk"

[[devices]]
id = "meja-1"
role = "counter"
desk = "1"
"""


@pytest.mark.e2e  # antre broker in a subprocess, without a fixture
def test_antre_broker_runs_a_secure_mosquitto(tmp_path: Path) -> None:
    (tmp_path / "antre.toml").write_text(DEVICES_TOML, encoding="utf-8")
    port = free_port()
    env = {
        **os.environ,
        "ANTRE_CONFIG": str(tmp_path / "antre.toml"),
        "ANTRE_DATA_DIR": str(tmp_path / "data"),
    }
    env["ANTRE_MQTT_URL"] = f"mqtt://127.0.0.1:{port}"
    log = (tmp_path / "broker.log").open("wb")
    process = ChildProcess()
    process.process = subprocess.Popen(
        [sys.executable, "-m", "deploy.cli.main", "broker"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_until(lambda: _listening(port), 10, "antre broker")
        config = (tmp_path / "data" / "mosquitto.conf").read_text()
        assert "allow_anonymous false" in config and f"listener {port} 127.0.0.1" in config
        assert Client(port, None, None).connack == "Not authorized"
        url = subprocess.run(
            [sys.executable, "-m", "deploy.cli.main", "broker", "url", "kiosk-1", "--host", "127.0.0.1"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        password = load_secrets(tmp_path / "data" / "mqtt-secrets.toml")["kiosk-1"]
        assert url == f"mqtt://kiosk-1:{password}@127.0.0.1:{port}"
        kiosk = Client(port, "kiosk-1", password)
        kiosk.close()
        assert kiosk.connack == "Success"
    finally:
        process.stop()


def test_antre_broker_certs_and_no_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "antre.toml").write_text(DEVICES_TOML + "\n[broker]\ntls_port = 8883\n", encoding="utf-8")
    config = ["--config", str(tmp_path / "antre.toml")]
    monkeypatch.setenv("ANTRE_DATA_DIR", str(tmp_path / "data"))
    assert main([*config, "broker", "--no-run"]) == 2  # the TLS files do not exist yet
    assert "antre broker certs" in capsys.readouterr().err
    assert main([*config, "broker", "certs", "--name", "lobby.local"]) == 0
    assert main([*config, "broker", "--no-run"]) == 0
    text = (tmp_path / "data" / "mosquitto.conf").read_text()
    assert "listener 8883\n" in text and f"certfile {tmp_path / 'data' / 'tls' / 'server.crt'}" in text
    assert main([*config, "broker", "url", "kiosk-1", "--host", "lobby.local", "--tls"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("mqtts://kiosk-1:")
    # Another box reaches the broker on the TLS listener only: its URL is mqtts:// unasked.
    assert main([*config, "broker", "url", "kiosk-1", "--host", "192.168.1.10"]) == 0
    out = capsys.readouterr()
    assert re.fullmatch(r"mqtts://kiosk-1:[^@]+@192\.168\.1\.10:8883", out.out.strip()), out.out
    assert "ANTRE_MQTT_CA=/etc/antre/ca.crt" in out.err
    assert main([*config, "broker", "url", "nobody", "--host", "x"]) == 2
    (tmp_path / "antre.toml").write_text(DEVICES_TOML, encoding="utf-8")  # no tls_port
    assert main([*config, "broker", "url", "kiosk-1", "--host", "192.168.1.10"]) == 2
    assert "tls_port" in capsys.readouterr().err
