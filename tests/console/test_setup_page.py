"""The setup page against the real hub, broker and SQLite file: each change applies live (MQTT
subscribers, the next desk call, ``antre sla``), bad input re-renders with the message, roles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support import Probe, console_client, fresh_retained, hub_env

ROOT = Path(__file__).resolve().parents[2]
LEAVE_DAY = "2027-03-16"  # a Tuesday, not a national holiday: open 08:00-15:30 by default


def test_a_new_running_text_reaches_the_displays_topic_retained_and_is_logged(console_hub, broker) -> None:
    _hub, base = console_hub
    probe = Probe(broker.port)
    try:
        with console_client(base, "sari") as client:
            answer = client.post(
                "/setup/running_text",
                data={"text_id": "Kantor tutup 24 Desember", "text_en": "Closed on 24 December"},
            )
            assert answer.status_code == 303 and answer.headers["location"].startswith("/setup?done=done")
            text = probe.wait_for("display/running_text", lambda p: p["id"] == "Kantor tutup 24 Desember", 30)
            assert text["en"] == "Closed on 24 December"
            page = client.get(answer.headers["location"])
        assert page.status_code == 200
        assert "Tersimpan dan sudah berlaku: Teks berjalan layar antrean." in page.text
        assert "Riwayat perubahan" in page.text and "sari" in page.text
        assert "Kantor tutup 24 Desember" in page.text  # the form shows the stored text, the log the change
    finally:
        probe.close()
    retained = fresh_retained(broker.port, ["display/running_text"], timeout=30)
    assert retained["display/running_text"]["id"] == "Kantor tutup 24 Desember"


def test_a_desks_new_services_apply_at_its_next_call(console_hub, broker) -> None:
    _hub, base = console_hub
    probe = Probe(broker.port)
    try:
        assert probe.issue("A", timeout=30)["ticket"] == "A-001"
        assert probe.issue("B", timeout=30)["ticket"] == "B-001"
        form = {
            "desk_name_1": "Loket Perpustakaan",
            "desk_services_1": ["B"],
            "desk_name_2": "Meja 2",
            "desk_services_2": ["A", "B"],
        }
        with console_client(base, "teguh") as client:  # a technician may too
            assert client.post("/setup/desks", data=form).status_code == 303
        mark = probe.mark()
        assert probe.command("1", "next", timeout=30)["ticket"] == "B-001"
        call = probe.wait_for("event/call", since=mark, timeout=30)
        assert call["desk_name"] == "Loket Perpustakaan"
    finally:
        probe.close()


def test_a_collective_leave_day_is_closed_for_antre_sla(console_hub, tmp_path: Path, broker) -> None:
    _hub, base = console_hub
    workdir = tmp_path / "hub"
    env = hub_env(workdir / "antre.toml", broker.url, f"sqlite:///{workdir / 'antre.db'}", workdir)

    def hours_on(day: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "deploy.cli.main", "sla", "--date", day, "--json"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return str(json.loads(done.stdout)["opening_hours"])

    assert hours_on(LEAVE_DAY) == "08:00-15:30"
    with console_client(base, "sari") as client:
        form = {"collective_leave": f"{LEAVE_DAY} Cuti bersama", "special_days": ""}
        assert client.post("/setup/calendar", data=form).status_code == 303
        assert f"{LEAVE_DAY} Cuti bersama" in client.get("/setup").text
    assert hours_on(LEAVE_DAY) == "closed"


def test_an_officer_may_not_see_or_change_the_setup(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "budi") as client:
        assert client.get("/setup").status_code == 403
        answer = client.post("/setup/running_text", data={"text_id": "iseng", "text_en": ""})
    assert answer.status_code == 403
    with console_client(base, "teguh") as client:
        page = client.get("/setup")
    assert page.status_code == 200 and "iseng" not in page.text


def test_bad_hours_come_back_with_the_message_and_what_was_typed(console_hub) -> None:
    _hub, base = console_hub
    form = {f"hours_{d}": "08:00-15:30" for d in ("mon", "tue", "wed", "thu", "fri")}
    form.update({"hours_mon": "8 pagi", "breaks_tue": "07:00-08:30", "hours_sat": "", "hours_sun": ""})
    with console_client(base, "sari") as client:
        answer = client.post("/setup/opening_hours", data=form)
        assert answer.status_code == 400
        assert "tidak terbaca; tulis jam mulai dan selesai seperti 08:00-15:30" in answer.text
        assert 'value="8 pagi"' in answer.text and 'value="07:00-08:30"' in answer.text
        assert "belum ada yang disimpan" in answer.text
        form["hours_mon"] = "08:00-15:30"
        again = client.post("/setup/opening_hours", data=form)
        assert again.status_code == 400
        assert "Istirahat 07:00-08:30 harus berada di dalam jam buka." in again.text
        form["breaks_tue"] = "12:00-13:00"
        assert client.post("/setup/opening_hours", data=form).status_code == 303
        page = client.get("/setup")
    assert 'value="12:00-13:00"' in page.text
