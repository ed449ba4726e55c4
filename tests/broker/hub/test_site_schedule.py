"""The hub's retained ``site/schedule``: in the snapshot, again when the setup page changes the
hours or the calendar, and at the day roll (in-process hub, injected clock, an SQLite file)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from broker.hub.publications import Publication
from shared.contract import records
from shared.contract import topics as contract
from tests.broker.hub.test_site_setup import _hub, _on

TOPIC = "antre/pst/site/schedule"


def _schedule(pubs: list[Publication]) -> records.SiteSchedule:
    (pub,) = [p for p in pubs if p.topic == TOPIC]
    assert pub.retain
    return records.parse_site_schedule(pub.payload)


def test_the_snapshot_carries_the_office_s_days_from_today(tmp_path: Path) -> None:
    hub, _setup = _hub(tmp_path)
    (payload,) = _on(hub.snapshot(), "site/schedule")
    days = payload["days"]
    assert payload["tz"] == "Asia/Jakarta" and len(days) == contract.SCHEDULE_DAYS
    assert list(days)[:5] == ["2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04", "2027-03-05"]
    assert (days["2027-03-01"], days["2027-03-03"], days["2027-03-05"]) == (
        "08:00-15:30", "closed", "08:00-11:30, 13:00-16:00"
    )  # fmt: skip
    assert days["2027-03-08"] == "closed"  # Nyepi, a national holiday: as the hub's clocks have it


def test_a_setup_change_of_the_calendar_or_the_hours_republishes_it(tmp_path: Path) -> None:
    _, setup = _hub(tmp_path)
    leave = date(2027, 3, 2)
    calendar = {"collective_leave": [{"date": leave.isoformat(), "name": "Cuti bersama"}], "special_days": []}
    schedule = _schedule(setup.change("calendar", calendar, "sari").publications)
    assert schedule.days[leave] == ()
    week = dict(setup.groups["opening_hours"], mon="08:00-12:00, 13:00-15:30")
    payload = _on(setup.change("opening_hours", week, "teguh").publications, "site/schedule")[0]
    assert payload["days"]["2027-03-15"] == "08:00-12:00, 13:00-15:30"
    assert payload["days"]["2027-03-02"] == "closed"


def test_the_day_roll_republishes_it_from_the_new_today_once(tmp_path: Path) -> None:
    hub, _setup = _hub(tmp_path)
    hub.snapshot()
    assert _on(hub.timing_tick(), "site/schedule") == []  # the same day: nothing new
    hub.clock.at += timedelta(days=1)  # type: ignore[attr-defined]
    schedule = _schedule(hub.timing_tick())
    assert min(schedule.days) == date(2027, 3, 2) and len(schedule.days) == contract.SCHEDULE_DAYS
    assert _on(hub.timing_tick(), "site/schedule") == []
