"""Scripted visitors at a desk's rating screen (``rating_driver``): each is a generator of steps (one
per frame) over a ``Driver``. The test process serves the ticket at the desk at the ``serve``
handshake; the prompt that follows opens the survey."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from kiosk.rating.viewmodel import RStep
from tests.kiosk.scenarios import clear_field

if TYPE_CHECKING:
    from tests.kiosk.kiosk_driver import Driver

Steps = Iterator[None]
ANSWERS = (4, 3, 4, 2, 4, 4, 3, 1, 2)  # u1..u9 as the full survey gives them
CONTACT = {"r_name": "Budi Santoso", "r_email": "budi@example.id", "r_phone": "081234567890"}
# The profile as the full survey gives it: button numbers per item (None: "Lewati").
PROFILE_TAPS = (2, 2, None, 4)
PROFILE = {"sex": "female", "age": "20_29", "occupation": "student"}  # what those taps store


def connected(d: Driver) -> Steps:
    yield from d.wait_for(lambda: bool(d.hub.connected), "the screen's MQTT connection")
    yield from d.wait_screen(RStep.IDLE.value)


def served(d: Driver, name: str = "serve") -> Steps:
    """The test process serves a ticket at the desk; the prompt opens the faces."""
    yield from d.handshake(name)
    yield from d.wait_screen(RStep.FACES.value)


def answer_elements(d: Driver, answers: tuple[int | None, ...], shots: bool = False) -> Steps:
    for index, score in enumerate(answers):
        yield from d.wait_for(lambda i=index: d.vm.element_index == i, f"element {index + 1}")
        if shots:
            yield from d.shot(f"03_element_u{index + 1}")
        yield from d.tap(f"rating_element.answer_{score}" if score else "rating_element.skip")
    # A respondent (an element answered) is asked the profile next; nobody else is.
    yield from d.wait_screen(RStep.PROFILE.value if any(answers) else RStep.COMPLAINT.value)


def answer_profile(d: Driver, taps: tuple[int | None, ...], shots: bool = False) -> Steps:
    """The four profile pages: tap answer N, or "Lewati" for None."""
    names = ("sex", "age", "education", "occupation")
    for index, tap in enumerate(taps):
        yield from d.wait_for(lambda i=index: d.vm.profile_index == i, f"profile item {index + 1}")
        if shots:
            yield from d.shot(f"03p_profile_{index + 1}_{names[index]}")
        yield from d.tap(f"rating_profile.answer_{tap}" if tap else "rating_profile.skip")
    yield from d.wait_screen(RStep.COMPLAINT.value)


def note(d: Driver) -> None:
    d.records["given"] = dict(d.vm.given)
    d.records["number"] = d.vm.complaint.number


def full(d: Driver) -> Steps:
    """Faces, the nine elements, a complaint with contact (errors on the field first)."""
    yield from connected(d)
    yield from d.shot("01_idle")
    yield from served(d)
    yield from d.shot("02_faces")
    yield from d.tap("rating_faces.face_5")
    yield from answer_elements(d, ANSWERS, shots=True)
    yield from answer_profile(d, PROFILE_TAPS, shots=True)
    yield from d.shot("04_complaint")
    yield from d.tap("rating_complaint.send")
    yield from d.wait_for(lambda: "r_text" in d.vm.errors, "the empty-text error")
    yield from d.shot("05_complaint_empty")
    yield from d.fill("rating_complaint.f_text.input", "Toilet rusak")  # the on-screen keyboard
    yield from d.shot("06_complaint_keyboard")
    yield from d.fill("rating_complaint.f_email.input", "budi@", physical=True)
    yield from d.tap("rating_complaint.send")
    yield from d.wait_for(lambda: "r_email" in d.vm.errors, "the email error")
    yield from d.shot("07_complaint_contact_error")
    yield from clear_field(d, "rating_complaint.f_email.input")
    for name, value in CONTACT.items():
        yield from d.fill(f"rating_complaint.f_{name.removeprefix('r_')}.input", value, physical=True)
    d.app._hide_keyboard()
    yield from d.frames(3)
    yield from d.shot("08_complaint_filled")
    yield from d.tap("rating_complaint.send")
    yield from d.wait_screen(RStep.DONE.value)
    yield from d.shot("09_done")
    note(d)
    yield from d.tap("rating_done.done")
    yield from d.wait_screen(RStep.THANKS.value)
    yield from d.shot("10_thanks")
    yield from d.wait_screen(RStep.IDLE.value)  # thanks_s later
    yield from d.wait_for(lambda: d.vm.sender.idle, "every answer sent")


def one_tap_then_idle(d: Driver) -> Steps:
    """One face, then no touch: the survey ends by itself after the idle timeout."""
    yield from connected(d)
    yield from served(d)
    yield from d.tap("rating_faces.face_4")
    yield from d.wait_screen(RStep.ELEMENT.value)
    timeout = float(d.params.get("idle_timeout_s", 60)) + 5
    yield from d.wait_for(lambda: d.app.sm.current == RStep.IDLE.value, "the idle screen", timeout)
    yield from d.shot("01_idle_after_timeout")
    note(d)


def skip_all(d: Driver) -> Steps:
    yield from connected(d)
    yield from served(d)
    yield from d.tap("rating_faces.skip")
    yield from answer_elements(d, (None,) * 9)
    yield from d.tap("rating_complaint.skip")
    yield from d.wait_screen(RStep.THANKS.value)
    note(d)
    yield from d.wait_screen(RStep.IDLE.value)


def twice(d: Driver) -> Steps:
    """The ticket is rated elsewhere (the kiosk) while the faces show: the tap is told so."""
    yield from connected(d)
    yield from served(d)
    yield from d.handshake("rated_elsewhere")
    yield from d.tap("rating_faces.face_2")
    yield from d.wait_screen(RStep.PROBLEM.value)
    yield from d.shot("01_problem_already_rated")
    yield from d.tap("rating_problem.complain")
    yield from d.wait_screen(RStep.COMPLAINT.value)
    yield from d.fill("rating_complaint.f_text.input", "Saya sudah menilai di kiosk", physical=True)
    yield from d.tap("rating_complaint.send")
    yield from d.wait_screen(RStep.DONE.value)
    note(d)
    yield from d.tap("rating_done.done")
    yield from d.wait_screen(RStep.THANKS.value)


def complaint_only(d: Driver) -> Steps:
    """No scores, a suggestion without contact."""
    yield from connected(d)
    yield from served(d)
    yield from d.tap("rating_faces.skip")
    yield from answer_elements(d, (None,) * 9)
    yield from d.tap("rating_complaint.kind_suggestion")
    yield from d.fill("rating_complaint.f_text.input", "Tambah kursi tunggu", physical=True)
    d.app._hide_keyboard()
    yield from d.tap("rating_complaint.send")
    yield from d.wait_screen(RStep.DONE.value)
    yield from d.shot("01_done_suggestion")
    note(d)


def soak(d: Driver) -> Steps:
    """Visitor after visitor for ``bench/soak.py``: at ``serve_N`` the soak serves one at the desk;
    the prompt opens the faces; a face and the nine elements tapped, the complaint skipped, the
    thanks gone. Stops when the soak has written ``sync/stop`` before its go. Each handshake says
    what the heap holds (``tests.soak.heap``)."""
    from tests.soak.heap import heap_facts

    yield from connected(d)
    stop = d.out / "sync" / "stop"
    n = 0
    while True:
        yield from d.handshake(f"serve_{n}", timeout=600, **heap_facts())
        if stop.exists():
            return
        yield from d.wait_for(lambda: d.app.sm.current == RStep.FACES.value, "the faces", 30)
        yield from d.tap(f"rating_faces.face_{1 + n % 5}")
        yield from answer_elements(d, tuple(1 + (n + i) % 4 for i in range(9)))
        yield from d.tap("rating_profile.skip_all")
        yield from d.wait_screen(RStep.COMPLAINT.value)
        yield from d.tap("rating_complaint.skip")
        yield from d.wait_for(lambda: d.app.sm.current == RStep.IDLE.value, "the idle screen", 30)
        yield from d.wait_for(lambda: d.vm.sender.idle, "every answer sent", 30)
        n += 1


SCENARIOS: dict[str, Callable[[Driver], Steps]] = {
    "soak": soak,
    "full": full,
    "one_tap_then_idle": one_tap_then_idle,
    "skip_all": skip_all,
    "twice": twice,
    "complaint_only": complaint_only,
}
