"""Signing in to the console in a real Chromium, at the desktop and the tablet size."""

from __future__ import annotations

import pytest

from tests.console.browser import ISSUE_SIZES, wait_for_text
from tests.support import console_secret


@pytest.mark.parametrize("size", ISSUE_SIZES)
def test_a_supervisor_signs_in_and_out_in_the_browser(console_hub, page_at, screenshot, size) -> None:
    _hub, base = console_hub
    page = page_at(size, base_url=base)
    page.goto("/")
    wait_for_text(page, "Masuk ke Konsol Petugas")
    page.fill("#officer", "sari")
    page.fill("#secret", "bukan ini")
    page.click("button[type=submit]")
    wait_for_text(page, "ID petugas atau PIN/frasa sandi salah.")
    assert page.input_value("#officer") == "sari"  # what was typed is kept
    screenshot(page, "signin-error", size)
    page.fill("#secret", console_secret("sari"))
    page.click("button[type=submit]")
    wait_for_text(page, "Masuk sebagai Sari Wulandari (supervisor)")
    assert page.url.endswith("/lobby")
    screenshot(page, "lobby", size)
    page.click("text=Keluar")
    wait_for_text(page, "Anda sudah keluar.")
    page.goto("/lobby")
    wait_for_text(page, "Masuk ke Konsol Petugas")
