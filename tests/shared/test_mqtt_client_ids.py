"""One live connection per MQTT client id (issue 19, item 4): two apps started with one id used to
push each other off the broker without a word. Now the app that was running keeps its id and the
newcomer stops with a clear message; a one-off run (``--screenshot``) has an id of its own and no
presence, so the live device never notices it. Against a real Mosquitto."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from shared import mqtt
from shared.config import MqttEndpoint
from shared.mqtt import MqttBus, one_off_client_id
from tests.support import Probe, wait_until

SITE = "pst"


def _bus(port: int, client_id: str, **options: Any) -> MqttBus:
    bus = MqttBus(MqttEndpoint(host="127.0.0.1", port=port), SITE, client_id, **options)
    bus.start()
    return bus


def _raw(probe: Probe, suffix: str) -> list[bytes]:
    return [m.payload for m in list(probe.messages) if m.topic == probe.t(suffix)]


def test_a_second_app_with_the_same_id_gives_way_and_says_why(broker, caplog) -> None:
    live = _bus(broker.port, "antre-kiosk-k1")
    drops: list[str] = []
    live.on_disconnected(lambda: drops.append("live"))
    newcomer: MqttBus | None = None
    probe = Probe(broker.port)
    try:
        wait_until(live.connected.is_set, 15, "the live app connected")
        with caplog.at_level(logging.ERROR, logger="shared.mqtt"):
            newcomer = _bus(broker.port, "antre-kiosk-k1")
            wait_until(newcomer.displaced.is_set, 30, "the newcomer giving way")
        wait_until(live.connected.is_set, 15, "the live app back on the broker")
        assert not live.displaced.is_set()
        assert drops  # pushed off by the newcomer (once or a few times), then it took its id back
        settled = len(drops)
        assert not newcomer.connected.is_set()
        assert any("another app is connected" in r.getMessage() and "antre-kiosk-k1" in r.getMessage()
                   for r in caplog.records)  # fmt: skip
        # Nothing fights on: the live app stays connected and is heard.
        time.sleep(1.0)
        assert live.connected.is_set() and len(drops) == settled
        live.publish(probe.t("kiosk/k1/status"), b"{}")
        wait_until(lambda: _raw(probe, "kiosk/k1/status"), 10, "the live app's message")
        assert _raw(probe, "presence/antre-kiosk-k1")[-1] == b"online"
    finally:
        probe.close()
        if newcomer is not None:
            newcomer.stop()
        live.stop()


def test_a_one_off_run_has_its_own_id_and_no_presence(broker) -> None:
    live = _bus(broker.port, "antre-display-pst-lobby")
    drops: list[str] = []
    live.on_disconnected(lambda: drops.append("live"))
    probe = Probe(broker.port)
    try:
        wait_until(live.connected.is_set, 15, "the live display connected")
        once_id = one_off_client_id("antre-display-pst-lobby")
        assert once_id != "antre-display-pst-lobby"
        once = _bus(broker.port, "antre-display-pst-lobby", one_off=True)
        wait_until(once.connected.is_set, 15, "the one-off run connected")
        once.stop()
        time.sleep(0.5)
        assert drops == [] and live.connected.is_set()
        assert _raw(probe, "presence/antre-display-pst-lobby")[-1] == b"online"
        assert not _raw(probe, f"presence/{once_id}")  # neither online nor offline: no trace
    finally:
        probe.close()
        live.stop()


@pytest.mark.parametrize("persistent", [False, True])
def test_every_bus_speaks_mqtt_5(broker, persistent: bool) -> None:
    bus = _bus(broker.port, f"antre-v5-{persistent}", persistent_session=persistent)
    try:
        wait_until(bus.connected.is_set, 15, "connected")
        assert bus.client.protocol == mqtt.paho.MQTTv5  # the takeover's reason reaches only MQTT 5
    finally:
        bus.stop()


def _kick(port: int, client_id: str) -> None:
    """Log in once with ``client_id``, as a second program on the account would: the broker drops
    the connection that had it."""
    paho = mqtt.paho
    kicker = paho.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5)
    kicker.connect("127.0.0.1", port)
    kicker.loop_start()
    try:
        wait_until(kicker.is_connected, 15, "the kicker connected")
    finally:
        kicker.disconnect()
        kicker.loop_stop()


def test_an_old_word_of_a_sibling_is_no_fight(broker, monkeypatch) -> None:
    """The desk's keypad ran once and stopped (its ``offline`` stays retained, signed, older). The
    counter started later finds it at every connect; connections lost long after they were made
    (a broker restart, a network glitch) are then no fight, however many: it never gives way."""
    monkeypatch.setattr(mqtt, "FIGHT_WINDOW_S", 0.5)
    siblings = ("antre-counter-1", "antre-keypad-1")
    keypad = _bus(broker.port, "antre-keypad-1", siblings=siblings)
    wait_until(keypad.connected.is_set, 15, "the keypad connected")
    keypad.stop()
    counter = _bus(broker.port, "antre-counter-1", siblings=siblings)
    drops: list[str] = []
    counter.on_disconnected(lambda: drops.append("lost"))
    try:
        for done in range(1, 4):
            wait_until(counter.connected.is_set, 15, "the counter connected")
            time.sleep(1.0)  # longer than the fight window
            assert counter._elder_seen  # the keypad's old word was found: the check is armed
            _kick(broker.port, "antre-counter-1")
            wait_until(lambda done=done: len(drops) >= done, 15, "the counter dropped by the broker")
        wait_until(counter.connected.is_set, 15, "the counter back")
        assert not counter.displaced.is_set()
    finally:
        counter.stop()


def test_subscribed_is_set_once_the_broker_has_acknowledged_every_subscription(broker) -> None:
    """``subscribed`` says the broker now delivers what is published on the bus's topics (the hub
    starts its main connection only after its desk connection is subscribed)."""
    bus = MqttBus(MqttEndpoint(host="127.0.0.1", port=broker.port), SITE, "antre-sub-test")
    got: list[bytes] = []
    bus.on("counter_cmd", lambda _p, raw: got.append(raw), desk="1")
    bus.on("kiosk_request", lambda _p, raw: got.append(raw), kiosk_id="k1")
    assert not bus.subscribed.is_set()
    bus.start()
    probe = Probe(broker.port)
    try:
        assert bus.subscribed.wait(15), "no SUBACK for every subscription"
        probe.publish("counter/1/cmd", b"next")  # published right after: delivered
        wait_until(lambda: got == [b"next"], 15, "the command on the subscribed bus")
    finally:
        probe.close()
        bus.stop()
    wait_until(lambda: not bus.subscribed.is_set(), 15, "subscribed cleared with the connection")
