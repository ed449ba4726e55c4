"""The request builders of the contract: what a client builds, the hub's parser accepts, and the
bytes on the wire are those of contract v1 (third-party buttons and older kiosks rely on them)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.contract import feedback_requests as feedback
from shared.contract import kiosk_requests as kiosk
from shared.contract import topics as contract
from shared.contract.feedback_requests import Contact, TicketRef
from shared.domain import guestbook

ENTRY = guestbook.clean(
    {
        "name": "Siti Aminah",
        "id_type": "ktp",
        "id_number": "1808014101900001",
        "email": "siti@example.id",
        "phone": "081234567890",
        "institution": "Universitas Lampung",
        "purpose": "Data IPM kecamatan 2025",
    }
)
REF = "r" * 24


def wire(body: dict[str, object]) -> bytes:
    return contract.encode(body)


# --- counter commands --------------------------------------------------------------------------


@pytest.mark.parametrize("word", contract.PLAIN_WORDS)
def test_a_plain_word_stays_a_plain_word(word: str) -> None:
    assert contract.plain_command(word) == word.encode()
    assert contract.parse_counter_command(contract.plain_command(word)) == contract.CounterCommand(word, None)


def test_only_plain_words_are_plain() -> None:
    with pytest.raises(ValueError):
        contract.plain_command("transfer")


@pytest.mark.parametrize("action", contract.JSON_ACTIONS)
def test_a_json_command_round_trip(action: str) -> None:
    to = "B" if action == "transfer" else None
    raw = wire(contract.counter_command(action, "c2-ab12cd34-0001", to))
    assert contract.parse_counter_command(raw) == contract.CounterCommand(action, "c2-ab12cd34-0001", to)


def test_json_commands_on_the_wire() -> None:
    assert (
        wire(contract.counter_command("next", "c2-s-0001"))
        == b'{"v":1,"action":"next","request_id":"c2-s-0001"}'
    )
    assert wire(contract.counter_command("transfer", "c2-s-0002", "B")) == (
        b'{"v":1,"action":"transfer","request_id":"c2-s-0002","to_service":"B"}'
    )
    with pytest.raises(ValueError):
        contract.counter_command("dance", "c2-s-0003")


# --- the kiosk's requests ----------------------------------------------------------------------


def test_a_ticket_with_a_guestbook_entry_round_trip() -> None:
    request = kiosk.parse_kiosk_request(wire(kiosk.issue_request("k1-1", "A", kiosk.new_guest(ENTRY))))
    assert isinstance(request, kiosk.KioskRequest) and isinstance(request.guest, kiosk.Guest)
    assert (request.request_id, request.service, request.guest.name) == ("k1-1", "A", "Siti Aminah")
    assert request.guest.consent is True


def test_a_ticket_for_a_returning_visitor_round_trip() -> None:
    body = kiosk.issue_request("k1-2", "B", kiosk.returning_guest(REF, "Data PDRB"))
    assert body == {
        "request_id": "k1-2",
        "service": "B",
        "guest": {"ref": REF, "purpose": "Data PDRB", "consent": True},
    }
    request = kiosk.parse_kiosk_request(wire(body))
    assert isinstance(request, kiosk.KioskRequest) and request.guest == kiosk.GuestRef(REF, "Data PDRB", True)


def test_a_ticket_without_an_entry_round_trip() -> None:
    assert wire(kiosk.issue_request("k1-3", "A", {})) == b'{"v":1,"request_id":"k1-3","service":"A"}'
    assert kiosk.parse_kiosk_request(wire(kiosk.issue_request("k1-3", "A", None))) == kiosk.KioskRequest(
        "k1-3", "A", None
    )


def test_the_guest_entry_on_the_wire_keeps_the_form_s_order() -> None:
    body = kiosk.issue_request("k1-4", "A", kiosk.new_guest(ENTRY))
    assert list(body) == ["request_id", "service", "guest"]
    assert list(body["guest"]) == [*ENTRY, "consent"]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"id_number": "1808 0141 0190 0001"}, kiosk.LookupRequest("k1-5", id_number="1808014101900001")),
        ({"email": "Siti@Example.id"}, kiosk.LookupRequest("k1-5", email="siti@example.id")),
    ],
)
def test_a_lookup_round_trip(kwargs: dict[str, str], expected: kiosk.LookupRequest) -> None:
    assert kiosk.parse_kiosk_request(wire(kiosk.lookup_request("k1-5", **kwargs))) == expected


def test_a_lookup_on_the_wire() -> None:
    assert wire(kiosk.lookup_request("k1-6", email="s@x.id")) == (
        b'{"v":1,"request_id":"k1-6","lookup":{"email":"s@x.id"}}'
    )


# --- the rating screen's (and the kiosk's) feedback requests -----------------------------------


def parsed(body: feedback.Body, request_id: str = "rate-1-0001") -> feedback.FeedbackRequest:
    request = kiosk.parse_kiosk_request(wire(feedback.with_request_id(body, request_id)))
    assert not isinstance(request, kiosk.KioskRequest | kiosk.LookupRequest)
    return request


def test_a_rating_check_round_trip() -> None:
    ticket = TicketRef("A-012", date(2026, 11, 25))
    assert parsed(feedback.rating_check(ticket)) == feedback.RatingCheck("rate-1-0001", ticket)
    assert wire(feedback.with_request_id(feedback.rating_check(TicketRef("A-012")), "r1")) == (
        b'{"v":1,"rating_check":{"ticket":"A-012"},"request_id":"r1"}'
    )


def test_a_rating_begun_and_added_to_round_trip() -> None:
    first = parsed(feedback.rating_begin("A-012", "2026-11-25", "desk", "overall", 5))
    assert first == feedback.RatingGiven(
        "rate-1-0001", TicketRef("A-012", date(2026, 11, 25)), None, "desk", 5, {}
    )
    more = parsed(feedback.rating_more(REF, "u3", 4))
    assert more == feedback.RatingGiven("rate-1-0001", None, REF, "kiosk", None, {"u3": 4})
    assert wire(feedback.rating_begin("A-012", None, "kiosk", "u1", 3)) == (
        b'{"v":1,"rating":{"ticket":"A-012","via":"kiosk","elements":{"u1":3}}}'
    )


def test_a_respondent_profile_round_trip() -> None:
    profile = {"sex": "female", "age": "20_29", "education": "d4_s1", "occupation": "student"}
    given = parsed(feedback.rating_profile(REF, profile))
    assert given == feedback.RatingGiven("rate-1-0001", None, REF, "kiosk", None, {}, profile)
    assert wire(feedback.rating_profile(REF, {"age": "50_plus"})) == (
        b'{"v":1,"rating":{"ref":"' + REF.encode() + b'","profile":{"age":"50_plus"}}}'
    )
    assert parsed(feedback.rating_more(REF, "u1", 4)).profile == {}  # no profile sent: none


@pytest.mark.parametrize(
    ("profile", "says"),
    [
        ({"sex": "x"}, "profile.sex must be one of male, female"),
        ({"age": 25}, "profile.age must be one of under_20, 20_29"),
        ({"education": None}, "profile.education must be one of sd, smp"),
        ({"name": "Siti"}, "profile holds an unknown item (items: sex, age, education, occupation)"),
        ({}, "profile must give at least one answer"),
        (["female"], "rating.profile must be a JSON object"),
        ("female", "rating.profile must be a JSON object"),
    ],
)
def test_a_profile_with_an_unknown_item_or_answer_is_refused(profile: object, says: str) -> None:
    with pytest.raises(contract.PayloadError) as caught:
        parsed({"rating": {"ref": REF, "profile": profile}}, "rate-1-0002")
    assert caught.value.code == "bad_profile" and caught.value.request_id == "rate-1-0002"
    assert says in str(caught.value)
    assert "Siti" not in str(caught.value)  # the sender's unknown key is not echoed


def test_a_complaint_round_trip_names_the_rating_else_the_ticket() -> None:
    contact = {"name": "Siti", "email": "", "phone": "081234567890"}
    about_rating = parsed(
        feedback.complaint("Antre lama", "complaint", "desk", contact, rating_ref=REF, ticket="A-012")
    )
    assert isinstance(about_rating, feedback.ComplaintGiven)
    assert (about_rating.rating_ref, about_rating.ticket) == (REF, None)
    assert about_rating.contact == Contact("Siti", "", "081234567890")
    about_ticket = parsed(
        feedback.complaint("Ruang panas", "suggestion", "kiosk", {}, ticket="A-012", day="2026-11-25")
    )
    assert isinstance(about_ticket, feedback.ComplaintGiven)
    assert about_ticket.ticket == TicketRef("A-012", date(2026, 11, 25)) and about_ticket.kind == "suggestion"
    assert wire(feedback.complaint("Bagus", "suggestion", "kiosk", {"name": "", "email": ""})) == (
        b'{"v":1,"complaint":{"text":"Bagus","kind":"suggestion","via":"kiosk"}}'
    )
