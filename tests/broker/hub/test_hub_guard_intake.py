"""The intake keeps each lobby device to its part, before any database work (issue 15): request
kinds by role, retained requests refused and cleared, lookups and tickets throttled per device."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broker.hub import throttle
from broker.hub.authorisation import Authorisation
from broker.hub.ingress import Precheck, Verdict
from broker.hub.publications import SiteNames
from shared.config import Settings
from shared.contract import topics as contract

DEVICES = {
    "devices": [
        {"id": "hub", "role": "hub"},
        {"id": "k1", "role": "kiosk"},
        {"id": "rate-2", "role": "rating", "desk": "2"},
        {"id": "tv", "role": "display"},
    ]
}
LOOKUP = {"request_id": "l1", "lookup": {"id_number": "1808014101900001"}}
TICKET = {"request_id": "t1", "service": "A"}
RATING_CHECK = {"request_id": "c1", "rating_check": {"ticket": "A-001"}}
RATING = {"request_id": "r1", "rating": {"ticket": "A-001", "overall": 5}}
COMPLAINT = {"request_id": "p1", "complaint": {"text": "Antrean terlalu lama"}}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def precheck(tmp_path: Path, raw_config: dict | None = None) -> Precheck:
    return Precheck(
        SiteNames.of(Settings(db_url="sqlite://", data_dir=tmp_path)), Authorisation(raw_config or {})
    )


def error_of(verdict: Verdict) -> dict:
    assert not verdict.admit and verdict.reply is not None
    return json.loads(verdict.reply.payload)["error"]


def ask(check: Precheck, kiosk: str, body: dict) -> Verdict:
    return check.kiosk(kiosk, contract.encode(body))


def test_a_rating_screen_may_rate_and_complain_only(tmp_path: Path) -> None:
    check = precheck(tmp_path, DEVICES)
    for body in (RATING_CHECK, RATING, COMPLAINT):
        assert ask(check, "rate-2", body).admit, body
    for body in (LOOKUP, TICKET):
        refused = error_of(ask(check, "rate-2", body))
        assert refused["code"] == "forbidden" and "rating may not send" in refused["message"]


def test_a_kiosk_may_send_every_kind_and_an_unlisted_or_other_device_none(tmp_path: Path) -> None:
    check = precheck(tmp_path, DEVICES)
    for body in (LOOKUP, TICKET, RATING_CHECK, RATING, COMPLAINT):
        assert ask(check, "k1", body).admit, body
    for kiosk in ("k9", "tv", "hub"):
        assert error_of(ask(check, kiosk, TICKET))["code"] == "forbidden"
        assert error_of(ask(check, kiosk, COMPLAINT))["code"] == "forbidden"


def test_without_devices_the_open_demo_allows_every_kind_from_any_id(tmp_path: Path) -> None:
    check = precheck(tmp_path)
    for body in (LOOKUP, TICKET, RATING_CHECK, COMPLAINT):
        assert ask(check, "rate-2", body).admit, body
    assert check.throttles == {}  # and no rate: the open broker listens on loopback only


def test_a_retained_request_or_command_is_refused_and_its_topic_cleared(tmp_path: Path) -> None:
    check = precheck(tmp_path)
    body = {"v": 1, "request_id": "t9", "service": "A", "guest": {"name": "Siti Aminah"}}
    verdict = check.kiosk("k1", contract.encode(body), retained=True)
    assert error_of(verdict)["code"] == "retained" and verdict.clear == "antre/pst/kiosk/k1/request"
    assert json.loads(verdict.reply.payload)["request_id"] == "t9"
    command = check.counter("1", b"next", retained=True)
    assert error_of(command)["code"] == "retained" and command.clear == "antre/pst/counter/1/cmd"
    # The empty message that cleared it comes back retained: dropped, nothing to answer or clear.
    for cleared in (check.kiosk("k1", b"", retained=True), check.counter("1", b"", retained=True)):
        assert not cleared.admit and cleared.reply is None and not cleared.clear
    assert check.kiosk("k1", contract.encode(body)).clear == ""


def test_lookups_are_throttled_per_kiosk_with_the_seconds_to_wait(tmp_path: Path) -> None:
    check, clock = precheck(tmp_path), Clock()
    check.throttles["lookup"] = throttle.lookups(clock)
    verdicts = [ask(check, "k1", {**LOOKUP, "request_id": f"l{n}"}) for n in range(5)]
    assert [v.admit for v in verdicts] == [True, True, True, False, False]
    refused = error_of(verdicts[3])
    assert refused["code"] == "too_many_requests" and refused["retry_after_s"] == 20
    assert ask(check, "k2", LOOKUP).admit  # another kiosk's visitor is not held up
    assert ask(check, "k1", TICKET).admit  # nor this kiosk's tickets
    clock.now += 20
    assert ask(check, "k1", {**LOOKUP, "request_id": "l5"}).admit
    assert not ask(check, "k1", {**LOOKUP, "request_id": "l6"}).admit


def test_ticket_issues_are_throttled_per_kiosk(tmp_path: Path) -> None:
    check, clock = precheck(tmp_path), Clock()
    check.throttles["ticket"] = throttle.tickets(clock)
    admitted = sum(ask(check, "k1", {**TICKET, "request_id": f"t{n}"}).admit for n in range(100))
    assert admitted == 10
    assert error_of(ask(check, "k1", {**TICKET, "request_id": "t100"}))["retry_after_s"] == 3
    clock.now += 3
    assert ask(check, "k1", {**TICKET, "request_id": "t100"}).admit


def test_the_site_wide_cap_holds_lookups_from_many_ids() -> None:
    clock = Clock()
    limit = throttle.lookups(clock)
    results = [limit.take(f"made-up-{n}") for n in range(100)]
    assert results.count(None) == throttle.LOOKUP_SITE.burst
    assert results[-1] == 2  # the site bucket refills one every 2 s
    clock.now += 2
    assert limit.take("made-up-0") is None


@pytest.mark.parametrize("rate", [throttle.LOOKUP_PER_KIOSK, throttle.TICKET_PER_KIOSK])
def test_a_full_bucket_forgotten_is_the_same_as_a_new_one(rate: throttle.Rate) -> None:
    clock = Clock()
    limit = throttle.Throttle(rate, throttle.Rate(10**6, 10**6), clock)
    for n in range(throttle.MAX_BUCKETS):
        limit.take(f"id-{n}")
    clock.now += rate.period_s * rate.burst  # every bucket full again
    assert limit.take("newcomer") is None
    assert len(limit._senders) == 1  # the full ones were forgotten, the table stays bounded


def test_a_retry_of_an_admitted_request_costs_no_token(tmp_path: Path) -> None:
    """A kiosk resends while the hub is down; the broker queues every attempt: the repeats are
    answered from the hub's record, so they must not use up the visitor's tickets."""
    check, clock = precheck(tmp_path), Clock()
    check.throttles["ticket"] = throttle.tickets(clock)
    for _ in range(30):
        assert ask(check, "k1", TICKET).admit
    admitted = sum(ask(check, "k1", {**TICKET, "request_id": f"t{n}"}).admit for n in range(2, 30))
    assert admitted == 9  # the first id took one token of 10
