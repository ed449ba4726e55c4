"""The desk actions of issue 18 in the counter's view-model and view (no window, broker or hub):
which buttons are offered when, what goes out on counter/{desk}/cmd, the parked row, the priority
marks, the out-of-order dialog's choices and every answer and refusal in words."""

from __future__ import annotations

import pytest

from counter import texts
from counter.view import build_view
from shared.domain.priority import CALL_REASONS
from tests.counter.fakes import answer, desk_state, queue_state, refusal, visitor
from tests.counter.test_viewmodel import enabled, signed_in


def test_hold_return_and_the_out_of_order_call_follow_the_desk_state() -> None:
    vm, staff, link, _clock = signed_in()
    assert not {"hold", "return", "call_ticket"} & enabled(build_view(vm))  # idle, nobody waits
    vm.on_queue_state("A", queue_state("A", ["A-002", "A-003"]))
    assert "call_ticket" in enabled(build_view(vm))

    staff.at_desk = visitor("A-001")
    vm.on_desk_state(desk_state("serving", "A-001", "A"))
    assert {"hold", "return", "call_ticket"} <= enabled(build_view(vm))
    assert vm.press("hold")
    assert link.sent[-1] == {"v": 1, "action": "hold", "request_id": "c2-s1-0001"}
    vm.on_response(answer("c2-s1-0001", "hold", ticket="A-001", parked=["A-001"]))
    vm.on_desk_state(desk_state("idle", parked=["A-001"]))
    view = build_view(vm)
    assert view.answer_text == 'Pengunjung A-001 ditunda. Panggil kembali dengan "Lanjutkan".'
    assert [(p.code, p.resume_enabled, p.return_enabled) for p in view.parked] == [("A-001", True, True)]
    assert not {"hold", "return"} & enabled(view)  # nobody at the desk now

    # While another visitor is at the desk, the parked one cannot be resumed (the hub says desk_busy).
    vm.on_desk_state(desk_state("called", "A-002", "A", parked=["A-001"]))
    assert [(p.resume_enabled, p.return_enabled) for p in build_view(vm).parked] == [(False, True)]
    assert not vm.press("resume", ticket="A-001")
    assert vm.press("return", ticket="A-001")  # a parked one may go back to the queue meanwhile
    assert link.sent[-1]["action"] == "return" and link.sent[-1]["ticket"] == "A-001"
    vm.on_response(answer(link.sent[-1]["request_id"], "return", ticket="A-001", ahead=0))
    assert build_view(vm).answer_text == (
        "A-001 kembali ke antrean di tempatnya semula (0 orang di depannya)."
    )


def test_resume_names_the_parked_ticket_and_several_need_a_choice() -> None:
    vm, _staff, link, _clock = signed_in()
    vm.on_desk_state(desk_state("idle", parked=["A-001"]))
    assert vm.press("resume")  # the keyboard's P: the only one parked
    assert link.sent[-1] == {"v": 1, "action": "resume", "request_id": "c2-s1-0001", "ticket": "A-001"}
    vm.on_response(answer("c2-s1-0001", "resume", ticket="A-001", service="A"))
    assert build_view(vm).answer_text == "A-001 dipanggil kembali ke Meja 2."

    vm.on_desk_state(desk_state("idle", parked=["A-001", "B-004"]))
    assert not vm.press("resume")  # which one? the row's buttons say
    assert not vm.press("resume", ticket="A-009")  # not parked here
    assert vm.press("resume", ticket="B-004") and link.sent[-1]["ticket"] == "B-004"
    vm.on_response(refusal(link.sent[-1]["request_id"], "not_parked"))
    view = build_view(vm)
    assert view.answer_text == "Pengunjung itu tidak sedang ditunda." and view.answer_kind == "error"


def test_the_out_of_order_call_sends_the_chosen_ticket_and_reason() -> None:
    vm, _staff, link, _clock = signed_in()
    vm.on_queue_state("A", queue_state("A", ["A-002", "A-003"], priority=["A-003"]))
    vm.on_queue_state("B", queue_state("B", ["B-001"]))
    view = build_view(vm)
    assert [(c.code, c.label, c.priority) for c in view.call_choices] == [
        ("A-002", "A-002", False),
        ("A-003", "A-003\nprioritas", True),
        ("B-001", "B-001", False),
    ]
    assert [r for r, _words in view.call_reasons] == list(CALL_REASONS)
    assert dict(view.call_reasons)["priority_need"] == "Perlu layanan prioritas"
    assert view.sections[0].count == "2 menunggu · 1 prioritas"
    assert [c.priority for c in view.sections[0].chips] == [False, True]

    assert not vm.press("call_ticket", ticket="A-003")  # no reason: nothing is sent
    assert not vm.press("call_ticket", ticket="A-003", reason="because")
    assert not vm.press("call_ticket", ticket="C-001", reason="other")  # not in the desk's list
    assert link.sent == []
    assert vm.press("call_ticket", ticket="A-003", reason="appointment")
    assert link.sent == [
        {
            "v": 1,
            "action": "call_ticket",
            "request_id": "c2-s1-0001",
            "ticket": "A-003",
            "reason": "appointment",
        }
    ]
    vm.on_response(
        answer("c2-s1-0001", "call_ticket", ticket="A-003", reason="appointment", out_of_order=True)
    )
    assert build_view(vm).answer_text == "A-003 dipanggil di luar urutan: sudah ada janji."
    vm.on_desk_state(desk_state("called", "A-003", "A", priority=True))
    assert build_view(vm).visitor_priority == "PRIORITAS"
    vm.set_language("en")
    assert build_view(vm).visitor_priority == "PRIORITY"
    vm.on_desk_state(desk_state("called", "A-002", "A"))
    assert build_view(vm).visitor_priority == ""


@pytest.mark.parametrize("code", ["not_waiting", "wrong_service", "bad_reason", "ticket_needed", "desk_busy"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_refusal_of_a_desk_action_is_a_sentence(code: str, lang: str) -> None:
    vm, _staff, link, _clock = signed_in()
    vm.set_language(lang)
    vm.on_queue_state("A", queue_state("A", ["A-002"]))
    assert vm.press("call_ticket", ticket="A-002", reason="other")
    vm.on_response(refusal(link.sent[-1]["request_id"], code))
    shown = build_view(vm).answer_text
    assert shown == texts.t(lang, f"err.{code}") and code not in shown


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_hardware_buttons_desk_action_is_told_too(lang: str) -> None:
    """A button sends plain words (no request id): its answers show as the desk button's."""
    vm, *_ = signed_in()
    vm.set_language(lang)
    vm.on_desk_state(desk_state("called", "A-001", "A"))
    vm.on_response(answer(None, "repeat", ticket="A-001", recalls=1))
    view = build_view(vm)
    assert view.visitor_recalls == texts.t(lang, "desk.recalls", n=1)  # repeat is a recall
    assert view.answer_text == texts.t(
        lang, "answer.from_button", text=texts.t(lang, "answer.recall", ticket="A-001", n=1)
    )
    for reason in CALL_REASONS:
        assert texts.t(lang, f"reason.{reason}") != f"reason.{reason}"
