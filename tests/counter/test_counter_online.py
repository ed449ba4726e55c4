"""The online-requests tab of the REAL counter app, offscreen, against a real Mosquitto and hub:
overdue and due-today requests listed in red and amber, a request recorded, replied to and closed
from the desk, and the queue buttons usable all along. Screenshots go to artifacts/counter/online/."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.store.db import make_engine
from shared.store.models import OnlineMessageRow, OnlineRequestRow
from tests.broker.hub.test_hub_commands import GUEST
from tests.broker.hub.test_staff_online import complete_for_due_today, insert_request
from tests.counter.conftest import CounterSite, shot_path
from tests.counter.driver import AppDriver
from tests.counter.test_counter_app import sign_in
from tests.support import Probe

TZ = ZoneInfo("Asia/Jakarta")
FAST_REFRESH = "\n[counter]\nonline_refresh_s = 1\n"


def rows(data: dict) -> list[dict]:
    entry = data["widgets"].get("online_list")
    return entry["details"] if entry and entry["visible"] else []


def row(data: dict, number: str) -> dict:
    return next(r for r in rows(data) if r["number"] == number)


def seed(site: CounterSite) -> tuple[str, str]:
    """An overdue request (complete 20 days ago) and one due today, straight through shared.store.online."""
    db = site.hub.env["ANTRE_DB_URL"]
    overdue = insert_request(
        db, datetime.now(TZ) - timedelta(days=20), channel="email", contact="rahmat@example.id",
        subject="Inflasi bulanan Oktober",
    )  # fmt: skip
    complete_at, force = complete_for_due_today()
    due = insert_request(
        db, complete_at, due=force, channel="social", contact="@warga_tuba", subject="Penduduk"
    )
    return overdue, due


def tap(app: AppDriver, name: str) -> bool:
    """A tap once the screen is laid out: right after a change, a widget may not be in place yet."""
    app.request({"op": "settle"})
    return app.tap(name)


def shows(app: AppDriver, name: str, text: str, timeout: float = 30) -> dict:
    """Wait until widget ``name`` is on screen with ``text`` (a tab's widgets come a frame later)."""
    return app.wait(lambda d: d["widgets"].get(name, {}).get("text") == text, f"{name} == {text!r}", timeout)


def visible(data: dict, name: str) -> bool:
    entry = data["widgets"].get(name)
    return bool(entry and entry["visible"])


def test_record_reply_and_close_from_the_desk_with_the_queue_at_hand(
    counter_site: CounterSite, app_factory, probe: Probe
) -> None:
    site = counter_site
    overdue, due = seed(site)
    probe.issue("A", guest=GUEST)
    app: AppDriver = app_factory()
    sign_in(app)
    data = shows(app, "tab_online", "Permintaan online (2)")
    assert data["widgets"]["tab_queue"]["text"] == "Antrean (1)"
    app.shot(shot_path("online/01_queue_tab_with_overdue_waiting"))

    tap(app, "tab_online")
    data = app.wait(lambda d: len(rows(d)) == 2, "the online list")
    assert [(r["number"], r["level"], r["badge"]) for r in rows(data)] == [
        (overdue, "overdue", "TERLAMBAT"),
        (due, "due_today", "BATAS HARI INI"),
    ]
    assert data["widgets"]["online_summary"]["text"] == "1 terlambat · 1 batas hari ini · 2 terbuka"
    items = data["widgets"]["online_list"]["items"]
    assert "r*****@example.id" in items[0] and "*******tuba" in items[1] and "belum dijawab" in items[0]
    for name in ("btn_next", "btn_recall", "btn_finish", "btn_break", "visitor_panel", "empty_panel"):
        assert name in data["widgets"], name
    assert visible(data, "btn_next") and data["widgets"]["btn_next"]["enabled"]
    assert not visible(data, "waiting_list")  # one tab at a time
    app.shot(shot_path("online/02_online_tab_overdue_and_due_today"))

    # record a request: the channel is asked for, the hub checks the contact
    tap(app, "online_new")
    app.wait(lambda d: visible(d, "online_contact"), "the form")
    tap(app, "online_save")
    shows(app, "online_form_error", "Pilih salurannya.")
    tap(app, "online_ch_whatsapp")
    app.type("online_contact", "halo")
    app.type("online_subject", "Data kemiskinan 2025")
    tap(app, "online_save")
    shows(app, "online_form_error", "Kontak WhatsApp harus nomor telepon, mis. 0812 3456 7890.")
    app.shot(shot_path("online/03_form_refused_contact"))
    app.type("online_contact", "0812 3456 7890")
    tap(app, "online_save")
    data = app.wait(lambda d: len(rows(d)) == 3, "the new request listed")
    new = next(r["number"] for r in rows(data) if r["number"] not in (overdue, due))
    status = data["widgets"]["online_status"]["text"]
    assert status.startswith(f"{new} dicatat. Batas jawab: ") and row(data, new)["selected"]
    assert data["widgets"]["online_selected"]["text"] == f"{new} — Data kemiskinan 2025"
    assert any(new in line and "********7890" in line for line in data["widgets"]["online_list"]["items"])
    app.shot(shot_path("online/04_recorded_and_selected"))

    # the queue works from the online tab: call the visitor
    assert tap(app, "btn_next")
    shows(app, "visitor_name", "Siti Aminah")

    # a reply (with the text), then close: the first press asks again
    app.type("online_text", "Data ada di tabel 3.1 publikasi Kabupaten Dalam Angka.")
    tap(app, "online_reply")
    data = shows(app, "online_status", f"Balasan untuk {new} dicatat.")
    assert data["widgets"]["online_text"]["text"] == ""
    app.wait(
        lambda d: any(
            new in i and re.search(r"dijawab \d\d:\d\d", i) for i in d["widgets"]["online_list"]["items"]
        ),
        "answered, with the time",
    )
    app.shot(shot_path("online/05_replied_visitor_at_desk"))
    tap(app, "online_close")
    data = shows(app, "online_close", "Tekan lagi: tutup")
    app.shot(shot_path("online/06_close_asks_again"))
    tap(app, "online_close")
    shows(app, "online_status", f"{new} ditutup.")
    app.wait(lambda d: len(rows(d)) == 2, "the closed request gone from the list")
    assert app.dump()["widgets"]["online_selected"]["text"].startswith("Pilih permintaan")

    engine = make_engine(site.hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        request = session.scalars(select(OnlineRequestRow).where(OnlineRequestRow.number == new)).one()
        messages = session.scalars(
            select(OnlineMessageRow).where(OnlineMessageRow.request_id == request.id)
        ).all()
    engine.dispose()
    assert (request.channel, request.contact, request.recorded_by) == ("whatsapp", "081234567890", "budi")
    assert (request.status, request.close_reason) == ("closed", "done")
    assert [(m.author, m.officer_id) for m in messages] == [("officer", "budi")]
    secrets = ("081234567890", "Data kemiskinan", "tabel 3.1", "rahmat@example.id")
    logs = app.log_tail(10_000) + site.hub.log_text()
    assert not any(secret in logs for secret in secrets)
    published = "\n".join(  # the kiosk's own request carries the walk-in guest's guestbook
        m.payload.decode("utf-8", "replace") for m in probe.messages if not m.topic.endswith("/request")
    )
    assert not any(secret in published for secret in secrets)


@pytest.mark.parametrize("counter_site", [FAST_REFRESH], indirect=True)
def test_typing_is_not_a_shortcut_and_the_list_refreshes_by_itself(
    counter_site: CounterSite, app_factory, probe: Probe
) -> None:
    site = counter_site
    probe.issue("A")
    app: AppDriver = app_factory("--lang", "en")
    sign_in(app)
    # The tab's text is there before the sign-in is answered (its count is not): wait for the desk
    # screen, or the tap lands on a tab that is not laid out yet.
    app.wait(lambda d: d["screen"] == "desk", "the desk screen")
    data = shows(app, "tab_online", "Online requests")
    tap(app, "tab_online")
    shows(app, "online_summary", "No open requests")
    overdue, _due = seed(site)  # recorded elsewhere (the CLI): the desk sees it within a refresh
    data = app.wait(lambda d: len(rows(d)) == 2, "the list refreshed", timeout=30)
    assert rows(data)[0]["badge"] == "OVERDUE" and rows(data)[0]["number"] == overdue
    tap(app, f"online_row_{overdue}")
    app.wait(lambda d: row(d, overdue)["selected"], "selected")
    tap(app, "btn_next")
    shows(app, "visitor_code", "A-001")

    app.request({"op": "focus", "id": "online_text"})
    for key in ("f", "n", "r", "b", "enter"):
        assert not app.key(key)  # text for the field, not finish / no-show / recall / break
    assert app.dump()["widgets"]["desk_status"]["text"] == "CALLED"
    assert app.key("f1")  # F1 still calls the next (finishes A-001: nobody else waits)
    shows(app, "desk_status", "READY")
    tap(app, "online_message")
    data = shows(app, "online_status", f"Visitor's message on {overdue} recorded.")
    assert json.dumps(row(data, overdue))  # still listed: the officer owes an answer
    app.shot(shot_path("online/07_en_visitor_message"))
    tap(app, "online_new")
    tap(app, "online_ch_email")
    shows(app, "online_save", "Save")
    app.shot(shot_path("online/08_en_form"))
    tap(app, "online_cancel")
    app.wait(lambda d: visible(d, "online_list"), "back to the list")
    tap(app, "tab_queue")
    data = app.wait(lambda d: visible(d, "waiting_list"), "the queue tab")
    assert data["widgets"]["tab_online"]["text"] == "Online requests (2)"


def test_full_hd_with_many_requests_and_a_long_subject(
    counter_site: CounterSite, app_factory, probe: Probe
) -> None:
    db = counter_site.hub.env["ANTRE_DB_URL"]
    overdue, _due = seed(counter_site)
    long_subject = "Permintaan data " + "produksi padi per kecamatan, " * 6 + "tahun 2020 sampai 2025"
    for n in range(6):
        insert_request(db, datetime.now(TZ) - timedelta(hours=n), channel="web", contact=f"tiket {n}000",
                       subject=long_subject[:200] if n == 0 else f"Permintaan {n}")  # fmt: skip
    probe.issue("A", guest=GUEST)
    app: AppDriver = app_factory("--size", "1920x1080")
    sign_in(app)
    shows(app, "tab_online", "Permintaan online (8)")
    tap(app, "btn_next")
    shows(app, "visitor_name", "Siti Aminah")
    tap(app, "tab_online")
    data = app.wait(lambda d: len(rows(d)) == 8, "eight requests")
    assert rows(data)[0]["number"] == overdue and data["size"] == [1920, 1080]
    assert visible(data, "btn_finish") and data["widgets"]["btn_finish"]["enabled"]
    app.shot(shot_path("online/09_fullhd_many_requests"))
