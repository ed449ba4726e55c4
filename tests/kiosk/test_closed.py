"""The kiosk outside opening hours: the pure decision and its words, and the view-model giving
no ticket (so no wait estimate) while closed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.closed import Closed, closed_lines, closed_now, schedule_hours
from kiosk.flow import Step
from kiosk.options import KioskOptions
from kiosk.view import ui_value
from kiosk.viewmodel import KioskViewModel
from shared.config import settings_from_mapping
from shared.contract import topics as contract
from shared.contract.records import SiteSchedule, parse_site_schedule
from shared.domain.timing import OpeningHours
from tests.kiosk.fakes import FakeClock, FakeHub, FakePrinter
from tests.kiosk.scenarios import PST_HOURS
from tests.kiosk.test_viewmodel import SERVICES, fill

WIB = ZoneInfo("Asia/Jakarta")
HOURS = OpeningHours.from_mapping(WIB, PST_HOURS)


def wib(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize(
    ("now", "reopens", "id_line", "en_line"),
    [
        # the audit's case: 00:11 on a Thursday
        (wib(12, 3, 0, 11), wib(12, 3, 8), "Buka kembali hari ini pukul 08.00 WIB",
         "Opens again today at 08:00 WIB"),
        # the Friday-prayer break
        (wib(12, 4, 11, 45), wib(12, 4, 13), "Buka kembali hari ini pukul 13.00 WIB",
         "Opens again today at 13:00 WIB"),
        (wib(12, 3, 15, 30), wib(12, 4, 8), "Buka kembali besok pukul 08.00 WIB",
         "Opens again tomorrow at 08:00 WIB"),
        (wib(12, 4, 16, 30), wib(12, 7, 8), "Buka kembali Senin, 7 Desember 2026 pukul 08.00 WIB",
         "Opens again Monday, 7 December 2026 at 08:00 WIB"),
        # Thursday 24 Dec (cuti bersama) and Friday 25 Dec (Christmas): Monday 28 Dec
        (wib(12, 23, 16, 0), wib(12, 28, 8), "Buka kembali Senin, 28 Desember 2026 pukul 08.00 WIB",
         "Opens again Monday, 28 December 2026 at 08:00 WIB"),
    ],
)  # fmt: skip
def test_closed_now_says_when_the_office_opens(
    now: datetime, reopens: datetime, id_line: str, en_line: str
) -> None:
    hours = OpeningHours.from_mapping(WIB, PST_HOURS) if now.day != 23 else _with_holidays()
    closed = closed_now(hours, now)
    assert closed == Closed(reopens)
    assert closed_lines("id", closed, now) == ("Layanan tutup", id_line)
    assert closed_lines("en", closed, now) == ("Service closed", en_line)


def _with_holidays() -> OpeningHours:
    from shared.timing_config import opening_hours

    return opening_hours(settings_from_mapping({"timing": {"opening_hours": PST_HOURS}}))


def test_open_hours_and_no_hours_mean_open() -> None:
    assert closed_now(HOURS, wib(12, 3, 9)) is None
    assert closed_now(None, wib(12, 3, 0, 11)) is None  # no hours known: always open
    assert closed_lines("id", Closed(None), wib(12, 3, 0))[1] == "Jadwal buka berikutnya belum ditetapkan"


def test_the_kiosk_reads_its_hours_from_the_timing_settings() -> None:
    settings = settings_from_mapping({"timing": {"opening_hours": {"sat": "09:00-12:00"}}})
    hours = KioskOptions.from_settings(settings).hours
    assert hours is not None and hours.is_open(wib(12, 5, 10)) and not hours.is_open(wib(12, 3, 10))


class Wall:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def test_no_ticket_and_no_estimate_while_closed_then_open_again() -> None:
    wall = Wall(wib(12, 3, 0, 11))
    hub = FakeHub()
    vm = KioskViewModel(KioskOptions(services=SERVICES, hours=HOURS), hub, FakePrinter(), clock=FakeClock(),
                        wall=wall)  # fmt: skip
    assert ui_value(vm, "flag.closed") is True
    assert ui_value(vm, "closed.reopens") == "Buka kembali hari ini pukul 08.00 WIB"
    vm.choose_service("A")
    assert vm.step == Step.WELCOME and hub.issue_calls == []
    wall.at = wib(12, 3, 8)
    vm.tick()  # the welcome screen checks the hours every second
    assert ui_value(vm, "flag.closed") is False and ui_value(vm, "closed.title") == ""
    vm.choose_service("A")
    assert vm.step == Step.FORM
    fill(vm)
    vm.submit_form()
    wall.at = wib(12, 3, 15, 30)  # closing time while the visitor read the consent screen
    vm.agree()
    assert vm.step == Step.WELCOME and vm.closed == Closed(wib(12, 4, 8)) and hub.issue_calls == []
    wall.at += timedelta(hours=-1)
    vm.finish()
    assert vm.closed is None


def _schedule(days: dict[str, str]) -> SiteSchedule:
    """A ``site/schedule`` as the hub sends it, read back by the contract's parser."""
    payload = {"tz": "Asia/Jakarta", "days": days, "updated_at": wib(12, 3, 7).isoformat()}
    return parse_site_schedule(contract.encode(payload))


def test_the_hub_s_schedule_wins_over_the_toml_for_the_dates_it_lists() -> None:
    # The TOML says Thursday 3 December is a working day; the supervisor made it and Friday closed
    # on the console, and Monday opens late.
    schedule = _schedule({"2026-12-03": "closed", "2026-12-04": "closed", "2026-12-07": "09:00-15:30"})
    hours = schedule_hours(schedule, HOURS)
    assert hours is not None and not hours.is_open(wib(12, 3, 10))
    assert closed_now(hours, wib(12, 3, 10)) == Closed(wib(12, 7, 9))
    assert hours.is_open(wib(12, 8, 8))  # Tuesday 8 December is not listed: the TOML's week
    assert schedule_hours(None, HOURS) is HOURS
    bare = schedule_hours(schedule, None)  # no hours of its own: only the listed dates open
    assert bare is not None and bare.is_open(wib(12, 7, 9)) and not bare.is_open(wib(12, 8, 9))


def test_the_closed_screen_shows_the_next_opening_from_the_retained_schedule() -> None:
    wall = Wall(wib(12, 3, 10))  # Thursday 10:00: open by the kiosk's TOML
    hub = FakeHub()
    vm = KioskViewModel(KioskOptions(services=SERVICES, hours=HOURS), hub, FakePrinter(), clock=FakeClock(),
                        wall=wall)  # fmt: skip
    assert ui_value(vm, "flag.closed") is False
    vm.use_schedule(_schedule({"2026-12-03": "closed", "2026-12-04": "closed", "2026-12-07": "09:00-15:30"}))
    assert ui_value(vm, "flag.closed") is True
    assert ui_value(vm, "closed.reopens") == "Buka kembali Senin, 7 Desember 2026 pukul 09.00 WIB"
    vm.set_language("en")
    assert ui_value(vm, "closed.reopens") == "Opens again Monday, 7 December 2026 at 09:00 WIB"
    vm.choose_service("A")
    assert vm.step == Step.WELCOME and hub.issue_calls == []  # no ticket, so no wait estimate
    vm.use_schedule(_schedule({"2026-12-03": "08:00-15:30"}))  # the supervisor opened the day again
    assert ui_value(vm, "flag.closed") is False
    vm.choose_service("A")
    assert vm.step == Step.FORM
