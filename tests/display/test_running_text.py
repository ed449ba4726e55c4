"""The display's running text from the hub (``display/running_text``, set on the console's setup
page): the real wall display, offscreen, against a real Mosquitto."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from display.options import running_text_from
from shared.contract import topics as contract
from tests.display.runner import DisplayProcess, texts
from tests.support import Probe

TOML_TEXT = "Selamat datang di PST BPS Kabupaten Tulang Bawang · Layanan gratis"


def _payload(text_id: str, text_en: str) -> bytes:
    return contract.encode(contract.running_text(text_id, text_en, datetime(2026, 12, 3, tzinfo=UTC)))


def test_the_text_of_the_displays_language_or_else_the_other() -> None:
    assert running_text_from(_payload("Selamat datang", "Welcome"), "en") == "Welcome"
    assert running_text_from(_payload("Selamat datang", ""), "en") == "Selamat datang"
    assert running_text_from(_payload("Selamat  datang\n", "Welcome"), "id") == "Selamat datang"
    assert running_text_from(b"not json", "id") is None
    assert running_text_from(json.dumps({"v": 1, "id": 3, "en": ""}).encode(), "id") is None


@pytest.mark.e2e
@pytest.mark.timeout(300)
def test_a_new_running_text_replaces_the_tomls_on_the_wall(tmp_path: Path, broker) -> None:
    screen = DisplayProcess(tmp_path / "display", broker.url, (1366, 768), "1366x768-running-text",
                            {"voice": False})  # fmt: skip
    screen.workdir.mkdir(parents=True)
    screen.start()
    probe = Probe(broker.port)
    try:
        screen.wait_tree(lambda t: texts(t, "marquee") == [TOML_TEXT], 60, "the TOML's running text")
        topic = probe.t("display/running_text")
        probe.client.publish(topic, _payload("Kantor tutup 24 Desember", "Closed"), qos=1, retain=True)
        screen.wait_tree(lambda t: texts(t, "marquee") == ["Kantor tutup 24 Desember"], 60, "the hub's text")
    finally:
        probe.close()
        screen.stop()
