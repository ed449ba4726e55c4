"""The priority lane at the kiosk, driven without a window: the choice on the welcome screen, the
category (or none said), the service, the same guestbook (new and returning visitors), the lane in
the hub request and the mark from the hub's answer; the visitor's display choices ("Aa", the spoken
guide) and what the guide says. Recording fakes at the hub, the printer and the audio edges."""

from __future__ import annotations

import json

import pytest

from kiosk import view
from kiosk.flow import LOOKUP, Step
from kiosk.options import KioskOptions
from kiosk.spoken_guide import ScreenGuide
from kiosk.touch.ports import Lane
from kiosk.viewmodel import KioskViewModel
from shared.config import ConfigError
from shared.contract import kiosk_requests
from shared.domain.queue import Service
from tests.kiosk.fakes import RETURNING, FakeClock, FakeHub, FakePrinter, RecordingVoice
from tests.kiosk.test_viewmodel import SERVICES, VALID, fill, make

ONE = (Service(prefix="A", name="Konsultasi Statistik"),)


def through_guestbook(vm: KioskViewModel) -> None:
    fill(vm)
    vm.submit_form()
    assert vm.step == Step.CONSENT
    vm.agree()


def test_with_two_services_the_category_then_the_service_then_the_same_guestbook() -> None:
    vm, hub, printer = make()
    vm.start_priority()
    assert (vm.step, vm.category_chosen) == (Step.PRIORITY, False)
    vm.choose_category("hamil")
    assert (vm.step, vm.category_chosen) == (Step.PRIORITY, True)
    vm.choose_service("B")
    assert (vm.step, vm.service) == (Step.FORM, "B")
    through_guestbook(vm)
    assert hub.issue_lanes == [Lane(True, "hamil")]
    assert hub.issue_calls[0][2]["name"] == "Siti Aminah"  # the guestbook as for everyone
    assert vm.ticket is not None and vm.ticket.priority  # the mark comes from the hub's answer
    assert printer.printed[0].priority
    assert view.ticket_lines(vm)["priority"] == "Layanan prioritas"


def test_with_one_service_a_category_leads_straight_to_the_guestbook() -> None:
    hub = FakeHub()
    vm = KioskViewModel(KioskOptions(services=ONE), hub, FakePrinter())
    vm.start_priority()
    vm.choose_category(None)  # "I would rather not say"
    assert (vm.step, vm.service) == (Step.FORM, "A")
    through_guestbook(vm)
    assert hub.issue_lanes == [Lane(True, None)]


def test_a_returning_visitor_keeps_the_lane_through_the_lookup() -> None:
    vm, hub, _ = make(hub=FakeHub(lookup_script=[RETURNING]))
    vm.start_priority()
    vm.choose_category("disabilitas")
    vm.choose_service("A")
    vm.returning.start()  # the form's "visited before" link
    vm.set_field(LOOKUP, "1808014101900001")
    vm.returning.submit_lookup()
    assert vm.step == Step.PREFILL
    vm.set_field("purpose", "Data kemiskinan")
    vm.returning.submit_prefill()
    vm.agree()
    assert hub.issue_calls[0][2] == {"ref": RETURNING.ref, "purpose": "Data kemiskinan", "consent": True}
    assert hub.issue_lanes == [Lane(True, "disabilitas")]


def test_the_ordinary_buttons_and_a_new_visit_take_the_ordinary_lane() -> None:
    vm, hub, _ = make()
    vm.start_priority()
    vm.choose_category("lansia")
    vm.back()  # from the services back to the categories
    assert (vm.step, vm.category_chosen) == (Step.PRIORITY, False)
    vm.back()  # and out: a new start
    assert vm.step == Step.WELCOME and vm.lane == Lane()
    vm.choose_service("A")
    through_guestbook(vm)
    vm.finish()
    assert hub.issue_lanes == [Lane()]
    assert vm.ticket is None and vm.lane == Lane()


def test_an_unknown_category_is_refused_and_the_request_carries_only_known_ones() -> None:
    vm, _, _ = make()
    vm.start_priority()
    with pytest.raises(ValueError, match="unknown priority category"):
        vm.choose_category("vip")
    body = kiosk_requests.issue_request("r1", "A", None, True, "anak")
    assert (body["priority"], body["category"]) == (True, "anak")
    assert "priority" not in kiosk_requests.issue_request("r1", "A", None)
    with pytest.raises(ValueError):
        kiosk_requests.issue_request("r1", "A", None, False, "anak")
    parsed = kiosk_requests.parse_kiosk_request(json.dumps({"v": 1, **body}).encode())
    assert (parsed.priority, parsed.category) == (True, "anak")  # type: ignore[union-attr]


def test_large_text_and_the_spoken_guide_hold_until_the_visit_ends() -> None:
    vm, _, _ = make()
    vm.toggle_large_text()
    vm.toggle_spoken_guide()
    vm.choose_service("A")
    assert vm.large_text and vm.spoken_guide
    vm.finish()
    assert not vm.large_text and not vm.spoken_guide
    assert make(spoken_guide="on")[0].spoken_guide  # on from the start
    off, _, _ = make(spoken_guide="off")
    off.toggle_spoken_guide()
    assert not off.spoken_guide and view.ui_value(off, "flag.speech_offered") is False
    with pytest.raises(ConfigError, match="spoken_guide"):
        KioskOptions(services=SERVICES, spoken_guide="loud")


def test_display_choices_left_on_the_welcome_screen_end_after_the_idle_minute() -> None:
    clock = FakeClock()
    vm, _, _ = make(clock=clock)
    vm.toggle_large_text()
    vm.toggle_spoken_guide()
    clock.advance(59)
    vm.tick()
    assert vm.large_text and vm.spoken_guide
    clock.advance(2)
    vm.tick()
    assert not vm.large_text and not vm.spoken_guide and vm.step == Step.WELCOME


def test_the_guide_reads_each_screens_question_once_and_never_what_was_typed() -> None:
    vm, _, _ = make()
    voice = RecordingVoice()
    ScreenGuide(vm, voice)
    vm.choose_service("A")
    assert voice.said == []  # off until the visitor turns it on
    vm.toggle_spoken_guide()
    fill(vm)  # typing changes nothing said: the form's question was read once
    vm.submit_form()
    vm.agree()
    vm.toggle_language()
    vm.toggle_spoken_guide()
    said = [text for language, text in voice.said if language != "stop"]
    assert said[0].startswith("Buku tamu.")
    assert said[1].startswith("Persetujuan penggunaan data.")
    assert said[-2].startswith("Nomor antrean Anda A satu.")  # the code as Indonesians say it
    assert said[-1].startswith("Your queue number is A 001")  # the language switched: read again
    assert voice.said[-1] == ("stop", "")
    for value in VALID.values():
        assert all(value not in text for text in said)
    assert len(said) == len(set(said))
