"""The hub's refusals do not pile up in memory while the broker has not acknowledged the earlier
ones (issue 14: through a junk flood and its backlog, paho kept 5,000 of them, and the hub's RSS
stayed 20-30% above its start after they went)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest

from broker.hub.process import HubService
from shared.config import load_settings
from shared.store.db import upgrade
from tests.support import free_port, hub_env, site_config


@pytest.fixture
def service(tmp_path: Path) -> Iterator[HubService]:
    """A hub made but not started: its connections never reach a broker (nothing listens on the
    port), so paho keeps every QoS 1 publication as unacknowledged, as it does while the
    acknowledgements wait behind a flood."""
    config = site_config(tmp_path / "antre.toml", desks=2)
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    service = HubService(
        load_settings(config, hub_env(config, f"mqtt://127.0.0.1:{free_port()}", url, tmp_path))
    )
    try:
        yield service
    finally:
        service.console.socket.close()  # bound when made; never started
        service.console_context.engine.dispose()
        service.hub.engine.dispose()


def junk(kiosk_id: str) -> tuple[dict[str, str], paho.MQTTMessage]:
    message = paho.MQTTMessage(topic=f"antre/pst/kiosk/{kiosk_id}/request".encode())
    message.payload = b'{"v":1,"request_id":"j","service":"ZZZ"}'  # unknown service: refused
    return {"kiosk_id": kiosk_id}, message


def test_no_refusal_is_sent_while_the_main_connection_holds_too_many_unacknowledged(
    service: HubService,
) -> None:
    service._queue_kiosk(*junk("junk-0"))
    assert service.bus.unacknowledged() == 1, "a refusal is answered, and kept until acknowledged"
    service.refusals.max_unacknowledged = 50  # below the budget's 200 a second in all
    for n in range(1, 300):  # each its own sender: the budget per sender does not bind
        service._queue_kiosk(*junk(f"junk-{n}"))
    assert service.bus.unacknowledged() == 50
    others = [service.desk_buses.out, *service.desk_buses.buses.values()]
    assert [bus.unacknowledged() for bus in others] == [0, 0, 0], "refusals go out on the main one only"
