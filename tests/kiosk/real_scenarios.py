"""Scripted visits for ``kiosk_driver --real``: the real hub client and printer, so nothing here can
script an answer. What the test process does meanwhile (clear a paper fault, restart the hub, read
the kiosk's memory) happens at a ``handshake``."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from tests.kiosk.scenarios import GUEST, Setup, fill_form, priority_button, start_form, submit_valid_form
from tests.soak.heap import heap_facts

if TYPE_CHECKING:
    from tests.kiosk.kiosk_driver import Driver

Steps = Iterator[None]
NEW_PURPOSE = "Data kemiskinan"


def connected(d: Driver) -> Steps:
    yield from d.wait_for(lambda: bool(getattr(d.hub, "connected", True)), "the kiosk's MQTT connection")
    yield from d.wait_screen("welcome")


def note_ports(d: Driver) -> None:
    d.records["real"] = {
        "answers": list(getattr(d.hub, "answers", [])),
        "statuses": list(getattr(d.printer, "statuses", [])),
    }


def real_flow(d: Driver) -> Steps:
    """The whole visit: service, the guestbook typed, consent, the ticket from the real hub. Also
    noted: how many objects the app built at its start and then kept out of full collections."""
    yield from connected(d)
    yield from d.wait_for(lambda: gc.get_freeze_count() > 0, "the start's objects frozen (gc.freeze)", 60)
    d.records["frozen"] = gc.get_freeze_count()
    yield from d.shot("01_welcome")
    yield from start_form(d)
    yield from fill_form(d)
    yield from d.shot("02_form_filled")
    yield from d.tap("form.next")
    yield from d.wait_screen("consent")
    yield from d.shot("03_consent")
    yield from d.tap("consent.agree")
    yield from d.wait_screen("ticket")
    yield from d.shot("04_ticket")
    note_ports(d)
    yield from d.tap("ticket.done")
    yield from d.wait_screen("welcome")


def real_paper_out(d: Driver) -> Steps:
    """Out of paper: the notice, nothing issued; the test refills the paper; try again: a ticket."""
    yield from connected(d)
    yield from submit_valid_form(d)
    yield from d.wait_screen("problem")
    yield from d.shot("01_problem_paper_out")
    yield from d.handshake("paper_out", request_id=d.vm.request_id, issue_calls=len(d.hub.issue_calls))
    yield from d.tap("problem.retry")
    yield from d.wait_screen("ticket")
    yield from d.shot("02_ticket")
    note_ports(d)


def real_returning(d: Driver) -> Steps:
    """A first visit with the guestbook, then the same visitor again by NIK, this time in the priority
    lane ("lansia"): greeted back, new purpose, a marked ticket."""
    yield from connected(d)
    yield from submit_valid_form(d)
    yield from d.wait_screen("ticket")
    yield from d.shot("01_first_ticket")
    yield from d.tap("ticket.done")
    yield from d.wait_screen("welcome")
    yield from d.tap_widget(priority_button(d))
    yield from d.wait_screen("priority")
    yield from d.tap("priority.lansia")  # one service: straight on to the guestbook
    yield from d.wait_screen("form")
    yield from d.tap("form.returning")
    yield from d.wait_screen("returning")
    yield from d.type_on_screen(GUEST["id_number"])
    yield from d.shot("02_returning_nik")
    yield from d.tap("returning.find")
    yield from d.wait_screen("prefill")
    yield from d.shot("03_prefill_welcome")
    yield from d.fill("prefill.f_purpose.input", NEW_PURPOSE, physical=True)
    yield from d.tap("prefill.next")
    yield from d.wait_screen("consent")
    yield from d.tap("consent.agree")
    yield from d.wait_screen("ticket")
    yield from d.shot("04_second_ticket")
    note_ports(d)


def real_hub_down(d: Driver) -> Steps:
    """The hub is stopped: the timeout notice; the test starts the hub; try again: one ticket."""
    yield from connected(d)
    yield from submit_valid_form(d)
    yield from d.wait_screen("problem")
    yield from d.shot("01_problem_hub_timeout")
    yield from d.handshake("hub_down", request_id=d.vm.request_id)
    yield from d.tap("problem.retry")
    yield from d.wait_screen("ticket")
    yield from d.shot("02_ticket")
    note_ports(d)


def real_new_service(d: Driver) -> Steps:
    """The kiosk follows the hub's ``site/services``: the test adds service C on the console's
    setup page; its button appears without a restart and gives a C ticket from the real hub."""
    yield from connected(d)
    yield from d.wait_for(lambda: len(d.vm.options.services) == 2, "the hub's services (A and B)", 30)
    yield from d.shot("01_welcome_before")
    yield from d.handshake("add_service")
    yield from d.wait_for(lambda: "C" in {s.prefix for s in d.vm.options.services}, "service C", 30)
    yield from d.frames()

    def button_c() -> object | None:
        children = d.widget("welcome.services").children
        return next((b for b in children if getattr(b, "service", "") == "C"), None)

    yield from d.wait_for(lambda: button_c() is not None, "the button of service C")
    yield from d.shot("02_welcome_with_new_service")
    yield from d.tap_widget(button_c())
    yield from d.wait_screen("form")
    yield from fill_form(d)
    yield from d.tap("form.next")
    yield from d.wait_screen("consent")
    yield from d.tap("consent.agree")
    yield from d.wait_screen("ticket")
    yield from d.shot("03_ticket_new_service")
    note_ports(d)
    yield from d.tap("ticket.done")
    yield from d.wait_screen("welcome")
    d.vm.set_language("en")  # the English names the console gave
    yield from d.frames()
    yield from d.shot("04_welcome_english")
    buttons = reversed(d.widget("welcome.services").children)
    d.records["buttons_en"] = [getattr(b, "text", "") for b in buttons]


def _rating_scenarios() -> dict[str, tuple[Callable[[Driver], Steps], Setup]]:
    from tests.kiosk.rating.real_rating_scenarios import RATING_SCENARIOS  # it imports this module

    return RATING_SCENARIOS


def bench(d: Driver) -> Steps:
    """``params["tickets"]`` whole visits; the wall time of each final tap goes to ``taps.json``.
    After the visits counted in ``params["pauses"]`` the bench reads the app's memory (``after_N``);
    with ``params["heap"]`` the handshake also says what the heap holds (``tests.soak.heap``)."""
    yield from connected(d)
    facts = heap_facts if d.params.get("heap") else dict
    taps: list[dict[str, object]] = []
    pauses = {int(n) for n in d.params.get("pauses", [])}
    for n in range(int(d.params.get("tickets", 60))):
        if n in pauses:
            yield from d.handshake(f"after_{n}", timeout=600, **facts())
        yield from start_form(d)
        yield from fill_form(d)
        yield from d.tap("form.next")
        yield from d.wait_screen("consent")
        yield from d.tap("consent.agree")  # the final tap: it issues and prints
        tapped = d.last_tap_at
        retries = 0
        while d.app.sm.current != "ticket":
            yield from d.wait_for(lambda: d.app.sm.current in ("ticket", "problem"), "the ticket screen", 30)
            if d.app.sm.current == "problem" and d.vm.notice and d.vm.notice.can_retry and retries < 3:
                retries += 1  # the hub was late (8 s): the visitor taps "try again", same request id
                yield from d.tap("problem.retry")
            elif d.app.sm.current != "ticket":
                break
        yield from d.wait_screen("ticket")  # its frames drawn before the next tap (or it fails, saying why)
        code = d.vm.ticket.code if d.vm.ticket else None
        taps.append({"n": n, "tap_at": tapped, "code": code, "retries": retries})
        yield from d.tap("ticket.done")
    (d.out / "taps.json").write_text(json.dumps(taps))
    note_ports(d)
    yield from d.handshake(f"after_{len(taps)}", timeout=600, **facts())


REAL_SCENARIOS: dict[str, tuple[Callable[[Driver], Steps], Setup]] = {
    **_rating_scenarios(),
    "real_flow": (real_flow, Setup()),
    "real_paper_out": (real_paper_out, Setup()),
    "real_returning": (real_returning, Setup()),
    "real_hub_down": (real_hub_down, Setup()),
    "real_new_service": (real_new_service, Setup()),
    "bench": (bench, Setup()),
}
