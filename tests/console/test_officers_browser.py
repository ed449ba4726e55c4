"""6. Officers in a real Chromium: a supervisor disables an officer who has the lobby open in another
browser; the officer's next navigation lands on the sign-in page saying why. Screenshots of the
officers page at the issue's sizes (``ANTRE_SCREENSHOTS=1`` puts them in docs/screenshots/console/)."""

from __future__ import annotations

from tests.console.browser import ISSUE_SIZES, log_of, wait_for_text
from tests.support import console_secret, staff_call


def _problems(page) -> list[str]:
    # A form refused on purpose answers 400 (re-rendered with the message), which Chromium logs.
    return [p for p in log_of(page).problems() if "status of 400 (Bad Request)" not in p]


def _sign_in(page, officer: str) -> None:
    page.goto("/signin")
    page.fill("#officer", officer)
    page.fill("#secret", console_secret(officer))
    page.click("form[action='/signin'] button[type=submit]")
    wait_for_text(page, "Masuk sebagai")


def test_a_disabled_officer_open_session_dies(console_hub, page_at) -> None:
    _hub, base = console_hub
    rina = page_at("desktop", base_url=base)
    _sign_in(rina, "rina")
    rina.goto("/lobby")
    sari = page_at("desktop", base_url=base)
    _sign_in(sari, "sari")
    sari.goto("/officers")
    sari.click("#officer-rina form[action='/officers/rina/active'] button[type=submit]")
    wait_for_text(sari, "Akun rina dinonaktifkan; 1 sesi diakhiri.")
    rina.goto("/lobby")
    wait_for_text(rina, "Sesi Anda diakhiri: akun Anda dinonaktifkan.")
    assert "/signin" in rina.url
    assert _problems(sari) == [] and _problems(rina) == []


def test_the_officers_page_at_the_issue_sizes(console_hub, page_at, screenshot) -> None:
    _hub, base = console_hub
    status, _body = staff_call(base, "/api/v1/signin", {"desk": "1", "officer": "budi", "pin": "246810"})
    assert status == 200
    for n, size in enumerate(ISSUE_SIZES):
        page = page_at(size, base_url=base)
        _sign_in(page, "sari")
        page.goto("/officers")
        page.fill("#officer_id", f"wati{n}")
        page.fill("#name", "Wati Sulastri")
        page.check("input[name=role][value=officer]")
        page.fill("#secret", "1234")
        page.fill("#confirm", "1234")
        page.click("form[action='/officers/add'] button[type=submit]")
        wait_for_text(page, "PIN petugas terdiri dari 6 sampai 8 angka")
        assert page.input_value("#name") == "Wati Sulastri" and page.input_value("#secret") == ""
        assert page.evaluate("document.activeElement.id") == "secret"  # the field to fix, in view
        page.evaluate("window.scrollTo(0, 0)")  # a full-page shot of a scrolled page moves the sticky head
        screenshot(page, "officers-add-error", size, full_page=True)
        page.fill("#secret", "918273")
        page.fill("#confirm", "918273")
        page.click("form[action='/officers/add'] button[type=submit]")
        wait_for_text(page, f"Akun wati{n} ditambahkan.")
        wait_for_text(page, "Meja 1")  # budi at desk 1
        screenshot(page, "officers", size, full_page=True)
        # A console account's role changes with the secret the new role asks for.
        page.click(f"#officer-wati{n} form[action$='/role'] >> xpath=ancestor::details/summary")
        page.select_option(f"#role-wati{n}", "technician")
        page.fill(f"#role-secret-wati{n}", "teh manis di meja depan")
        page.fill(f"#role-confirm-wati{n}", "teh manis di meja depan")
        screenshot(page, "officers-role", size, full_page=True)
        page.click(f"#officer-wati{n} form[action$='/role'] button[type=submit]")
        wait_for_text(page, f"Peran wati{n} diubah; 0 sesi diakhiri.")
        assert _problems(page) == []
