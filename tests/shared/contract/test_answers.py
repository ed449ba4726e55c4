"""shared/contract/answers.py: the hub's answers on the response topics, as the kiosk and the
counter read them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from shared.contract import answers
from shared.contract import topics as contract
from shared.contract.codec import PayloadError

AT = datetime(2026, 11, 24, 9, 15, 2, tzinfo=timezone(timedelta(hours=7)))


def ok(**fields: Any) -> bytes:
    return contract.encode({"request_id": "k1-1", "ok": True, **fields})


def test_a_refusal() -> None:
    raw = contract.encode(contract.error_answer("c2-0008", "desk_busy", "desk 2 still has a visitor"))
    for parse in (answers.parse_answer, answers.parse_counter_answer):
        answer = parse(raw)
        assert answer.request_id == "c2-0008" and not answer.ok
        assert answer.error == answers.AnswerError("desk_busy", "desk 2 still has a visitor")
    assert (
        answers.parse_answer(contract.encode(contract.error_answer(None, "bad_json", "x"))).request_id is None
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"v": 1, "request_id": "x"}', "bad_answer"),  # neither ok nor an error
        (b'{"v": 1, "request_id": "x", "ok": 1}', "bad_answer"),
        (b'{"v": 1, "error": "desk_busy"}', "bad_error"),
        (b'{"v": 1, "error": {"message": "no code"}}', "bad_error"),
        (b"[]", "bad_json"),
    ],
)
def test_a_malformed_answer_is_refused(raw: bytes, code: str) -> None:
    with pytest.raises(PayloadError) as caught:
        answers.parse_answer(raw)
    assert caught.value.code == code


def test_a_counter_answer_names_its_action() -> None:
    raw = contract.encode(
        {"request_id": None, "ok": True, "desk": "2", "action": "recall", "ticket": "A-002", "recalls": 2}
    )
    answer = answers.parse_counter_answer(raw)
    assert (answer.request_id, answer.ok, answer.action, answer.ticket, answer.recalls) == (
        None,
        True,
        "recall",
        "A-002",
        2,
    )
    assert answer.fields["desk"] == "2"  # every field as sent, for the words the desk shows
    with pytest.raises(PayloadError):
        answers.parse_counter_answer(ok(action="recall", recalls="two"))


def test_a_ticket_answer() -> None:
    answer = answers.parse_answer(
        ok(
            ticket="A-001",
            service="A",
            service_name="Konsultasi Statistik",
            ahead=3,
            issued_at=AT.isoformat(),
        )
    )
    assert answers.issued(answer) == answers.Issued("A-001", "A", "Konsultasi Statistik", 3, AT)
    bare = answers.parse_answer(ok(ticket="A-001", service="A", issued_at=AT.isoformat()))
    assert answers.issued(bare) == answers.Issued("A-001", "A", "A", 0, AT)
    with pytest.raises(PayloadError):
        answers.issued(answers.parse_answer(ok(service="A", issued_at=AT.isoformat())))


def test_a_lookup_answer() -> None:
    masked = {"name": "S*** A*****", "email": "s***@example.id"}
    found = answers.lookup_result(answers.parse_answer(ok(found=True, ref="r" * 24, masked=masked)))
    assert found == answers.LookupResult("r" * 24, masked) and "S***" not in repr(found)
    assert answers.lookup_result(answers.parse_answer(ok(found=False))) is None
    with pytest.raises(PayloadError):
        answers.lookup_result(answers.parse_answer(ok(found=True)))


def test_an_answer_keeps_what_the_hub_sent() -> None:
    body = {"request_id": "k1-1", "ok": True, "ticket": "A-012", "day": "2026-11-25", "desk_name": "Meja 2"}
    assert dict(answers.parse_answer(json.dumps({"v": 1, **body}).encode()).fields) == {"v": 1, **body}
