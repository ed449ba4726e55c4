"""The REAL kiosk app, offscreen in a subprocess, driven by touches, with the REAL ports: the MQTT hub
client against a real Mosquitto and hub (the fixtures of ``tests/conftest.py``) and a real printer,
a file (always) or the emupos emulator over TCP (where a Python >= 3.13 is available). What the hub
stored is read from its SQLite file, what it published from the retained topics, what was printed
from the bytes or the emulator's receipt, whose QR is read back. Screenshots: ``artifacts/kiosk/real``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from escpos.constants import GS, PAPER_FULL_CUT
from PIL import Image

from tests.conftest import wait_for_hub_online
from tests.kiosk.real_app import Action, RealKiosk
from tests.kiosk.real_ports import RealConfig
from tests.kiosk.real_scenarios import NEW_PURPOSE
from tests.kiosk.scenarios import GUEST
from tests.support import Broker, HubProcess, Probe, fresh_retained

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("ANTRE_ARTIFACTS", REPO / "artifacts")) / "kiosk" / "real"
NIK = GUEST["id_number"]
GUEST_ROW = {**GUEST, "id_type": "ktp", "consent": 1}
pytestmark = pytest.mark.timeout(300)


def run_kiosk(
    name: str,
    broker: Broker,
    printer: dict[str, Any],
    actions: dict[str, Action] | None = None,
    attempt_timeout: float = 2.0,
    total_timeout: float = 8.0,
) -> dict[str, Any]:
    config = RealConfig(broker.url, printer, attempt_timeout=attempt_timeout, total_timeout=total_timeout)
    kiosk = RealKiosk(name, ARTIFACTS / name.removeprefix("real_"), config)
    kiosk.start()
    try:
        result = kiosk.run(actions)
    finally:
        kiosk.stop()
    assert result["ok"], f"{result.get('error')}\n{kiosk.log_tail()}"
    assert result["layout_problems"] == [], "text cut, outside the window or overlapping"
    return result


def rows(hub: HubProcess, sql: str, *args: object) -> list[dict[str, Any]]:
    """Rows from the hub's own database (its ``ANTRE_DB_URL``), read-only."""
    path = hub.env["ANTRE_DB_URL"].removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql, args)]


def guests(hub: HubProcess) -> list[dict[str, Any]]:
    columns = "id, name, id_type, id_number, email, phone, institution, purpose, consent"
    return rows(hub, f"SELECT {columns} FROM guests ORDER BY id")


def tickets(hub: HubProcess) -> list[dict[str, Any]]:
    return rows(hub, "SELECT code, service, status, kiosk_id, guest_id FROM tickets ORDER BY id")


def file_printer(tmp_path: Path) -> dict[str, Any]:
    # The QR as a raster image (GS v 0), so it can be read back from the bytes themselves.
    return {"kind": "file", "path": str(tmp_path / "tickets.bin"), "native_qr": False}


def network_printer(emupos: Any) -> dict[str, Any]:
    return {"kind": "network", "host": "127.0.0.1", "port": emupos.port}


def decode_qr(image: Image.Image) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp", reason="QR decoding needs zxing-cpp (pip install zxing-cpp)")
    return [found.text for found in zxingcpp.read_barcodes(image)]


def raster_images(data: bytes) -> list[Image.Image]:
    """Every ``GS v 0 m xL xH yL yH`` raster image in ESC/POS bytes, on a white quiet zone."""
    found, start = [], 0
    while (at := data.find(b"\x1dv0", start)) >= 0:
        width_bytes = int.from_bytes(data[at + 4 : at + 6], "little")
        height = int.from_bytes(data[at + 6 : at + 8], "little")
        bits = data[at + 8 : at + 8 + width_bytes * height]
        image = Image.frombytes("1", (width_bytes * 8, height), bytes(b ^ 0xFF for b in bits))  # 1 = black
        framed = Image.new("L", (image.width + 64, image.height + 64), 255)
        framed.paste(image.convert("L"), (32, 32))
        found.append(framed)
        start = at + 8 + len(bits)
    return found


def tickets_in(data: bytes) -> list[bytes]:
    return [part + PAPER_FULL_CUT for part in data.split(PAPER_FULL_CUT)[:-1]]


# --- (a) the whole visit ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["file", "network"])
def test_whole_visit_by_touch_gives_a_stored_announced_and_printed_ticket(
    kind: str, broker: Broker, hub: HubProcess, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    emupos = request.getfixturevalue("emupos") if kind == "network" else None
    printer = file_printer(tmp_path) if emupos is None else network_printer(emupos)
    result = run_kiosk("real_flow", broker, printer)
    assert result["records"]["04_ticket"]["texts"]["code"] == "A-001"
    ((request_id, service, guest),) = result["hub"]["issue_calls"]
    assert service == "A" and guest == {**GUEST, "id_type": "ktp", "consent": True}
    assert result["records"]["real"]["answers"] == ["A-001"]
    # The screens built at the start (a quarter of a million objects) kept out of full collections,
    # which walked them all with the GIL held: up to 217 ms, the printer's thread waiting.
    assert result["records"]["frozen"] > 50_000
    (stored,) = tickets(hub)
    assert stored | {"guest_id": None} == {
        "code": "A-001", "service": "A", "status": "waiting", "kiosk_id": "k1", "guest_id": None,
    }  # fmt: skip
    (guest_row,) = guests(hub)
    assert stored["guest_id"] == guest_row.pop("id")
    assert guest_row == GUEST_ROW
    assert rows(hub, "SELECT request_id FROM processed_requests") == [{"request_id": request_id}]
    day = rows(hub, "SELECT business_day FROM tickets")[0]["business_day"]  # the QR: code/business day
    state = fresh_retained(broker.port, ["queue/A/state"])["queue/A/state"]
    assert (state["waiting"], state["count"]) == (["A-001"], 1)
    if emupos is None:
        assert result["records"]["real"]["statuses"] == ["unknown"]  # a file cannot tell
        (ticket,) = tickets_in(Path(printer["path"]).read_bytes())
        assert b"A-001\n" in ticket and b"Konsultasi Statistik\n" in ticket
        (qr,) = raster_images(ticket)
        qr.save(ARTIFACTS / "flow" / "ticket-qr-from-bytes.png")
        assert decode_qr(qr) == [f"A-001/{day}"]
    else:
        assert result["records"]["real"]["statuses"] == ["ready"]
        png, text, meta = emupos.wait_for_receipt()
        (ARTIFACTS / "flow" / "receipt-emupos.png").write_bytes(png)
        assert meta["boundary"] == "cut"
        assert "A-001" in text and f"[qr A-001/{day}]" in text and "Konsultasi Statistik" in text
        assert decode_qr(Image.open(io.BytesIO(png))) == [f"A-001/{day}"]


# --- (b) out of paper ------------------------------------------------------------------------


def test_paper_out_stops_before_the_hub_alerts_staff_and_issues_once_the_paper_is_back(
    broker: Broker, hub: HubProcess, probe: Probe, emupos: Any
) -> None:
    emupos.set_fault("paper-out")

    def paper_out(info: dict[str, Any]) -> None:
        assert info["issue_calls"] == 0  # the hub was never asked
        assert tickets(hub) == []
        status = probe.wait_for("kiosk/k1/status", lambda p: p["printer"] == "paper_out")
        assert status["kiosk"] == "k1"
        emupos.set_fault("paper-out", active=False)  # a new roll goes in

    result = run_kiosk("real_paper_out", broker, network_printer(emupos), {"paper_out": paper_out})
    problem = result["records"]["01_problem_paper_out"]["texts"]
    assert problem["what"] == "Kertas printer tiket habis."
    assert "meja depan" in problem["todo"] and "Petugas sudah diberi tahu." in problem["todo"]
    assert result["records"]["02_ticket"]["texts"]["code"] == "A-001"  # no number was taken before
    assert result["records"]["real"]["statuses"] == ["paper_out", "ready"]
    assert [t["code"] for t in tickets(hub)] == ["A-001"]
    assert result["hub"]["reports"] == ["paper_out", None]
    probe.wait_for("kiosk/k1/status", lambda p: p["printer"] == "ready")
    _, text, _ = emupos.wait_for_receipt()
    assert "A-001" in text
    assert len(emupos.receipt_ids()) == 1  # nothing held back from the paper-out attempt


# --- (c) a returning visitor -----------------------------------------------------------------


def test_returning_visitor_found_by_nik_through_the_hub(
    broker: Broker, hub: HubProcess, tmp_path: Path
) -> None:
    printer = file_printer(tmp_path)
    result = run_kiosk("real_returning", broker, printer)
    records = result["records"]
    assert records["01_first_ticket"]["texts"]["code"] == "A-001"
    assert records["04_second_ticket"]["texts"]["code"] == "A-002"
    assert [call[1:] for call in result["hub"]["lookup_calls"]] == [[NIK, ""]]
    welcome = records["03_prefill_welcome"]
    assert welcome["texts"]["welcome_back"] == "Selamat datang kembali, S."
    shown = str(welcome)  # the name's first letter is all the screen shows of the visitor
    for value in (GUEST["name"], "S***", GUEST["institution"], GUEST["id_number"][-4:], "@example.id"):
        assert value not in shown
    second = result["hub"]["issue_calls"][1][2]
    assert set(second) == {"ref", "purpose", "consent"} and second["purpose"] == NEW_PURPOSE
    # The second visit took the priority lane: asked for, stored, answered and printed with the mark.
    assert result["hub"]["issue_lanes"] == [
        {"priority": False, "category": None},
        {"priority": True, "category": "lansia"},
    ]
    assert records["04_second_ticket"]["texts"]["priority"] == "Layanan prioritas"
    lanes = rows(hub, "SELECT code, priority, priority_category FROM tickets ORDER BY id")
    assert lanes == [
        {"code": "A-001", "priority": 0, "priority_category": None},
        {"code": "A-002", "priority": 1, "priority_category": "lansia"},
    ]
    first_row, second_row = guests(hub)
    assert first_row["purpose"] == GUEST["purpose"]
    second_id = second_row.pop("id")
    assert second_row == {**GUEST_ROW, "purpose": NEW_PURPOSE}
    stored = [(t["code"], t["guest_id"]) for t in tickets(hub)]
    assert stored == [("A-001", first_row["id"]), ("A-002", second_id)]
    printed = tickets_in(Path(printer["path"]).read_bytes())
    assert [b"A-001\n" in printed[0], b"A-002\n" in printed[1]] == [True, True]
    badge = GS + b"B\x01 P " + GS + b"B\x00 A-002\n"  # white-on-black "P" before the code
    assert badge in printed[1] and GS + b"B\x01 PRIORITAS " in printed[1]
    assert GS + b"B\x01" not in printed[0] and b"PRIORITAS" not in printed[0]
    (day,) = {row["business_day"] for row in rows(hub, "SELECT business_day FROM tickets")}
    assert decode_qr(raster_images(printed[1])[0]) == [f"A-002/{day}"]  # code/business day


# --- (d) the hub stopped ---------------------------------------------------------------------


def test_hub_down_shows_the_timeout_and_the_retry_gives_exactly_one_ticket(
    broker: Broker, hub_factory: Any, sqlite_url: str, tmp_path: Path
) -> None:
    hub = hub_factory(sqlite_url)
    hub.stop()

    def hub_down(info: dict[str, Any]) -> None:
        assert info["request_id"]
        assert tickets(hub) == []
        hub.start()
        wait_for_hub_online(broker.port)

    actions: dict[str, Action] = {"hub_down": hub_down}
    result = run_kiosk("real_hub_down", broker, file_printer(tmp_path), actions, 0.5, 2.0)
    problem = result["records"]["01_problem_hub_timeout"]["texts"]
    assert problem["what"] == "Sistem antrean tidak menjawab. Silakan coba lagi sebentar lagi."
    assert result["records"]["02_ticket"]["texts"]["code"] == "A-001"
    request_ids = {call[0] for call in result["hub"]["issue_calls"]}
    assert len(result["hub"]["issue_calls"]) == 2 and len(request_ids) == 1  # the retry: the same id
    assert result["records"]["real"]["answers"] == ["error:timeout", "A-001"]
    assert [t["code"] for t in tickets(hub)] == ["A-001"]  # exactly one ticket
    assert rows(hub, "SELECT request_id FROM processed_requests") == [{"request_id": request_ids.pop()}]
    assert len(guests(hub)) == 1
    assert len(tickets_in(Path(tmp_path / "tickets.bin").read_bytes())) == 1
