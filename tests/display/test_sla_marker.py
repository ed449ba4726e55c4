"""The 10-minute standard on the wall, discreetly: how many waiting visitors are past it."""

from __future__ import annotations

from datetime import UTC, datetime

from display.viewmodel import DisplayViewModel
from shared.contract import topics as contract

AT = datetime(2026, 11, 24, 2, 15, tzinfo=UTC)


def _state(levels: list[str | None]) -> bytes:
    codes = [f"A-{n:03d}" for n in range(1, len(levels) + 1)]
    clocks = [
        contract.waiting_clock(code, AT, AT if level else None, level)
        for code, level in zip(codes, levels, strict=True)
    ]
    return contract.encode(contract.queue_state("A", "Konsultasi Statistik", codes, AT, clocks=clocks))


def test_the_waiting_count_carries_how_many_are_past_the_standard() -> None:
    model = DisplayViewModel("antre-hub-pst")
    model.on_queue_state("A", _state(["breach", "warning", None, None]))
    [service] = model.waiting
    assert (service.count, service.late, service.near) == (4, 1, 1)
    assert model.text("waiting_late", count=service.count, late=service.late) == "4 orang · 1 > 10 mnt"
    model.on_queue_state("A", _state([None, None]))
    assert model.waiting[0].late == 0


def test_an_old_hub_without_clocks_still_shows_the_count() -> None:
    model = DisplayViewModel("antre-hub-pst")
    old = contract.encode({"service": "A", "name": "Konsultasi Statistik", "waiting": ["A-001"], "count": 1,
                           "updated_at": "2026-11-24T09:15:00+07:00"})  # fmt: skip
    model.on_queue_state("A", old)
    assert (model.waiting[0].count, model.waiting[0].late) == (1, 0)
