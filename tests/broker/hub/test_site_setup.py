"""The site setup: seeded from the TOML, stored and logged, applied to the hub live (in-process hub,
injected clock, an SQLite file)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.ingress import Precheck
from broker.hub.publications import Publication
from broker.hub.site_setup import SiteSetup
from shared import site_setup
from shared.config import settings_from_mapping
from shared.contract import topics as contract
from shared.store import site_setup as store
from shared.store.db import make_engine, upgrade

RAW: dict[str, Any] = {
    "site": "pst",
    "timezone": "Asia/Jakarta",
    "services": [
        {"prefix": "A", "name": "Konsultasi Statistik", "name_en": "Statistical Consultation"},
        {"prefix": "B", "name": "Perpustakaan"},
    ],
    "desks": [{"id": "1", "name": "Meja 1", "services": ["A", "B"]}, {"id": "2", "name": "Meja 2"}],
    "display": {"running_text": "Selamat datang"},
    "timing": {
        "opening_hours": {"mon": "08:00-15:30", "tue": "08:00-15:30", "fri": "08:00-11:30, 13:00-16:00"},
        "collective_leave_from_package": False,
    },
}
MONDAY = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)  # 10:00 WIB on a Monday


class FakeClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _hub(tmp_path: Path, raw: dict[str, Any] | None = None) -> tuple[Hub, SiteSetup]:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    settings = settings_from_mapping(raw or RAW, {"ANTRE_DB_URL": url, "ANTRE_DATA_DIR": str(tmp_path)})
    hub = Hub(settings, make_engine(url), FakeClock(MONDAY))
    setup = SiteSetup(hub, settings)
    setup.start()
    return hub, setup


def _on(pubs: list[Publication], suffix: str) -> list[dict[str, Any]]:
    return [json.loads(p.payload) for p in pubs if p.topic == f"antre/pst/{suffix}"]


def _issue(hub: Hub, service: str, request_id: str) -> str:
    pubs = hub.kiosk_request("k1", contract.encode({"request_id": request_id, "service": service}))
    return _on(pubs, "kiosk/k1/response")[0]["ticket"]


def _wib(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 7, minute, tzinfo=UTC)


def test_first_boot_seeds_every_group_from_the_toml_and_the_snapshot_carries_the_running_text(
    tmp_path: Path,
) -> None:
    hub, _setup = _hub(tmp_path)
    with Session(hub.engine) as session:
        stored = store.load(session)
    assert set(stored) == set(site_setup.GROUPS)
    assert stored["running_text"] == {"id": "Selamat datang", "en": ""}
    assert stored["services"]["A"] == {"name": "Konsultasi Statistik", "name_en": "Statistical Consultation",
                                       "active": True}  # fmt: skip
    assert stored["desks"]["2"] == {"name": "Meja 2", "services": ["A", "B"]}
    assert stored["opening_hours"]["fri"] == "08:00-11:30, 13:00-16:00"
    assert stored["opening_hours"]["sat"] == "closed"
    pubs = hub.snapshot()
    (text,) = _on(pubs, "display/running_text")
    assert (text["id"], text["en"]) == ("Selamat datang", "")
    assert [p.retain for p in pubs if p.topic.endswith("display/running_text")] == [True]


def test_a_change_is_stored_logged_applied_and_republished_once(tmp_path: Path) -> None:
    hub, setup = _hub(tmp_path)
    result = setup.change("running_text", {"id": "Libur 25 Desember", "en": "Closed on 25 December"}, "sari")
    assert result.status == 200 and result.body == {"changed": True}
    (text,) = _on(result.publications, "display/running_text")
    assert (text["id"], text["en"]) == ("Libur 25 Desember", "Closed on 25 December")
    assert _on(result.publications, "queue/A/state") and _on(result.publications, "counter/1/state")
    again = setup.change("running_text", {"id": "Libur 25 Desember", "en": "Closed on 25 December"}, "sari")
    assert again.body == {"changed": False} and again.publications == []
    with Session(hub.engine) as session:
        (change,) = store.changes(session)
    assert (change.actor, change.key) == ("sari", "running_text")
    assert change.old == {"id": "Selamat datang", "en": ""}
    assert change.new["en"] == "Closed on 25 December"


def test_a_desks_services_change_applies_at_the_next_call(tmp_path: Path) -> None:
    hub, setup = _hub(tmp_path)
    assert _issue(hub, "A", "r1") == "A-001"
    assert _issue(hub, "B", "r2") == "B-001"
    desks = {"1": {"name": "Loket Perpustakaan", "services": ["B"]},
             "2": {"name": "Meja 2", "services": ["A"]}}  # fmt: skip
    assert setup.change("desks", desks, "sari").status == 200
    pubs = hub.counter_command("1", b"next")
    (call,) = _on(pubs, "event/call")
    assert (call["ticket"], call["desk_name"]) == ("B-001", "Loket Perpustakaan")
    (answer,) = _on(hub.counter_command("1", b"next"), "counter/1/response")
    assert (answer["ticket"], answer["notice"]) == (None, "nobody_waiting")  # A-001 is not desk 1's now


def test_renaming_a_service_shows_on_its_queue_state(tmp_path: Path) -> None:
    _, setup = _hub(tmp_path)
    services = {
        "A": {"name": "Konsultasi Data", "name_en": "Data Consultation", "active": True},
        "B": {"name": "Perpustakaan", "name_en": "Library", "active": True},
    }
    result = setup.change("services", services, "sari")
    assert _on(result.publications, "queue/A/state")[0]["name"] == "Konsultasi Data"


def test_a_deactivated_service_takes_no_tickets_but_its_waiting_visitors_are_still_called(
    tmp_path: Path,
) -> None:
    hub, setup = _hub(tmp_path)
    assert _issue(hub, "B", "r1") == "B-001"
    services = {
        "A": {"name": "Konsultasi Statistik", "name_en": "Consultation", "active": True},
        "B": {"name": "Perpustakaan", "name_en": "Library", "active": False},
    }
    assert setup.change("services", services, "sari").status == 200
    verdict = Precheck(hub.names).kiosk("k1", contract.encode({"request_id": "r2", "service": "B"}))
    assert not verdict.admit and verdict.refusal is not None and verdict.refusal.code == "unknown_service"
    assert Precheck(hub.names).kiosk("k1", contract.encode({"request_id": "r3", "service": "A"})).admit
    (call,) = _on(hub.counter_command("1", b"next"), "event/call")
    assert call["ticket"] == "B-001"


def test_a_collective_leave_day_and_new_hours_close_the_clocks(tmp_path: Path) -> None:
    hub, setup = _hub(tmp_path)
    leave = date(2027, 3, 2)  # a Tuesday
    hours = hub.timing.tracker.hours
    assert hours.is_open(_wib(leave, 10))
    calendar = {"collective_leave": [{"date": leave.isoformat(), "name": "Cuti bersama"}], "special_days": []}
    assert setup.change("calendar", calendar, "sari").status == 200
    assert not hub.timing.tracker.hours.is_open(_wib(leave, 10))
    week = dict(setup.groups["opening_hours"], mon="08:00-12:00, 13:00-15:30")
    assert setup.change("opening_hours", week, "teguh").status == 200
    monday = date(2027, 3, 15)  # (2027-03-08 is Nyepi, a national holiday)
    assert hub.timing.tracker.hours.is_open(_wib(monday, 11))
    assert not hub.timing.tracker.hours.is_open(_wib(monday, 12, 30))


def test_an_unusable_setup_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    hub, setup = _hub(tmp_path)
    bad = {"1": {"name": "Meja 1", "services": ["Z"]}, "2": {"name": "Meja 2", "services": ["A"]}}
    result = setup.change("desks", bad, "sari")
    assert result.status == 400 and result.body["error"]["code"] == "invalid"
    assert setup.change("opening_hours", {"mon": "16:00-08:00"}, "sari").status == 400
    assert setup.change("nonsense", {}, "sari").status == 404
    with Session(hub.engine) as session:
        assert store.changes(session) == []
        assert store.load(session)["desks"]["1"]["services"] == ["A", "B"]


def test_after_a_restart_the_database_wins_over_the_toml_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hub, setup = _hub(tmp_path)
    setup.change("running_text", {"id": "Teks baru", "en": ""}, "sari")
    hub.engine.dispose()
    edited = {**RAW, "display": {"running_text": "Teks di TOML"}}
    with caplog.at_level(logging.INFO, logger="broker.hub.site_setup"):
        again, _ = _hub(tmp_path, edited)
    assert again.running_text == {"id": "Teks baru", "en": ""}
    said = [r.getMessage() for r in caplog.records if "differ from the config file" in r.getMessage()]
    assert len(said) == 1 and "running_text" in said[0]


# --- the checks of what a supervisor types ------------------------------------------------------


def test_a_day_with_a_break_becomes_two_ranges_and_back() -> None:
    assert site_setup.day_hours("mon", "08:00-15:30", "12:00-13:00") == "08:00-12:00, 13:00-15:30"
    assert site_setup.day_hours("sat", "", "") == "closed"
    assert site_setup.day_hours("fri", "8.00-16:00", "11:30-13:00") == "08:00-11:30, 13:00-16:00"
    assert site_setup.split_day("08:00-11:30, 13:00-16:00") == ("08:00-16:00", "11:30-13:00")
    assert site_setup.split_day("closed") == ("", "")


@pytest.mark.parametrize(
    ("hours", "breaks", "code"),
    [
        ("8 pagi", "", "bad_range"),
        ("25:00-26:00", "", "bad_time"),
        ("15:30-08:00", "", "end_before_start"),
        ("08:00-15:30", "07:00-08:30", "break_outside"),
        ("08:00-15:30", "15:00-16:00", "break_outside"),
        ("tutup", "12:00-13:00", "break_when_closed"),
    ],
)
def test_bad_hours_say_why(hours: str, breaks: str, code: str) -> None:
    with pytest.raises(site_setup.SetupError) as caught:
        site_setup.day_hours("mon", hours, breaks)
    assert caught.value.code == code


def test_days_are_read_one_a_line_and_bad_dates_name_their_line() -> None:
    days = site_setup.leave_days("2026-12-24 Cuti bersama Natal\n\n2026-12-26\n")
    assert days == [{"date": "2026-12-24", "name": "Cuti bersama Natal"}, {"date": "2026-12-26", "name": ""}]
    specials = site_setup.special_days("2026-12-31 08:00-12:00 Setengah hari\n2027-01-02 tutup")
    assert specials[0]["hours"] == "08:00-12:00" and specials[1]["hours"] == "closed"
    with pytest.raises(site_setup.SetupError) as caught:
        site_setup.leave_days("2026-12-24\n24/12/2026 Natal")
    assert (caught.value.code, caught.value.values["line"]) == ("bad_date", 2)
    with pytest.raises(site_setup.SetupError):
        site_setup.special_days("2026-12-31 pagi")
