"""The REAL kiosk app, driven offscreen with simulated touches and keystrokes. Each scenario runs in
its own process (``kiosk_driver``: ``App.run()`` works once per process) with recording fakes for
the hub and the printer; screenshots of every checkpoint land in ``artifacts/kiosk/``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.kiosk.scenarios import GUEST
from tests.support import FULL_MATRIX, full_matrix_only

pytestmark = pytest.mark.e2e  # the real kiosk app in a subprocess (tests.kiosk.kiosk_driver)
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("ANTRE_ARTIFACTS", REPO / "artifacts")) / "kiosk"
SIZES = ("1280x800", "1920x1080", "1080x1920")
RED = [0.75, 0.11, 0.11, 1.0]
TOUR_SCREENS = 25


def kivy_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIVY_")}
    env.update(
        SDL_VIDEODRIVER="offscreen",  # a real GL window, drawn off screen (not KIVY_GL_BACKEND=mock)
        KIVY_NO_ARGS="1",
        KIVY_HOME=str(tmp_path / "kivy-home"),
        PYTHONPATH=str(REPO),
    )
    return env


def run_app(
    tmp_path: Path,
    scenario: str,
    size: str = "1280x800",
    lang: str = "id",
    out: Path | None = None,
    timeout: float = 100,
) -> dict[str, Any]:
    out = out or ARTIFACTS / "scenarios" / scenario
    result_path = out / "result.json"
    result_path.unlink(missing_ok=True)
    command = [sys.executable, "-m", "tests.kiosk.kiosk_driver", scenario, str(out), "--size", size]
    env = kivy_env(tmp_path)
    proc = subprocess.run(
        [*command, "--lang", lang], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result_path.exists(), f"no result from the driver (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
    result: dict[str, Any] = json.loads(result_path.read_text())
    assert result["ok"], f"{result.get('error')}\n{proc.stderr[-2000:]}"
    assert result["layout_problems"] == [], "text cut, outside the window or overlapping"
    return result


def errors(record: dict[str, Any]) -> dict[str, str]:
    return {name: field["error"] for name, field in record["fields"].items() if field["error"]}


def test_whole_flow_to_a_ticket(tmp_path: Path) -> None:
    result = run_app(tmp_path, "flow")
    records = result["records"]
    assert records["keyboards"] == {
        "name": "text",
        "id_number": "numeric",
        "email": "email",
        "phone": "phone",
        "institution": "text",
        "purpose": "text",
    }
    assert records["consent"]["texts"]["agree"] == "Saya setuju, ambil nomor"
    ticket = records["ticket"]["texts"]
    assert ticket["code"] == "A-001"
    assert ticket["ahead"] == "3 orang menunggu sebelum Anda"
    assert ticket["wait"] == "Perkiraan waktu tunggu sekitar 21 menit"  # 3 ahead x 7 minutes
    assert ticket["message"].startswith("Silakan ambil tiket Anda")
    ((request_id, service, guest),) = result["hub"]["issue_calls"]
    assert service == "A" and request_id
    assert guest == {
        "name": "Siti Aminah",
        "id_type": "ktp",
        "id_number": "1808014101900001",
        "email": "siti@example.id",
        "phone": "081234567890",
        "institution": "Universitas Lampung",
        "purpose": "Data IPM kecamatan 2025",
        "consent": True,
    }
    assert result["hub"]["threads"] == ["kiosk-io"]  # the hub was asked off the UI thread
    (printed,) = result["printer"]["printed"]
    assert printed["code"] == "A-001" and printed["estimated_wait_min"] == 21
    assert printed["issued_at"].endswith("+07:00")


def test_every_validation_error_shows_on_its_field_in_red(tmp_path: Path) -> None:
    records = run_app(tmp_path, "validation")["records"]
    required = records["required"]
    assert errors(required) == {
        "name": "Wajib diisi.",
        "id_number": "Wajib diisi.",
        "email": "Wajib diisi.",
        "purpose": "Wajib diisi.",
    }
    assert all(required["fields"][f]["error_color"] == RED for f in errors(required))
    assert all(required["fields"][f]["has_error"] for f in errors(required))
    assert not required["fields"]["phone"]["has_error"]
    assert required["texts"]["summary"] == "Ada isian yang perlu diperbaiki (lihat tulisan merah)."
    assert errors(records["invalid"]) == {
        "id_number": "NIK tidak valid. Periksa lagi angkanya sesuai KTP Anda.",
        "email": "Alamat email tidak valid. Contoh: nama@gmail.com",
        "phone": "Nomor HP hanya angka, 8 sampai 15 digit. Contoh: 081234567890",
    }
    assert errors(records["nik_length"])["id_number"] == "NIK harus 16 angka."
    assert errors(records["fixed"]) == {}
    assert records["fixed"]["texts"]["summary"] == ""


def test_printer_out_of_paper_stops_before_the_hub(tmp_path: Path) -> None:
    result = run_app(tmp_path, "printer_out")
    problem = result["records"]["problem"]
    assert problem["screen"] == "problem"
    assert problem["texts"]["what"] == "Kertas printer tiket habis."
    todo = problem["texts"]["todo"]
    assert "meja depan" in todo and "Petugas sudah diberi tahu." in todo
    assert result["records"]["issue_calls_at_notice"] == 0  # no number taken that cannot be printed
    assert result["hub"]["reports"] == ["paper_out", None]  # staff alerted, then told it is fixed
    assert result["records"]["ticket"]["texts"]["code"] == "A-001"


def test_print_failure_after_issue_shows_the_code_and_reprints_it(tmp_path: Path) -> None:
    result = run_app(tmp_path, "print_failure")
    unprinted = result["records"]["unprinted"]["texts"]
    assert unprinted["code"] == "A-001"
    assert unprinted["message"].startswith("Tiket tidak dapat dicetak")
    assert unprinted["reprint"] == "Cetak ulang"
    assert result["records"]["reprinted"]["texts"]["message"].startswith("Silakan ambil tiket Anda")
    assert result["printer"]["attempts"] == ["A-001", "A-001"]  # the same code, printed again
    assert len(result["hub"]["issue_calls"]) == 1
    assert result["hub"]["reports"] == ["paper_out", None]


def test_hub_timeout_is_explained_and_retried_with_the_same_request_id(tmp_path: Path) -> None:
    result = run_app(tmp_path, "hub_timeout")
    texts = result["records"]["problem"]["texts"]
    assert texts["what"] == "Sistem antrean tidak menjawab. Silakan coba lagi sebentar lagi."
    assert texts["todo"] == "Bila tetap gagal, silakan menuju meja depan."
    first, second = result["hub"]["issue_calls"]
    assert first[0] == second[0]
    assert result["records"]["ticket"]["texts"]["code"] == "A-001"


@pytest.mark.parametrize(
    ("scenario", "lang", "what"),
    [
        (
            "hub_busy",
            "id",
            "Sistem antrean sedang melayani banyak permintaan. Silakan coba lagi sebentar lagi.",
        ),
        # The other language of each answer in the full matrix: the words themselves are checked
        # in both languages by the catalogue tests, the app's handling is the same.
        pytest.param(
            "hub_busy",
            "en",
            "The queue system is handling many requests. Please try again in a moment.",
            marks=full_matrix_only(),
        ),
        pytest.param(
            "hub_internal_error",
            "id",
            "Sistem antrean mengalami gangguan; permintaan Anda belum diproses. Silakan coba lagi.",
            marks=full_matrix_only(),
        ),
        (
            "hub_internal_error",
            "en",
            "The queue system had a problem; your request was not processed. Please try again.",
        ),
    ],
)
def test_a_busy_or_failing_hub_is_told_in_words_and_tried_again_with_the_same_request_id(
    tmp_path: Path, scenario: str, lang: str, what: str
) -> None:
    result = run_app(tmp_path, scenario, lang=lang, out=ARTIFACTS / "scenarios" / f"{scenario}_{lang}")
    texts = result["records"]["problem"]["texts"]
    assert texts["what"] == what
    assert texts["retry"] == ("Coba lagi" if lang == "id" else "Try again")
    first, second = result["hub"]["issue_calls"]
    assert first[0] == second[0]
    assert result["records"]["ticket"]["texts"]["code"] == "A-001"


def test_language_switch(tmp_path: Path) -> None:
    records = run_app(tmp_path, "language")["records"]
    assert records["welcome_id"]["texts"]["language"] == "English"
    assert records["welcome_en"]["texts"]["language"] == "Bahasa Indonesia"
    assert records["welcome_en"]["language"] == "en"
    assert errors(records["form_en"])["name"] == "Please fill this in."
    assert records["form_en"]["texts"]["next"] == "Next"
    assert errors(records["form_id"])["name"] == "Wajib diisi."


def test_idle_for_60_seconds_returns_to_welcome_and_forgets(tmp_path: Path) -> None:
    records = run_app(tmp_path, "idle")["records"]
    assert records["before_timeout"]["screen"] == "form"
    assert records["before_timeout"]["fields"]["name"]["text"] == "Siti Aminah"
    assert records["after_timeout"]["screen"] == "welcome"
    assert records["form_again"]["fields"]["name"]["text"] == ""


def test_returning_visitor_sends_only_a_ref(tmp_path: Path) -> None:
    result = run_app(tmp_path, "returning")
    assert result["records"]["lookup_keyboard"] == "numeric"
    assert [call[1:] for call in result["hub"]["lookup_calls"]] == [["1808014101900001", ""]]
    texts = result["records"]["prefill"]["texts"]
    assert texts["welcome_back"] == "Selamat datang kembali, S."  # nothing else of their data
    assert set(result["records"]["prefill"]["fields"]) == {"purpose"}  # the one thing to type
    ((_, _, guest),) = result["hub"]["issue_calls"]
    assert guest == {"ref": "ref-5f2c9a7e", "purpose": "Data kemiskinan", "consent": True}


# CI: the kiosk's own shape (portrait) in Indonesian and the landscape in English (the longer
# labels); every shape in both languages when the whole matrix runs (tests.support.FULL_MATRIX).
TOUR = [
    (size, lang)
    for size in SIZES
    for lang in ("id", "en")
    if FULL_MATRIX or (size, lang) in {("1080x1920", "id"), ("1920x1080", "en")}
]


@pytest.mark.parametrize("size, lang", TOUR, ids=[f"{size}-{lang}" for size, lang in TOUR])
def test_every_screen_fits_and_is_saved(tmp_path: Path, size: str, lang: str) -> None:
    out = ARTIFACTS / size / lang
    result = run_app(tmp_path, "tour", size=size, lang=lang, out=out, timeout=270)  # 25 screens
    shots = sorted(p.name for p in out.glob("[0-9][0-9]_*.png"))
    assert len(shots) == TOUR_SCREENS, shots
    assert result["records"]["13_ticket"]["texts"]["code"] == "A-001"
    assert result["records"]["01_welcome"]["language"] == lang
    # The priority lane (17-25): the request asks for it with the category chosen.
    records = result["records"]
    lanes = result["hub"]["issue_lanes"]
    assert lanes[-1] == {"priority": True, "category": "lansia"}
    assert {lane["priority"] for lane in lanes[:-1]} == {False}
    mark = "Layanan prioritas" if lang == "id" else "Priority service"
    assert records["25_ticket_priority"]["texts"]["priority"] == mark
    assert records["13_ticket"]["texts"]["priority"] == ""
    assert result["printer"]["printed"][-1]["priority"] is True
    # "Aa" (19-24): larger text on every screen until the visitor turns it off.
    assert [name for name, r in records.items() if r["large_text"]] == [
        "19_welcome_large", "20_priority_large", "21_form_large_keyboard", "22_form_large",
        "23_consent_large", "24_ticket_large",
    ]  # fmt: skip
    # The spoken guide, on from 19 to 24: each screen's question, never what the visitor typed.
    spoken = result["spoken"]
    assert [language for language, _ in spoken[:-1]] == [lang] * (len(spoken) - 1)
    assert spoken[-1] == ["stop", ""]
    said = " ".join(text for _, text in spoken)
    assert ("prioritas" if lang == "id" else "priority") in spoken[0][1].lower()
    assert all(value not in said for value in GUEST.values())


def test_main_takes_its_ports_from_a_factory_and_writes_a_screenshot(tmp_path: Path) -> None:
    png = tmp_path / "welcome.png"
    code = (
        "import sys; from kiosk.app import main; from tests.kiosk.fakes import FakeHub, FakePrinter; "
        f"sys.exit(main(['--screenshot', {str(png)!r}, '--size', '1280x800', '--lang', 'en'], "
        "ports=lambda settings, kiosk_id: (FakeHub(), FakePrinter())))"
    )
    env = {**kivy_env(tmp_path), "ANTRE_CONFIG": str(tmp_path / "none.toml")}
    (tmp_path / "none.toml").write_text('office_name = "BPS Kabupaten Tulang Bawang"\n')
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_main_explains_missing_ports(tmp_path: Path) -> None:
    code = (
        "import sys; from kiosk.app import main, PortsUnavailable\n"
        "def broken(settings, kiosk_id):\n"
        "    raise PortsUnavailable('the kiosk hub client (kiosk.touch.hub_client) cannot be loaded: gone')\n"
        "sys.exit(main([], ports=broken))"
    )
    env = {**kivy_env(tmp_path), "ANTRE_CONFIG": str(tmp_path / "none.toml")}
    (tmp_path / "none.toml").write_text("")
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "antre kiosk: the kiosk hub client (kiosk.touch.hub_client) cannot be loaded" in proc.stderr


@pytest.mark.parametrize("size", ["1080x1920", "1920x1080"])
def test_the_closed_welcome_screen(tmp_path: Path, size: str) -> None:
    """Friday 4 Dec 2026 16:30 WIB with the PST's hours: closed until Monday 7 Dec, 08:00; no
    service button, and choosing a service issues nothing."""
    result = run_app(tmp_path, "closed", size=size, out=ARTIFACTS / "closed" / size)
    texts = result["records"]["closed"]["texts"]
    assert texts["closed_title"] == "Layanan tutup"
    assert texts["closed_when"] == "Buka kembali Senin, 7 Desember 2026 pukul 08.00 WIB"
    assert result["records"]["after_choosing"]["screen"] == "welcome"
    assert result["hub"]["issue_calls"] == []
