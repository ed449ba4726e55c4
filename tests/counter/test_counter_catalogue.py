"""The counter follows the hub's ``site/services``: a service given to its desk on the console's
setup page shows in its waiting list and transfer targets without a restart; one removed goes."""

from __future__ import annotations

from datetime import UTC, datetime

from counter.view import build_view
from shared.contract import catalogue
from shared.contract import topics as contract
from tests.counter.fakes import T0, queue_state
from tests.counter.test_viewmodel import signed_in


def _catalogue(desk_2: list[str], services: tuple[str, ...] = ("A", "B", "C")) -> bytes:
    names = {"A": "Konsultasi Statistik", "B": "Perpustakaan", "C": "Rekomendasi Statistik"}
    body = catalogue.site_services(
        [(p, names[p], names[p], True) for p in services],
        [("1", "Meja 1", ["A"]), ("2", "Loket Dua", desk_2)],
        datetime(2026, 12, 7, 3, tzinfo=UTC),
    )
    return contract.encode(body)


def test_a_service_given_to_the_desk_shows_in_its_list_and_one_removed_goes() -> None:
    vm, *_ = signed_in()
    vm.on_queue_state("C", contract.encode(contract.queue_state("C", "Rekomendasi Statistik", ["C-001"], T0)))
    assert [s.title for s in build_view(vm).sections] == ["A — Konsultasi Statistik", "B — Perpustakaan"]
    vm.on_services(_catalogue(["A", "B", "C"]))
    view = build_view(vm)
    assert vm.options.desk_name == "Loket Dua"
    assert [s.title for s in view.sections][-1] == "C — Rekomendasi Statistik"
    assert [c.code for c in view.sections[-1].chips] == ["C-001"]  # its state was kept before
    assert "C" in {s.prefix for s in vm.transfer_targets()}
    vm.on_queue_state("B", queue_state("B", ["B-001"]))
    vm.on_services(_catalogue(["A"], services=("A", "C")))
    vm.on_queue_state("B", b"")  # the hub clears the removed service's retained state
    assert [s.title for s in build_view(vm).sections] == ["A — Konsultasi Statistik"]
    assert {s.prefix for s in vm.transfer_targets()} == {"A", "C"}
    vm.on_services(b"{not json")
    assert vm.options.desk_name == "Loket Dua"  # a broken catalogue changes nothing
