"""3. Complaints in the console: received, answered, closed, with the time to answer; the list's
order and median; a double submit; who may use the page; bad input kept and explained."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from shared.config import settings_from_mapping
from shared.contract.feedback_requests import Contact
from shared.store import complaints, online
from shared.store.db import make_engine, write_transaction
from tests.support import console_client

FORM_ID = re.compile(r'name="request_id" value="([^"]+)"')
NUMBER = re.compile(r"/complaints/(ADU-\d{8}-\d{3})")


def _form_id(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return FORM_ID.search(page.text).group(1)


def _receive(client, text: str, **fields: str) -> str:
    form = {
        "via": "phone",
        "kind": "complaint",
        "text": text,
        "request_id": _form_id(client, "/complaints/new"),
    }
    answer = client.post("/complaints/new", data={**form, **fields})
    assert answer.status_code == 303, answer.text
    return NUMBER.search(answer.headers["location"]).group(1)


def _access_log(hub) -> list[tuple[str, str, str]]:
    with sqlite3.connect(Path(hub.workdir) / "antre.db") as db:
        return list(db.execute("SELECT actor, action, subject FROM access_log ORDER BY id"))


def test_an_officer_receives_answers_and_closes_a_complaint_and_sees_the_time_to_answer(console_hub) -> None:
    hub, base = console_hub
    with console_client(base, "budi") as client:
        number = _receive(client, "Antrean terlalu lama <b>sekali</b>", name="Dewi Lestari",
                          phone="0812 3456 7890")  # fmt: skip
        page = client.get(f"/complaints/{number}?done=received")
        assert f"Pengaduan {number} tersimpan." in page.text
        assert "Antrean terlalu lama &lt;b&gt;sekali&lt;/b&gt;" in page.text  # escaped, never markup
        assert "Dewi Lestari" in page.text and "Telepon" in page.text
        assert ("officer/budi@console", "detail_view", f"complaint {number}") in _access_log(hub)

        listed = client.get("/complaints").text
        assert number in listed and "Belum dijawab" in listed and "menunggu" in listed
        assert "belum ada yang dijawab" in listed

        form_id = FORM_ID.search(page.text).group(1)
        answered = client.post(f"/complaints/{number}/answer",
                               data={"text": "Loket ditambah satu.", "request_id": form_id})  # fmt: skip
        assert answered.status_code == 303 and answered.headers["location"].endswith("?done=answered")
        page = client.get(f"/complaints/{number}").text
        assert "Loket ditambah satu." in page and "Dijawab" in page and "budi" in page
        took = re.search(r'class="time-to-answer">([^<]+)<', page).group(1)
        assert took != "-" and ("mnt" in took or "jam" in took)

        listed = client.get("/complaints?show=answered").text
        assert number in listed and "Median waktu menjawab: " + took in listed

        form_id = FORM_ID.search(page).group(1)
        closed = client.post(f"/complaints/{number}/close", data={"request_id": form_id})
        assert closed.status_code == 303
        assert number not in client.get("/complaints").text  # the default list: not finished
        closed_list = client.get("/complaints?show=closed").text
        assert number in closed_list and "Ditutup" in closed_list
        page = client.get(f"/complaints/{number}").text
        assert "Ditutup" in page and "Simpan jawaban" not in page  # no answer form once closed
        client.cookies.set("antre_lang", "en")
        english = client.get("/complaints?show=closed").text
        assert "Median time to answer" in english


def test_the_list_shows_open_ones_first_oldest_first_and_rating_screen_complaints(console_hub) -> None:
    hub, base = console_hub
    engine = make_engine(f"sqlite:///{Path(hub.workdir) / 'antre.db'}")
    with write_transaction(engine) as session:  # one from the rating screen, as the hub records it
        now = datetime.now(UTC)
        complaints.add(session, text="Petugas ramah", kind="suggestion", source="desk", day=now.date(),
                       now=now, contact=Contact())  # fmt: skip
    engine.dispose()
    with console_client(base, "rina") as client:
        first = _receive(client, "Yang pertama")
        second = _receive(client, "Yang kedua", via="letter")
        page = client.get(f"/complaints/{first}").text
        client.post(
            f"/complaints/{first}/answer", data={"text": "Sudah", "request_id": FORM_ID.search(page)[1]}
        )
        listed = client.get("/complaints").text
        order = [m.group(1) for m in re.finditer(r'href="/complaints/(ADU-[^"]+)"', listed)]
        assert order.index(second) < order.index(first)  # open before answered
        desk = next(n for n in order if n not in (first, second))
        assert order.index(desk) < order.index(second)  # oldest open first
        assert "Layar penilaian" in listed and "Surat" in listed and "3 pengaduan" in listed


def test_a_double_submit_records_one_complaint_and_one_answer(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "budi") as client:
        form = {"via": "walkin", "kind": "complaint", "text": "Dua kali kirim",
                "request_id": _form_id(client, "/complaints/new")}  # fmt: skip
        one = client.post("/complaints/new", data=form)
        two = client.post("/complaints/new", data=form)
        assert one.headers["location"] == two.headers["location"]
        number = NUMBER.search(one.headers["location"]).group(1)
        assert "1 pengaduan" in client.get("/complaints").text
        form_id = _form_id(client, f"/complaints/{number}")
        for _ in range(2):
            client.post(f"/complaints/{number}/answer", data={"text": "Sekali saja", "request_id": form_id})
        assert client.get(f"/complaints/{number}").text.count("Sekali saja") == 1


def test_a_technician_may_not_use_the_complaints_page(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "teguh") as client:
        assert client.get("/complaints").status_code == 403
        assert client.get("/complaints/new").status_code == 403
        refused = client.post("/complaints/new", data={"via": "phone", "text": "x"})
        assert refused.status_code == 403 and "Halaman ini hanya untuk" in refused.text
    with console_client(base, "sari") as client:
        assert client.get("/complaints").status_code == 200


def test_bad_input_is_explained_in_indonesian_and_the_typed_text_kept(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "budi") as client:
        form_id = _form_id(client, "/complaints/new")
        empty = client.post("/complaints/new", data={"via": "phone", "text": "  ", "name": "Andi Wijaya",
                                                     "request_id": form_id})  # fmt: skip
        assert empty.status_code == 400 and "Isi pengaduan wajib diisi." in empty.text
        assert 'value="Andi Wijaya"' in empty.text
        long_text = "panjang " * 625  # 5000 characters
        too_long = client.post(
            "/complaints/new", data={"via": "phone", "text": long_text, "request_id": form_id}
        )
        assert too_long.status_code == 400 and "paling banyak 2000 karakter" in too_long.text
        assert long_text.strip() in too_long.text
        channel = client.post(
            "/complaints/new", data={"via": "pigeon", "text": "Burung", "request_id": form_id}
        )
        assert channel.status_code == 400 and "Pilih saluran" in channel.text and "Burung" in channel.text
        email = client.post("/complaints/new", data={"via": "phone", "text": "Ada", "email": "bukan-email",
                                                     "request_id": form_id})  # fmt: skip
        assert email.status_code == 400 and "Alamat email tidak valid." in email.text
        assert "0 pengaduan" in client.get("/complaints").text  # nothing recorded by the refusals
        number = _receive(client, "Valid")
        form_id = _form_id(client, f"/complaints/{number}")
        answer = client.post(f"/complaints/{number}/answer", data={"text": "x" * 5000, "request_id": form_id})
        assert answer.status_code == 400 and "paling banyak 4000 karakter" in answer.text
        assert "x" * 5000 in answer.text
        assert client.get("/complaints/ADU-20990101-001").status_code == 404


def test_long_lists_are_paged_with_their_count(console_hub) -> None:
    hub, base = console_hub
    engine = make_engine(f"sqlite:///{Path(hub.workdir) / 'antre.db'}")
    policy = online.OnlinePolicy.from_settings(settings_from_mapping({}))
    with write_transaction(engine) as session:
        now = datetime.now(UTC)
        for i in range(30):
            complaints.add(session, text=f"Keluhan {i}", kind="complaint", source="kiosk", day=now.date(),
                           now=now, contact=Contact())  # fmt: skip
            online.add_request(
                session, policy, channel="web", contact="formulir", subject=f"Data {i}", now=now
            )
    engine.dispose()
    with console_client(base, "sari") as client:
        first = client.get("/complaints").text
        assert (
            "30 pengaduan" in first
            and "Halaman 1 dari 2" in first
            and first.count('href="/complaints/ADU-') == 25
        )
        second = client.get("/complaints?page=2").text
        assert second.count('href="/complaints/ADU-') == 5 and "Sebelumnya" in second
        first = client.get("/online").text
        assert (
            "30 permintaan" in first
            and "Halaman 1 dari 2" in first
            and first.count('href="/online/OL-') == 25
        )
        assert client.get("/online?page=2").text.count('href="/online/OL-') == 5
