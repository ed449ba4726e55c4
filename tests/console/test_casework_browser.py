"""Complaints and online requests in a real Chromium, at the desktop and the tablet size: a
complaint received and answered, an online request recorded and replied to; screenshots of each
page (``ANTRE_SCREENSHOTS=1`` puts them in docs/screenshots/console/)."""

from __future__ import annotations

from tests.console.browser import ISSUE_SIZES, log_of, wait_for_text
from tests.support import console_secret


def _problems(page) -> list[str]:
    # A form refused on purpose answers 400 (re-rendered with the message), which Chromium logs.
    return [p for p in log_of(page).problems() if "status of 400 (Bad Request)" not in p]


def _sign_in(page, officer: str) -> None:
    page.goto("/signin")
    page.fill("#officer", officer)
    page.fill("#secret", console_secret(officer))
    page.click("button[type=submit]")
    wait_for_text(page, "Masuk sebagai")


def test_a_complaint_is_received_and_answered_in_the_browser(console_hub, page_at, screenshot) -> None:
    _hub, base = console_hub
    for size in ISSUE_SIZES:
        page = page_at(size, base_url=base)
        _sign_in(page, "budi")
        page.goto("/complaints")
        page.click("text=Terima pengaduan")
        wait_for_text(page, "Terima pengaduan atau saran")
        page.check("input[name=via][value=letter]")
        page.fill("#name", "Dewi Lestari")
        page.fill("#phone", "12")
        page.fill("#text", f"Ruang tunggu panas ({size})")
        page.click("text=Simpan pengaduan")
        wait_for_text(page, "Nomor telepon tidak valid")
        assert page.input_value("#text") == f"Ruang tunggu panas ({size})"  # nothing lost
        screenshot(page, "complaint-new-error", size, full_page=True)
        page.fill("#phone", "0812 3456 7890")
        page.click("text=Simpan pengaduan")
        wait_for_text(page, "tersimpan.")
        wait_for_text(page, "081234567890")
        page.fill("#answer-text", "Pendingin ruangan sudah diperbaiki.")
        page.click("text=Simpan jawaban")
        wait_for_text(page, "Jawaban tersimpan.")
        assert page.inner_text(".time-to-answer") != "-"
        screenshot(page, "complaint-detail", size, full_page=True)
        page.goto("/complaints?show=all")
        wait_for_text(page, "Median waktu menjawab:")
        screenshot(page, "complaints", size)
        assert _problems(page) == []


def test_an_online_request_is_recorded_and_replied_to_in_the_browser(
    console_hub, page_at, screenshot
) -> None:
    _hub, base = console_hub
    for size in ISSUE_SIZES:
        page = page_at(size, base_url=base)
        _sign_in(page, "rina")
        page.goto("/online")
        page.click("text=Catat permintaan")
        wait_for_text(page, "Catat permintaan online")
        page.check("input[name=channel][value=email]")
        page.fill("#contact", "warga@example.id")
        page.fill("#subject", "   ")
        page.click("text=Simpan permintaan")
        wait_for_text(page, "Subjek wajib diisi")
        assert page.input_value("#contact") == "warga@example.id"
        screenshot(page, "online-new-error", size, full_page=True)
        page.fill("#subject", f"Data penduduk per desa ({size})")
        page.click("text=Simpan permintaan")
        wait_for_text(page, "tercatat.")
        wait_for_text(page, "warga@example.id")  # the full contact on the detail page
        page.fill("#reply-text", "Tabel terlampir di email.")
        page.click("text=Simpan balasan")
        wait_for_text(page, "Balasan tersimpan.")
        wait_for_text(page, "Tutup otomatis")
        page.fill("#message-text", "Terima kasih, sudah saya terima.")
        page.click("text=Simpan pesan pengunjung")
        wait_for_text(page, "Pesan pengunjung tersimpan.")
        wait_for_text(page, "Terima kasih, sudah saya terima.")
        screenshot(page, "online-request", size, full_page=True)
        page.goto("/online")
        wait_for_text(page, "w****@example.id")
        assert "warga@example.id" not in page.content()
        screenshot(page, "online", size)
        assert _problems(page) == []
