"""Rating at the REAL kiosk (offscreen, 1080x1920, driven by touches and a scanner's keystrokes)
against a real Mosquitto and hub: the ticket code typed or its QR text scanned, the survey stored
with ``via`` kiosk, an already-rated ticket told so, a complaint without a ticket. Screenshots: the
test's tmp dir and ``/tmp/antre-shots/rating/``; every one passes the layout check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shared.store.models import ComplaintRow, RatingRow, SkmProfileCountRow, TicketRow
from tests.kiosk.rating.test_rating_real import copy_shots, rows
from tests.kiosk.real_app import RealKiosk
from tests.kiosk.real_ports import RealConfig
from tests.support import FULL_MATRIX, Broker, HubProcess, Probe

pytestmark = pytest.mark.timeout(300)


def serve(probe: Probe) -> dict[str, Any]:
    ticket = probe.issue("A")
    assert probe.command("2", "next")["ticket"] == ticket["ticket"]
    assert probe.command("2", "finish")["ticket"] == ticket["ticket"]
    return ticket


def run_kiosk(
    scenario: str, broker: Broker, tmp_path: Path, lang: str, params: dict[str, Any]
) -> dict[str, Any]:
    printer = {"kind": "file", "path": str(tmp_path / "tickets.bin")}
    config = RealConfig(broker.url, printer, params=params)
    kiosk = RealKiosk(scenario, tmp_path / scenario, config, size="1080x1920", lang=lang)
    kiosk.start()
    try:
        result = kiosk.run()
    finally:
        kiosk.stop()
    assert result["ok"], f"{result.get('error')}\n{kiosk.log_tail()}"
    copy_shots(tmp_path / scenario, f"kiosk-{scenario.removeprefix('real_')}-{lang}-1080x1920")
    assert result["layout_problems"] == [], "text cut, outside the window or overlapping"
    return result


@pytest.mark.parametrize("lang", ["id", "en"] if FULL_MATRIX else ["id"])  # both: the full matrix
def test_rating_by_a_typed_ticket_code_with_a_complaint(
    lang: str, broker: Broker, hub: HubProcess, probe: Probe, tmp_path: Path
) -> None:
    code = serve(probe)["ticket"]
    result = run_kiosk("real_rate_typed", broker, tmp_path, lang, {"typed": "a-1"})  # as a visitor types it
    records = result["records"]
    unknown = records["03_code_unknown"]["fields"]["r_code"]["error"]
    assert unknown == ("Tiket ini tidak ditemukan. Periksa lagi nomornya." if lang == "id" else
                       "No ticket with this number was found. Please check the number.")  # fmt: skip
    assert (
        code in records["04_faces"]["texts"]["ticket"] and "Meja 2" in records["04_faces"]["texts"]["ticket"]
    )
    [rating] = rows(hub, RatingRow)
    expected = tuple(3 if n % 2 else 4 for n in range(9))
    assert (rating.overall, tuple(getattr(rating, f"u{n}") for n in range(1, 10))) == (4, expected)
    assert (rating.source, rating.client, rating.desk) == ("kiosk", "k1", "2")
    [profile] = rows(hub, SkmProfileCountRow)  # laki-laki, the rest skipped at once
    assert (profile.sex, profile.age, profile.education, profile.occupation) == ("male", "", "", "")
    [complaint] = rows(hub, ComplaintRow)
    assert records["typed"]["number"] == complaint.number == records["08_done"]["texts"]["number"]
    assert (complaint.rating_id, complaint.contact_name, complaint.contact_phone) == (
        rating.id,
        "Siti",
        "081234567890",
    )
    assert complaint.text == "AC ruang tunggu mati" and complaint.source == "kiosk"


def test_rating_by_the_scanned_qr_text_and_a_complaint_without_a_ticket(
    broker: Broker, hub: HubProcess, probe: Probe, tmp_path: Path
) -> None:
    rated, fresh = serve(probe), serve(probe)
    assert probe.ask("k9", {"rating": {"ticket": rated["ticket"], "overall": 5}})["rating_ref"]
    day = rated["issued_at"][:10]  # the QR holds code/business day, as kiosk.printing prints it
    params = {"rated": f"{rated['ticket']}/{day}", "scan": f"{fresh['ticket']}/{day}"}
    result = run_kiosk("real_rate_scanned", broker, tmp_path, "id", params)
    error = result["records"]["01_code_already_rated"]["fields"]["r_code"]["error"]
    assert error == "Penilaian untuk tiket ini sudah diberikan. Terima kasih!"
    checks = [c["body"] for c in result["hub"]["feedback_calls"] if "rating_check" in c["body"]]
    assert checks[-1] == {"rating_check": {"ticket": fresh["ticket"], "day": day}}
    first, second = rows(hub, RatingRow)
    tickets = {t.id: t.code for t in rows(hub, TicketRow)}
    assert (tickets[second.ticket_id], second.overall, second.source, second.u1) == (
        fresh["ticket"],
        3,
        "kiosk",
        None,
    )
    assert first.overall == 5  # the earlier rating stays as it was
    [complaint] = rows(hub, ComplaintRow)
    assert (complaint.ticket_id, complaint.rating_id, complaint.text) == (
        None,
        None,
        "Tolong tambah jam layanan",
    )
    assert result["records"]["no_ticket"]["number"] == complaint.number
