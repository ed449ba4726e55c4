"""The scripted visits the app tests play through ``kiosk_driver``: each is a generator of steps
(one per frame) over a ``Driver``, with the fake hub and printer set up for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kiosk.ports import PrinterStatus
from kiosk.touch.keys import BACKSPACE, HIDE
from kiosk.touch.ports import HubError
from tests.kiosk.fakes import RETURNING

if TYPE_CHECKING:
    from tests.kiosk.kiosk_driver import Driver

Steps = Iterator[None]
ONE_SERVICE = (("A", "Konsultasi Statistik"),)
TWO_SERVICES = (("A", "Konsultasi Statistik"), ("B", "Perpustakaan dan Penjualan Publikasi"))
GUEST = {
    "name": "Siti Aminah",
    "id_number": "1808014101900001",
    "email": "siti@example.id",
    "phone": "081234567890",
    "institution": "Universitas Lampung",
    "purpose": "Data IPM kecamatan 2025",
}


@dataclass(frozen=True)
class Setup:
    hub: dict[str, Any] = field(default_factory=dict)
    printer: dict[str, Any] = field(default_factory=dict)
    services: tuple[tuple[str, str], ...] = ONE_SERVICE
    minutes_per_visitor: int = 10
    hours: dict[str, str] | None = None  # [timing.opening_hours]; None: always open
    wall: datetime | None = None  # the kiosk's time of day (fixed); None: the real one
    names_en: dict[str, str] = field(default_factory=dict)  # prefix -> English name (site/services)


PST_HOURS = {"mon": "08:00-15:30", "tue": "08:00-15:30", "wed": "08:00-15:30", "thu": "08:00-15:30",
             "fri": "08:00-11:30, 13:00-16:00"}  # fmt: skip
# Friday 4 December 2026, 16:30 WIB: closed until Monday 7 December, 08:00.
FRIDAY_EVENING = datetime(2026, 12, 4, 16, 30, tzinfo=ZoneInfo("Asia/Jakarta"))


def start_form(d: Driver) -> Steps:
    yield from d.wait_screen("welcome")
    buttons = list(reversed(d.widget("welcome.services").children))  # Kivy lists children last-first
    yield from d.tap_widget(buttons[0])
    yield from d.wait_screen("form")


def fill_form(d: Driver, physical: bool = True, **overrides: str) -> Steps:
    for name, value in {**GUEST, **overrides}.items():
        yield from d.fill(f"form.f_{name}.input", value, physical=physical)


def clear_field(d: Driver, path: str) -> Steps:
    yield from d.tap(path)
    yield from d.wait_for(lambda: d.widget(path).focus, f"{path} focused")
    for _ in range(len(d.widget(path).text)):
        yield from d.tap_widget(d.app.keyboard.keys[BACKSPACE])


def submit_valid_form(d: Driver) -> Steps:
    yield from start_form(d)
    yield from fill_form(d)
    yield from d.tap("form.next")
    yield from d.wait_screen("consent")
    yield from d.tap("consent.agree")


def flow(d: Driver) -> Steps:
    """The whole visit, typed on the on-screen keyboard (the name on a USB keyboard)."""
    yield from d.wait_screen("welcome")
    yield from d.shot("welcome_one_service")
    yield from start_form(d)
    keyboards = {}
    for name, value in GUEST.items():
        yield from d.fill(f"form.f_{name}.input", value, physical=name == "name")
        keyboards[name] = d.app.keyboard.layout
    d.records["keyboards"] = keyboards
    yield from d.press_key("enter")  # on the last field: the same as "Lanjut"
    yield from d.wait_screen("consent")
    yield from d.shot("consent")
    yield from d.tap("consent.agree")
    yield from d.wait_screen("ticket")
    yield from d.shot("ticket")
    yield from d.tap("ticket.done")
    yield from d.wait_screen("welcome")


def validation(d: Driver) -> Steps:
    yield from start_form(d)
    yield from d.tap_widget(d.app.keyboard.keys[HIDE])
    yield from d.tap("form.next")
    yield from d.shot("required")
    yield from fill_form(d, id_number="1808019913900001", email="siti@", phone="0812ab34567")
    yield from d.tap("form.next")
    yield from d.shot("invalid")
    yield from clear_field(d, "form.f_id_number.input")
    yield from d.type_on_screen("12345")
    yield from d.shot("nik_length")
    yield from clear_field(d, "form.f_id_number.input")
    yield from d.type_on_screen(GUEST["id_number"])
    for name in ("email", "phone"):
        yield from clear_field(d, f"form.f_{name}.input")
    yield from d.type_physical(GUEST["phone"])
    yield from d.fill("form.f_email.input", GUEST["email"])
    yield from d.shot("fixed")
    yield from d.tap("form.next")
    yield from d.wait_screen("consent")


def printer_out(d: Driver) -> Steps:
    yield from submit_valid_form(d)
    yield from d.wait_screen("problem")
    yield from d.shot("problem")
    d.records["issue_calls_at_notice"] = len(d.hub.issue_calls)
    yield from d.tap("problem.retry")  # paper refilled
    yield from d.wait_screen("ticket")
    yield from d.shot("ticket")


def print_failure(d: Driver) -> Steps:
    yield from submit_valid_form(d)
    yield from d.wait_screen("ticket")
    yield from d.shot("unprinted")
    yield from d.tap("ticket.reprint")
    yield from d.wait_for(lambda: d.vm.printed, "the reprint")
    yield from d.shot("reprinted")


def hub_timeout(d: Driver) -> Steps:
    yield from submit_valid_form(d)
    yield from d.wait_screen("problem")
    yield from d.shot("problem")
    yield from d.tap("problem.retry")
    yield from d.wait_screen("ticket")
    yield from d.shot("ticket")


def language(d: Driver) -> Steps:
    yield from d.wait_screen("welcome")
    yield from d.shot("welcome_id")
    yield from d.tap("welcome.language")
    yield from d.shot("welcome_en")
    yield from start_form(d)
    yield from d.tap("form.next")
    yield from d.shot("form_en")
    yield from d.tap_widget(_header_language(d, "form"))
    yield from d.shot("form_id")


def idle(d: Driver) -> Steps:
    yield from start_form(d)
    yield from d.fill("form.f_name.input", "Siti Aminah", physical=True)
    d.clock.advance(59)
    yield from d.frames(40)  # the app checks twice a second
    yield from d.shot("before_timeout")
    d.clock.advance(2)
    yield from d.wait_screen("welcome")
    yield from d.shot("after_timeout")
    yield from start_form(d)
    yield from d.shot("form_again")


def returning(d: Driver) -> Steps:
    yield from start_form(d)
    yield from d.tap("form.returning")
    yield from d.wait_screen("returning")
    d.records["lookup_keyboard"] = d.app.keyboard.layout
    yield from d.type_on_screen("1808014101900001")
    yield from d.tap("returning.find")
    yield from d.wait_screen("prefill")
    yield from d.shot("prefill")
    yield from d.fill("prefill.f_purpose.input", "Data kemiskinan")
    yield from d.tap("prefill.next")
    yield from d.wait_screen("consent")
    yield from d.tap("consent.agree")
    yield from d.wait_screen("ticket")
    yield from d.shot("ticket")


def tour(d: Driver) -> Steps:
    """Every screen, for the screenshots (the language comes from the command line)."""
    yield from d.wait_screen("welcome")
    yield from d.shot("01_welcome")
    buttons = list(reversed(d.widget("welcome.services").children))
    yield from d.tap_widget(buttons[0])
    yield from d.wait_screen("form")
    yield from d.shot("02_form_keyboard_text")
    yield from d.tap_widget(d.app.keyboard.keys[HIDE])
    yield from d.shot("03_form")
    yield from d.tap("form.next")
    yield from d.tap_widget(d.app.keyboard.keys[HIDE])
    yield from d.shot("04_form_errors")
    yield from d.tap("form.f_id_number.input")
    yield from d.shot("05_form_keyboard_numeric")
    yield from d.tap("form.f_email.input")
    yield from d.shot("06_form_keyboard_email")
    yield from d.tap("form.returning")
    yield from d.wait_screen("returning")
    yield from d.type_physical("12345678")
    d.hub.gate.clear()  # the hub "thinks" until the screenshot is taken
    yield from d.tap("returning.find")
    yield from d.shot("07_returning_searching")
    d.hub.gate.set()
    yield from d.wait_for(lambda: d.vm.returning.error == "not_found", "not found")
    yield from d.shot("08_returning_not_found")
    yield from d.tap("returning.by_email")
    yield from d.type_physical("siti@example.id")
    yield from d.tap("returning.find")
    yield from d.wait_screen("prefill")
    yield from d.shot("09_prefill")
    yield from d.fill("prefill.f_purpose.input", "Data kemiskinan per kecamatan", physical=True)
    yield from d.tap("prefill.next")
    yield from d.wait_screen("consent")
    yield from d.shot("10_consent")
    d.hub.gate.clear()
    yield from d.tap("consent.agree")
    yield from d.wait_screen("issuing")
    yield from d.shot("11_issuing")
    d.hub.gate.set()
    yield from d.wait_screen("ticket")
    yield from d.shot("12_ticket_not_printed")
    yield from d.tap("ticket.reprint")
    yield from d.wait_for(lambda: d.vm.printed, "the reprint")
    yield from d.shot("13_ticket")
    yield from d.tap("ticket.done")
    yield from submit_valid_form(d)  # the printer is out of paper this time
    yield from d.wait_screen("problem")
    yield from d.shot("14_problem_printer")
    yield from d.tap("problem.start_over")
    yield from d.wait_screen("welcome")
    yield from d.shot("15_welcome_printer_banner")
    yield from submit_valid_form(d)  # the hub does not answer this time
    yield from d.wait_screen("problem")
    yield from d.shot("16_problem_hub")
    yield from d.tap("problem.start_over")
    yield from priority_tour(d)


def priority_button(d: Driver) -> Any:
    from kivy.factory import Factory

    (button,) = [w for w in d.widget("welcome.services").children if isinstance(w, Factory.PriorityButton)]
    return button


def priority_tour(d: Driver) -> Steps:
    """The priority lane and the visitor's display choices, for the tour's screenshots, in one visit:
    the categories and the services (then back out); "Aa" (large text, high contrast) and the
    spoken guide on the welcome screen; the lane taken, the guestbook, the marked ticket; "Aa" off
    again on the ticket screen."""
    yield from d.wait_screen("welcome")
    yield from d.tap_widget(priority_button(d))
    yield from d.wait_screen("priority")
    yield from d.shot("17_priority_categories")
    yield from d.tap("priority.skip")
    yield from d.wait_for(lambda: d.vm.category_chosen, "the services of the priority lane")
    yield from d.shot("18_priority_services")
    yield from d.tap("priority.back")  # to the categories
    yield from d.tap("priority.back")  # and out
    yield from d.wait_screen("welcome")
    bar = d.app.access_bar
    yield from d.tap_widget(bar.ids.large)
    yield from d.wait_for(lambda: d.app.large, "the large text")
    yield from d.tap_widget(bar.ids.speech)  # the spoken guide on: the welcome question is read
    yield from d.shot("19_welcome_large")
    yield from d.tap_widget(priority_button(d))
    yield from d.wait_screen("priority")
    yield from d.shot("20_priority_large")
    yield from d.tap("priority.lansia")
    yield from d.wait_for(lambda: d.vm.category_chosen, "the services of the priority lane")
    yield from d.tap_widget(d.widget("priority.services").children[-1])  # the first service
    yield from d.wait_screen("form")
    yield from d.shot("21_form_large_keyboard")
    yield from fill_form(d)
    yield from d.tap_widget(d.app.keyboard.keys[HIDE])
    yield from d.shot("22_form_large")
    yield from d.tap("form.next")
    yield from d.wait_screen("consent")
    yield from d.shot("23_consent_large")
    yield from d.tap("consent.agree")
    yield from d.wait_screen("ticket")
    yield from d.shot("24_ticket_large")
    yield from d.tap_widget(bar.ids.speech)  # off again: the voice stops
    yield from d.tap_widget(bar.ids.large)
    yield from d.wait_for(lambda: not d.app.large, "the ordinary text")
    yield from d.shot("25_ticket_priority")


def _header_language(d: Driver, screen: str) -> Any:
    from kivy.factory import Factory

    for widget in d.app.sm.get_screen(screen).walk(restrict=True):
        if isinstance(widget, Factory.LanguageButton):
            return widget
    raise AssertionError(f"no language button on {screen}")


def closed(d: Driver) -> Steps:
    """Outside opening hours: the closed welcome screen; a service tap issues nothing."""
    yield from d.wait_screen("welcome")
    yield from d.settle()
    yield from d.shot("closed")
    d.vm.choose_service(d.vm.options.services[0].prefix)  # as a tap would, were a button shown
    yield from d.settle()
    d.record("after_choosing")


SIX_SERVICES = (
    ("A", "Konsultasi Statistik"),
    ("B", "Perpustakaan dan Penjualan Publikasi"),
    ("C", "Rekomendasi Kegiatan Statistik"),
    ("D", "Layanan Data Mikro"),
    ("E", "Legalisir Publikasi"),
    ("F", "Pengambilan Pesanan Data"),
)
SIX_NAMES_EN = {"A": "Statistical Consultation", "B": "Library and Publication Sales",
                "C": "Statistical Activity Recommendation", "D": "Microdata Service",
                "E": "Publication Legalisation", "F": "Collecting Ordered Data"}  # fmt: skip


def welcome_fit_facts(d: Driver) -> dict[str, Any]:
    """What a visitor sees of the welcome screen's choices: whether it scrolls, each card's box in
    window pixels, the access bar's top, and the text of each card."""
    screen = d.app.sm.get_screen("welcome")
    scroll, grid = screen.ids.scroll, screen.ids.services
    cards = list(reversed(grid.children))
    bar = d.app.access_bar
    return {
        "content_height": screen.ids.content.height,
        "view_height": scroll.height,
        "fits": grid.fits,
        "rate": screen.ids.rate.text,
        "bar_top": bar.to_window(bar.x, bar.top)[1],
        "window": list(d.app.root.get_root_window().size),
        "cards": [
            {
                "box": [*card.to_window(card.x, card.y), *card.to_window(card.right, card.top)],
                "text": card.text,
                "texture": list(card.texture_size),
                "short": bool(getattr(card, "short", False)),
                "scale": float(getattr(card, "scale", 1.0)),
            }
            for card in cards
        ],
    }


def welcome_fit(d: Driver) -> Steps:
    """Six services and the priority lane on the welcome screen: as it first shows, in the other
    language, then both with "Aa" (large text, high contrast)."""
    yield from d.wait_screen("welcome")
    yield from d.settle(0.3)
    first = d.vm.language
    other = "en" if first == "id" else "id"
    for large in (False, True):
        if large:
            yield from d.tap_widget(d.app.access_bar.ids.large)
            yield from d.wait_for(lambda: d.app.large, "the large text")
        for language in (first, other):
            if d.vm.language != language:
                yield from d.tap("welcome.language")
                yield from d.wait_for(lambda lang=language: d.vm.language == lang, f"language {language}")
            yield from d.settle(0.3)
            name = f"welcome_{language}{'_large' if large else ''}"
            yield from d.shot(name)
            d.records[name]["fit"] = welcome_fit_facts(d)
    yield from d.tap_widget(d.app.access_bar.ids.large)  # back to ordinary text
    yield from d.wait_for(lambda: not d.app.large, "the ordinary text")


SCENARIOS: dict[str, tuple[Callable[[Driver], Steps], Setup]] = {
    "welcome_fit": (welcome_fit, Setup(services=SIX_SERVICES, names_en=SIX_NAMES_EN)),
    "flow": (flow, Setup(hub={"ahead": 3}, minutes_per_visitor=7)),
    "validation": (validation, Setup()),
    "printer_out": (printer_out, Setup(printer={"statuses": [PrinterStatus.PAPER_OUT]})),
    "print_failure": (print_failure, Setup(printer={"failures": ["paper_out"]})),
    "hub_timeout": (hub_timeout, Setup(hub={"issue_script": [HubError("timeout", "no answer")]})),
    # what the visitor sees once the hub client's own retries of busy ran out of time
    "hub_busy": (hub_timeout, Setup(hub={"issue_script": [HubError("busy", "queue full")]})),
    "hub_internal_error": (hub_timeout, Setup(hub={"issue_script": [HubError("internal_error", "bug")]})),
    "language": (language, Setup(services=TWO_SERVICES)),
    "idle": (idle, Setup()),
    "closed": (closed, Setup(services=TWO_SERVICES, hours=PST_HOURS, wall=FRIDAY_EVENING)),
    "returning": (returning, Setup(hub={"lookup_script": [RETURNING]})),
    "tour": (
        tour,
        Setup(
            services=TWO_SERVICES,
            hub={
                "lookup_script": [None, RETURNING],
                "issue_script": [None, HubError("timeout", "no answer")],
            },
            printer={
                "statuses": [PrinterStatus.READY, PrinterStatus.PAPER_OUT, PrinterStatus.READY],
                "failures": ["paper_out"],
            },
        ),
    ),
}
