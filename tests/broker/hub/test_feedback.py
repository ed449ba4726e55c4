"""Step 6 of the standard through the real broker and hub: the rating prompt at the desk, one
rating per ticket added to step by step, complaints with and without contact, bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.contract import topics as contract
from shared.store.db import make_engine
from shared.store.models import ComplaintRow, RatingRow, SkmProfileCountRow, SkmProfileRefRow
from tests.broker.hub.test_business_day import FakeClock, _hub, _wib
from tests.support import Probe


def _serve(probe: Probe, desk: str = "1") -> str:
    """Issue a ticket, call it to ``desk`` and finish it; its code."""
    code = probe.issue("A")["ticket"]
    assert probe.command(desk, "next")["ticket"] == code
    assert probe.command(desk, "finish")["ticket"] == code
    return code


def _rows(hub, model):
    engine = make_engine(hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        rows = session.scalars(select(model).order_by(model.id)).all()
    engine.dispose()
    return rows


def _rows_by(hub, model, order):
    engine = make_engine(hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        rows = session.scalars(select(model).order_by(order)).all()
    engine.dispose()
    return rows


def test_finishing_a_ticket_asks_that_desks_rating_screen(hub, probe: Probe) -> None:
    mark = probe.mark()
    code = _serve(probe, "2")
    prompt = probe.wait_for("rate/2/prompt", lambda p: p["ticket"] == code, since=mark)
    assert prompt["desk"] == "2" and prompt["desk_name"] == "Meja 2" and prompt["service"] == "A"
    assert prompt["day"] and prompt["prompt_id"]
    assert probe.on("rate/1/prompt", since=mark) == []


def test_a_one_tap_rating_then_the_elements_then_a_complaint(hub, probe: Probe) -> None:
    code = _serve(probe)
    mark = probe.mark()
    begun = probe.ask("rs-1", {"rating": {"ticket": code, "via": "desk", "overall": 5}})
    assert begun["ok"] is True and begun["ticket"] == code and begun["desk_name"] == "Meja 1"
    # The desk's screen is cleared: a restarted screen does not ask again.
    cleared = probe.wait_for("rate/1/prompt", lambda p: p["ticket"] is None, since=mark)
    assert cleared["desk"] == "1"
    ref = begun["rating_ref"]
    profile = {"sex": "female", "age": "20_29", "education": "d4_s1", "occupation": "student"}
    early = probe.ask("rs-1", {"rating": {"ref": ref, "profile": profile}})
    assert early["error"]["code"] == "profile_needs_answers"  # the face alone makes no respondent
    more = probe.ask("rs-1", {"rating": {"ref": ref, "elements": {"u1": 4, "u2": 3, "u9": 2}}})
    assert more["ok"] is True and "rating_ref" not in more
    bad = probe.ask("rs-1", {"request_id": "p-bad", "rating": {"ref": ref, "profile": {"sex": "x"}}})
    assert bad["request_id"] == "p-bad" and bad["error"]["code"] == "bad_profile"
    assert probe.ask("rs-1", {"rating": {"ref": ref, "profile": profile}})["ok"] is True
    again = probe.ask("rs-1", {"rating": {"ref": ref, "profile": {"sex": "male"}}})
    assert again["error"]["code"] == "profile_given"
    complaint = probe.ask(
        "rs-1", {"complaint": {"rating_ref": ref, "via": "desk", "text": "Toilet rusak", "kind": "complaint"}}
    )
    assert complaint["complaint"].startswith("ADU-") and complaint["complaint"].endswith("-001")
    [rating] = _rows(hub, RatingRow)
    assert (rating.overall, rating.u1, rating.u2, rating.u3, rating.u9) == (5, 4, 3, None, 2)
    assert rating.source == "desk" and rating.desk == "1"
    # The profile is a count of its day and answers: nothing in it leads back to the rating, and
    # the note that this ref gave one is a hash no rating row holds.
    [counted] = _rows_by(hub, SkmProfileCountRow, SkmProfileCountRow.business_day)
    assert (counted.business_day, counted.respondents) == (rating.business_day, 1)
    assert {k: getattr(counted, k) for k in profile} == profile
    assert not {"ticket_id", "rating_id", "created_at"} & set(SkmProfileCountRow.__table__.columns.keys())
    [given] = _rows_by(hub, SkmProfileRefRow, SkmProfileRefRow.ref_hash)
    assert given.ref_hash != rating.ref_hash
    assert not [c.name for c in RatingRow.__table__.columns if c.name.startswith("profile")]
    [row] = _rows(hub, ComplaintRow)
    assert (row.rating_id, row.ticket_id, row.contact_email, row.status) == (
        rating.id,
        rating.ticket_id,
        "",
        "open",
    )


def test_a_second_rating_of_a_ticket_is_refused_but_a_repeat_request_is_answered_alike(hub, probe) -> None:
    code = _serve(probe)
    first = probe.ask("k1", {"request_id": "rate-1", "rating": {"ticket": code, "overall": 4}})
    again = probe.ask("k1", {"request_id": "rate-1", "rating": {"ticket": code, "overall": 4}})
    assert again == first  # the same request_id: the stored answer, nothing new
    refused = probe.ask("k1", {"rating": {"ticket": code, "overall": 1}})
    assert refused["error"]["code"] == "already_rated"
    assert probe.ask("k1", {"rating_check": {"ticket": code}})["error"]["code"] == "already_rated"
    assert len(_rows(hub, RatingRow)) == 1


def test_rating_check_by_typed_code_and_qr_day(hub, probe: Probe) -> None:
    code = _serve(probe)
    waiting = probe.issue("A")["ticket"]
    ok = probe.ask("k1", {"rating_check": {"ticket": code}})
    assert ok["ticket"] == code and ok["service_name"] == "Konsultasi Statistik"
    assert probe.ask("k1", {"rating_check": {"ticket": code, "day": ok["day"]}})["ticket"] == code
    assert probe.ask("k1", {"rating_check": {"ticket": waiting}})["error"]["code"] == "not_served"
    assert probe.ask("k1", {"rating_check": {"ticket": "A-999"}})["error"]["code"] == "unknown_ticket"
    assert probe.ask("k1", {"rating_check": {"ticket": code, "day": "2020-01-01"}})["error"]["code"] == (
        "unknown_ticket"
    )


def test_complaints_with_and_without_contact_and_bad_ones(hub, probe: Probe) -> None:
    plain = probe.ask("k1", {"complaint": {"text": "Antrean terlalu lama", "kind": "suggestion"}})
    contact = {"name": "Budi", "email": "Budi@Example.id", "phone": "0812-3456-7890"}
    named = probe.ask("k1", {"complaint": {"text": "Data tidak lengkap", "contact": contact}})
    assert plain["complaint"].endswith("-001") and named["complaint"].endswith("-002")
    bad_email = probe.ask("k1", {"complaint": {"text": "x", "contact": {"email": "budi@"}}})
    assert bad_email["error"]["code"] == "bad_complaint" and "contact.email" in bad_email["error"]["message"]
    assert "budi@" not in json.dumps(bad_email)  # the value itself is never echoed
    empty = probe.ask("k1", {"complaint": {"text": "   "}})
    assert empty["error"]["code"] == "bad_complaint"
    rows = _rows(hub, ComplaintRow)
    assert [(r.kind, r.contact_name, r.contact_email, r.contact_phone) for r in rows] == [
        ("suggestion", "", "", ""),
        ("complaint", "Budi", "budi@example.id", "081234567890"),
    ]
    assert "Budi" not in hub.log_text() and "Data tidak lengkap" not in hub.log_text()


def test_bad_scores_are_refused_with_a_clear_code(hub, probe: Probe) -> None:
    code = _serve(probe)
    for rating in (
        {"ticket": code, "overall": 6},
        {"ticket": code, "overall": True},
        {"ticket": code, "elements": {"u1": 5}},
        {"ticket": code, "elements": {"u10": 3}},
    ):
        assert probe.ask("k1", {"rating": rating})["error"]["code"] == "bad_rating", rating
    assert probe.ask("k1", {"rating": {"ticket": "not a code"}})["error"]["code"] == "bad_request"
    assert _rows(hub, RatingRow) == []


def test_a_rating_can_be_added_to_from_the_same_device_for_15_minutes(tmp_path: Path) -> None:
    clock = FakeClock(_wib(25, 9, 0))
    hub = _hub(tmp_path, clock)

    def ask(kiosk: str, body: dict) -> dict:
        [answer] = [
            p for p in hub.kiosk_request(kiosk, contract.encode(body)) if p.topic.endswith("/response")
        ]
        return json.loads(answer.payload)

    ask("k1", {"request_id": "i1", "service": "A"})
    hub.counter_command("1", b"next")
    hub.counter_command("1", b"finish")
    ref = ask("rs-1", {"request_id": "r1", "rating": {"ticket": "A-001", "overall": 3}})["rating_ref"]
    other = ask("k1", {"request_id": "r2", "rating": {"ref": ref, "elements": {"u1": 1}}})
    assert other["error"]["code"] == "unknown_rating"
    clock.at += timedelta(minutes=16)
    late = ask("rs-1", {"request_id": "r3", "rating": {"ref": ref, "elements": {"u1": 1}}})
    assert late["error"]["code"] == "rating_closed"
