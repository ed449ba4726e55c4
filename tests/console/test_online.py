"""4. Online requests in the console: recorded, replied to, the visitor's messages, the thread;
overdue first; the automatic close shown; a double submit; who may use the page; bad input."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from shared.store import online
from shared.store.db import make_engine, write_transaction
from tests.support import console_client

FORM_ID = re.compile(r'name="request_id" value="([^"]+)"')
NUMBER = re.compile(r"/online/(OL-\d{8}-\d{3})")
OFFICE = ZoneInfo("Asia/Jakarta")  # tests.support.site_config's time zone


def _ago(**delta: float) -> str:
    """A datetime-local field's value, office time, ``delta`` ago."""
    return (datetime.now(OFFICE) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")


def _record(
    client, contact: str = "0812 3456 7890", subject: str = "Data inflasi 2025", **fields: str
) -> str:
    form = {"channel": "whatsapp", "contact": contact, "subject": subject,
            "request_id": FORM_ID.search(client.get("/online/new").text).group(1)}  # fmt: skip
    answer = client.post("/online/new", data={**form, **fields})
    assert answer.status_code == 303, answer.text
    return NUMBER.search(answer.headers["location"]).group(1)


def _act(client, number: str, action: str, **fields: str):
    form_id = FORM_ID.search(client.get(f"/online/{number}").text).group(1)
    return client.post(f"/online/{number}/{action}", data={"request_id": form_id, **fields})


def test_an_officer_records_a_request_replies_logs_the_visitor_and_sees_the_thread(console_hub) -> None:
    hub, base = console_hub
    with console_client(base, "budi") as client:
        number = _record(client)
        page = client.get(f"/online/{number}?done=recorded").text
        assert f"Permintaan {number} tercatat." in page and "081234567890" in page  # the full contact here
        with sqlite3.connect(Path(hub.workdir) / "antre.db") as db:
            seen = list(db.execute("SELECT actor, action, subject FROM access_log"))
        assert ("officer/budi@console", "detail_view", f"online request {number}") in seen

        listed = client.get("/online").text
        assert number in listed and "********7890" in listed and "081234567890" not in listed

        assert _act(client, number, "reply", text="Datanya ada di tabel 3.1").status_code == 303
        assert _act(client, number, "message", text="Terima kasih, <i>tabel 3.2</i>?").status_code == 303
        page = client.get(f"/online/{number}").text
        reply, visitor = page.index("Datanya ada di tabel 3.1"), page.index("tabel 3.2")
        assert reply < visitor and "&lt;i&gt;tabel 3.2&lt;/i&gt;" in page
        assert "Petugas budi" in page and "Pengunjung" in page and "Perlu dibalas" in page

        assert _act(client, number, "reply", text="Tabel 3.2 terlampir").status_code == 303
        page = client.get(f"/online/{number}").text
        assert "Tutup otomatis" in page and "bila pengunjung tidak membalas" in page  # the 7-day close ahead

        # A complaint the online visitor made, recorded against the request, links back to it.
        new = FORM_ID.search(client.get("/complaints/new").text).group(1)
        about = {"via": "online", "kind": "complaint", "online": number, "text": "Balasan lambat"}
        complaint = client.post("/complaints/new", data={**about, "request_id": new})
        assert complaint.status_code == 303
        assert f'href="/online/{number}"' in client.get(complaint.headers["location"]).text

        assert _act(client, number, "close").status_code == 303
        assert number not in client.get("/online").text
        closed = client.get("/online?show=closed").text
        assert number in closed and "selesai" in closed
        client.cookies.set("antre_lang", "en")
        assert "Closed" in client.get("/online?show=closed").text
        assert "done" in client.get(f"/online/{number}").text


def test_overdue_requests_come_first_and_the_automatic_close_is_shown(console_hub) -> None:
    hub, base = console_hub
    with console_client(base, "rina") as client:
        fresh = _record(client, subject="Baru")
        # Due long ago and never answered: it stays open (the contact's mask is checked on it).
        old = _record(client, subject="Lama", contact="warga@example.id", channel="email",
                      complete_at=_ago(days=12))  # fmt: skip
        # Answered 8 days ago with no word since: the hub's minute tick may close it at any moment.
        quiet = _record(client, subject="Sepi", complete_at=_ago(days=12))
        assert _act(client, quiet, "reply", text="Sudah dijawab", at=_ago(days=8)).status_code == 303
        listed = client.get("/online").text
        order = [m.group(1) for m in re.finditer(r'href="/online/(OL-[^"]+)"', listed)]
        assert order.index(old) < order.index(fresh)
        assert "Lewat batas" in listed and "w****@example.id" in listed and "warga@example.id" not in listed

        engine = make_engine(f"sqlite:///{Path(hub.workdir) / 'antre.db'}")
        with write_transaction(engine) as session:  # what the hub's minute tick does
            online.auto_close(session, datetime.now(UTC))
        engine.dispose()
        closed = client.get("/online?show=closed").text
        assert quiet in closed and "Ditutup otomatis" in closed and "7 hari tanpa balasan" in closed
        assert "Ditutup otomatis" in client.get(f"/online/{quiet}").text


def test_a_double_submit_records_one_request_and_one_reply(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "budi") as client:
        form = {"channel": "web", "contact": "formulir #12", "subject": "Peta wilayah",
                "request_id": FORM_ID.search(client.get("/online/new").text).group(1)}  # fmt: skip
        one, two = client.post("/online/new", data=form), client.post("/online/new", data=form)
        assert one.headers["location"] == two.headers["location"]
        number = NUMBER.search(one.headers["location"]).group(1)
        assert "1 permintaan" in client.get("/online").text
        form_id = FORM_ID.search(client.get(f"/online/{number}").text).group(1)
        for _ in range(2):
            sent = client.post(
                f"/online/{number}/reply", data={"text": "Balasan tunggal", "request_id": form_id}
            )
            assert sent.status_code == 303
        assert client.get(f"/online/{number}").text.count("Balasan tunggal") == 1


def test_officers_and_supervisors_may_use_the_page_a_technician_may_not(console_hub) -> None:
    _hub, base = console_hub
    for officer in ("budi", "sari"):
        with console_client(base, officer) as client:
            assert client.get("/online").status_code == 200
    with console_client(base, "teguh") as client:
        assert client.get("/online").status_code == 403
        assert client.get("/online/new").status_code == 403
        assert client.post("/online/new", data={"channel": "web", "subject": "x"}).status_code == 403


def test_bad_input_is_explained_in_indonesian_and_the_typed_text_kept(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "budi") as client:
        form_id = FORM_ID.search(client.get("/online/new").text).group(1)
        empty = client.post("/online/new", data={"channel": "email", "contact": "tamu@example.id",
                                                 "subject": "   ", "request_id": form_id})  # fmt: skip
        assert empty.status_code == 400 and "Subjek wajib diisi" in empty.text
        assert 'value="tamu@example.id"' in empty.text
        channel = client.post("/online/new", data={"channel": "merpati", "contact": "x", "subject": "Surat",
                                                   "request_id": form_id})  # fmt: skip
        assert (
            channel.status_code == 400 and "Pilih saluran" in channel.text and 'value="Surat"' in channel.text
        )
        later = {"channel": "web", "contact": "x", "subject": "Nanti", "complete_at": _ago(days=-2)}
        future = client.post("/online/new", data={**later, "request_id": form_id})
        assert future.status_code == 400 and "Waktu tidak valid" in future.text
        assert "0 permintaan" in client.get("/online").text
        number = _record(client)
        long_text = "kata " * 1000  # 5000 characters
        answer = _act(client, number, "reply", text=long_text)
        assert answer.status_code == 400 and "paling banyak 4000 karakter" in answer.text
        assert long_text.strip() in answer.text
        empty_reply = _act(client, number, "message", text="  ")
        assert empty_reply.status_code == 400 and "Isi pesan wajib diisi." in empty_reply.text
        assert "Belum ada pesan." in client.get(f"/online/{number}").text
        assert client.get("/online/OL-20990101-001").status_code == 404
