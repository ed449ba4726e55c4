"""The kiosk's services from the hub's ``site/services``: the buttons offered (a service added or
switched off on the console), the English names; the TOML's until the first message arrives."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.options import KioskOptions
from kiosk.viewmodel import KioskViewModel
from shared.config import settings_from_mapping
from shared.contract import catalogue
from shared.contract import topics as contract
from shared.domain.queue import Service
from tests.kiosk.fakes import FakeHub, FakePrinter


def _found(*services: tuple[str, str, str, bool]) -> catalogue.SiteServices:
    body = catalogue.site_services(
        services, [("1", "Meja 1", [s[0] for s in services])], datetime(2026, 12, 7, tzinfo=UTC)
    )
    return catalogue.parse_site_services(contract.encode(body))


def test_the_hub_s_services_replace_the_toml_s_and_a_switched_off_one_has_no_button() -> None:
    settings = settings_from_mapping(
        {"services": [{"prefix": "A", "name": "Konsultasi Statistik", "name_en": "Statistical Consultation"}]}
    )
    options = KioskOptions.from_settings(settings)
    assert options.service_name("A", "en") == "Statistical Consultation"
    assert options.service_name("A") == "Konsultasi Statistik"
    vm = KioskViewModel(options, FakeHub(), FakePrinter())
    told: list[int] = []
    vm.subscribe(lambda: told.append(vm.services_rev))
    vm.use_services(_found(("A", "Konsultasi Statistik", "Statistical Consultation", True),
                           ("B", "Perpustakaan", "Library", False),
                           ("C", "Rekomendasi Statistik", "Recommendation", True)))  # fmt: skip
    assert vm.options.services == (
        Service("A", "Konsultasi Statistik"),
        Service("C", "Rekomendasi Statistik"),
    )
    assert vm.options.service_name("C", "en") == "Recommendation" and told == [1]
    vm.choose_service("C")  # a button of the new service works
    vm.use_services(_found(("A", "Konsultasi Statistik", "Statistical Consultation", True),
                           ("C", "Rekomendasi Statistik", "Recommendation", True)))  # fmt: skip
    assert told[-1] == 1  # the same offer again: no rebuild
