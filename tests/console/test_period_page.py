"""The day-and-period page: figures and charts for a period, clear refusals of bad dates."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.console.browser import ISSUE_SIZES, wait_for_text
from tests.support import Probe, console_client, console_secret


def _desk(probe: Probe, desk: str, action: str, **fields: Any) -> dict[str, Any]:
    """A desk action as JSON (``call_ticket`` needs a ticket and a reason)."""
    body = {"v": 1, "action": action, "request_id": uuid.uuid4().hex[:16], **fields}
    answer = probe.command(desk, body, timeout=30)
    assert answer["ok"], answer
    return answer


def test_the_period_page_counts_todays_visitors_and_draws_its_charts(console_hub, broker) -> None:
    _hub, base = console_hub
    probe = Probe(broker.port)
    try:
        probe.issue("A")
        probe.issue("B")  # B-001
        probe.ask("k1", {"service": "A", "priority": True, "category": "lansia"}, timeout=30)
        _desk(probe, "1", "open")
        # B-001 out of order (the priority A-002 heads the queue), parked; A-002 called, sent back.
        _desk(probe, "1", "call_ticket", ticket="B-001", reason="same_group")
        _desk(probe, "1", "hold")
        assert _desk(probe, "1", "next")["ticket"] == "A-002"
        _desk(probe, "1", "return")
    finally:
        probe.close()
    with console_client(base, "budi") as client:
        page = client.get("/period")
        assert page.status_code == 200
        assert page.text.count("<svg") == 3
        assert "Pengunjung" in page.text and ">3<" in page.text.replace(" ", "")
        # The priority lane and the desk actions, visible on the page.
        html = " ".join(page.text.split())
        for label, value in (("Kunjungan prioritas", "1"), ("Panggilan di luar urutan", "1"),
                             ("Ditunda di meja", "1"), ("Dikembalikan ke antrean", "1")):  # fmt: skip
            assert f'<p class="label">{label}</p><p class="value">{value}</p>' in html, label
        assert '<td>Satu rombongan</td><td class="num">1</td>' in html
        assert '<td>Lansia</td><td class="num">1</td>' in html
        still_parked = "Tidak dipanggil kembali (masih ditunda atau ditutup akhir hari)"  # B-001
        assert f'<td>{still_parked}</td><td class="num">1</td>' in html
        # Per desk (one column each, then the total): desk 1's out-of-order call, parked, returned.
        assert '<th scope="col" class="num">Meja 1</th> <th scope="col" class="num">Total</th>' in html
        for label in ("Panggilan di luar urutan", "Ditunda di meja", "Dikembalikan ke antrean"):
            assert f'<th scope="row">{label}</th> <td class="num">1</td> <td class="num">1</td>' in html
        english = client.post("/language", data={"lang": "en", "next": "/period"}, follow_redirects=True)
        assert "10-minute standard met" in english.text
        assert "Out-of-order calls" in english.text and "Same group" in english.text


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2026-13-01&to=2026-12-01", "Tanggal harus berbentuk TTTT-BB-HH"),
        ("from=2026-11-10&to=2026-11-01", "Tanggal akhir tidak boleh sebelum tanggal awal."),
        ("from=2024-01-01&to=2026-01-01", "Periode paling panjang 366 hari."),
    ],
)
def test_bad_dates_get_a_clear_message_and_keep_what_was_typed(console_hub, query, message) -> None:
    _hub, base = console_hub
    with console_client(base, "sari") as client:
        page = client.get(f"/period?{query}")
    assert page.status_code == 400 and message in page.text
    assert query.split("&")[0].split("=")[1] in page.text


@pytest.mark.parametrize("size", ISSUE_SIZES)
def test_the_period_page_in_the_browser(console_hub, broker, page_at, screenshot, size) -> None:
    _hub, base = console_hub
    probe = Probe(broker.port)
    try:
        for service in ("A", "A", "B"):
            probe.issue(service)
        probe.command("1", "open")
        probe.command("1", "next")
        probe.ask("k1", {"service": "B", "priority": True, "category": "hamil"}, timeout=30)  # B-002
        _desk(probe, "2", "open")
        _desk(probe, "2", "call_ticket", ticket="A-002", reason="appointment")
        _desk(probe, "2", "hold")
        _desk(probe, "2", "next")  # B-002, the priority visitor
    finally:
        probe.close()
    page = page_at(size, base_url=base)
    page.goto("/signin?next=/period")
    page.fill("#officer", "sari")
    page.fill("#secret", console_secret("sari"))
    page.click("button[type=submit]")
    wait_for_text(page, "Standar 10 menit terpenuhi")
    page.click("text=Bulan ini")
    wait_for_text(page, "Per layanan")
    assert page.locator("figure.chart svg").count() == 3
    lanes = page.locator("#lanes")
    lanes.scroll_into_view_if_needed()
    assert lanes.locator("#reasons-table").inner_text().count("Janji temu\t1") == 1
    assert "Ibu hamil\t1" in lanes.locator("#categories-table").inner_text()
    screenshot(page, "period", size, full_page=True)
