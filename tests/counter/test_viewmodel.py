"""The counter's view-model and view, driven without a window, a broker or a hub."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter.staff_client import StaffError
from counter.view import CounterView, build_view
from counter.viewmodel import CounterViewModel, TicketClock
from shared.contract import topics as contract
from tests.counter.fakes import (
    T0,
    FakeClock,
    FakeLink,
    FakeStaff,
    answer,
    desk_state,
    options,
    queue_state,
    refusal,
    visitor,
)


def make(**opts: object) -> tuple[CounterViewModel, FakeStaff, FakeLink, FakeClock]:
    staff, link, clock = FakeStaff(), FakeLink(), FakeClock()
    vm = CounterViewModel(
        options(**opts), staff, link.send, clock=clock, now=lambda: clock.wall, session="s1"
    )
    return vm, staff, link, clock


def signed_in(**opts: object) -> tuple[CounterViewModel, FakeStaff, FakeLink, FakeClock]:
    vm, staff, link, clock = make(**opts)
    vm.on_link(True)
    vm.on_hub_presence(b"online")
    vm.sign_in("budi", "246813")
    vm.on_desk_state(desk_state("idle"))
    return vm, staff, link, clock


def enabled(view: CounterView) -> set[str]:
    return {b.action for b in view.buttons if b.enabled}


def test_signed_out_nothing_is_enabled_and_the_link_is_announced() -> None:
    vm, *_ = make()
    view = build_view(vm)
    assert view.screen == "signin" and enabled(view) == set()
    assert view.banner_kind == "error" and "Menghubungkan" in view.banner_text
    vm.on_link(True)
    assert build_view(vm).banner_text == ""


def test_sign_in_checks_the_pin_shape_then_asks_the_hub() -> None:
    vm, staff, *_ = make()
    vm.sign_in("", "246813")
    assert build_view(vm).signin_error == "Isi ID petugas."
    vm.sign_in("budi", "12")
    assert build_view(vm).signin_error == "PIN terdiri dari 4 sampai 8 angka."
    vm.sign_in("budi", "1111")
    assert build_view(vm).signin_error == "ID petugas atau PIN salah."
    staff.signin_error = StaffError("locked", 423)
    vm.sign_in("budi", "246813")
    assert "Tunggu satu menit" in build_view(vm).signin_error
    staff.signin_error = None
    vm.sign_in("budi", "246813")
    view = build_view(vm)
    assert view.screen == "desk" and view.officer_text == "Petugas: Budi Santoso" and view.signin_error == ""


def test_a_taken_desk_names_the_sitter_and_is_taken_over_with_the_pin_just_typed() -> None:
    vm, staff, *_ = make()
    staff.desk_taken_by = "Rina Wulandari"
    vm.sign_in("budi", "246813")
    view = build_view(vm)
    assert view.screen == "signin" and view.take_over_offered
    assert view.signin_error.startswith("Rina Wulandari sedang masuk di meja ini.")
    vm.take_over()
    view = build_view(vm)
    assert view.screen == "desk" and view.officer_text == "Petugas: Budi Santoso"
    assert staff.signins == [("budi", False), ("budi", True)] and not view.take_over_offered


def test_take_over_is_offered_only_just_after_the_refusal(monkeypatch) -> None:
    from counter import staff_session

    vm, staff, *_ = make()
    staff.desk_taken_by = "Rina Wulandari"
    vm.sign_in("budi", "246813")
    assert build_view(vm).take_over_offered
    vm.sign_in("budi", "1111")  # another attempt forgets the PIN kept for the take-over
    assert not build_view(vm).take_over_offered
    vm.sign_in("budi", "246813")
    now = staff_session.time.monotonic()
    monkeypatch.setattr(staff_session.time, "monotonic", lambda: now + staff_session.TAKE_OVER_WINDOW_S)
    assert not build_view(vm).take_over_offered  # the PIN is not kept behind an unattended screen
    vm.take_over()
    assert build_view(vm).screen == "signin" and staff.signins[-1] == ("budi", False)


def test_buttons_follow_the_desk_state() -> None:
    vm, staff, _link, _clock = signed_in()
    assert enabled(build_view(vm)) == {"next", "break"}
    assert build_view(vm).signout_enabled

    staff.at_desk = visitor("A-001")
    vm.on_desk_state(desk_state("called", "A-001", "A"))
    view = build_view(vm)
    assert enabled(view) == {"next", "recall", "start", "finish", "transfer", "hold", "return"}
    assert view.button("noshow").note == "setelah 2x panggil ulang"
    assert not view.signout_enabled

    vm.on_desk_state(desk_state("serving", "A-001", "A"))
    assert enabled(build_view(vm)) == {"next", "finish", "transfer", "hold", "return"}

    vm.on_desk_state(desk_state("closed"))
    view = build_view(vm)
    assert enabled(view) == {"break"} and view.button("break").label == "Buka meja"
    assert view.empty_title == "Meja sedang istirahat"


def test_noshow_is_offered_after_the_configured_recalls() -> None:
    vm, staff, _link, _clock = signed_in(noshow_after_recalls=2)
    staff.at_desk = visitor("A-001")
    vm.on_desk_state(desk_state("called", "A-001", "A"))
    vm.on_response(answer("hub-1", "recall", ticket="A-001", recalls=1))
    assert not build_view(vm).button("noshow").enabled
    vm.on_response(answer("hub-2", "recall", ticket="A-001", recalls=2))
    view = build_view(vm)
    assert view.button("noshow").enabled and view.visitor_recalls == "Dipanggil ulang 2x"
    assert view.answer_text == "Tombol meja: A-001 dipanggil ulang (2x)."

    vm.on_desk_state(desk_state("called", "A-002", "A"))  # a new visitor starts from zero
    assert not build_view(vm).button("noshow").enabled


def test_a_press_sends_one_json_command_and_holds_the_buttons_until_answered() -> None:
    vm, _staff, link, clock = signed_in()
    assert vm.press("next")
    assert link.sent == [{"v": 1, "action": "next", "request_id": "c2-s1-0001"}]
    assert not vm.press("next") and len(link.sent) == 1  # held at once: a double press is one call
    view = build_view(vm)
    assert enabled(view) == {"next", "break"} and view.banner_text == ""  # no flicker for a quick answer
    clock.advance(0.35)
    view = build_view(vm)
    assert enabled(view) == set() and view.banner_kind == "info"
    assert view.banner_text == 'Menunggu jawaban server untuk "panggil berikutnya"...'
    assert not vm.press("next")  # a double press is not a second call

    vm.on_response(refusal("c2-s1-0001", "nobody_waiting"))
    view = build_view(vm)
    assert view.answer_text == "Tidak ada pengunjung yang menunggu." and view.answer_kind == "error"
    assert enabled(view) == {"next", "break"} and view.banner_text == ""


def test_the_visitor_is_fetched_while_at_the_desk_and_dropped_when_gone() -> None:
    vm, staff, link, _clock = signed_in()
    vm.on_queue_state("A", queue_state("A", ["A-001", "A-002"]))
    staff.at_desk = visitor("A-001")
    vm.press("next")
    vm.on_desk_state(desk_state("called", "A-001", "A"))
    vm.on_response(answer(link.sent[-1]["request_id"], "next", ticket="A-001", service="A"))
    view = build_view(vm)
    assert view.answer_text == "A-001 dipanggil ke Meja 2."
    assert (view.visitor_code, view.visitor_service) == ("A-001", "A — Konsultasi Statistik")
    assert (view.visitor_name, view.visitor_institution) == ("Siti Aminah", "Universitas Lampung")
    assert view.visitor_id == "KTP ************0001"
    assert view.visitor_times == "Lama menunggu: 07:05   ·   Dipanggil 00:55 lalu"
    assert staff.visitor_calls == 1
    vm.on_desk_state(desk_state("serving", "A-001", "A"))
    assert staff.visitor_calls == 1  # same visitor: no second fetch
    assert "Dilayani 00:55" in build_view(vm).visitor_times

    vm.on_desk_state(desk_state("idle"))
    view = build_view(vm)
    assert not view.has_visitor and view.visitor_name == "" and vm.visitor.details is None
    assert "Siti" not in repr(vm.__dict__) + repr(vm.visitor.__dict__)


def test_a_visitor_without_a_guestbook_entry_and_a_failed_fetch() -> None:
    vm, staff, _link, clock = signed_in()
    staff.visitor_error = StaffError("unreachable")
    staff.at_desk = visitor("A-001", name=None, institution=None, purpose=None, id_type=None, id_number=None)
    vm.on_desk_state(desk_state("called", "A-001", "A"))
    assert build_view(vm).visitor_note.startswith("Data tamu belum dapat dimuat")
    staff.visitor_error = None
    clock.advance(2.5)
    vm.tick()
    view = build_view(vm)
    assert view.visitor_note == "Tanpa data buku tamu" and view.visitor_name == ""


def test_an_ended_session_returns_to_sign_in() -> None:
    vm, staff, *_ = signed_in()
    staff.visitor_error = StaffError("signed_out", 401)
    vm.on_desk_state(desk_state("called", "A-001", "A"))
    view = build_view(vm)
    assert view.screen == "signin" and "Sesi Anda berakhir" in view.signin_error


def test_a_revoked_session_tells_the_officer_why() -> None:
    vm, staff, *_ = signed_in()
    staff.visitor_error = StaffError("session_revoked", 401)
    vm.on_desk_state(desk_state("called", "A-001", "A"))
    view = build_view(vm)
    assert view.screen == "signin" and "meja diambil alih" in view.signin_error


def test_a_command_in_flight_when_the_link_drops_is_resent_with_the_same_id() -> None:
    vm, _staff, link, clock = signed_in()
    vm.press("next")
    vm.on_link(False)
    link.up = False
    view = build_view(vm)
    assert view.banner_kind == "error" and enabled(view) == set()
    assert view.banner_text == (
        'Koneksi ke server antrean terputus. "panggil berikutnya" dikirim ulang otomatis '
        "saat tersambung kembali."
    )
    vm.tick()
    link.up = True
    vm.on_link(True)
    assert [m["request_id"] for m in link.sent] == ["c2-s1-0001", "c2-s1-0001"]
    clock.advance(0.5)
    assert (
        build_view(vm).banner_text
        == 'Menunggu jawaban server untuk "panggil berikutnya" (dikirim ulang 1x)...'
    )
    vm.on_response(answer("c2-s1-0001", "next", ticket="A-001", service="A"))
    assert vm.pending is None
    vm.on_response(answer("c2-s1-0001", "next", ticket="A-001", service="A"))  # the hub's repeat
    assert build_view(vm).answer_text == "A-001 dipanggil ke Meja 2."


def test_an_unanswered_command_is_resent_after_a_while_with_the_same_id() -> None:
    vm, _staff, link, clock = signed_in()
    vm.press("close")
    clock.advance(1)
    vm.tick()
    assert len(link.sent) == 1
    clock.advance(2.5)
    vm.tick()
    assert [m["request_id"] for m in link.sent] == ["c2-s1-0001"] * 2
    assert link.sent[0] == {"v": 1, "action": "close", "request_id": "c2-s1-0001"}


def test_a_busy_hub_gets_the_same_command_again_after_growing_pauses() -> None:
    vm, _staff, link, clock = signed_in()
    vm.press("next")
    vm.on_response(refusal("c2-s1-0001", "busy"))
    assert vm.pending is not None and not vm.can("next")  # still in flight, nothing shown as refused
    clock.advance(0.35)
    view = build_view(vm)
    assert (view.banner_text, view.answer_text) == (
        'Server antrean sedang sibuk: "panggil berikutnya" dikirim ulang sebentar lagi...',
        "",
    )
    vm.tick()
    assert [m["request_id"] for m in link.sent] == ["c2-s1-0001"] * 2
    vm.on_response(refusal("c2-s1-0001", "busy"))
    clock.advance(0.35)
    vm.tick()
    assert len(link.sent) == 2  # the second pause is longer (0.5 s)
    clock.advance(0.35)
    vm.tick()
    assert [m["request_id"] for m in link.sent] == ["c2-s1-0001"] * 3
    vm.on_response(answer("c2-s1-0001", "next", ticket="A-001", service="A"))
    assert vm.pending is None and build_view(vm).answer_text == "A-001 dipanggil ke Meja 2."


def test_a_hub_busy_every_time_is_told_in_words_after_the_retries() -> None:
    vm, _staff, link, clock = signed_in(language="en")
    vm.press("next")
    for _ in range(20):
        request_id = link.sent[-1]["request_id"]
        vm.on_response(refusal(request_id, "busy"))
        if vm.pending is None:
            break
        clock.advance(2.0)
        vm.tick()
    assert vm.pending is None and len(link.sent) == 6  # the press and five quiet retries
    assert {m["request_id"] for m in link.sent} == {"c2-s1-0001"}
    view = build_view(vm)
    assert view.answer_kind == "error" and view.banner_text == ""
    assert view.answer_text == (
        "The queue server is busy; the command was not carried out. Press again in a moment."
    )
    assert vm.can("next")  # the officer may press again: a new command


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("id", "Server antrean mengalami gangguan; perintah belum dijalankan. Coba lagi."),
        ("en", "The queue server had a problem; the command was not carried out. Try again."),
    ],
)
def test_an_internal_error_is_shown_in_words_not_as_a_code(lang: str, expected: str) -> None:
    vm, _staff, link, _clock = signed_in(language=lang)
    vm.press("next")
    vm.on_response(refusal(link.sent[-1]["request_id"], "internal_error"))
    view = build_view(vm)
    assert vm.pending is None and len(link.sent) == 1  # not retried behind the officer's back
    assert (view.answer_kind, view.answer_text) == ("error", expected)


def test_buttons_are_held_while_the_broker_is_unreachable() -> None:
    vm, _staff, link, _clock = signed_in()
    vm.on_link(False)
    assert not vm.press("next") and link.sent == []
    assert vm.lobby.hub_online is None


def test_transfer_offers_the_other_services_and_sends_to_service() -> None:
    vm, staff, link, _clock = signed_in()
    staff.at_desk = visitor("A-001")
    vm.on_desk_state(desk_state("called", "A-001", "A"))
    view = build_view(vm)
    assert view.transfer_targets == (("B", "1.  B — Perpustakaan"),)
    assert view.transfer_title == "Alihkan A-001 ke layanan:"
    assert not vm.press("transfer", "A") and not vm.press("transfer")
    assert vm.press("transfer", "B")
    assert link.sent[-1] == {"v": 1, "action": "transfer", "request_id": "c2-s1-0001", "to_service": "B"}
    vm.on_response(answer("c2-s1-0001", "transfer", ticket="A-001", to_service="B"))
    assert build_view(vm).answer_text.startswith("A-001 dialihkan ke B (Perpustakaan)")


def test_transfer_needs_another_service() -> None:
    only_a = options().services[:1]
    vm, _staff, _link, _clock = signed_in(services=only_a, all_services=only_a)
    vm.on_desk_state(desk_state("called", "A-001", "A"))
    assert not build_view(vm).button("transfer").enabled


def test_sign_out_is_refused_while_a_visitor_is_at_the_desk() -> None:
    vm, staff, _link, _clock = signed_in()
    vm.on_desk_state(desk_state("called", "A-001", "A"))
    vm.sign_out()
    assert staff.signed_out == 0  # not offered with a visitor at the desk
    vm.on_desk_state(desk_state("idle"))
    staff.signout_error = StaffError("desk_busy", 409)  # a button called someone meanwhile
    vm.sign_out()
    assert build_view(vm).answer_text.startswith("Belum bisa keluar")
    staff.signout_error = None
    vm.sign_out()
    view = build_view(vm)
    assert staff.signed_out == 1 and view.screen == "signin" and view.signin_error == "Anda sudah keluar."


def test_the_waiting_list_shows_the_desks_services_and_a_plugged_in_clock_source() -> None:
    clocks = {"A-002": TicketClock(485, "warning"), "A-003": TicketClock(615, "breach")}
    staff, link, clock = FakeStaff(), FakeLink(), FakeClock()
    vm = CounterViewModel(options(), staff, link.send, clock=clock, ticket_clocks=clocks.get)
    vm.on_queue_state("A", queue_state("A", ["A-002", "A-003", "A-004"]))
    vm.on_queue_state("B", queue_state("B", [], 0))
    vm.on_queue_state("C", queue_state("A", ["X"]))  # not this desk's: ignored
    sections = build_view(vm).sections
    assert [s.title for s in sections] == ["A — Konsultasi Statistik", "B — Perpustakaan"]
    assert [(c.code, c.clock, c.level) for c in sections[0].chips] == [
        ("A-002", "8 mnt", "warning"),
        ("A-003", "10 mnt", "breach"),
        ("A-004", "", ""),
    ]
    assert sections[0].count == "3 menunggu" and sections[1].count == "Tidak ada yang menunggu"
    vm.on_queue_state("A", queue_state("A", [f"A-{n:03d}" for n in range(1, 51)], 80))
    section = build_view(vm).sections[0]
    assert len(section.chips) == 24 and section.more == "+56 lainnya" and section.count == "80 menunggu"


def test_the_clocks_published_in_the_queue_state_run_from_their_start() -> None:
    vm, _staff, _link, clock = make()  # the wall clock is T0 + 8 min
    clocks = [
        contract.waiting_clock("A-002", T0, T0 + timedelta(seconds=50), "warning"),  # started 7:10 ago
        contract.waiting_clock("A-003", T0, None, None),  # the visitor before is still being served
        {"ticket": "A-004", "issued_at": "not a time"},  # unreadable: the code still shows
    ]
    raw = contract.encode(contract.queue_state("A", "Konsultasi", ["A-002", "A-003", "A-004"], T0, 3, clocks))
    vm.on_queue_state("A", raw)
    chips = build_view(vm).sections[0].chips
    assert [(c.code, c.clock, c.level) for c in chips] == [
        ("A-002", "7 mnt", "warning"),
        ("A-003", "", ""),
        ("A-004", "", ""),
    ]
    clock.advance(60)
    assert build_view(vm).sections[0].chips[0].clock == "8 mnt"


def test_a_visitor_waiting_while_a_desk_is_idle_is_shown_and_the_idle_desk_is_told() -> None:
    """Published at T0: A-002 had waited 3:12 while desk 3 sat idle, A-003 0:40; the wall clock
    is T0 + 8 min and desk 3 is still idle: 11:12 (11 mnt) and 8:40 (8 mnt) on the chips, and the
    line under A names Meja 3 with the longest. When desk 2 (this one) is the idle one, its
    officer is told to call. Under a minute shows nothing; with no desk idle the figure stands."""
    vm, _staff, _link, clock = make(desk_names=(("2", "Meja 2"), ("3", "Meja 3")))
    clocks = [
        contract.waiting_clock("A-002", T0, None, None, 192),
        contract.waiting_clock("A-003", T0, None, None, 40),
    ]
    raw = contract.queue_state("A", "Konsultasi", ["A-002", "A-003"], T0, 2, clocks, idle_desks=["3"])
    vm.on_queue_state("A", contract.encode(raw))
    assert [t.idle_desk_s for t in vm.waiting()[0].tickets] == [672, 520]
    section = build_view(vm).sections[0]
    assert [(c.code, c.idle) for c in section.chips] == [
        ("A-002", "kosong 11 mnt"),
        ("A-003", "kosong 8 mnt"),
    ]
    assert section.idle == "Meja kosong: Meja 3 · terlama 11 mnt saat meja kosong" and not section.idle_mine
    assert build_view(vm).sections[1].idle == ""  # B: nothing published

    mine = contract.queue_state("A", "Konsultasi", ["A-002", "A-003"], T0, 2, clocks, idle_desks=["2", "3"])
    vm.on_queue_state("A", contract.encode(mine))
    section = build_view(vm).sections[0]
    assert (
        section.idle_mine and section.idle == "Meja Anda kosong, 2 menunggu · terlama 11 mnt saat meja kosong"
    )
    vm.set_language("en")
    assert (
        build_view(vm).sections[0].idle
        == "Your desk is free and 2 wait · longest 11 min while a desk was idle"
    )
    assert build_view(vm).sections[0].chips[0].idle == "idle 11 min"

    vm.set_language("id")
    fresh = [contract.waiting_clock("A-004", T0, None, None, 0)]  # published just now, under a minute
    now_b = contract.queue_state("B", "Perpustakaan", ["A-004"], clock.wall, 1, fresh, idle_desks=["2"])
    vm.on_queue_state("B", contract.encode(now_b))
    assert build_view(vm).sections[1].idle == "Meja Anda kosong, 1 menunggu"
    assert build_view(vm).sections[1].chips[0].idle == ""
    busy = contract.queue_state("A", "Konsultasi", ["A-002", "A-003"], T0, 2, clocks)  # no desk idle now
    vm.on_queue_state("A", contract.encode(busy))
    clock.advance(600)
    section = build_view(vm).sections[0]
    assert [c.idle for c in section.chips] == ["kosong 3 mnt", ""] and section.idle == ""


def test_printer_problems_and_the_hub_going_away_are_shown() -> None:
    vm, *_ = signed_in()
    status = contract.encode({"kiosk": "k1", "printer": "paper_out", "pending_reprint": "A-007"})
    vm.on_kiosk_status("k1", status)
    vm.on_kiosk_status("k2", contract.encode({"kiosk": "k2", "printer": "unknown", "pending_reprint": None}))
    assert build_view(vm).printer_text == "Printer kiosk k1: kertas habis, tiket A-007 belum tercetak"
    vm.on_kiosk_status("k1", b"")
    assert build_view(vm).printer_text == ""
    vm.on_hub_presence(b"offline")
    view = build_view(vm)
    assert view.banner_kind == "warning" and "tidak aktif" in view.banner_text
    assert enabled(view) == {"next", "break"}  # the broker keeps commands for the hub


def test_english_and_malformed_messages() -> None:
    vm, *_ = signed_in(language="en")
    vm.on_response(refusal(None, "desk_busy"))
    view = build_view(vm)
    assert view.answer_text == "Desk button: A visitor is still at the desk. Finish or transfer first."
    assert view.button("next").label == "Call next" and view.status_text == "READY"
    vm.on_desk_state(b'{"v":1,"desk":"2","status":"dancing"}')
    vm.on_queue_state("A", b"not json")
    vm.on_response(b'{"v":1,"request_id":"x"}')
    assert vm.malformed == 3 and build_view(vm).status == "idle"


@pytest.mark.parametrize(
    ("answer_fields", "words"),
    [
        (
            {"action": "next", "ticket": "A-002", "finished": "A-001"},
            "A-001 selesai. A-002 dipanggil ke Meja 2.",
        ),
        (
            {"action": "next", "ticket": None, "finished": "A-001", "notice": "nobody_waiting"},
            "A-001 selesai. Tidak ada pengunjung yang menunggu.",
        ),
        ({"action": "start", "ticket": "A-002"}, "Mulai melayani A-002."),
        ({"action": "finish", "ticket": "A-002"}, "A-002 selesai dilayani."),
        ({"action": "noshow", "ticket": "A-002"}, "A-002 dicatat tidak hadir."),
        ({"action": "close", "status": "closed"}, "Meja istirahat. Tidak ada panggilan ke meja ini."),
        ({"action": "open", "status": "idle"}, "Meja dibuka."),
    ],
)
def test_the_hubs_answers_in_words(answer_fields: dict[str, object], words: str) -> None:
    vm, _staff, link, _clock = signed_in()
    vm.press("next")
    vm.on_response(answer(link.sent[-1]["request_id"], **answer_fields))  # type: ignore[arg-type]
    assert build_view(vm).answer_text == words
