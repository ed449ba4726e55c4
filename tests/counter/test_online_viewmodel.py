"""The counter's online-requests panel, driven without a window or a hub: the list's order and
colours, its refreshes, the form, the actions, resends with the same request id, and the session."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from counter.online_desk import CLOSE_CONFIRM_S, RETRY_S
from counter.staff_client import StaffError
from counter.view import build_view
from counter.viewmodel import CounterViewModel
from tests.counter.fakes import FakeClock, FakeLink, FakeStaff, desk_state, online_item, options

WIB = timezone(timedelta(hours=7))


def signed_in(*items: object) -> tuple[CounterViewModel, FakeStaff, FakeClock]:
    staff, link, clock = FakeStaff(online=list(items)), FakeLink(), FakeClock()  # type: ignore[arg-type]
    vm = CounterViewModel(options(), staff, link.send, clock=clock, now=lambda: clock.wall, session="s1")
    vm.on_link(True)
    vm.sign_in("budi", "246813")
    vm.on_desk_state(desk_state("idle"))
    return vm, staff, clock


def test_the_list_loads_at_sign_in_most_urgent_first_and_colours_the_tab() -> None:
    vm, *_ = signed_in(
        online_item("OL-20261124-004", status="answered", answered=True, due_date=date(2026, 11, 20)),
        online_item("OL-20261124-003", due_date=date(2026, 11, 28)),
        online_item("OL-20261124-002", flag="due_today", due_date=date(2026, 11, 24)),
        online_item(
            "OL-20261124-001", flag="overdue", due_date=date(2026, 11, 19),
            last_message_at=datetime(2026, 11, 23, 10, 5, tzinfo=WIB),
        ),
    )  # fmt: skip
    online = build_view(vm).online
    assert [(r.number, r.level, r.badge) for r in online.rows] == [
        ("OL-20261124-001", "overdue", "TERLAMBAT"),
        ("OL-20261124-002", "due_today", "BATAS HARI INI"),
        ("OL-20261124-003", "", ""),  # the officer owes an answer
        ("OL-20261124-004", "", ""),  # answered
    ]
    assert online.rows[0].due == "Batas Kam 19 Nov"
    assert online.rows[0].detail == "WhatsApp  ·  ********7890  ·  belum dijawab, pesan 23 Nov 10:05"
    assert online.rows[3].detail.endswith("dijawab")
    assert (online.tab, online.online_tab, online.online_level) == (
        "queue",
        "Permintaan online (4)",
        "overdue",
    )
    assert online.summary == "1 terlambat · 1 batas hari ini · 4 terbuka"
    vm.set_language("en")
    assert build_view(vm).online.rows[1].due == "Due Tue 24 Nov"


def test_refreshed_periodically_retried_after_a_failure_and_the_session_end_signs_out() -> None:
    vm, staff, clock = signed_in()
    assert build_view(vm).online.summary == "Tidak ada permintaan terbuka"
    staff.online.append(online_item("OL-20261124-001", flag="overdue"))
    clock.advance(29)
    vm.tick()
    assert build_view(vm).online.rows == ()
    clock.advance(1)
    vm.tick()
    assert len(build_view(vm).online.rows) == 1

    staff.online_error = StaffError("unreachable")
    clock.advance(30)
    vm.tick()
    online = build_view(vm).online
    assert online.status_line == "Daftar belum dapat dimuat; mencoba lagi..." and len(online.rows) == 1
    staff.online_error = None
    clock.advance(RETRY_S)
    vm.tick()
    assert build_view(vm).online.status_line == ""

    staff.online_error = StaffError("signed_out", 401)
    vm.online.show_tab("online")
    view = build_view(vm)
    assert view.screen == "signin" and view.online.rows == () and view.online.tab == "queue"


def test_the_form_checks_what_it_can_and_a_resend_after_no_answer_reuses_the_request_id() -> None:
    vm, staff, _clock = signed_in()
    vm.online.show_tab("online")
    vm.online.open_form()
    assert build_view(vm).online.side == "form"
    vm.online.submit_form("0812 3456 7890", "Data", "")
    assert build_view(vm).online.form_error == "Pilih salurannya."
    vm.online.choose_channel("whatsapp")
    vm.online.submit_form("", "Data", "")
    assert build_view(vm).online.form_error == "Isi kontak pengunjung."
    assert staff.online_writes == []

    staff.online_error = StaffError("bad_contact", 400)
    vm.online.submit_form("halo", "Data", "")
    assert build_view(vm).online.form_error == "Kontak WhatsApp harus nomor telepon, mis. 0812 3456 7890."
    staff.online_error = StaffError("unreachable")
    vm.online.submit_form("0812 3456 7890", "Data", "")
    vm.online.submit_form("0812 3456 7890", "Data", "")
    _bad, first, second = staff.online_writes
    assert first[2] == second[2] and first[2] != _bad[2]  # the same content is the same request
    staff.online_error = None
    serial = build_view(vm).online.clear_serial
    vm.online.submit_form("0812 3456 7890", "Data", "")
    online = build_view(vm).online
    assert staff.online_writes[-1][2] == first[2]
    assert online.side == "online" and online.clear_serial > serial
    assert online.status_line == "OL-20261124-001 dicatat. Batas jawab: Jum 27 Nov."
    assert online.rows[0].selected and online.selected_title == "OL-20261124-001 — Data"


def test_actions_on_the_selected_request_and_close_asks_twice() -> None:
    vm, staff, clock = signed_in(online_item("OL-20261124-001"), online_item("OL-20261124-002"))
    assert not build_view(vm).online.can_act
    vm.online.act("reply", "halo")  # nothing selected: nothing sent
    vm.online.select("OL-20261124-002")
    assert build_view(vm).online.can_act
    vm.online.act("reply", "  Data ada di tabel 3.1  ")
    assert staff.online_writes[-1][:2] == ("reply", "OL-20261124-002")
    assert build_view(vm).online.status_line == "Balasan untuk OL-20261124-002 dicatat."
    vm.online.act("message")
    assert staff.online_writes[-1][:2] == ("message", "OL-20261124-002")

    vm.online.act("close")
    view = build_view(vm).online
    assert (
        view.close_armed
        and view.close_label == "Tekan lagi: tutup"
        and staff.online_writes[-1][0] == "message"
    )
    clock.advance(CLOSE_CONFIRM_S)
    vm.tick()
    assert not build_view(vm).online.close_armed  # not confirmed in time
    vm.online.act("close")
    vm.online.act("close")
    online = build_view(vm).online
    assert staff.online_writes[-1][:2] == ("close", "OL-20261124-002")
    assert online.status_line == "OL-20261124-002 ditutup." and [r.number for r in online.rows] == [
        "OL-20261124-001"
    ]
    assert online.selected_title.startswith("Pilih permintaan")

    vm.online.select("OL-20261124-001")
    staff.online_error = StaffError("closed", 409)
    vm.online.act("reply")
    assert build_view(vm).online.status_line == "Permintaan ini sudah ditutup."


def test_sign_out_forgets_the_list_and_a_late_answer_is_dropped() -> None:
    jobs: list = []
    staff, link, clock = FakeStaff(online=[online_item("OL-20261124-001")]), FakeLink(), FakeClock()
    vm = CounterViewModel(options(), staff, link.send, clock=clock, session="s1", run_background=jobs.append)
    vm.on_link(True)
    vm.sign_in("budi", "246813")
    jobs.pop(0)()  # signed in: the list is asked for
    vm.on_desk_state(desk_state("idle"))
    late = jobs.pop(0)
    vm.sign_out()
    jobs.pop(0)()  # signed out
    late()  # the list's answer comes after the sign-out
    assert vm.online.items == () and build_view(vm).online.rows == ()
