"""The kiosk's MQTT hub client against a real Mosquitto and hub."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

import pytest

from kiosk.touch.hub_client import MqttHubClient
from kiosk.touch.ports import HubError
from shared.config import Settings
from shared.contract import topics as contract
from tests.broker.hub.test_hub_commands import GUEST
from tests.support import Broker, Probe, wait_until


def _client(broker: Broker, tmp_path, **kwargs) -> MqttHubClient:
    client = MqttHubClient(Settings(mqtt_url=broker.url, data_dir=tmp_path), "k1", **kwargs)
    client.start()
    wait_until(lambda: client.connected, 5, "the kiosk's connection")
    return client


def test_issue_and_lookup_through_the_hub(broker, hub, tmp_path) -> None:
    client = _client(broker, tmp_path)
    try:
        ticket = client.issue("req-1", "A", GUEST)
        assert (ticket.code, ticket.ahead, ticket.service_name) == ("A-001", 0, "Konsultasi Statistik")
        assert ticket.issued_at.utcoffset().total_seconds() == 7 * 3600
        again = client.issue("req-1", "A", GUEST)  # a retry: the same ticket, not a new one
        assert again == ticket
        found = client.lookup("look-1", id_number="1808014101900001")
        assert found is not None and found.masked == {"initial": "S"}
        returning = client.issue("req-2", "A", {"ref": found.ref, "purpose": "Data PDRB", "consent": True})
        assert returning.code == "A-002"
        assert client.lookup("look-2", email="nobody@example.id") is None
        with pytest.raises(HubError) as refused:
            client.issue("req-3", "Z", GUEST)
        assert refused.value.code == "unknown_service"
    finally:
        client.stop()


def test_a_hub_that_is_down_gives_a_timeout_and_the_retry_is_applied_once(
    broker, hub_factory, sqlite_url, tmp_path
) -> None:
    hub = hub_factory(sqlite_url)
    client = _client(broker, tmp_path, attempt_timeout=0.3, total_timeout=1.0)
    try:
        hub.stop()
        with pytest.raises(HubError) as timed_out:
            client.issue("req-9", "A", GUEST)
        assert timed_out.value.code == "timeout"
        hub.start()  # the hub's persistent session got the request(s) sent while it was down
        client.total_timeout = 15
        assert client.issue("req-9", "A", GUEST).code == "A-001"
        assert client.issue("req-10", "A", GUEST).code == "A-002"  # req-9 took one number only
    finally:
        client.stop()


def test_the_printer_state_is_retained_for_staff(broker, hub, probe: Probe, tmp_path) -> None:
    client = _client(broker, tmp_path)
    try:
        client.report_printer("paper_out", pending_reprint="A-007")
        status = probe.wait_for("kiosk/k1/status", lambda p: p["printer"] == "paper_out")
        assert status["pending_reprint"] == "A-007"
        client.report_printer(None)
        assert probe.wait_for("kiosk/k1/status", lambda p: p["printer"] == "ready")["pending_reprint"] is None
    finally:
        client.stop()


class ScriptedHub:
    """Plays the hub for one kiosk through the real broker: answers each request with the next
    code of ``script`` (an error answer), then with ``ok`` once the script is spent."""

    def __init__(self, probe: Probe, script: list[str], ok: dict[str, Any]) -> None:
        self.probe = probe
        self.script = list(script)
        self.ok = ok
        self.request_ids: list[str] = []
        probe.client.message_callback_add(probe.t("kiosk/k1/request"), self._answer)

    def _answer(self, client: Any, _userdata: Any, msg: Any) -> None:  # paho's thread
        request_id = json.loads(msg.payload)["request_id"]
        self.request_ids.append(request_id)
        if self.script:
            code = self.script.pop(0)
            body = contract.error_answer(request_id, code, f"scripted {code}")
        else:
            body = {"request_id": request_id, "ok": True, **self.ok}
        client.publish(self.probe.t("kiosk/k1/response"), contract.encode(body), qos=1)


ISSUED = {"ticket": "A-001", "service": "A", "service_name": "Konsultasi Statistik", "ahead": 0,
          "issued_at": "2026-12-03T08:00:00+07:00"}  # fmt: skip


def test_a_busy_hub_is_asked_again_with_the_same_request_id_until_it_answers(
    broker, probe: Probe, tmp_path
) -> None:
    hub = ScriptedHub(probe, ["busy", "busy", "busy"], ISSUED)
    client = _client(broker, tmp_path, attempt_timeout=2.0, total_timeout=10.0)
    try:
        ticket = client.issue("req-b1", "A", GUEST)
        assert ticket.code == "A-001"
        assert hub.request_ids == ["req-b1"] * 4  # three busy answers, each followed by the same id
    finally:
        client.stop()


def test_a_hub_busy_until_the_time_runs_out_is_a_busy_refusal(broker, probe: Probe, tmp_path) -> None:
    hub = ScriptedHub(probe, ["busy"] * 100, ISSUED)
    client = _client(broker, tmp_path, attempt_timeout=2.0, total_timeout=1.5)
    try:
        with pytest.raises(HubError) as refused:
            client.issue("req-b2", "A", GUEST)
        assert refused.value.code == "busy"
        assert len(hub.request_ids) >= 2 and set(hub.request_ids) == {"req-b2"}
    finally:
        client.stop()


def test_an_internal_error_is_not_retried_by_the_client(broker, probe: Probe, tmp_path) -> None:
    hub = ScriptedHub(probe, ["internal_error"], ISSUED)
    client = _client(broker, tmp_path, attempt_timeout=2.0, total_timeout=8.0)
    try:
        with pytest.raises(HubError) as refused:
            client.issue("req-i1", "A", GUEST)
        assert refused.value.code == "internal_error"
        assert hub.request_ids == ["req-i1"]
        assert client.issue("req-i1", "A", GUEST).code == "A-001"  # the visitor's "try again": same id
        assert hub.request_ids == ["req-i1", "req-i1"]
    finally:
        client.stop()


def test_the_hub_s_retained_schedule_reaches_the_kiosk_and_a_broken_one_is_dropped(
    broker, probe: Probe, tmp_path
) -> None:
    def schedule(day: str, hours: str) -> bytes:
        return json.dumps({"v": 1, "tz": "Asia/Jakarta", "days": {day: hours}}).encode()

    probe.client.publish(probe.t("site/schedule"), schedule("2026-12-03", "closed"), qos=1,
                         retain=True).wait_for_publish(5)  # fmt: skip
    got: list[Any] = []
    client = MqttHubClient(Settings(mqtt_url=broker.url, data_dir=tmp_path), "k1")
    client.follow_schedule(got.append)
    client.start()
    try:
        wait_until(lambda: got, 5, "the retained schedule")
        probe.publish("site/schedule", b'{"v":1,"tz":"Asia/Jakarta","days":{"2026-12-04":"tutup siang"}}')
        probe.publish("site/schedule", schedule("2026-12-04", "09:00-12:00"))
        wait_until(lambda: len(got) == 2, 5, "the next schedule")
        assert [{str(d): r for d, r in s.days.items()} for s in got] == [
            {"2026-12-03": ()},
            {"2026-12-04": ((time(9), time(12)),)},
        ]
    finally:
        client.stop()
