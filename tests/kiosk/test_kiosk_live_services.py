"""The REAL kiosk app follows the hub's ``site/services``: a service added on the console's setup
page (real hub, broker, console) gets its button on the running kiosk and a ticket from the hub.
Screenshots: ``artifacts/kiosk/real/new_service``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.kiosk.real_app import RealKiosk
from tests.kiosk.real_ports import RealConfig
from tests.kiosk.test_kiosk_real import ARTIFACTS, file_printer, tickets
from tests.support import Broker, console_client, fresh_retained

pytestmark = pytest.mark.timeout(240)


def test_a_service_added_on_the_console_gets_its_kiosk_button_without_a_restart(
    broker: Broker, console_hub: Any, tmp_path: Path
) -> None:
    hub, base = console_hub

    def add_service(_info: dict[str, Any]) -> None:
        form = {"new_prefix": "C", "name_new": "Rekomendasi Statistik", "name_en_new": "Recommendation",
                "new_desks": ["2"]}  # fmt: skip
        with console_client(base, "sari") as client:
            answer = client.post("/setup/add_service", data=form)
        assert answer.status_code == 303, answer.text[:2000]

    config = RealConfig(broker.url, file_printer(tmp_path), params={"follow_services": True})
    kiosk = RealKiosk("real_new_service", ARTIFACTS / "new_service", config)
    kiosk.start()
    try:
        result = kiosk.run({"add_service": add_service})
    finally:
        kiosk.stop()
    assert result["ok"], f"{result.get('error')}\n{kiosk.log_tail()}"
    assert result["layout_problems"] == [], "text cut, outside the window or overlapping"
    assert result["records"]["03_ticket_new_service"]["texts"]["code"] == "C-001"
    assert [t["code"] for t in tickets(hub)] == ["C-001"]
    buttons = result["records"]["buttons_en"]
    assert "]Recommendation[" in buttons[2] and "]Konsultasi Statistik[" in buttons[0], buttons
    state = fresh_retained(broker.port, ["queue/C/state", "site/services"], timeout=30)
    assert state["queue/C/state"]["waiting"] == ["C-001"]
    assert [s["prefix"] for s in state["site/services"]["services"]] == ["A", "B", "C"]
