"""The REAL counter app, offscreen, against a real Mosquitto and the hub (with officers): taps
and keys in, what the widgets show and what the hub retains out. Screenshots of every state go
to artifacts/counter/."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.store.db import make_engine
from shared.store.models import TicketEventRow, TicketRow
from tests.broker.hub.test_hub_commands import GUEST
from tests.counter.conftest import CounterSite, shot_path, wait_retained, without_clocks
from tests.counter.driver import AppDriver
from tests.support import Probe, staff_call

ROOT = Path(__file__).resolve().parents[2]
SECRETS = (GUEST["email"], GUEST["phone"], GUEST["id_number"])  # never on a staff screen


def sign_in(app: AppDriver, officer: str = "budi", pin: str = "246813") -> None:
    app.tap(f"officer_{officer}")
    for digit in pin:
        app.tap(f"pad_{digit}")
    app.tap("signin_submit")


def retained(site: CounterSite, **expected: dict) -> dict[str, dict]:
    """The retained states once they show ``expected`` (``counter_1=dict(status="idle")`` stands for
    ``counter/1/state``, ``queue_A`` for ``queue/A/state``)."""
    topics = {f"{key.split('_')[0]}/{key.split('_')[1]}/state": fields for key, fields in expected.items()}
    return wait_retained(site.broker.port, topics)


def shows(app: AppDriver, name: str, text: str, timeout: float = 30) -> dict:
    return app.wait_text(name, text, timeout)


def enabled_now(app: AppDriver) -> set[str]:
    return app.enabled()


def call_events(site: CounterSite) -> int:
    engine = make_engine(site.hub.env["ANTRE_DB_URL"])
    try:
        with Session(engine) as session:
            query = select(func.count()).select_from(TicketEventRow).where(TicketEventRow.action == "call")
            return int(session.scalar(query) or 0)
    finally:
        engine.dispose()


def ticket_events(site: CounterSite, prefix: str) -> list[tuple[str, str]]:
    """(ticket code, action) of the ticket steps whose action starts with ``prefix``."""
    engine = make_engine(site.hub.env["ANTRE_DB_URL"])
    try:
        with Session(engine) as session:
            query = (
                select(TicketRow.code, TicketEventRow.action)
                .join(TicketRow, TicketRow.id == TicketEventRow.ticket_id)
                .where(TicketEventRow.action.startswith(prefix))
            )
            return [(code, action) for code, action in session.execute(query)]
    finally:
        engine.dispose()


def test_sign_in_then_every_action_and_the_state_it_leaves(counter_site, app_factory, probe: Probe) -> None:
    site = counter_site
    app = app_factory()
    app.wait(lambda d: d["widgets"]["signin_banner"]["text"] == "", "connected")
    assert app.dump()["screen"] == "signin"
    app.shot(shot_path("01_signin"))

    app.type("officer_input", "budi")
    for digit in "111111":
        app.tap(f"pad_{digit}")
    app.tap("signin_submit")
    data = shows(app, "signin_error", "ID petugas atau PIN salah.")
    assert data["screen"] == "signin" and data["widgets"]["pin_input"]["text"] == ""  # typed again
    app.shot(shot_path("02_signin_wrong_pin"))

    # Rina is still signed in at desk 1 from another PC: the counter names her and offers to take
    # the desk over with the PIN just typed.
    rina = {"desk": "1", "officer": "rina", "pin": "135724"}
    assert staff_call(site.staff_url, "/api/v1/signin", rina)[0] == 200
    assert not app.dump()["widgets"]["take_over"]["visible"]
    sign_in(app)
    taken = "Rina Marlina sedang masuk di meja ini. Minta beliau keluar dulu, atau ambil alih meja ini."
    data = shows(app, "signin_error", taken)
    take_over = data["widgets"]["take_over"]
    assert take_over["visible"] and take_over["enabled"] and take_over["fits"]
    app.shot(shot_path("02b_signin_desk_taken"))
    app.tap("take_over")
    data = app.wait(lambda d: d["screen"] == "desk", "the desk screen")
    assert data["widgets"]["officer_name"]["text"] == "Petugas: Budi Santoso"
    shows(app, "desk_status", "SIAP")
    retained(site, counter_1={"status": "idle"})
    assert enabled_now(app) == {"next", "break", "signout"}

    app.tap("btn_next")
    shows(app, "answer_line", "Tidak ada pengunjung yang menunggu.")
    app.shot(shot_path("03_idle_nobody_waiting"))

    probe.issue("A", guest=GUEST)
    probe.issue("A")
    probe.issue("B")
    app.wait(lambda d: d["widgets"]["waiting_list"]["items"][1:2] == ["A-001 0 mnt"], "the waiting list")
    items = app.dump()["widgets"]["waiting_list"]["items"]
    assert items == [  # A-001's clock runs from its issue; A-002's waits for A-001 to be done
        "A — Konsultasi Statistik | 2 menunggu",
        "A-001 0 mnt",
        "A-002",
        "B — Perpustakaan | 1 menunggu",
        "B-001 0 mnt",
    ]
    app.shot(shot_path("04_idle_people_waiting"))

    # next: A-001 is called; the guestbook comes from the staff API, the ID masked
    assert app.tap("btn_next")
    data = shows(app, "visitor_name", "Siti Aminah")
    w = data["widgets"]
    assert (w["visitor_code"]["text"], w["desk_status"]["text"]) == ("A-001", "DIPANGGIL")
    assert w["visitor_service"]["text"] == "A — Konsultasi Statistik"
    assert (w["visitor_institution"]["text"], w["visitor_purpose"]["text"]) == (
        "Universitas Lampung",
        "Data IPM kecamatan 2025",
    )
    assert w["visitor_id"]["text"] == "KTP ************0001" and w["visitor_panel"]["visible"]
    assert w["answer_line"]["text"] == "A-001 dipanggil ke Meja 1."
    assert not any(secret in json.dumps(data, ensure_ascii=False) for secret in SECRETS)
    retained(site, counter_1={"status": "called", "ticket": "A-001"}, queue_A={"waiting": ["A-002"]})
    desk_actions = {"hold", "return", "call_ticket"}  # A-002 and B-001 wait: one may be called out of turn
    assert enabled_now(app) == {"next", "recall", "start", "finish", "transfer"} | desk_actions
    app.shot(shot_path("05_called_with_guestbook"))

    # no-show is held until two recalls; a tap on it does nothing
    assert not app.tap("btn_noshow")
    assert app.tap("btn_recall")
    shows(app, "answer_line", "A-001 dipanggil ulang (1x).")
    assert "noshow" not in enabled_now(app)
    assert app.key("r")
    data = shows(app, "visitor_recalls", "Dipanggil ulang 2x")
    assert data["widgets"]["btn_noshow"]["enabled"]
    app.shot(shot_path("06_called_after_two_recalls"))
    retained(site, counter_1={"status": "called", "ticket": "A-001"})

    # start: serving; recall and no-show are gone
    app.tap("btn_start")
    shows(app, "desk_status", "MELAYANI")
    assert enabled_now(app) == {"next", "finish", "transfer"} | desk_actions
    retained(site, counter_1={"status": "serving", "ticket": "A-001"})
    app.shot(shot_path("07_serving"))

    # finish: the desk is idle, the visitor's details are gone from the screen
    app.tap("btn_finish")
    data = shows(app, "desk_status", "SIAP")
    assert data["widgets"]["visitor_name"]["text"] == "" and not data["widgets"]["visitor_panel"]["visible"]
    assert data["widgets"]["answer_line"]["text"] == "A-001 selesai dilayani."
    retained(site, counter_1={"status": "idle", "ticket": None}, queue_A={"waiting": ["A-002"]})

    # F1 calls A-002 (no guestbook entry); two recalls, then no-show by its key
    assert app.key("f1")
    shows(app, "visitor_note", "Tanpa data buku tamu")
    app.key("r")
    shows(app, "visitor_recalls", "Dipanggil ulang 1x")
    app.key("r")
    app.wait(lambda d: d["widgets"]["btn_noshow"]["enabled"], "no-show offered")
    app.key("n")
    shows(app, "answer_line", "A-002 dicatat tidak hadir.")
    retained(site, counter_1={"status": "idle", "ticket": None}, queue_A={"count": 0})

    # Enter calls B-001 (the desk serves A and B); next again finishes it and finds nobody
    app.key("enter")
    shows(app, "visitor_code", "B-001")
    app.key("enter")
    shows(app, "answer_line", "B-001 selesai. Tidak ada pengunjung yang menunggu.")

    # break closes the desk; the same button opens it again
    app.key("b")
    data = shows(app, "desk_status", "ISTIRAHAT")
    assert data["widgets"]["btn_break"]["text"].startswith("Buka meja")
    assert enabled_now(app) == {"break", "signout"}
    retained(site, counter_1={"status": "closed"})
    app.shot(shot_path("08_break"))
    app.tap("btn_break")
    shows(app, "desk_status", "SIAP")
    retained(site, counter_1={"status": "idle"})

    app.tap("btn_signout")
    data = app.wait(lambda d: d["screen"] == "signin", "signed out")
    assert data["widgets"]["signin_error"]["text"] == "Anda sudah keluar."
    retained(site, counter_1={"status": "closed"})
    app.shot(shot_path("09_signed_out"))

    # personal data stayed off MQTT: only the kiosk's own request carried it
    for message in probe.messages:
        if "/kiosk/" in message.topic and message.topic.endswith("/request"):
            continue
        text = message.payload.decode("utf-8", errors="replace")
        assert GUEST["name"] not in text and GUEST["purpose"] not in text, message.topic
    assert GUEST["name"] not in app.log_tail(10_000)


def test_transfer_keeps_the_visitors_place_by_issue_time(counter_site, app_factory, probe: Probe) -> None:
    site = counter_site
    assert probe.issue("A", guest=GUEST)["ticket"] == "A-001"
    assert probe.issue("B")["ticket"] == "B-001"
    app = app_factory()
    sign_in(app)
    app.wait(lambda d: d["widgets"]["btn_next"]["enabled"], "next enabled")
    app.tap("btn_next")
    shows(app, "visitor_code", "A-001")
    assert probe.issue("B")["ticket"] == "B-002"

    app.tap("btn_transfer")
    data = app.wait(lambda d: d["chooser_open"], "the transfer chooser")
    assert data["widgets"]["transfer_title"]["text"] == "Alihkan A-001 ke layanan:"
    assert data["widgets"]["transfer_B"]["text"] == "1.  B — Perpustakaan"
    assert "transfer_A" not in data["widgets"]  # not to the queue the visitor is in
    app.shot(shot_path("10_transfer_chooser"))
    app.tap("transfer_B")

    data = shows(app, "desk_status", "SIAP")
    assert data["widgets"]["answer_line"]["text"] == (
        "A-001 dialihkan ke B (Perpustakaan) dan menunggu sesuai waktu ambil nomornya."
    )
    retained(  # A-001 first: by its issue time, not by when it was transferred
        site,
        counter_1={"status": "idle", "ticket": None},
        queue_B={"waiting": ["A-001", "B-001", "B-002"]},
        queue_A={"waiting": []},
    )
    app.wait(lambda d: "A-001" in without_clocks(d["widgets"]["waiting_list"]["items"]), "A-001 in B")
    items = without_clocks(app.dump()["widgets"]["waiting_list"]["items"])
    assert items[items.index("B — Perpustakaan | 3 menunggu") + 1 :] == ["A-001", "B-001", "B-002"]
    app.shot(shot_path("11_after_transfer"))

    app.tap("btn_next")  # the transferred visitor is called first, keeping their place
    shows(app, "visitor_code", "A-001")
    shows(app, "visitor_name", "Siti Aminah")

    # --- the desk actions (issue 18): hold, an out-of-order call with a reason, return, resume ---
    assert probe.ask("k1", {"service": "A", "priority": True, "category": "lansia"})["ticket"] == "A-002"
    data = app.wait(lambda d: "A-002" in without_clocks(d["widgets"]["waiting_list"]["items"]), "A-002")
    assert "A — Konsultasi Statistik | 1 menunggu · 1 prioritas" in data["widgets"]["waiting_list"]["items"]
    assert {c["code"]: c["priority"] for c in data["widgets"]["waiting_list"]["details"]}["A-002"]

    assert app.key("h")  # Tunda: A-001 steps away; the desk is free
    shows(app, "answer_line", 'Pengunjung A-001 ditunda. Panggil kembali dengan "Lanjutkan".')
    data = shows(app, "desk_status", "SIAP")
    assert data["widgets"]["parked_list"]["items"] == ["A-001"] and data["widgets"]["parked_list"]["visible"]
    row = [data["widgets"][name] for name in ("parked_A-001", "resume_A-001", "return_A-001")]
    assert all(w["on_screen"] and w["fits"] and w["enabled"] for w in row), row
    assert {"hold", "return"}.isdisjoint(enabled_now(app)) and "call_ticket" in enabled_now(app)
    retained(site, counter_1={"status": "idle", "ticket": None, "parked": ["A-001"]})
    app.shot(shot_path("17_parked_visitor"))

    app.tap("btn_call_ticket")
    data = app.wait(lambda d: d["dialog_open"], "the out-of-order dialog")
    w = data["widgets"]
    assert w["ooo_title"]["text"] == "Panggil di luar urutan"
    assert [w[f"ooo_ticket_{c}"]["text"] for c in ("A-002", "B-001", "B-002")] == [
        "A-002\nprioritas",
        "B-001",
        "B-002",
    ]
    assert w["ooo_reason_returned"]["text"] == "Pengunjung kembali" and not w["ooo_confirm"]["enabled"]
    app.tap("ooo_ticket_B-002")
    app.tap("ooo_reason_same_group")
    data = shows(app, "ooo_confirm", "Panggil B-002")
    assert data["widgets"]["ooo_confirm"]["enabled"]
    assert all(
        data["widgets"][n]["fits"] for n in data["widgets"] if n.startswith(("ooo_ticket_", "ooo_reason_"))
    )
    app.shot(shot_path("18_out_of_order_dialog"))
    app.tap("ooo_confirm")
    data = shows(app, "answer_line", "B-002 dipanggil di luar urutan: satu rombongan.")
    assert not data["dialog_open"]
    shows(app, "visitor_code", "B-002")
    retained(site, counter_1={"ticket": "B-002", "priority": False, "parked": ["A-001"]})
    assert ticket_events(site, "out_of_order:") == [("B-002", "out_of_order:same_group")]
    data = app.dump()
    assert not data["widgets"]["resume_A-001"]["enabled"]  # B-002 is at the desk (the hub: desk_busy)

    assert app.key("k")  # B-002 back to the queue, at its place
    shows(app, "answer_line", "B-002 kembali ke antrean di tempatnya semula (1 orang di depannya).")
    retained(site, counter_1={"status": "idle", "ticket": None}, queue_B={"waiting": ["B-001", "B-002"]})

    # Called out of turn with the priority lane: the desk's ticket carries the mark. First the
    # ticket picked is called by desk 2 meanwhile: the dialog drops it rather than send a call the
    # hub would refuse (not_waiting).
    app.tap("btn_call_ticket")
    app.wait(lambda d: d["dialog_open"], "the dialog again")
    app.tap("ooo_ticket_B-001")
    app.tap("ooo_reason_priority_need")
    shows(app, "ooo_confirm", "Panggil B-001")
    assert probe.command("2", {"v": 1, "action": "open", "request_id": "d2-open"})["ok"]
    body = {"v": 1, "action": "call_ticket", "request_id": "d2-call", "ticket": "B-001", "reason": "other"}
    assert probe.command("2", body)["ticket"] == "B-001"
    data = shows(app, "ooo_confirm", "Pilih nomor dan alasan")
    assert not data["widgets"]["ooo_confirm"]["enabled"] and "ooo_ticket_B-001" not in data["widgets"]
    app.tap("ooo_ticket_A-002")
    app.tap("ooo_reason_priority_need")
    app.tap("ooo_confirm")
    data = shows(app, "visitor_priority", "PRIORITAS")
    assert (
        data["widgets"]["visitor_priority"]["visible"] and data["widgets"]["visitor_code"]["text"] == "A-002"
    )
    retained(site, counter_1={"ticket": "A-002", "priority": True, "parked": ["A-001"]})
    app.shot(shot_path("19_parked_and_priority_visitor"))

    app.tap("btn_finish")
    shows(app, "desk_status", "SIAP")
    data = shows(app, "visitor_priority", "")
    assert not data["widgets"]["visitor_priority"]["visible"]
    app.tap("resume_A-001")  # called back: the same ticket, no new one
    shows(app, "answer_line", "A-001 dipanggil kembali ke Meja 1.")
    data = shows(app, "visitor_code", "A-001")
    assert data["widgets"]["parked_list"]["items"] == [] and not data["widgets"]["parked_list"]["visible"]
    retained(site, counter_1={"status": "called", "ticket": "A-001", "parked": []})


def test_a_command_pending_when_the_link_drops_is_applied_exactly_once(
    counter_site, app_factory, probe: Probe
) -> None:
    site = counter_site
    for _ in range(3):
        probe.issue("A")
    app = app_factory()
    sign_in(app)
    app.wait(lambda d: d["widgets"]["btn_next"]["enabled"], "next enabled")

    # The hub is frozen, so the press stays unanswered; then the broker goes away.
    assert site.hub.process is not None
    site.hub.process.send_signal(signal.SIGSTOP)
    try:
        app.tap("btn_next")
        shows(app, "banner", 'Menunggu jawaban server untuk "panggil berikutnya"...')
        assert enabled_now(app) == set()  # held: no second press while the first is in flight
        pending = app.request({"op": "state"})["pending"]
        # Sent at least once; a busy machine may already have re-sent it (same request_id). What
        # matters is below: one call, one ticket, however many times it was sent.
        assert pending["action"] == "next" and pending["attempts"] >= 1
        app.shot(shot_path("12_command_pending"))

        site.broker.stop()
        lost = 'Koneksi ke server antrean terputus. "panggil berikutnya" dikirim ulang otomatis saat'
        app.wait(lambda d: d["widgets"]["banner"]["text"].startswith(lost), "the link-lost banner")
        assert enabled_now(app) == set()
        app.tap("btn_next")  # held while unreachable: nothing new is queued
        assert app.request({"op": "state"})["pending"]["request_id"] == pending["request_id"]
        app.shot(shot_path("13_link_lost"))
    finally:
        site.hub.process.send_signal(signal.SIGCONT)
    site.broker.start()  # same port

    shows(app, "visitor_code", "A-001", timeout=15)
    shows(app, "answer_line", "A-001 dipanggil ke Meja 1.")
    assert app.request({"op": "state"})["pending"] is None
    assert app.dump()["widgets"]["banner"]["text"] == ""
    retained(site, counter_1={"ticket": "A-001"}, queue_A={"waiting": ["A-002", "A-003"]})  # one call
    assert call_events(site) == 1

    site.hub.stop()  # a clean stop publishes the hub's presence "offline"
    shows(app, "banner", "Server antrean tidak aktif. Perintah dijalankan saat server aktif kembali.")
    app.shot(shot_path("14_hub_offline"))


def test_english_full_hd_keys_and_a_printer_problem(counter_site, app_factory, probe: Probe) -> None:
    probe.issue("A", guest=GUEST)
    probe.issue("A")
    app = app_factory("--lang", "en", "--size", "1920x1080")
    data = app.wait(lambda d: d["widgets"]["signin_banner"]["text"] == "", "connected")
    assert data["size"] == [1920, 1080] and data["widgets"]["signin_title"]["text"] == "Officer sign-in"
    app.shot(shot_path("20_en_fullhd_signin"))
    sign_in(app, "rina", "135724")
    shows(app, "officer_name", "Officer: Rina Marlina")

    probe.client.publish(
        probe.t("kiosk/k1/status"),
        json.dumps({"v": 1, "kiosk": "k1", "printer": "paper_out", "pending_reprint": "A-007", "at": None}),
        qos=1,
        retain=True,
    ).wait_for_publish(5)
    shows(app, "printer_banner", "Kiosk k1 printer: out of paper, ticket A-007 not printed")

    app.key("f1")
    shows(app, "visitor_name", "Siti Aminah")
    app.key("s")
    data = shows(app, "desk_status", "SERVING")
    assert data["widgets"]["btn_next"]["text"].startswith("Call next")
    assert not any(secret in json.dumps(data, ensure_ascii=False) for secret in SECRETS)
    app.shot(shot_path("21_en_fullhd_serving"))

    app.key("t")
    app.wait(lambda d: d["chooser_open"], "the chooser")
    app.key("escape")
    app.wait(lambda d: not d["chooser_open"], "the chooser closed")
    app.key("t")
    app.wait(lambda d: d["chooser_open"], "the chooser again")
    app.key("1")
    data = shows(app, "desk_status", "READY")
    assert data["widgets"]["answer_line"]["text"].startswith("A-001 moved to B (Perpustakaan)")

    app.key("l")  # the out-of-order dialog in English; Esc closes it, nothing sent
    data = app.wait(lambda d: d["dialog_open"], "the out-of-order dialog")
    w = data["widgets"]
    assert (w["ooo_title"]["text"], w["ooo_reason_same_group"]["text"]) == ("Call out of turn", "Same group")
    app.tap("ooo_ticket_A-002")
    app.tap("ooo_reason_returned")
    data = shows(app, "ooo_confirm", "Call A-002")
    assert all(e["fits"] and e["on_screen"] for n, e in data["widgets"].items() if n.startswith("ooo_"))
    app.shot(shot_path("22_en_fullhd_out_of_order_dialog"))
    app.key("escape")
    data = app.wait(lambda d: not d["dialog_open"], "the dialog closed")
    assert (
        data["widgets"]["desk_status"]["text"] == "READY"
        and "A-002" in data["widgets"]["waiting_list"]["items"][1]
    )
    app.key("l")  # open again; the desk is closed from elsewhere: the dialog goes with it
    app.wait(lambda d: d["dialog_open"], "the dialog again")
    assert probe.command("1", {"v": 1, "action": "close", "request_id": "d1-close"})["ok"]
    data = app.wait(lambda d: not d["dialog_open"], "the dialog closed with the desk")
    assert data["widgets"]["desk_status"]["text"] == "ON BREAK"
    assert probe.command("1", {"v": 1, "action": "open", "request_id": "d1-open"})["ok"]

    app.tap("lang_desk")
    shows(app, "desk_status", "SIAP")
    probe.client.publish(probe.t("kiosk/k1/status"), b"", qos=1, retain=True).wait_for_publish(5)
    shows(app, "printer_banner", "")


@pytest.mark.parametrize("counter_site", ["\n[timing]\nwarning_s = 2\nbreach_s = 4\n"], indirect=True)
def test_waiting_clocks_are_coloured_at_warning_and_breach(counter_site, app_factory, probe: Probe) -> None:
    # The standard shortened to 2 s (warning) and 4 s (breach) so the colours come quickly.
    probe.issue("A")
    probe.issue("A")
    app = app_factory()
    sign_in(app)

    def levels(data: dict) -> dict[str, str]:
        return {chip["code"]: chip["level"] for chip in data["widgets"]["waiting_list"]["details"]}

    # The waits return as soon as the colour shows; their bounds only let a loaded machine be slow
    # (15 s was missed once with stress-ng on both cores).
    data = app.wait(lambda d: levels(d).get("A-001") == "breach", "A-001 past the standard", timeout=60)
    assert levels(data)["A-002"] == ""  # its clock waits for A-001 to be done
    app.shot(shot_path("15_waiting_clock_breach"))
    app.tap("btn_next")
    shows(app, "visitor_code", "A-001")
    assert levels(app.dump()) == {"A-002": ""}  # called is not done: A-002's clock has not started
    app.tap("btn_finish")  # A-001 done: A-002's clock starts now
    app.wait(lambda d: levels(d).get("A-002") == "warning", "A-002 at the warning", timeout=60)
    app.shot(shot_path("16_waiting_clock_warning"))


def test_the_screenshot_option_writes_the_first_screen_and_exits(counter_site, tmp_path: Path) -> None:
    target = tmp_path / "first.png"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTRE_", "KIVY_"))}
    env.update(
        SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"), ANTRE_MQTT_URL=counter_site.broker.url
    )
    args = ["--config", str(counter_site.config), "--desk", "2", "--size", "1366x768"]
    result = subprocess.run(
        [sys.executable, "-m", "counter.app", *args, "--screenshot", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    wrong = subprocess.run(
        [sys.executable, "-m", "counter.app", "--config", str(counter_site.config), "--desk", "9"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert wrong.returncode == 2 and b"desk '9' is not in the config" in wrong.stderr


def test_a_busy_hub_is_asked_again_then_told_and_an_internal_error_is_told(
    counter_site, app_factory, probe: Probe
) -> None:
    """The hub is frozen; a stand-in answers the app's commands through the real broker."""
    site = counter_site
    for _ in range(3):
        probe.issue("A")
    app = app_factory()
    sign_in(app)
    app.wait(lambda d: d["widgets"]["btn_next"]["enabled"], "next enabled")
    script: list[str] = []
    heard: list[str] = []

    def stand_in(client, _userdata, msg) -> None:  # paho's thread: answer the next scripted code
        request_id = json.loads(msg.payload)["request_id"]
        heard.append(request_id)
        if script:
            body = {"v": 1, "request_id": request_id, "error": {"code": script.pop(0), "message": "scripted"}}
            client.publish(probe.t("counter/1/response"), json.dumps(body), qos=1)

    probe.client.message_callback_add(probe.t("counter/1/cmd"), stand_in)
    assert site.hub.process is not None
    site.hub.process.send_signal(signal.SIGSTOP)
    try:
        script[:] = ["busy"] * 6
        app.tap("btn_next")
        retrying = 'Server antrean sedang sibuk: "panggil berikutnya" dikirim ulang sebentar lagi...'
        shows(app, "banner", retrying)
        app.shot(shot_path("30_busy_retrying"))
        expected = "Server antrean sedang sibuk; perintah belum dijalankan. Tekan lagi sebentar lagi."
        shows(app, "answer_line", expected, timeout=20)
        assert len(heard) == 6 and len(set(heard)) == 1  # the press and five retries, one request id
        assert app.request({"op": "state"})["pending"] is None
        assert app.dump()["widgets"]["banner"]["text"] == ""
        app.shot(shot_path("31_busy_given_up"))

        script[:] = ["internal_error"]
        app.tap("btn_next")
        shows(app, "answer_line", "Server antrean mengalami gangguan; perintah belum dijalankan. Coba lagi.")
        assert len(heard) == 7 and heard[-1] != heard[0]  # a new press, a new id; not retried by itself
        app.shot(shot_path("32_internal_error"))
    finally:
        site.hub.process.send_signal(signal.SIGCONT)


@pytest.mark.parametrize("size", ["1280x800", "1366x768", "726x454"])
def test_the_pin_keypad_words_fit_and_mean_what_the_kiosk_means(counter_site, app_factory, size: str) -> None:
    # 726x454: the window `antre up` gives the counter beside the kiosk and the display.
    app = app_factory("--size", size)
    data = app.wait(lambda d: d["widgets"]["signin_banner"]["text"] == "", "connected")
    pad = {name: data["widgets"][name] for name in ("pad_back", "pad_clear", "pad_0")}
    assert (
        pad["pad_back"]["text"].endswith("\u232b[/font] Hapus") and pad["pad_clear"]["text"] == "Hapus semua"
    )
    assert all(entry["fits"] and entry["one_line"] and entry["visible"] for entry in pad.values()), pad
    for digit in "246813":
        app.tap(f"pad_{digit}")
    app.tap("pad_back")
    assert app.text("pin_input") == "24681"  # "Hapus": one digit back, as on the kiosk's keyboard
    app.shot(shot_path(f"40_keypad_{size}"))
    app.tap("pad_clear")
    assert app.text("pin_input") == ""  # "Hapus semua": all of it
    app.tap("lang_signin")
    data = app.wait(lambda d: d["widgets"]["pad_clear"]["text"] == "Clear all", "English")
    assert data["widgets"]["pad_back"]["text"].endswith("[/font] Delete")
    assert all(data["widgets"][name]["fits"] and data["widgets"][name]["one_line"] for name in pad)


def test_a_display_whose_voice_failed_is_shown_at_the_desk(counter_site, app_factory, probe: Probe) -> None:
    app = app_factory("--size", "1366x768")
    app.wait(lambda d: d["widgets"]["signin_banner"]["text"] == "", "connected")
    sign_in(app)
    shows(app, "officer_name", "Petugas: Budi Santoso")
    topic = probe.t("display/lobby-tv/status")
    failed = {"v": 1, "display": "lobby-tv", "audio": "failed", "detail": "no soundcards found", "at": None}
    probe.client.publish(topic, json.dumps(failed), qos=1, retain=True).wait_for_publish(5)
    expected = (
        "Suara layar antrean lobby-tv tidak terdengar: no soundcards found — "
        "panggil pengunjung secara lisan dan periksa speaker layar."
    )
    data = shows(app, "voice_banner", expected)
    assert data["widgets"]["voice_banner"]["visible"]
    app.shot(shot_path("41_display_voice_failed"))

    # Retained: a counter started later is told too.
    late = app_factory("--size", "726x454", desk="2")
    late.wait(lambda d: d["widgets"]["signin_banner"]["text"] == "", "connected")
    sign_in(late, "rina", "135724")
    shows(late, "voice_banner", expected)
    late.shot(shot_path("42_display_voice_failed_small"))

    ok = failed | {"audio": "ok", "detail": None}
    probe.client.publish(topic, json.dumps(ok), qos=1, retain=True).wait_for_publish(5)
    data = shows(app, "voice_banner", "")
    assert not data["widgets"]["voice_banner"]["visible"]
    probe.client.publish(topic, b"", qos=1, retain=True).wait_for_publish(5)  # leave no retained state

    # Issue 18: the kiosk's spoken guide, told in the kiosk's status, is shown the same way.
    kiosk_topic = probe.t("kiosk/k1/status")
    no_card = "aplay: main:831: audio open error: No such file or directory"
    mute = {"v": 1, "kiosk": "k1", "printer": "ready", "pending_reprint": None, "audio": "failed",
            "audio_detail": no_card, "at": None}  # fmt: skip
    probe.client.publish(kiosk_topic, json.dumps(mute), qos=1, retain=True).wait_for_publish(5)
    guide = f"Panduan suara kiosk k1 tidak terdengar: {no_card}."
    data = shows(app, "voice_banner", guide)
    assert data["widgets"]["voice_banner"]["visible"]
    app.shot(shot_path("43_kiosk_guide_failed"))
    probe.client.publish(kiosk_topic, b"", qos=1, retain=True).wait_for_publish(5)
    shows(app, "voice_banner", "")
