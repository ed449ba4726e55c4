"""The rating flow as plain Python (no window): what is sent when, skipping, the idle minute,
refusals in plain words, prompts ignored when old, empty or done, the kiosk's code field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kiosk.rating import view
from kiosk.rating.options import RatingOptions
from kiosk.rating.viewmodel import RatingViewModel, RStep
from kiosk.touch.ports import HubError
from shared.contract import topics as contract
from shared.contract.records import RatePrompt, parse_rate_prompt
from tests.kiosk.fakes import FakeClock

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


class FakeFeedbackHub:
    """Answers like the hub: a ref for a new rating, a number for a complaint; ``refuse`` scripts
    refusals by request kind."""

    def __init__(self, refuse: dict[str, str] | None = None) -> None:
        self.sent: list[dict[str, Any]] = []
        self.refuse = refuse or {}

    def feedback(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(body)
        kind = next(iter(body))
        if kind in self.refuse:
            raise HubError(self.refuse.pop(kind))
        if kind == "complaint":
            return {"complaint": "ADU-20261125-001", "kind": body["complaint"].get("kind", "complaint")}
        inner = body[kind]
        answer = {"ticket": inner.get("ticket", "A-012"), "day": "2026-11-25", "desk_name": "Meja 1"}
        if kind == "rating" and "ticket" in inner:
            answer["rating_ref"] = "ref-0123456789"
        return answer


def prompt(ticket: str | None = "A-012", age_s: float = 5, prompt_id: str = "p1") -> RatePrompt:
    """A prompt as the hub builds it, read back by the contract's parser."""
    at = NOW - timedelta(seconds=age_s)
    body = contract.rate_prompt(prompt_id, ticket, "2026-11-25", "A", "1", "Meja 1", at)
    return parse_rate_prompt(contract.encode(body))


def make(via: str = "desk", hub: FakeFeedbackHub | None = None, ended: list[int] | None = None):
    clock, hub = FakeClock(), hub or FakeFeedbackHub()
    options = RatingOptions(via=via, desk="1", idle_timeout_s=60, thanks_s=8)
    on_end = (lambda: ended.append(1)) if ended is not None else None
    vm = RatingViewModel(options, hub, clock=clock, now=lambda: NOW, on_end=on_end)
    return vm, hub, clock


def test_a_full_survey_sends_each_answer_as_it_is_given() -> None:
    vm, hub, _ = make()
    assert vm.on_prompt(prompt()) and vm.step == RStep.FACES
    assert view.ui_value(vm, "ticket") == "Tiket A-012 - Meja 1"
    vm.rate_overall(5)
    assert hub.sent[0] == {"rating": {"ticket": "A-012", "via": "desk", "overall": 5, "day": "2026-11-25"}}
    for n in range(9):
        assert vm.step == RStep.ELEMENT and vm.element_index == n
        vm.answer(4 if n != 3 else 2)
    assert hub.sent[4] == {"rating": {"ref": "ref-0123456789", "elements": {"u4": 2}}}
    assert len(hub.sent) == 10 and vm.step == RStep.PROFILE
    vm.skip_profile()  # nothing tapped: nothing sent
    assert len(hub.sent) == 10 and vm.step == RStep.COMPLAINT
    vm.set_field("r_text", "Toilet rusak")
    vm.set_field("r_email", "Budi@Example.id ")
    vm.set_field("r_phone", "0812-3456-7890")
    vm.complaint.set_kind("suggestion")
    vm.complaint.submit()
    contact = {"email": "budi@example.id", "phone": "081234567890"}
    assert hub.sent[-1] == {"complaint": {"text": "Toilet rusak", "kind": "suggestion", "via": "desk",
                                          "contact": contact, "rating_ref": "ref-0123456789"}}  # fmt: skip
    assert vm.step == RStep.DONE and view.ui_value(vm, "number") == "ADU-20261125-001"
    assert vm.values["r_email"] == ""  # personal data forgotten once sent
    vm.to_thanks()
    assert vm.step == RStep.THANKS


def test_the_profile_is_one_tap_per_item_and_sent_once_without_the_skipped_item() -> None:
    vm, hub, _ = make()
    vm.on_prompt(prompt())
    vm.skip()  # no face
    vm.answer(3)  # u1: a respondent
    for _ in range(8):
        vm.skip()
    assert vm.step == RStep.PROFILE and vm.profile_index == 0
    assert view.ui_value(vm, "profile.progress") == "Profil 1 dari 4 - Jenis kelamin"
    assert view.ui_value(vm, "profile.question") == "Jenis kelamin Anda?"
    assert [view.ui_value(vm, f"profile.shown_{n}") for n in (2, 3)] == [True, False]
    assert view.ui_value(vm, "profile.answer_2") == "Perempuan" and view.ui_value(vm, "profile.count") == "2"
    vm.answer_profile(2)  # perempuan
    vm.set_language("en")
    assert (
        view.ui_value(vm, "profile.answer_5") == "50 or over"
        and view.ui_value(vm, "profile.shown_6") is False
    )
    vm.answer_profile(2)  # 20-29
    assert (
        view.ui_value(vm, "profile.count") == "7"
        and view.ui_value(vm, "profile.answer_7") == "Doctorate (S3)"
    )
    vm.skip()  # education not given
    assert len(hub.sent) == 1  # the profile waits until the visitor leaves it
    vm.answer_profile(9)  # no such button: nothing happens
    vm.answer_profile(4)  # pelajar/mahasiswa
    assert vm.step == RStep.COMPLAINT
    given = {"sex": "female", "age": "20_29", "occupation": "student"}
    assert hub.sent[-1] == {"rating": {"ref": "ref-0123456789", "profile": given}}


def test_no_element_answered_means_no_profile_page_and_walking_away_sends_what_was_tapped() -> None:
    vm, hub, clock = make()
    vm.on_prompt(prompt())
    vm.rate_overall(5)
    for _ in range(9):
        vm.skip()
    assert vm.step == RStep.COMPLAINT  # a face alone makes no SKM respondent: no profile asked
    vm, hub, clock = make()
    vm.on_prompt(prompt())
    vm.rate_overall(5)
    vm.answer(4)
    for _ in range(8):
        vm.skip()
    vm.answer_profile(1)  # laki-laki, then the visitor walks away
    clock.advance(60)
    vm.tick()
    assert vm.step == RStep.IDLE
    assert hub.sent[-1] == {"rating": {"ref": "ref-0123456789", "profile": {"sex": "male"}}}


def test_contact_errors_are_shown_on_the_field_and_nothing_is_sent() -> None:
    vm, hub, _ = make()
    vm.on_prompt(prompt())
    vm.skip()
    for _ in range(9):
        vm.skip()
    vm.complaint.submit()
    assert vm.errors == {"r_text": "empty"} and hub.sent == []
    vm.set_field("r_text", "Antrean lama")
    vm.set_field("r_email", "budi@")
    vm.set_field("r_phone", "12")
    vm.complaint.submit()
    assert set(vm.errors) == {"r_email", "r_phone"} and vm.focused == "r_email"
    assert view.ui_value(vm, "error.r_email").startswith("Alamat email tidak valid")
    assert hub.sent == []
    vm.set_field("r_email", "")
    vm.set_field("r_phone", "")
    vm.complaint.submit()
    assert hub.sent == [{"complaint": {"text": "Antrean lama", "kind": "complaint", "via": "desk",
                                       "ticket": "A-012", "day": "2026-11-25"}}]  # fmt: skip


def test_everything_skipped_sends_nothing_and_the_idle_screen_returns() -> None:
    vm, hub, clock = make()
    vm.on_prompt(prompt())
    vm.skip()
    for _ in range(9):
        vm.skip()
    vm.skip()
    assert vm.step == RStep.THANKS and hub.sent == []
    clock.advance(8)
    vm.tick()
    assert vm.step == RStep.IDLE
    assert not vm.on_prompt(prompt(prompt_id="p2"))  # the same ticket is not asked again


def test_a_minute_without_a_touch_keeps_the_one_tap() -> None:
    vm, hub, clock = make()
    vm.on_prompt(prompt())
    vm.rate_overall(2)
    clock.advance(59)
    vm.tick()
    assert vm.step == RStep.ELEMENT
    clock.advance(1)
    vm.tick()
    assert vm.step == RStep.IDLE and len(hub.sent) == 1


def test_old_empty_and_repeated_prompts_are_ignored_and_one_waits_its_turn() -> None:
    vm, _, _ = make()
    assert not vm.on_prompt(prompt(age_s=601))
    assert not vm.on_prompt(prompt(ticket=None))
    bad_time = {**contract.rate_prompt("p9", "A-012", None, "A", "1", "Meja 1", NOW), "at": "not a time"}
    with pytest.raises(contract.PayloadError):  # refused by the contract before the screen sees it
        parse_rate_prompt(contract.encode(bad_time))
    assert vm.on_prompt(prompt())
    assert not vm.on_prompt(prompt())  # the retained prompt again
    assert vm.on_prompt(prompt("A-013", prompt_id="p2"))  # the next visitor: after this one
    assert vm.survey is not None and vm.survey.code == "A-012"
    vm.end()
    assert vm.step == RStep.FACES and vm.survey is not None and vm.survey.code == "A-013"


def test_already_rated_is_said_in_plain_words_and_a_complaint_is_still_possible() -> None:
    vm, _hub, _ = make(hub=FakeFeedbackHub(refuse={"rating": "already_rated"}))
    vm.on_prompt(prompt())
    vm.rate_overall(4)
    assert vm.step == RStep.PROBLEM
    assert view.ui_value(vm, "problem") == "Penilaian untuk tiket ini sudah diberikan. Terima kasih!"
    vm.complaint.open_after_problem()
    assert vm.step == RStep.COMPLAINT


def test_the_kiosk_reads_a_typed_code_or_the_scanned_qr() -> None:
    ended: list[int] = []
    vm, hub, _ = make("kiosk", ended=ended)
    vm.begin_code("en")
    assert vm.step == RStep.CODE and vm.focused == "r_code" and vm.keyboard_layout == "text"
    vm.set_field("r_code", "hello")
    vm.enter("r_code")
    assert view.ui_value(vm, "error.r_code") == "Not a queue number. Example: A-012"
    vm.set_field("r_code", "a-12/2026-11-25")
    vm.enter("r_code")  # the scanner's Enter
    assert hub.sent == [{"rating_check": {"ticket": "A-012", "day": "2026-11-25"}}]
    assert vm.step == RStep.FACES
    vm.rate_overall(3)
    assert hub.sent[-1]["rating"]["via"] == "kiosk"
    vm.end()
    assert ended == [1]


def test_the_kiosk_shows_a_refused_check_on_the_field() -> None:
    vm, _, _ = make("kiosk", hub=FakeFeedbackHub(refuse={"rating_check": "already_rated"}))
    vm.begin_code()
    vm.set_field("r_code", "A-012")
    vm.submit_code()
    assert vm.step == RStep.CODE and "sudah diberikan" in view.ui_value(vm, "error.r_code")
    vm.complain_without_ticket()
    assert vm.step == RStep.COMPLAINT and not view.ui_value(vm, "flag.has_ticket")


def test_a_complaint_sent_again_after_a_timeout_keeps_its_request_id() -> None:
    ids: list[str] = []

    class LosingHub(FakeFeedbackHub):
        def feedback(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
            ids.append(request_id)
            return super().feedback(request_id, body)

    vm, _hub, _ = make(hub=LosingHub(refuse={"complaint": "timeout"}))
    vm.on_prompt(prompt())
    for _ in range(10):
        vm.skip()
    vm.set_field("r_text", "Antrean lama")
    vm.complaint.submit()
    assert vm.errors == {"form": "hub.timeout"}  # what was typed stays; "Kirim" again
    vm.complaint.submit()
    assert vm.complaint.number == "ADU-20261125-001"
    assert len(ids) == 2 and ids[0] == ids[1]  # the hub stores it once


@pytest.mark.parametrize(
    ("code", "lang", "words"),
    [
        ("busy", "id", "Sistem sedang melayani banyak permintaan. Silakan coba lagi sebentar lagi."),
        ("busy", "en", "The system is handling many requests. Please try again in a moment."),
        (
            "internal_error",
            "id",
            "Sistem mengalami gangguan; jawaban Anda belum tersimpan. " + "Silakan coba lagi.",
        ),
        (
            "internal_error",
            "en",
            "The system had a problem; your answers were not saved yet. " + "Please try again.",
        ),
    ],
)
def test_a_busy_or_failing_hub_is_said_in_words_and_the_complaint_goes_again_with_its_id(
    code: str, lang: str, words: str
) -> None:
    ids: list[str] = []

    class RefusingHub(FakeFeedbackHub):
        def feedback(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
            ids.append(request_id)
            return super().feedback(request_id, body)

    vm, _hub, _ = make(hub=RefusingHub(refuse={"complaint": code}))
    vm.language = lang
    vm.on_prompt(prompt())
    for _ in range(10):
        vm.skip()
    vm.set_field("r_text", "Antrean lama")
    vm.complaint.submit()
    assert view.field_error(vm, "form") == words  # no raw code; what was typed stays
    vm.complaint.submit()
    assert vm.complaint.number == "ADU-20261125-001"
    assert len(ids) == 2 and ids[0] == ids[1]
