"""Signing in to the console from a browser's side (form, cookie, roles), over HTTP on loopback."""

from __future__ import annotations

from tests.support import console_client


def test_a_supervisor_signs_in_sees_the_lobby_and_signs_out(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "sari") as client:
        cookie = client.cookies.get("antre_session")
        assert cookie
        page = client.get("/lobby")
        assert page.status_code == 200 and "Sari Wulandari" in page.text
        assert client.post("/signout").status_code == 303
        assert client.get("/lobby").status_code == 303  # back to the sign-in page


def test_a_wrong_passphrase_and_an_unknown_officer_read_the_same(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base) as client:
        wrong = client.post("/signin", data={"officer": "sari", "secret": "salah sekali"})
        unknown = client.post("/signin", data={"officer": "nobody", "secret": "salah sekali"})
    assert wrong.status_code == unknown.status_code == 401
    assert "ID petugas atau PIN/frasa sandi salah." in wrong.text and "ID petugas atau PIN" in unknown.text
    assert "antre_session" not in wrong.cookies


def test_a_page_without_a_session_goes_to_the_sign_in_page(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base) as client:
        answer = client.get("/lobby")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin?next=/lobby")
