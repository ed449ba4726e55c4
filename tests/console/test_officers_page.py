"""6. Officers in the console: an account added signs in at a desk; a PIN reset ends the sessions
and only the new PIN works; a disabled officer's open console session is refused with the reason and
their desk freed; refusals (weak PIN, mismatched confirmation, existing id, disabling oneself) come
back in Indonesian with what was typed; who may use the page and manage which role."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.support import console_client, console_secret, staff_call

SESSIONS_ENDED = re.compile(r"(\d+) sesi diakhiri")


def _desk_signin(base: str, officer: str, pin: str, desk: str = "1") -> tuple[int, dict]:
    return staff_call(base, "/api/v1/signin", {"desk": desk, "officer": officer, "pin": pin})


def _add(client, officer_id: str, name: str, role: str, secret: str, confirm: str | None = None):
    data = {"officer_id": officer_id, "name": name, "role": role, "secret": secret,
            "confirm": secret if confirm is None else confirm}  # fmt: skip
    return client.post("/officers/add", data=data)


def test_a_supervisor_adds_an_officer_who_then_signs_in_at_a_desk(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "sari") as client:
        page = client.get("/officers").text
        for officer in ("budi", "rina", "sari", "teguh"):
            assert f'id="officer-{officer}"' in page
        assert "PIN 6-8 angka" in page and "frasa sandi" in page  # the policy on the form
        answer = _add(client, "wati", "Wati <b>Sulastri</b>", "officer", "918273")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/officers?done=added")
        page = client.get(answer.headers["location"]).text
        assert "Akun wati ditambahkan." in page
        assert "Wati &lt;b&gt;Sulastri&lt;/b&gt;" in page and "konsol" in page

        status, body = _desk_signin(base, "wati", "918273")
        assert status == 200, body
        page = client.get("/officers").text
        row = page[page.index('id="officer-wati"') :]
        row = row[: row.index("</tr>")]
        assert "Meja 1" in row and "127.0.0.1" in row  # where she is signed in now
        desk_token = body["token"]

        # She becomes a technician: a passphrase for the new role, and her desk session ends.
        phrase = "teh manis di meja depan"
        weak = client.post(
            "/officers/wati/role", data={"role": "technician", "secret": "918273", "confirm": "918273"}
        )
        assert weak.status_code == 400 and "frasa sandi" in weak.text  # a PIN does not carry a console role
        changed = client.post(
            "/officers/wati/role", data={"role": "technician", "secret": phrase, "confirm": phrase}
        )
        assert changed.status_code == 303
        page = client.get(changed.headers["location"]).text
        assert "Peran wati diubah; 1 sesi diakhiri." in page
        row = page[page.index('id="officer-wati"') :]
        assert "teknisi" in row[: row.index("</tr>")]
        assert staff_call(base, "/api/v1/visitor", token=desk_token)[1]["error"]["reason"] == "role_changed"
        assert _desk_signin(base, "wati", "918273")[0] == 401  # the old PIN went with the old role
    with console_client(base, "wati", secret=phrase) as wati:
        assert wati.get("/officers").status_code == 200  # a technician's page now


def test_a_pin_reset_ends_the_sessions_and_only_the_new_pin_works(console_hub) -> None:
    _hub, base = console_hub
    old_pin = console_secret("budi")
    status, body = _desk_signin(base, "budi", old_pin)
    assert status == 200, body
    desk_token = body["token"]
    with console_client(base, "sari") as client:
        answer = client.post("/officers/budi/reset", data={"secret": "11223344", "confirm": "11223344"})
        assert answer.status_code == 303
        page = client.get(answer.headers["location"]).text
        assert "PIN/frasa sandi budi diatur ulang" in page
        assert SESSIONS_ENDED.search(page).group(1) == "1"
    status, body = staff_call(base, "/api/v1/visitor", token=desk_token)
    assert status == 401 and body["error"]["reason"] == "pin_reset"
    assert _desk_signin(base, "budi", old_pin)[0] == 401
    assert _desk_signin(base, "budi", "11223344")[0] == 200


def test_a_disabled_officer_is_signed_out_everywhere_and_their_desk_freed(console_hub) -> None:
    hub, base = console_hub
    status, _body = _desk_signin(base, "rina", console_secret("rina"), desk="2")
    assert status == 200
    with console_client(base, "rina") as rina, console_client(base, "sari") as sari:
        assert rina.get("/lobby").status_code == 200
        answer = sari.post("/officers/rina/active", data={"active": "0"})
        assert answer.status_code == 303
        page = sari.get(answer.headers["location"]).text
        assert "Akun rina dinonaktifkan; 2 sesi diakhiri." in page
        row = page[page.index('id="officer-rina"') :]
        assert "Nonaktif" in row[: row.index("</tr>")] and "Meja 2" not in row[: row.index("</tr>")]

        refused = rina.get("/lobby")
        assert refused.status_code == 303
        assert "reason=revoked_disabled" in refused.headers["location"]
        assert "akun Anda dinonaktifkan" in rina.get(refused.headers["location"]).text
        with sqlite3.connect(Path(hub.workdir) / "antre.db") as db:
            (desk_officer,) = db.execute("SELECT officer_id FROM desks WHERE id = '2'").fetchone()
        assert desk_officer is None
        assert _desk_signin(base, "rina", console_secret("rina"))[0] == 401

        answer = sari.post("/officers/rina/active", data={"active": "1"})
        assert "Akun rina diaktifkan kembali." in sari.get(answer.headers["location"]).text
    assert _desk_signin(base, "rina", console_secret("rina"))[0] == 200


def test_refusals_come_back_in_indonesian_keeping_what_was_typed(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "sari") as client:
        weak = _add(client, "dewi", "Dewi Anggraini", "officer", "1234")
        assert weak.status_code == 400
        assert "PIN petugas terdiri dari 6 sampai 8 angka" in weak.text
        assert 'value="dewi"' in weak.text and 'value="Dewi Anggraini"' in weak.text
        assert "1234" not in weak.text  # the secret is never sent back

        mismatch = _add(client, "dewi", "Dewi Anggraini", "officer", "918273", confirm="918274")
        assert mismatch.status_code == 400 and "Kedua isian tidak sama" in mismatch.text
        assert "918273" not in mismatch.text and 'value="Dewi Anggraini"' in mismatch.text

        short = _add(client, "andi", "Andi", "supervisor", "pendek")
        assert short.status_code == 400 and "minimal 12 karakter" in short.text

        taken = _add(client, "budi", "Budi Lain", "officer", "918273")
        assert taken.status_code == 409 and "Sudah ada petugas dengan ID itu." in taken.text

        bad_reset = client.post("/officers/budi/reset", data={"secret": "918273", "confirm": "000000"})
        assert bad_reset.status_code == 400 and "Kedua isian tidak sama" in bad_reset.text

        myself = client.post("/officers/sari/active", data={"active": "0"})
        assert myself.status_code == 400 and "tidak dapat menonaktifkan akun Anda sendiri" in myself.text
        assert 'action="/officers/sari/active"' not in client.get("/officers").text  # no button offered
        client.cookies.set("antre_lang", "en")
        english = _add(client, "dewi", "Dewi Anggraini", "officer", "12ab")
        assert "Staff accounts" in english.text and "PIN is 6 to 8 digits (0-9)" in english.text
    assert _desk_signin(base, "budi", console_secret("budi"))[0] == 200  # nothing changed


def test_who_may_use_the_page_and_manage_which_role(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "budi") as officer:
        assert officer.get("/officers").status_code == 403
        assert _add(officer, "x1", "X", "officer", "918273").status_code == 403
        assert officer.post("/officers/rina/active", data={"active": "0"}).status_code == 403
    with console_client(base, "teguh") as technician:
        page = technician.get("/officers").text
        assert 'value="supervisor"' not in page and 'action="/officers/sari/active"' not in page
        refused = _add(technician, "andi", "Andi", "supervisor", "kunci lemari arsip lantai dua")
        assert refused.status_code == 403 and "Hanya supervisor" in refused.text
        assert technician.post("/officers/sari/active", data={"active": "0"}).status_code == 403
        reset = {"secret": "kunci lemari arsip lantai dua", "confirm": "kunci lemari arsip lantai dua"}
        assert technician.post("/officers/sari/reset", data=reset).status_code == 403
        assert _add(technician, "wati", "Wati", "officer", "918273").status_code == 303
        phrase = {"secret": "kunci lemari arsip lantai dua", "confirm": "kunci lemari arsip lantai dua"}
        promoted = technician.post("/officers/wati/role", data={"role": "supervisor", **phrase})
        assert promoted.status_code == 403 and "Hanya supervisor" in promoted.text
        own = {"role": "officer", "secret": "918273", "confirm": "918273"}
        assert technician.post("/officers/teguh/role", data=own).status_code == 400  # not their own
        page = technician.get("/officers").text
        assert 'action="/officers/wati/role"' in page and 'action="/officers/budi/role"' not in page
        assert "peran diatur di berkas konfigurasi" in page  # budi and rina are the config file's
    with console_client(base, "sari"):
        pass  # sari's passphrase still works: nothing the technician tried went through


def test_resetting_ones_own_passphrase_signs_out_to_the_new_one(console_hub) -> None:
    _hub, base = console_hub
    new = "kopi tubruk tanpa gula"
    with console_client(base, "sari") as client:
        answer = client.post("/officers/sari/reset", data={"secret": new, "confirm": new})
        assert answer.status_code == 303 and "reason=pin_reset" in answer.headers["location"]
        assert "PIN atau frasa sandi Anda diatur ulang" in client.get(answer.headers["location"]).text
        assert client.get("/officers").status_code == 303  # this session ended with the reset
        signed_in = client.post("/signin", data={"officer": "sari", "secret": new})
        assert signed_in.status_code == 303
        assert client.get("/officers").status_code == 200
