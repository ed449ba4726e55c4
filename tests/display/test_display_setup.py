"""The wall follows the setup page live, through the real console, hub and broker: a service added
gets its waiting row and one removed loses it (``site/services``, its cleared ``queue/{s}/state``),
and a day made collective leave closes the wall (``site/schedule``): "Layanan tutup" and when the
office opens again, in Indonesian. Screenshots: ``artifacts/display/1366x768-setup-*.png``."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from display.opening import OpeningWatch
from shared.contract import records
from shared.contract import topics as contract
from shared.domain.timing import OpeningHours
from tests.display.runner import DisplayProcess, Tree, texts
from tests.support import Broker, Probe, console_client, free_port, fresh_retained

WIB = ZoneInfo("Asia/Jakarta")
ROWS = "waiting-service"


def _schedule(days: dict[date, str]) -> records.SiteSchedule:
    payload = contract.site_schedule(
        "Asia/Jakarta",
        {d: records.parse_ranges(h, "a day") if h != "closed" else () for d, h in days.items()},
        datetime(2026, 12, 4, 17, tzinfo=WIB),
    )
    return records.parse_site_schedule(contract.encode(payload))


def test_the_hub_s_schedule_wins_over_the_wall_s_own_hours() -> None:
    own = OpeningHours.from_mapping(WIB, {"mon": "08:00-15:30", "tue": "08:00-15:30"})
    watch = OpeningWatch(own, "id")
    monday = datetime(2026, 12, 7, 10, tzinfo=WIB)
    assert watch.lines(monday) is None
    watch.use_schedule(_schedule({date(2026, 12, 7): "closed", date(2026, 12, 8): "09:00-12:00"}))
    assert watch.lines(monday) == ("Layanan tutup", "Buka kembali besok pukul 09.00 WIB")
    english = OpeningWatch(own, "en")
    assert english.lines(datetime(2026, 12, 7, 16, tzinfo=WIB)) == (
        "Service closed",
        "Opens again tomorrow at 08:00 WIB",
    )


def _open_day(port: int) -> date:
    """A date after today the hub's schedule has open at 10:00 (not a weekend or holiday)."""
    schedule = fresh_retained(port, ["site/schedule"], timeout=30)["site/schedule"]
    for text, hours in sorted(schedule["days"].items())[1:]:
        ranges = records.parse_ranges(hours, "a day") if hours != "closed" else ()
        if any(opens <= time(10) < (closes or time(23, 59)) for opens, closes in ranges):
            return date.fromisoformat(text)
    raise AssertionError(f"no open day in {schedule['days']}")


def _post(base: str, path: str, form: dict[str, Any]) -> None:
    with console_client(base, "sari") as client:
        answer = client.post(path, data=form)
    assert answer.status_code == 303, answer.text[:3000]


@pytest.mark.timeout(240)
def test_the_wall_follows_services_added_removed_and_a_closed_day(
    tmp_path: Path, broker: Broker, console_hub: Any
) -> None:
    _hub, base = console_hub
    day = _open_day(broker.port)
    screen = DisplayProcess(
        tmp_path / "display",
        broker.url,
        (1366, 768),
        "1366x768-setup",
        {"voice": False},
        now=f"{day.isoformat()}T10:00:00+07:00",
    )
    screen.workdir.mkdir(parents=True)
    screen.start()
    try:
        rows = ["A  Konsultasi Statistik", "B  Perpustakaan"]
        screen.wait_tree(lambda t: texts(t, ROWS) == rows, 60, "the two services' rows")
        assert not any(texts(screen.tree(), "closed-title"))
        _post(
            base,
            "/setup/add_service",
            {
                "new_prefix": "C",
                "name_new": "Rekomendasi Statistik",
                "name_en_new": "Recommendation",
                "new_desks": ["1", "2"],
            },
        )
        screen.wait_tree(lambda t: texts(t, ROWS) == [*rows, "C  Rekomendasi Statistik"], 60, "the new row")
        screen.snapshot("01-new-service")
        _post(base, "/setup/remove_service", {"remove": "C"})
        screen.wait_tree(lambda t: texts(t, ROWS) == rows, 60, "the row of the removed service gone")
        _post(
            base,
            "/setup/calendar",
            {"collective_leave": f"{day.isoformat()} Cuti bersama", "special_days": ""},
        )

        def closed(tree: Tree) -> bool:
            return texts(tree, "closed-title") == ["Layanan tutup"]

        tree = screen.wait_tree(closed, 60, "the closed notice")
        (when,) = texts(tree, "closed-when")
        assert when.startswith("Buka kembali ") and when.endswith(" WIB"), when
        assert not any(texts(tree, "board-empty"))
        shot = screen.snapshot("02-closed-day")
        assert texts(shot, "closed-title") == ["Layanan tutup"]
        probe = Probe(broker.port)  # a desk still open on the closed day: the title line says it
        try:
            probe.command("1", {"v": 1, "action": "open", "request_id": "open-1"}, timeout=30)
        finally:
            probe.close()
        tree = screen.wait_tree(
            lambda t: texts(t, "board-title")[0].startswith("LAYANAN TUTUP"), 60, "the title"
        )
        assert texts(tree, "board-title") == [f"LAYANAN TUTUP  \u00b7  {when}"]
        screen.snapshot("03-closed-day-desk-open")
    finally:
        screen.stop()
    # The wall's own hours stand in before the hub's arrive (here no broker at all): a weekend, closed.
    saturday = DisplayProcess(
        tmp_path / "display-own",
        f"mqtt://127.0.0.1:{free_port()}",
        (1366, 768),
        "1366x768-own-hours",
        {"voice": False},
        now="2026-12-05T19:00:00+07:00",
    )
    tree = saturday.screenshot_once("01-saturday-evening")
    assert texts(tree, "closed-title") == ["Layanan tutup"]
    assert texts(tree, "closed-when") == ["Buka kembali Senin, 7 Desember 2026 pukul 08.00 WIB"]
