"""Rating at the kiosk (``kiosk_driver --real``): "Beri penilaian / Sampaikan pengaduan" on the
welcome screen, the ticket code typed on the on-screen keyboard or the ticket's QR text typed by a
USB scanner (keystrokes, then Enter), then the same survey screens as at the desk. The tickets are
served by the test process before the app starts (``params``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from kiosk.rating.viewmodel import RStep
from kiosk.touch.keys import BACKSPACE, NEXT
from tests.kiosk.real_scenarios import connected, note_ports
from tests.kiosk.scenarios import Setup

if TYPE_CHECKING:
    from tests.kiosk.kiosk_driver import Driver

Steps = Iterator[None]


def open_rating(d: Driver) -> Steps:
    yield from d.tap("welcome.rate")
    yield from d.wait_screen(RStep.CODE.value)
    yield from d.wait_for(lambda: d.widget("rating_code.f_code.input").focus, "the code field focused")


def erase(d: Driver, physical: bool) -> Steps:
    box = d.widget("rating_code.f_code.input")
    for _ in range(len(box.text)):
        if physical:
            yield from d.press_key("backspace")
        else:
            yield from d.tap_widget(d.app.keyboard.keys[BACKSPACE])


def scan(d: Driver, text: str) -> Steps:
    """A USB barcode scanner: the QR's text as keystrokes, then Enter."""
    yield from d.type_physical(text)
    yield from d.press_key("enter")


def note(d: Driver, name: str) -> None:
    d.records[name] = {"given": dict(d.vm.rating.given), "number": d.vm.rating.complaint.number}


def real_rate_typed(d: Driver) -> Steps:
    """Every kiosk rating screen: the code typed (a wrong one first), faces, the elements, a
    complaint with contact, its number, thanks."""
    yield from connected(d)
    yield from d.shot("01_welcome")
    yield from open_rating(d)
    yield from d.shot("02_code")
    yield from d.type_on_screen("A-999")
    yield from d.tap("rating_code.check")
    yield from d.wait_for(lambda: "r_code" in d.vm.rating.errors, "the unknown-ticket error")
    yield from d.shot("03_code_unknown")
    yield from erase(d, physical=False)
    yield from d.type_on_screen(d.params["typed"])
    yield from d.tap_widget(d.app.keyboard.keys[NEXT])  # the keyboard's "next": check the code
    yield from d.wait_screen(RStep.FACES.value)
    yield from d.shot("04_faces")
    yield from d.tap("rating_faces.face_4")
    for n in range(9):
        yield from d.wait_for(lambda i=n: d.vm.rating.element_index == i, f"element {n + 1}")
        if n in (0, 7):
            yield from d.shot(f"05_element_u{n + 1}")
        yield from d.tap(f"rating_element.answer_{3 if n % 2 else 4}")
    yield from d.wait_screen(RStep.PROFILE.value)  # the respondent profile, embedded alike
    yield from d.tap("rating_profile.answer_1")  # laki-laki
    yield from d.tap("rating_profile.skip_all")
    yield from d.wait_screen(RStep.COMPLAINT.value)
    yield from d.shot("06_complaint")
    yield from d.fill("rating_complaint.f_text.input", "AC ruang tunggu mati")
    yield from d.fill("rating_complaint.f_phone.input", "12", physical=True)
    yield from d.tap("rating_complaint.send")
    yield from d.wait_for(lambda: "r_phone" in d.vm.rating.errors, "the phone error")
    yield from d.shot("07_complaint_error")
    yield from d.press_key("backspace")
    yield from d.press_key("backspace")
    yield from d.type_physical("081234567890")
    yield from d.fill("rating_complaint.f_name.input", "Siti", physical=True)
    yield from d.tap("rating_complaint.send")
    yield from d.wait_screen(RStep.DONE.value)
    yield from d.shot("08_done")
    note(d, "typed")
    yield from d.tap("rating_done.done")
    yield from d.wait_screen(RStep.THANKS.value)
    yield from d.shot("09_thanks")
    yield from d.tap("rating_thanks.done")
    yield from d.wait_screen("welcome")
    note_ports(d)


def real_rate_scanned(d: Driver) -> Steps:
    """The QR of a ticket already rated (told so on the field), then a fresh one: a one-tap rating,
    the rest skipped; then a complaint without a ticket."""
    yield from connected(d)
    yield from scan(d, d.params["rated"])  # at the welcome screen: no tap first
    yield from d.wait_for(lambda: "r_code" in d.vm.rating.errors, "the already-rated error")
    yield from d.shot("01_code_already_rated")
    yield from erase(d, physical=True)
    yield from scan(d, d.params["scan"])
    yield from d.wait_screen(RStep.FACES.value)
    yield from d.tap("rating_faces.face_3")
    for n in range(9):
        yield from d.wait_for(lambda i=n: d.vm.rating.element_index == i, f"element {n + 1}")
        yield from d.tap("rating_element.skip")
    yield from d.wait_screen(RStep.COMPLAINT.value)
    yield from d.tap("rating_complaint.skip")
    yield from d.wait_screen(RStep.THANKS.value)
    note(d, "scanned")
    yield from d.tap("rating_thanks.done")
    yield from d.wait_screen("welcome")
    yield from open_rating(d)
    yield from d.tap("rating_code.no_ticket")
    yield from d.wait_screen(RStep.COMPLAINT.value)
    yield from d.shot("02_complaint_no_ticket")
    yield from d.fill("rating_complaint.f_text.input", "Tolong tambah jam layanan", physical=True)
    yield from d.tap("rating_complaint.send")
    yield from d.wait_screen(RStep.DONE.value)
    yield from d.shot("03_done_no_ticket")
    note(d, "no_ticket")
    note_ports(d)


RATING_SCENARIOS: dict[str, tuple[Callable[[Driver], Steps], Setup]] = {
    "real_rate_typed": (real_rate_typed, Setup()),
    "real_rate_scanned": (real_rate_scanned, Setup()),
}
