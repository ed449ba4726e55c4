"""The hub's other accounts (its outlet and its desk connections, ``broker.hub.desk_connections``):
the broker makes each user name the client id, so each of the hub's connections needs a user of its
own. ``hub-out`` and ``hub-desk-2`` (desk 2 has a device) get the hub's password and grants, on a
real Mosquitto; no device may take those names."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from broker.hub.desk_connections import desk_endpoint
from broker.mosquitto.acl import devices_from_config
from broker.mosquitto.passwords import load_secrets, verify_password
from broker.mosquitto.security import broker_config, write_security_files
from broker.mosquitto.server import mosquitto_binary
from shared.config import ConfigError, MqttEndpoint, settings_from_mapping
from tests.support import HubProcess, free_port, hub_env, site_config, wait_until

SITE = "pst"
DEVICES = [{"id": "hub", "role": "hub"}, {"id": "c2", "role": "counter", "desk": "2"}]


def _connect(port: int, user: str, password: str, got: list[bytes]) -> tuple[paho.Client, threading.Event]:
    ready = threading.Event()
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=user, protocol=paho.MQTTv5)
    client.username_pw_set(user, password)
    client.on_connect = lambda c, _u, _f, reason, _p: (
        None if reason.is_failure else c.subscribe(f"antre/{SITE}/counter/+/cmd", qos=1)
    )
    client.on_subscribe = lambda *_: ready.set()
    client.on_message = lambda _c, _u, message: got.append(message.payload)
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client, ready


@pytest.mark.e2e
def test_the_hub_desk_account_reads_desk_commands_with_the_hub_password(tmp_path: Path) -> None:
    settings = settings_from_mapping({"site": SITE, "data_dir": str(tmp_path), "devices": DEVICES}, {})
    files = write_security_files(settings)
    password = load_secrets(files.secrets)["hub"]
    assert not {"hub-out", "hub-desk-2"} & set(load_secrets(files.secrets))  # no other secret to keep
    hashed = dict(line.split(":", 1) for line in files.password_file.read_text().splitlines())
    assert set(hashed) == {"hub", "hub-out", "hub-desk-2", "c2"}  # desk 2 only: the one with a device
    assert verify_password(password, hashed["hub-desk-2"]) and verify_password(password, hashed["hub-out"])
    acl = files.acl_file.read_text()
    for user in ("hub-out", "hub-desk-2"):
        assert f"user {user}\ntopic readwrite antre/pst/#\n" in acl
    hub = MqttEndpoint("h", 1, username="hub", password="p")
    assert desk_endpoint(hub, "2").username == "hub-desk-2"
    assert desk_endpoint(hub, None).username == "hub-out"
    assert desk_endpoint(MqttEndpoint("h", 1), "2").username is None  # the open demo broker: no accounts

    port = free_port()
    config = broker_config(settings, port=port).write(tmp_path / "mosquitto.conf")
    broker = subprocess.Popen([mosquitto_binary(), "-c", str(config)], stderr=subprocess.DEVNULL)
    got: list[bytes] = []
    clients: list[paho.Client] = []
    try:
        wait_until(lambda: _port_open(port), 5, "mosquitto")
        hub, hub_ready = _connect(port, "hub", password, [])
        desks, desks_ready = _connect(port, "hub-desk-2", password, got)
        clients += [hub, desks]
        assert hub_ready.wait(10) and desks_ready.wait(10)  # both at once: two users, two client ids
        counter = paho.Client(CallbackAPIVersion.VERSION2, client_id="c2", protocol=paho.MQTTv5)
        counter.username_pw_set("c2", load_secrets(files.secrets)["c2"])
        counter.connect("127.0.0.1", port)
        counter.loop_start()
        clients.append(counter)
        counter.publish(f"antre/{SITE}/counter/2/cmd", b"next", qos=1).wait_for_publish(10)
        wait_until(lambda: got == [b"next"], 10, "the command on the desk account")
        assert hub.is_connected()  # not pushed off by the second connection
    finally:
        for client in clients:
            client.disconnect()
            client.loop_stop()
        broker.terminate()
        broker.wait(10)


@pytest.mark.parametrize("taken", ["hub-out", "hub-desk-2"])
def test_no_device_may_take_a_hub_account_name(taken: str) -> None:
    with pytest.raises(ConfigError, match=taken):
        devices_from_config({"devices": [*DEVICES, {"id": taken, "role": "kiosk"}]})


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


@pytest.mark.e2e
@pytest.mark.timeout(120)
def test_the_hub_answers_a_desk_on_a_secure_broker(tmp_path: Path) -> None:
    """``antre hub`` with the hub's account: its connection for desk 2 logs in as ``hub-desk-2``
    and its outlet as ``hub-out`` by themselves, and a counter's command on its own account is
    answered. Desk 1 (configured, no device) has no account: read on the main connection."""
    data = tmp_path / "data"
    settings = settings_from_mapping({"site": SITE, "data_dir": str(data), "devices": DEVICES}, {})
    files = write_security_files(settings)
    secrets = load_secrets(files.secrets)
    port = free_port()
    config = broker_config(settings, port=port).write(tmp_path / "mosquitto.conf")
    broker = subprocess.Popen([mosquitto_binary(), "-c", str(config)], stderr=subprocess.DEVNULL)
    # The hub reads the [[devices]] too: it opens a desk connection for the desks with an account.
    devices = "".join(
        "[[devices]]\n" + "".join(f'{k} = "{v}"\n' for k, v in device.items()) for device in DEVICES
    )
    env = hub_env(
        site_config(tmp_path / "site.toml", desks=2, extra=devices),
        f"mqtt://hub:{secrets['hub']}@127.0.0.1:{port}",
        f"sqlite:///{tmp_path / 'hub.db'}",
        data,
    )
    hub = HubProcess(tmp_path, env)
    got: list[bytes] = []
    counter = paho.Client(CallbackAPIVersion.VERSION2, client_id="c2", protocol=paho.MQTTv5)
    try:
        wait_until(lambda: _port_open(port), 5, "mosquitto")
        hub.start()
        counter.username_pw_set("c2", secrets["c2"])
        counter.on_connect = lambda c, *_: c.subscribe(f"antre/{SITE}/counter/2/response", qos=1)
        counter.on_message = lambda _c, _u, message: got.append(message.payload)
        counter.connect("127.0.0.1", port)
        counter.loop_start()
        command = b'{"v": 1, "action": "next", "request_id": "desk-account-1"}'
        deadline = time.monotonic() + 60  # the hub starts (migrations) while the counter resends
        while not got and time.monotonic() < deadline and hub.alive():
            counter.publish(f"antre/{SITE}/counter/2/cmd", command, qos=1)
            time.sleep(1)
        assert got, f"no answer from the hub; its log:\n{hub.log_text()[-3000:]}"
        assert json.loads(got[0])["request_id"] == "desk-account-1"
        log = hub.log_text()
        assert "refused the connection" not in log
        assert "desk connections subscribed (desks 2) and the outlet connected" in log
    finally:
        counter.disconnect()
        counter.loop_stop()
        hub.stop()
        broker.terminate()
        broker.wait(10)
