"""Every request that carries a request_id gets an answer, whatever happens inside the hub: an
exception nobody foresaw becomes ``internal_error``, logged once with its traceback, and the next
command is applied as usual (issue 14: such a request used to go unanswered forever)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broker.hub import handlers
from broker.hub.commands import Hub
from shared.config import Settings
from shared.contract import topics as contract
from shared.store.book_repository import BookRepository
from shared.store.db import make_engine, upgrade


@pytest.fixture
def hub(tmp_path: Path) -> Hub:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    return Hub(Settings(db_url=url, data_dir=tmp_path), make_engine(url))


def answers(publications, suffix: str = "/response") -> list[dict]:
    return [json.loads(p.payload) for p in publications if p.topic.endswith(suffix)]


def test_a_failure_inside_a_command_is_answered_and_rolled_back(hub: Hub, monkeypatch, caplog) -> None:
    def broken(self, ticket, kiosk_id):  # a bug after the ticket was taken
        raise RuntimeError("surprise")

    monkeypatch.setattr(BookRepository, "set_kiosk", broken)
    with caplog.at_level("ERROR"):
        got = answers(hub.kiosk_request("k1", contract.encode({"request_id": "k1-1", "service": "A"})))
    assert len(got) == 1 and got[0]["request_id"] == "k1-1"
    assert got[0]["error"]["code"] == "internal_error"
    assert caplog.text.count("Traceback") == 1 and "surprise" in caplog.text

    monkeypatch.undo()
    again = answers(hub.kiosk_request("k1", contract.encode({"request_id": "k1-1", "service": "A"})))
    assert again[0]["ticket"] == "A-001", "nothing was stored: the retry takes the first number"


def test_a_failure_outside_the_transaction_is_answered_too(hub: Hub, monkeypatch) -> None:
    def broken(raw: bytes):
        raise ValueError("a parser bug")

    monkeypatch.setattr(handlers.kiosk_requests, "parse_kiosk_request", broken)
    got = answers(hub.kiosk_request("k1", contract.encode({"request_id": "k1-7", "service": "A"})))
    assert got[0]["request_id"] == "k1-7" and got[0]["error"]["code"] == "internal_error"

    monkeypatch.setattr(handlers.contract, "parse_counter_command", broken)
    got = answers(hub.counter_command("1", contract.encode({"action": "next", "request_id": "c-1"})))
    assert got[0]["request_id"] == "c-1" and got[0]["error"]["code"] == "internal_error"
    assert hub.counter_command("1", b"next") == [], "no request id: nobody to answer, and no crash"


def test_a_refused_sleep_while_giving_way_does_not_lose_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under libfaketime the hub's half-millisecond sleep raised EINVAL inside the kiosk handler,
    and that kiosk request was never queued nor answered (the clock-jump test's [-10m] cell)."""
    from broker.hub import process

    calls: list[float] = []

    def refused(seconds: float) -> None:
        calls.append(seconds)
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(process.time, "sleep", refused)
    process.give_way_while(lambda: True)  # returns instead of raising
    assert calls == [process.GIVE_WAY_S]
    monkeypatch.undo()
    waited: list[float] = []
    monkeypatch.setattr(process.time, "sleep", waited.append)
    process.give_way_while(lambda: True)  # a desk command that never gets read: bounded all the same
    assert 0 < sum(waited) <= process.GIVE_WAY_MAX_S + process.GIVE_WAY_S
