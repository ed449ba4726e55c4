"""The setup page in Chromium: a supervisor adds a service and a desk that serves it; the page says
each is in effect and gives the technician the new desk's device-account steps."""

from __future__ import annotations

import pytest

from tests.console.browser import ISSUE_SIZES, wait_for_text
from tests.support import console_secret


@pytest.mark.parametrize("size", ISSUE_SIZES)
def test_the_setup_page_in_the_browser(console_hub, page_at, screenshot, size) -> None:
    _hub, base = console_hub
    page = page_at(size, base_url=base)
    page.goto("/signin?next=/setup")
    page.fill("#officer", "sari")
    page.fill("#secret", console_secret("sari"))
    page.click("form[action='/signin'] button[type=submit]")
    wait_for_text(page, "Pengaturan")
    page.fill("#new_prefix", "C")
    page.fill("#name_new", "Rekomendasi Statistik")
    page.fill("#name_en_new", "Statistical Activity Recommendation")
    page.check("input[name=new_desks][value='2']")
    page.click("form[action='/setup/add_service'] button[type=submit]")
    wait_for_text(page, "Layanan C ditambahkan dan sudah berlaku.")
    page.fill("#new_desk_id", "3")
    page.fill("#desk_name_new", "Loket Rekomendasi")
    page.check("input[name=desk_services_new][value='C']")
    page.click("form[action='/setup/add_desk'] button[type=submit]")
    wait_for_text(page, "Meja 3 ditambahkan dan sudah berlaku.")
    steps = page.locator("#desk_device pre").inner_text()
    assert 'id = "meja-3"' in steps and "antre setup --role counter --desk 3" in steps
    assert page.input_value("input[name=desk_name_3]") == "Loket Rekomendasi"
    assert page.is_checked("input[name=desk_services_3][value='C']")
    page.evaluate("window.scrollTo(0, 0)")  # the tables' sticky headers where they belong in the shot
    screenshot(page, "setup", size, full_page=True)
