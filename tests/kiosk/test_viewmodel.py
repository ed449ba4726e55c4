"""The kiosk's view-model, driven without a window: recording fakes stand in for the hub and the
printer (the two ports), everything else is the real code."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk import view
from kiosk.flow import LOOKUP, Step
from kiosk.options import KioskOptions
from kiosk.ports import PrinterStatus
from kiosk.touch.ports import HubError
from kiosk.viewmodel import KioskViewModel
from shared.config import ConfigError, settings_from_mapping
from shared.domain.queue import Service
from tests.kiosk.fakes import RETURNING, FakeClock, FakeHub, FakePrinter

VALID = {
    "name": "Siti  Aminah",
    "id_type": "ktp",
    "id_number": "1808 0141 0190 0001",
    "email": "Siti@Example.id",
    "phone": "0812-3456-7890",
    "institution": "Universitas Lampung",
    "purpose": "Data IPM kecamatan 2025",
}
SERVICES = (Service(prefix="A", name="Konsultasi Statistik"), Service(prefix="B", name="Perpustakaan"))


class Ids:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"req-{self.n}"


def make(
    hub: FakeHub | None = None,
    printer: FakePrinter | None = None,
    clock: FakeClock | None = None,
    **options: object,
) -> tuple[KioskViewModel, FakeHub, FakePrinter]:
    hub, printer = hub or FakeHub(), printer or FakePrinter()
    vm = KioskViewModel(
        KioskOptions(services=SERVICES, **options),  # type: ignore[arg-type]
        hub,
        printer,
        clock=clock or FakeClock(),
        new_id=Ids(),
    )
    return vm, hub, printer


def fill(vm: KioskViewModel, **overrides: str) -> None:
    for name, value in {**VALID, **overrides}.items():
        vm.set_field(name, value)


def to_consent(vm: KioskViewModel, service: str = "A") -> None:
    vm.choose_service(service)
    fill(vm)
    vm.submit_form()
    assert vm.step == Step.CONSENT, vm.errors


def test_the_whole_flow_issues_prints_and_forgets_what_was_typed() -> None:
    vm, hub, printer = make(minutes_per_visitor=7)
    seen: list[Step] = []
    vm.subscribe(lambda: seen.append(vm.step))
    vm.choose_service("B")
    assert vm.step == Step.FORM and vm.focused == "name" and vm.keyboard_layout == "text"
    to_consent(vm, "B")
    vm.agree()

    assert [call[:2] for call in hub.issue_calls] == [("req-1", "B")]
    assert hub.issue_calls[0][2] == {
        "name": "Siti Aminah",
        "id_type": "ktp",
        "id_number": "1808014101900001",
        "email": "siti@example.id",
        "phone": "081234567890",
        "institution": "Universitas Lampung",
        "purpose": "Data IPM kecamatan 2025",
        "consent": True,
    }
    assert printer.status_calls == 1
    (ticket,) = printer.printed
    assert ticket.code == "B-001" and ticket.service_name == "Perpustakaan"
    assert ticket.ahead == 2 and ticket.estimated_wait_min == 14  # 2 ahead x 7 minutes
    assert ticket.issued_at.utcoffset() == timedelta(hours=7)  # the office's local time
    assert ticket.office_name == "BPS Kabupaten Tulang Bawang" and ticket.language == "id"
    assert vm.step == Step.TICKET and vm.printed and vm.ticket == ticket
    assert Step.ISSUING in seen
    assert all(value in ("", "ktp") for value in vm.fields.values())  # typed data already forgotten
    assert vm.request_id is None and hub.reports == []
    lines = view.ticket_lines(vm)
    assert lines["code"] == "B-001" and "2 orang" in lines["ahead"] and "14 menit" in lines["wait"]
    vm.finish()
    assert vm.step == Step.WELCOME and vm.ticket is None


def test_minutes_per_visitor_comes_from_the_kiosk_section() -> None:
    settings = settings_from_mapping({"kiosk": {"minutes_per_visitor": 4, "idle_timeout_s": 30}})
    options = KioskOptions.from_settings(settings)
    assert options.minutes_per_visitor == 4 and options.idle_timeout_s == 30
    assert KioskOptions.from_settings(settings_from_mapping({})).minutes_per_visitor == 10
    with pytest.raises(ConfigError):
        KioskOptions.from_settings(settings_from_mapping({"kiosk": {"minutes_per_visitor": "ten"}}))


def test_errors_appear_after_the_first_submit_and_follow_the_typing() -> None:
    vm, hub, _ = make()
    vm.choose_service("A")
    vm.set_field("id_number", "12345")
    assert vm.errors == {} and view.field_error(vm, "id_number") == ""
    vm.submit_form()
    assert vm.step == Step.FORM and hub.issue_calls == []
    assert vm.errors == {
        "name": "required",
        "id_number": "nik_length",
        "email": "required",
        "purpose": "required",
    }
    assert vm.focused == "name"  # the first field to fix gets the keyboard
    assert view.field_error(vm, "name") == "Wajib diisi."
    assert view.field_error(vm, "phone") == ""
    fill(vm, id_number="1808019913900001", email="siti@", phone="0812-34ab-567")
    assert vm.errors == {"id_number": "nik_invalid", "email": "email_invalid", "phone": "phone_invalid"}
    assert view.field_error(vm, "id_number").startswith("NIK tidak valid")
    vm.toggle_language()
    assert view.field_error(vm, "email").startswith("Not a valid email address")
    vm.set_field("phone", "")  # optional: empty is fine
    vm.set_field("email", "siti@example.id")
    vm.set_field("id_number", "1808014101900001")
    assert vm.errors == {}
    vm.submit_form()
    assert vm.step == Step.CONSENT


def test_length_limits_and_other_id_types() -> None:
    vm, _, _ = make()
    vm.choose_service("A")
    fill(vm, name="S", id_type="sim", id_number="12345")
    vm.submit_form()
    assert vm.errors == {"name": "too_short", "id_number": "sim_invalid"}
    assert view.field_error(vm, "name") == "Terlalu pendek: paling sedikit 2 huruf atau angka."
    vm.set_field("id_type", "paspor")
    vm.set_field("id_number", "a1")
    assert vm.errors["id_number"] == "too_short"
    vm.set_field("id_number", "b 1234567")
    assert "id_number" not in vm.errors


def test_keyboard_fits_the_focused_field() -> None:
    vm, _, _ = make()
    vm.choose_service("A")
    layouts = {}
    for name in ("name", "id_number", "email", "phone", "institution", "purpose"):
        vm.focus(name)
        layouts[name] = vm.keyboard_layout
    assert layouts == {
        "name": "text",
        "id_number": "numeric",
        "email": "email",
        "phone": "phone",
        "institution": "text",
        "purpose": "text",
    }
    vm.set_field("id_type", "paspor")
    vm.focus("id_number")
    assert vm.keyboard_layout == "text"  # passport numbers have letters
    vm.blur("id_number")
    assert vm.keyboard_layout is None
    vm.returning.start()
    assert vm.focused == LOOKUP and vm.keyboard_layout == "numeric"
    vm.returning.set_mode("email")
    assert vm.keyboard_layout == "email"


@pytest.mark.parametrize("status", [PrinterStatus.PAPER_OUT, PrinterStatus.OFFLINE])
def test_printer_out_stops_before_the_hub_and_tells_staff(status: PrinterStatus) -> None:
    vm, hub, printer = make(printer=FakePrinter(statuses=[status]))
    to_consent(vm)
    vm.agree()
    assert hub.issue_calls == [] and printer.attempts == []
    assert hub.reports == [str(status)]
    assert vm.step == Step.PROBLEM and vm.notice is not None and vm.notice.staff_told
    what, todo = view.notice_lines(vm)
    assert what in ("Kertas printer tiket habis.", "Printer tiket mati atau tidak tersambung.")
    assert "meja depan" in todo and "Petugas sudah diberi tahu." in todo
    # Paper refilled: "try again" issues, prints and clears the alert.
    vm.retry()
    assert vm.step == Step.TICKET and len(printer.printed) == 1
    assert hub.reports == [str(status), None]


def test_print_failure_after_issue_keeps_the_ticket_for_a_reprint() -> None:
    vm, hub, printer = make(printer=FakePrinter(failures=["paper_out", "paper_out"]))
    to_consent(vm)
    vm.agree()
    assert vm.step == Step.TICKET and not vm.printed and vm.ticket is not None
    assert vm.ticket.code == "A-001" and [t.code for t in vm.issue.unprinted] == ["A-001"]
    assert hub.reports == ["paper_out"]
    assert view.ticket_lines(vm)["message"].startswith("Tiket tidak dapat dicetak")
    vm.reprint()  # still no paper
    assert not vm.printed and len(vm.issue.unprinted) == 1
    vm.tick()
    vm.reprint()
    assert vm.printed and vm.issue.unprinted == [] and vm.issue.printer_problem is None
    assert [t.code for t in printer.printed] == ["A-001"] and len(hub.issue_calls) == 1
    assert hub.reports == ["paper_out", "paper_out", None]


def test_an_unprinted_ticket_survives_the_idle_reset() -> None:
    clock = FakeClock()
    vm, _, printer = make(printer=FakePrinter(failures=["offline"]), clock=clock)
    to_consent(vm)
    vm.agree()
    clock.advance(61)
    vm.tick()
    assert vm.step == Step.WELCOME and [t.code for t in vm.issue.unprinted] == ["A-001"]
    assert view.welcome_banner(vm) == "Tiket belum tercetak: A-001"
    vm.reprint("A-001")
    assert [t.code for t in printer.printed] == ["A-001"] and view.welcome_banner(vm) == ""


def test_hub_timeout_is_retried_with_the_same_request_id() -> None:
    vm, hub, printer = make(hub=FakeHub(issue_script=[HubError("timeout")]))
    to_consent(vm)
    vm.agree()
    assert vm.step == Step.PROBLEM and vm.notice is not None and vm.notice.can_retry
    assert view.notice_lines(vm)[0].startswith("Sistem antrean tidak menjawab")
    vm.retry()
    assert [call[0] for call in hub.issue_calls] == ["req-1", "req-1"]
    assert vm.step == Step.TICKET and [t.code for t in printer.printed] == ["A-001"]


def test_a_refusal_is_final_and_the_next_attempt_gets_a_new_id() -> None:
    vm, hub, _ = make(hub=FakeHub(issue_script=[HubError("bad_guest", "invalid guest entry")]))
    to_consent(vm)
    vm.agree()
    assert vm.notice is not None and not vm.notice.can_retry and vm.notice.back_to == Step.FORM
    vm.back()
    assert vm.step == Step.FORM and vm.fields["name"] == "Siti  Aminah"
    vm.submit_form()
    vm.agree()
    assert [call[0] for call in hub.issue_calls] == ["req-1", "req-2"] and vm.step == Step.TICKET


def test_unknown_codes_and_a_broken_port_still_tell_the_visitor_what_to_do() -> None:
    vm, _, printer = make(hub=FakeHub(issue_script=[HubError("weird_code")]))
    to_consent(vm)
    vm.agree()
    assert view.notice_lines(vm)[0] == "Permintaan tidak dapat diproses (kode: weird_code)."

    def broken() -> PrinterStatus:
        raise OSError("usb gone")

    vm.finish()
    to_consent(vm)
    printer.status = broken  # type: ignore[method-assign]
    vm.agree()
    assert vm.step == Step.PROBLEM and not vm.busy and vm.notice is not None and vm.notice.kind == "kiosk"
    assert view.notice_lines(vm)[0] == "Terjadi kesalahan pada kiosk."


def test_staff_alert_failing_does_not_stop_the_notice() -> None:
    hub = FakeHub(report_error=HubError("timeout"))
    vm, _, _ = make(hub=hub, printer=FakePrinter(statuses=[PrinterStatus.PAPER_OUT]))
    to_consent(vm)
    vm.agree()
    assert vm.step == Step.PROBLEM and vm.notice is not None and not vm.notice.staff_told
    assert "Petugas sudah diberi tahu" not in view.notice_lines(vm)[1]


def test_issuing_runs_in_the_background_and_lands_through_post() -> None:
    jobs: list[object] = []
    posted: list[object] = []
    hub, printer = FakeHub(), FakePrinter()
    vm = KioskViewModel(
        KioskOptions(), hub, printer, run_background=jobs.append, post=posted.append, new_id=Ids()
    )
    to_consent(vm)
    vm.agree()
    assert vm.step == Step.ISSUING and vm.busy and hub.issue_calls == []
    vm.agree()  # a second tap while busy does nothing
    assert len(jobs) == 1
    jobs.pop()()  # type: ignore[operator]
    assert vm.step == Step.ISSUING and len(hub.issue_calls) == 1  # not applied until posted
    posted.pop()()  # type: ignore[operator]
    assert vm.step == Step.TICKET and not vm.busy


def test_idle_timeout_returns_to_welcome_and_forgets_everything() -> None:
    clock = FakeClock()
    vm, _, _ = make(clock=clock)
    vm.toggle_language()
    vm.choose_service("A")
    fill(vm)
    clock.advance(59)
    vm.tick()
    assert vm.step == Step.FORM
    vm.touch()
    clock.advance(59)
    vm.tick()
    assert vm.step == Step.FORM
    clock.advance(1)
    vm.tick()
    assert vm.step == Step.WELCOME and vm.language == "id" and vm.service is None
    assert vm.fields["name"] == "" and vm.fields["id_number"] == "" and vm.focused is None


def test_a_printed_ticket_leaves_the_screen_sooner_and_a_busy_kiosk_waits() -> None:
    clock = FakeClock()
    jobs: list[object] = []
    vm = KioskViewModel(KioskOptions(), FakeHub(), FakePrinter(), clock=clock, run_background=jobs.append)
    to_consent(vm)
    vm.agree()
    clock.advance(120)
    vm.tick()
    assert vm.step == Step.ISSUING  # never reset while the hub or printer is working
    jobs.pop()()  # type: ignore[operator]
    vm.touch()
    clock.advance(20)
    vm.tick()
    assert vm.step == Step.WELCOME


def test_returning_visitor_is_prefilled_masked_and_sends_only_a_ref() -> None:
    vm, hub, printer = make(hub=FakeHub(lookup_script=[None, RETURNING]))
    vm.choose_service("A")
    vm.returning.start()
    vm.set_field(LOOKUP, "1808")
    vm.set_field(LOOKUP, "1808 0141 0190 0001")
    vm.returning.submit_lookup()
    assert hub.lookup_calls == [("req-1", "1808014101900001", "")]
    assert vm.step == Step.RETURNING and view.lookup_error(vm).startswith("Data tidak ditemukan")
    vm.returning.set_mode("email")
    vm.set_field(LOOKUP, "Siti@Example.id")
    vm.returning.submit_lookup()
    assert hub.lookup_calls[1] == ("req-2", "", "siti@example.id")
    assert vm.step == Step.PREFILL and vm.returning.guest == RETURNING and vm.focused is None
    vm.returning.submit_prefill()
    assert vm.errors == {"purpose": "required"} and vm.step == Step.PREFILL
    vm.set_field("purpose", "Data kemiskinan")
    vm.returning.submit_prefill()
    assert vm.step == Step.CONSENT
    vm.back()
    assert vm.step == Step.PREFILL
    vm.returning.submit_prefill()
    vm.agree()
    guest = {"ref": RETURNING.ref, "purpose": "Data kemiskinan", "consent": True}
    assert hub.issue_calls == [("req-3", "A", guest)]
    assert vm.step == Step.TICKET and len(printer.printed) == 1 and vm.returning.guest is None


def test_lookup_input_is_checked_and_hub_problems_show_on_the_field() -> None:
    vm, hub, _ = make(hub=FakeHub(lookup_script=[HubError("timeout")]))
    vm.choose_service("A")
    vm.returning.start()
    vm.returning.submit_lookup()
    assert vm.returning.error == "required" and hub.lookup_calls == []
    vm.returning.set_mode("email")
    vm.set_field(LOOKUP, "siti@")
    vm.returning.submit_lookup()
    assert view.lookup_error(vm).startswith("Alamat email tidak valid")
    vm.set_field(LOOKUP, "siti@example.id")
    vm.returning.submit_lookup()
    assert view.lookup_error(vm).startswith("Sistem antrean tidak menjawab")
    vm.returning.full_form()
    assert vm.step == Step.FORM and vm.path == "new"


def test_unknown_ref_sends_the_visitor_to_the_full_form() -> None:
    vm, _, _ = make(hub=FakeHub(lookup_script=[RETURNING], issue_script=[HubError("unknown_ref")]))
    vm.choose_service("A")
    vm.returning.start()
    vm.set_field(LOOKUP, "1808014101900001")
    vm.returning.submit_lookup()
    vm.set_field("purpose", "Data kemiskinan")
    vm.returning.submit_prefill()
    vm.agree()
    assert vm.step == Step.PROBLEM and vm.notice is not None and vm.notice.back_to == Step.FORM
    vm.back()
    assert vm.step == Step.FORM and vm.path == "new" and vm.returning.guest is None


def test_back_and_language() -> None:
    vm, _, _ = make()
    vm.choose_service("A")
    vm.set_field("name", "Siti")
    vm.set_language("en")
    assert view.t(vm, "form.title") == "Guestbook"
    vm.back()
    assert vm.step == Step.WELCOME and vm.fields["name"] == ""
    with pytest.raises(ValueError):
        vm.choose_service("Z")
